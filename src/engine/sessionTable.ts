/** What the table needs of an opened vindex. */
export interface Closable {
  /** Releases everything: resident layers, caches, workers, open files. The entry is unusable after. */
  close(): void;
  /** Drops resident memory (decoded layers) but stays usable: what a vindex no longer shown keeps. */
  releaseMemory(): void;
}

interface Slot<E> {
  entry: E;
  keys: Set<string>;
  /** Operations running on it: a busy entry is never closed under them. */
  busy: number;
  /** Taken out of the table (evicted or replaced): closed as soon as it is no longer busy. */
  retired: boolean;
}

/**
 * The engine's opened vindexes by key (a vindex may have several: its source key and the permalink src
 * it was opened from), least recently used first. Why a bound: the map was never pruned, so opening
 * four 32 MB vindexes one after another grew the worker 65 → 261 MB and it stayed there (issue 12.2).
 *
 * At most `maxOpen` entries stay open; beyond that the least recently used one that is neither shown
 * (the page's A and B) nor busy is closed. Entries the page no longer shows release their resident
 * memory at once, so switching away from a large vindex frees its decoded gate layers even while it
 * stays open for a quick return.
 */
export class SessionTable<E extends Closable> {
  private readonly byKey = new Map<string, Slot<E>>();
  /** Open slots, least recently used first. */
  private lru: Slot<E>[] = [];
  private shownKeys: Set<string> | null = null;

  constructor(private readonly maxOpen = 3) {}

  /** Number of open entries. */
  get size(): number {
    return this.lru.length;
  }

  /** Adds an entry under its keys; an entry already under one of them is replaced (and closed when idle). */
  add(keys: string[], entry: E): void {
    const slot: Slot<E> = { entry, keys: new Set(keys), busy: 0, retired: false };
    for (const k of keys) {
      const old = this.byKey.get(k);
      if (old) {
        old.keys.delete(k);
        if (old.keys.size === 0) this.retire(old);
      }
      this.byKey.set(k, slot);
    }
    this.lru.push(slot);
    this.prune();
  }

  /** The entry of `key` (marked most recently used), or the error the page knows how to handle. */
  get(key: string): E {
    return this.slot(key).entry;
  }

  /** Runs `work` with the entries of `keys` held open (not evicted, not closed) until it settles. */
  async hold<T>(keys: string[], work: (entries: E[]) => Promise<T>): Promise<T> {
    const slots = keys.map((k) => this.slot(k));
    for (const s of slots) s.busy++;
    try {
      return await work(slots.map((s) => s.entry));
    } finally {
      for (const s of slots) {
        s.busy--;
        if (s.retired && s.busy === 0) s.entry.close();
      }
      this.prune();
    }
  }

  /**
   * The keys the page shows (A, and B in compare mode). Every other entry releases its resident
   * memory now; shown entries are never evicted.
   */
  shown(keys: string[]): void {
    this.shownKeys = new Set(keys);
    for (const s of this.lru) if (!this.isShown(s)) s.entry.releaseMemory();
    this.prune();
  }

  /** True when no operation runs on any entry. */
  idle(): boolean {
    return this.lru.every((s) => s.busy === 0);
  }

  /** Calls `fn` on every open entry. */
  forEach(fn: (entry: E) => void): void {
    for (const s of this.lru) fn(s.entry);
  }

  /** Closes every entry (idle ones now, busy ones when their operations end). */
  closeAll(): void {
    for (const s of [...this.lru]) this.retire(s);
  }

  private isShown(s: Slot<E>): boolean {
    if (!this.shownKeys) return false;
    for (const k of s.keys) if (this.shownKeys.has(k)) return true;
    return false;
  }

  private slot(key: string): Slot<E> {
    const s = this.byKey.get(key);
    if (!s) throw new Error(`No open vindex with key ${key}; open it again`);
    this.lru = this.lru.filter((x) => x !== s);
    this.lru.push(s);
    return s;
  }

  private prune(): void {
    // the most recently used entry (the one just opened) is never the one closed
    for (let i = 0; this.lru.length > this.maxOpen && i < this.lru.length - 1; ) {
      const s = this.lru[i];
      if (s.busy > 0 || this.isShown(s)) i++;
      else this.retire(s);
    }
  }

  private retire(s: Slot<E>): void {
    if (s.retired) return;
    s.retired = true;
    for (const k of s.keys) if (this.byKey.get(k) === s) this.byKey.delete(k);
    this.lru = this.lru.filter((x) => x !== s);
    if (s.busy === 0) s.entry.close();
  }
}
