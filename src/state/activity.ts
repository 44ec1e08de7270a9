import { create } from 'zustand';

/** One long-running operation shown with a progress bar and a cancel button. */
export interface Activity {
  id: string;
  label: string;
  done: number;
  total: number;
  /** Unit of done/total: bytes are shown as MB, items as counts. */
  unit: 'bytes' | 'items';
  cancel: (() => void) | null;
}

/** A message shown in an alert (role="alert") until dismissed. */
export interface Alert {
  id: number;
  message: string;
}

/** Transient UI feedback: progress of running work and alerts. Not user intent, not results. */
interface ActivityState {
  activities: Activity[];
  alerts: Alert[];
  start(a: Omit<Activity, 'done' | 'total'> & Partial<Pick<Activity, 'done' | 'total'>>): void;
  update(id: string, done: number, total: number, label?: string): void;
  finish(id: string): void;
  alert(message: string): void;
  dismiss(id: number): void;
  clearAlerts(): void;
}

let nextAlert = 1;

/** The activity store. */
export const useActivity = create<ActivityState>((set) => ({
  activities: [],
  alerts: [],
  start: (a) =>
    set((s) => ({
      activities: [...s.activities.filter((x) => x.id !== a.id), { done: 0, total: 0, ...a }],
    })),
  update: (id, done, total, label) =>
    set((s) => ({
      activities: s.activities.map((x) => (x.id === id ? { ...x, done, total, label: label ?? x.label } : x)),
    })),
  finish: (id) => set((s) => ({ activities: s.activities.filter((x) => x.id !== id) })),
  alert: (message) =>
    set((s) =>
      // the same message twice in a row is one alert, not a stack of identical ones
      s.alerts.some((a) => a.message === message) ? s : { alerts: [...s.alerts, { id: nextAlert++, message }] },
    ),
  dismiss: (id) => set((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) })),
  clearAlerts: () => set({ alerts: [] }),
}));

/** Turns any thrown value (including comlink-forwarded errors, which lose their class) into text. */
export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/** True for cancellations, which are not errors to show. Branches on name: comlink drops classes. */
export function isAbort(e: unknown): boolean {
  return !!e && typeof e === 'object' && (e as { name?: string }).name === 'AbortError';
}
