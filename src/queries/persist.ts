import { createAsyncStoragePersister } from '@tanstack/query-async-storage-persister';
import type { PersistQueryClientOptions } from '@tanstack/react-query-persist-client';
import { get, set, del } from 'idb-keyval';
import type { OpenedVindex } from '../engine/types';

/**
 * Results kept across reloads: the computed panels, each of which can cost a full pass over
 * embeddings.bin. Score grids are not kept: they are large, and the gate is re-read from the
 * persistent block cache quickly.
 */
const PERSISTED = new Set(['projection', 'neighbours', 'describe']);

/** How long computed panels are kept (also their gcTime, so they are not dropped before they expire). */
export const PERSIST_MAX_AGE = 7 * 24 * 3600_000;

/**
 * The cache identity of an opened vindex's results: its source key plus a fingerprint of every file's
 * name, size and known hashes, so a folder URL whose files were replaced does not show old results.
 */
export function resultsKey(v: OpenedVindex): string {
  const text = v.location.files
    .map((f) => `${f.name}:${f.size}:${f.lfsSha256 ?? ''}`)
    .sort()
    .join('|');
  let h = 0x811c9dc5; // FNV-1a: a short stable fingerprint, not a security hash
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${v.location.key}#${(h >>> 0).toString(16)}`;
}

// JSON has no NaN or ±Infinity, and projections can hold them (a row with a NaN): keep them as tagged objects.
const replacer = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v);
const reviver = (_k: string, v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $num?: unknown }).$num === 'string'
    ? Number((v as { $num: string }).$num)
    : v;

/** IndexedDB through idb-keyval; a browser without it (some private modes) just keeps nothing. */
const storage = {
  getItem: (k: string) => get<string>(k).catch(() => undefined),
  setItem: (k: string, v: string) => set(k, v).catch(() => undefined),
  removeItem: (k: string) => del(k).catch(() => undefined),
};

/** Options of the PersistQueryClientProvider: which queries are saved, where, and for how long. */
export const persistOptions: Omit<PersistQueryClientOptions, 'queryClient'> = {
  persister: createAsyncStoragePersister({
    storage,
    key: 'vindex-explorer:results',
    throttleTime: 500,
    serialize: (c) => JSON.stringify(c, replacer),
    deserialize: (s) => JSON.parse(s, reviver),
  }),
  maxAge: PERSIST_MAX_AGE,
  buster: 'results-v1',
  dehydrateOptions: {
    shouldDehydrateQuery: (q) => PERSISTED.has(String(q.queryKey[0])) && q.state.status === 'success',
  },
};
