import { formatBytes } from './ByteSource';
import type { FileIdentity, PersistentStore } from './persistentStore';
import type { StoreFile } from './storeBackend';
import { addExtent, clipExtents, decodeIndex, encodeIndex, presentBytes, splitRange, type StoreIndex } from './storeIndex';

/** How old a copy of the index record a read may use (see diskIndex). */
const INDEX_MAX_AGE_MS = 250;
/**
 * Writes longer than this pre-size the data file (see presize). Above one 1 MiB block-cache block: the
 * Gemma-size heatmap reads one embedding row as a 1 MiB block, which pre-sized the 1.34 GB
 * embeddings.bin (3.23 GB of quota used for 1.78 GB of data in `node bench/run.mjs gemma`).
 */
const PRESIZE_MIN = 1024 * 1024 + 1;
/** Most bytes copied aside while another tab or worker holds the file's write lock; past it bytes are not cached. */
const MAX_QUEUED = 64 * 1024 * 1024;

/**
 * The stored copy of one remote file: a data file holding fetched ranges at their own offsets (sparse)
 * and its index record. The data handle stays open for the life of the session, so a hit is one
 * positioned read into the caller's buffer.
 *
 * Every read reloads the index record (a few hundred bytes through a sync handle, microseconds), so
 * bytes written by another worker or tab are seen at once and a file emptied elsewhere (eviction,
 * Clear) is never trusted from a stale copy in memory. Bytes are claimed in the index only after they
 * are written and flushed; a data file found shorter than its index claims is a miss, never served.
 */
export class StoredFile {
  /** Why caching of this file stopped (quota, limit, storage cleared), or null. */
  problem: string | null = null;
  /** Something the user should know that did not stop caching (the stored copy vanished while in use), or null. */
  notice: string | null = null;
  /** Whether the last index read claimed bytes (so its disappearance is news). */
  private hadBytes = false;
  private handle: StoreFile | null = null;
  private lastUsed = 0;
  private touched = false;
  private local: Promise<void> = Promise.resolve();
  private queued: { bytes: Uint8Array; at: number }[] = [];
  private queuedBytes = 0;
  private draining: Promise<void> | null = null;
  private closed = false;
  private presized = false;

  constructor(
    private readonly store: PersistentStore,
    readonly id: FileIdentity,
    readonly storeName: string,
  ) {}

  private get lockName(): string {
    return `vindex-store:${this.storeName}`;
  }

  private cached: { at: number; ix: StoreIndex | null } | null = null;

  /**
   * The index record as stored. Reads may take one up to INDEX_MAX_AGE_MS old: loading it costs ~2 ms
   * in OPFS (open, read, close a sync handle; measured 2.1 ms per load over 200 loads), which at one
   * load per 8 MiB block was 0.6 s of a 3.2 s warm projection pair over 1.24 GB. A stale copy is safe:
   * bytes another context added are merely fetched again, and bytes emptied since are a short read.
   */
  private async diskIndex(maxAgeMs = 0): Promise<StoreIndex | null> {
    const now = Date.now();
    if (maxAgeMs > 0 && this.cached && now - this.cached.at <= maxAgeMs) return this.cached.ix;
    const ix = decodeIndex(await this.store.backend.loadIndex(this.storeName));
    this.cached = { at: now, ix };
    return ix;
  }

  private fresh(extents: [number, number][]): StoreIndex {
    const { vindex, name, size, identity } = this.id;
    return { v: 2, vindex, name, size, identity, lastUsed: Math.max(this.lastUsed, Date.now()), extents };
  }

