import { formatBytes } from './ByteSource';
import type { StoreBackend, StoreLocks } from './storeBackend';
import { StoredFile } from './storedFile';
import { decodeIndex, presentBytes, type StoreIndex } from './storeIndex';

/** Which remote bytes a stored file holds: the vindex (its key pins the Hub commit), the file, and its identity. */
export interface FileIdentity {
  vindex: string;
  name: string;
  size: number;
  /** Hub LFS sha256, or a static host's ETag / Last-Modified ("" when the host gives none). */
  identity: string;
}

/** What the store holds for one vindex (Settings lists these). */
export interface StoredVindex {
  vindex: string;
  bytes: number;
  files: number;
  lastUsed: number;
}

/** Share of the origin's quota the store fills by default. */
const DEFAULT_QUOTA_SHARE = 0.5;
/** Share of the quota a limit set by the user is capped at (the app keeps other caches too). */
const MAX_QUOTA_SHARE = 0.8;

/** A filesystem-safe, collision-resistant name for (vindex, file): readable tail plus FNV-1a 2×32 bits. */
export function storeName(vindex: string, name: string): string {
  const key = `${vindex}\n${name}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h1 = Math.imul(h1 ^ key.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ key.charCodeAt(i), 2246822519) >>> 0;
  }
  return `${name.replace(/[^\w.-]+/g, '_').slice(-40)}-${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

/**
 * The persistent store: one sparse local file per remote file plus a small index record each
 * (src/io/storeIndex.ts), over a StoreBackend (OPFS, or memory in tests). Files of any size are kept,
 * within a limit (default half of the origin's quota); past it the least recently used files of other
 * vindexes are emptied. Writers of one file are serialised across tabs and workers by a Web Lock.
 */
export class PersistentStore {
  private userLimit: number | null = null;
  private quota: { at: number; quota: number } | null = null;
  /** Bytes present across all files, as last counted plus this context's writes since. */
  private total: number | null = null;
  private readonly open = new Set<StoredFile>();

  constructor(readonly backend: StoreBackend, readonly locks: StoreLocks) {}

  /** Sets the user's limit in bytes (0 turns writing off; null = the default share of the quota). */
  setLimit(bytes: number | null): void {
    this.userLimit = bytes;
  }

  /** The limit in force: the user's (capped at 80% of the quota) or half of the quota; 2 GiB when the quota is unknown. */
  async limit(): Promise<number> {
    const now = Date.now();
    if (!this.quota || now - this.quota.at > 10_000) {
      const e = await this.backend.estimate().catch(() => null);
      this.quota = { at: now, quota: e?.quota ?? 0 };
    }
    const q = this.quota.quota;
    if (this.userLimit !== null) return q > 0 ? Math.min(this.userLimit, MAX_QUOTA_SHARE * q) : this.userLimit;
    return q > 0 ? Math.floor(DEFAULT_QUOTA_SHARE * q) : 2 * 1024 ** 3;
  }

  /** Whether the user left the limit to the default share of the quota. */
  limitIsAutomatic(): boolean {
    return this.userLimit === null;
  }

  /**
   * Opens the stored copy of one remote file, checking its identity: when the remote bytes changed since
   * they were cached (another ETag, size or LFS sha256), the stored bytes are discarded and `notice` says so.
   */
  async file(id: FileIdentity): Promise<{ file: StoredFile; notice: string | null }> {
    const f = new StoredFile(this, id, storeName(id.vindex, id.name));
    const notice = await f.openAndRevalidate();
    this.open.add(f);
    return { file: f, notice };
  }

  /** Called by a StoredFile when it is closed. */
  forget(f: StoredFile): void {
    this.open.delete(f);
  }

  /** Every index record, parsed (unreadable ones are skipped). */
  async indexes(): Promise<{ name: string; index: StoreIndex }[]> {
    const names = await this.backend.listIndexes();
    const out: { name: string; index: StoreIndex }[] = [];
    for (const name of names) {
      const index = decodeIndex(await this.backend.loadIndex(name).catch(() => null));
      if (index) out.push({ name, index });
    }
    return out;
  }

  /** Bytes stored per vindex, most recently used first, and in total. */
  async usage(): Promise<{ bytes: number; files: number; vindexes: StoredVindex[] }> {
    const by = new Map<string, StoredVindex>();
    let bytes = 0;
    let files = 0;
    for (const { index } of await this.indexes()) {
      const n = presentBytes(index);
      if (n === 0) continue;
      const v = by.get(index.vindex) ?? { vindex: index.vindex, bytes: 0, files: 0, lastUsed: 0 };
      v.bytes += n;
      v.files++;
      v.lastUsed = Math.max(v.lastUsed, index.lastUsed);
      by.set(index.vindex, v);
      bytes += n;
      files++;
    }
    this.total = bytes;
    return { bytes, files, vindexes: [...by.values()].sort((a, b) => b.lastUsed - a.lastUsed) };
  }

  /** Deletes the stored files of one vindex, or of all when `vindex` is omitted. */
  async clear(vindex?: string): Promise<void> {
    for (const { name, index } of await this.indexes().catch(() => [])) {
      if (vindex !== undefined && index.vindex !== vindex) continue;
      await this.locks.request(`vindex-store:${name}`, {}, () => this.backend.remove(name).catch(() => undefined));
    }
    this.total = null;
  }

  /**
   * Makes room for `n` more bytes of `self`: true when they fit under the limit, after emptying the least
   * recently used files of other vindexes if needed; false when they cannot fit (writing stops).
   */
  async reserve(self: StoredFile, n: number): Promise<boolean> {
    const limit = await this.limit();
    if (limit <= 0) return false;
    if (this.total === null) this.total = (await this.usage()).bytes;
    if (this.total + n <= limit) {
      this.total += n;
      return true;
    }
    const all = await this.indexes();
    let total = all.reduce((a, x) => a + presentBytes(x.index), 0);
    const victims = all
      .filter((x) => x.index.vindex !== self.id.vindex && presentBytes(x.index) > 0)
      .sort((a, b) => a.index.lastUsed - b.index.lastUsed);
    for (const v of victims) {
      if (total + n <= limit) break;
      // ifAvailable: a file being written elsewhere is skipped (waiting here, under our own lock, could deadlock)
      const freed = await this.locks.request(`vindex-store:${v.name}`, { ifAvailable: true }, async (lock) => {
        if (!lock) return 0;
        await this.backend.remove(v.name);
        return presentBytes(v.index);
      }).catch(() => 0);
      total -= freed;
    }
    this.total = total;
    if (total + n > limit) return false;
    this.total += n;
    return true;
  }

  /** The message for writes stopped by the limit. */
  async limitMessage(): Promise<string> {
    return `the persistent cache is full (limit ${formatBytes(await this.limit())}); further bytes are not cached (Settings → Persistent cache limit)`;
  }

  /** Closes every stored file opened through this store (their handles and pending writes). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((f) => f.close()));
  }
}
