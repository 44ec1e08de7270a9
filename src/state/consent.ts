import { create } from 'zustand';
import type { OpenedVindex } from '../engine/types';

/** Above this total size, a phone asks before the first large download of a vindex. */
export const PHONE_ASK_BYTES = 100 * 1000 * 1000;

/**
 * True on a phone: a touch screen in a narrow viewport. (Touch laptops and tablets are wider; a narrow
 * desktop window has a fine pointer.) Evaluated when asked, so a rotated phone is still a phone.
 */
export function isPhone(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse) and (max-width: 700px)').matches;
}

/** Total bytes of an opened vindex's files. */
export function vindexBytes(v: OpenedVindex): number {
  return v.files.reduce((a, f) => a + f.size, 0);
}

/** Vindexes (by source key) the user agreed to download parts of on this device, this session. */
export const useConsent = create<{ allowed: Record<string, true>; allow(key: string): void }>((set) => ({
  allowed: {},
  allow: (key) => set((s) => ({ allowed: { ...s.allowed, [key]: true } })),
}));

/** Whether large reads of this vindex may start without asking (always, except on a phone for a big vindex). */
export function useDownloadAllowed(v: OpenedVindex): boolean {
  const allowed = useConsent((s) => !!s.allowed[v.location.key]);
  return allowed || v.location.kind === 'local' || !isPhone() || vindexBytes(v) <= PHONE_ASK_BYTES;
}