  /** Opens the data handle; when the stored identity differs from the remote one, empties the file and says so. */
  async openAndRevalidate(): Promise<string | null> {
    try {
      this.handle = await this.store.backend.open(this.storeName);
    } catch (e) {
      // another holder in exclusive mode, or no OPFS here: this session reads from the network
      this.problem = null;
      this.handle = null;
      void e;
      return null;
    }
    const ix = await this.diskIndex().catch(() => null);
    if (!ix || (ix.identity === this.id.identity && ix.size === this.id.size)) {
      this.hadBytes = (ix?.extents.length ?? 0) > 0;
      return null;
    }
    const had = presentBytes(ix);
    await this.store.locks.request(this.lockName, {}, async () => {
      const again = await this.diskIndex();
      if (!again || (again.identity === this.id.identity && again.size === this.id.size)) return;
      this.handle!.truncate(0);
      this.handle!.flush();
      await this.store.backend.saveIndex(this.storeName, encodeIndex(this.fresh([])));
    });
    if (had === 0) return null;
    const what = (s: string) => s || 'none';
    const was = ix.size !== this.id.size ? `size ${ix.size} → ${this.id.size} bytes` : `${what(ix.identity)} → ${what(this.id.identity)}`;
    return `${this.id.name}: changed on the server since it was cached (${was}); its ${formatBytes(had)} of cached bytes were discarded and are read again`;
  }

  private stop(why: string): void {
    this.problem ??= `persistent cache: ${why}`;
  }

  /** Which parts of [start, end) are stored and which must be fetched (all of it when the store is unusable). */
  async plan(start: number, end: number): Promise<{ present: [number, number][]; gaps: [number, number][] }> {
    const all = { present: [] as [number, number][], gaps: [[start, end]] as [number, number][] };
    if (!this.handle) return all;
    let ix: StoreIndex | null;
    try {
      ix = await this.diskIndex(INDEX_MAX_AGE_MS);
    } catch (e) {
      this.lost(e);
      return all;
    }
    if (!ix || ix.identity !== this.id.identity || ix.size !== this.id.size) {
      if (!ix && this.hadBytes) {
        this.notice = `persistent cache: the stored copy of ${this.id.name} was removed while in use (site data cleared, or space reclaimed by another tab); it is read from the network and cached again`;
      }
      this.hadBytes = false;
      return all;
    }
    this.hadBytes = ix.extents.length > 0;
    return splitRange(ix.extents, start, end);
  }

  /**
   * Reads the `present` parts into `dest` (dest[0] is byte `start`); returns the parts that could not be
   * read (a data file shorter than its index claims, or storage cleared), which the caller fetches.
   */
  fill(dest: Uint8Array, start: number, present: [number, number][]): [number, number][] {
    let missed: [number, number][] = [];
    for (let i = 0; i < present.length; i++) {
      const [a, b] = present[i];
      let n: number;
      try {
        n = this.handle ? this.handle.read(dest.subarray(a - start, b - start), a) : 0;
      } catch (e) {
        this.lost(e);
        n = 0;
      }
      if (n < b - a) missed = addExtent(missed, a + Math.max(0, n), b);
    }
    this.lastUsed = Date.now();
    this.touched = true;
    return missed;
  }

  /**
   * A backend call failed. When the stored copy is gone (the browser cleared site data: NotFoundError,
   * or a handle made invalid: InvalidStateError) stop using it and say so; anything else (a record
   * busy in another worker) only makes this one read a miss.
   */
  private lost(e: unknown): void {
    const name = (e as Error)?.name;
    if (name !== 'NotFoundError' && name !== 'InvalidStateError') return;
    this.handle = null;
    this.stop(`the browser removed the stored files (${(e as Error)?.name ?? 'Error'}); reading from the network, nothing more is cached`);
  }

  /**
   * Writes fetched bytes at their offset and claims them in the index. Called before the bytes are handed
   * to the caller (who may transfer them away), so the write is synchronous into the page cache; when
   * another tab or worker holds the file's lock the bytes are copied aside (up to 64 MiB) and written
   * once it is free. Never throws: a failure stops caching and sets `problem`.
   *
   * Why write here, on the thread that fetched: measured in headless Chromium 156 on this 2-core machine,
   * a worker fetching 512 MiB from loopback in 64 MiB ranges, 3 in flight, took 1.2–2.0 s without
   * writing, 3.0–4.0 s writing each range through its sync handle in that worker (8 MiB write 38 ms,
   * ~220 MB/s; flush ~0 ms), 2.7–3.0 s transferring each range to a writer worker. The writer worker is
   * a little faster only because it may take the buffer; here the caller owns it, so it would cost a
   * copy and up to a queue of memory. At app level the write hides behind the network and the scoring:
   * `node bench/run.mjs qwen` (1.24 GB embeddings, cold full projection) took 13.5 s persisting against
   * 14.4 s with the limit at 0 (0.94×) on a loaded machine, but 13.6 s against 9.7 s (1.40×) on a quieter
   * one; Gemma-size gate 11.4 s against 5.8 s (1.96×). A block-writer worker fed copies (bounded at
   * 64 MiB) was tried and measured: Gemma 9.7 s against 6.0 s (1.61×), Qwen 9.4 s against 6.4 s
   * (1.48×), but Chromium then counted every file both workers held open twice in
   * navigator.storage.estimate() (1.79 → 3.57 GB for the 1.78 GB gate after a reload), which would make
   * the quota run out at half the data. So writes stay here; the cold cost is above issue 7's ~10%.
   * The floor under it is the machine's: on this 2-core VM, Node's fs.writeSync of 1 GiB into new pages
   * of an ext4 file took 1.0–2.8 s (the page cache allocating pages), a rewrite of the same pages 0.12 s,
   * while loopback fetching runs at ~480 MB/s on the same two cores; the first write of a 1.78 GB gate
   * costs about as much CPU as fetching it, whichever thread does it.
   */
  async persist(bytes: Uint8Array, at: number): Promise<void> {
    if (!this.handle || this.problem || this.closed || bytes.byteLength === 0) return;
    const run = this.local.then(() =>
      this.store.locks.request(this.lockName, { ifAvailable: true }, async (lock) => {
        if (lock) return this.writeLocked([{ bytes, at }]);
        if (this.queuedBytes + bytes.byteLength > MAX_QUEUED) return;
        this.queued.push({ bytes: bytes.slice(), at });
        this.queuedBytes += bytes.byteLength;
        this.draining ??= this.drain();
      }),
    );
    this.local = run.catch(() => undefined);
    await run.catch((e: unknown) => this.stop(`could not write (${(e as Error)?.message ?? String(e)}); further bytes are not cached`));
  }

  private async drain(): Promise<void> {
    // a loop: bytes queued while a batch is being written would otherwise wait for ever
    while (this.queued.length > 0) {
      await this.store.locks.request(this.lockName, {}, async () => {
        const items = this.queued;
        this.queued = [];
        this.queuedBytes = 0;
        await this.writeLocked(items);
      }).catch((e: unknown) => this.stop(`could not write (${(e as Error)?.message ?? String(e)})`));
    }
    this.draining = null;
  }

  /** Holding the lock: checks the identity on disk, makes room, writes, flushes, then claims the bytes. */
  private async writeLocked(items: { bytes: Uint8Array; at: number }[]): Promise<void> {
    const h = this.handle;
    if (!h || this.problem) return;
    let disk: StoreIndex | null;
    try {
      disk = await this.diskIndex();
    } catch (e) {
      return this.lost(e);
    }
    if (disk && (disk.identity !== this.id.identity || disk.size !== this.id.size)) {
      // another tab opened this file after it changed on the server: its bytes are the current ones
      return this.stop(`${this.id.name} changed on the server while this page was open; reload to cache it again`);
    }
    let extents: [number, number][];
    try {
      if (!disk) {
        // No record: either nothing was written yet, or the files were removed under us (site data
        // cleared, eviction), in which case the open handle may point at a deleted file. Reopen it so
        // the bytes land in the file the new record describes.
        try {
          h.close();
        } catch {
          // already invalid
        }
        this.handle = await this.store.backend.open(this.storeName);
        return await this.writeWith(this.handle, items, []);
      }
      extents = clipExtents(disk.extents, h.getSize());
    } catch (e) {
      return this.lost(e);
    }
    return this.writeWith(h, items, extents, disk.extents);
  }

  /**
   * Before the first bulk write, sets the data file to the remote file's full size. Why: writes that
   * grow an OPFS file are 2.4× slower than writes inside it (Chromium 156, 8 MiB writes: 38–47 ms
   * growing, 16–18 ms pre-sized), and a bulk read means the file is being streamed whole anyway. Small
   * writes (a few embedding rows) do not pre-size, so browsing a big vindex does not count its full
   * size against the origin's quota. Unwritten parts read as zeros but are never served: only claimed
   * extents are.
   */
  private presize(h: StoreFile, n: number, claimedOnDisk: [number, number][]): void {
    if (n < PRESIZE_MIN || this.presized) return;
    this.presized = true;
    try {
      const size = h.getSize();
      // A file shorter than what its record claimed is not pre-sized: the zeros would then read as data
      // to anyone still holding the old record (for up to INDEX_MAX_AGE_MS).
      const claimedEnd = claimedOnDisk.length ? claimedOnDisk[claimedOnDisk.length - 1][1] : 0;
      if (size < this.id.size && size >= claimedEnd) h.truncate(this.id.size);
    } catch (e) {
      if ((e as Error)?.name !== 'QuotaExceededError') throw e; // no room for the whole file: grow as written
    }
  }

  /** Writes the items through `h` over the claimed `extents`, flushes, and saves the record. */
  private async writeWith(
    h: StoreFile, items: { bytes: Uint8Array; at: number }[], claimed: [number, number][], onDisk: [number, number][] = claimed,
  ): Promise<void> {
    let extents = claimed;
    const written: [number, number][] = [];
    for (const { bytes, at } of items) {
      const fresh = splitRange(extents, at, at + bytes.byteLength).gaps.reduce((a, [s, e]) => a + e - s, 0);
      if (fresh === 0) continue;
      if (!(await this.store.reserve(this, fresh))) {
        this.stop(await this.store.limitMessage());
        break;
      }
      try {
        this.presize(h, bytes.byteLength, onDisk);
        h.write(bytes, at);
      } catch (e) {
        const quota = (e as Error)?.name === 'QuotaExceededError';
        if (!quota && (e as Error)?.name !== 'InvalidStateError' && (e as Error)?.name !== 'NotFoundError') throw e;
        if (quota) this.stop('storage quota exceeded; further bytes are not cached (reading goes on)');
        else this.lost(e);
        break;
      }
      written.push([at, at + bytes.byteLength]);
    }
    if (written.length === 0 && !this.touched) return;
    try {
      h.flush();
      for (const [s, e] of written) extents = addExtent(extents, s, e);
      const ix = this.fresh(extents);
      await this.store.backend.saveIndex(this.storeName, encodeIndex(ix));
      this.cached = { at: Date.now(), ix };
      this.touched = false;
    } catch (e) {
      if ((e as Error)?.name === 'QuotaExceededError') this.stop('storage quota exceeded; further bytes are not cached (reading goes on)');
      else this.lost(e);
    }
  }

  /** Writes what is queued, records the last use, and releases the data handle. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.local;
    if (this.draining) await this.draining;
    this.closed = true;
    if (this.handle && this.touched && !this.problem) {
      await this.store.locks
        .request(this.lockName, { ifAvailable: true }, async (lock) => {
          const ix = lock ? await this.diskIndex() : null;
          if (ix && ix.identity === this.id.identity) {
            await this.store.backend.saveIndex(this.storeName, encodeIndex({ ...ix, lastUsed: Math.max(ix.lastUsed, this.lastUsed) }));
          }
        })
        .catch(() => undefined);
    }
    try {
      this.handle?.close();
    } catch {
      // already invalid (storage cleared): nothing to release
    }
    this.handle = null;
    this.store.forget(this);
  }
}
