import type { ByteSource, FileEntry, VindexLocation } from '../io/ByteSource';
import { fileSource } from '../io/fileSource';
import { httpSource } from '../io/httpSource';
import { blockCache, type BlockCache } from '../io/blockCache';
import { concatSource } from '../io/concatSource';
import type { PersistentStore } from '../io/persistentStore';
import type { StoredFile } from '../io/storedFile';
import { storedSource } from '../io/storedSource';
import { sharedReads } from '../io/sharedReads';

const MiB = 1024 * 1024;

/**
 * Reads at least this long skip the in-memory block cache: a gate layer or a run of embedding rows goes
 * into one buffer (one store read, or the network's own buffer with gaps filled in place) instead of
 * being cut into 1 MiB blocks and reassembled by copying. Smaller reads (one embedding row, DMET
 * records) keep the block cache, its in-flight sharing and its merged requests.
 */
const BULK_BYTES = MiB;

/** Cache budgets per file: embeddings rows are re-read across queries; gate layers are kept decoded elsewhere. */
function budgetFor(name: string): number {
  if (name === 'embeddings.bin') return 128 * MiB;
  if (name === 'gate_vectors.bin' || name === 'down_features.bin' || name === 'up_features.bin') return 32 * MiB;
  return 16 * MiB;
}

/**
 * The identity the persistent store keeps a remote file under, or null when it must not be kept: a Hub
 * file is pinned by the commit in the location key (plus its LFS sha256 when listed); a static folder's
 * by the ETag or Last-Modified its probe saw at open, so a file replaced in place is never served stale.
 * A static file with neither is not kept: nothing would tell a rewrite of the same size.
 */
export function storeIdentity(location: VindexLocation, entry: FileEntry): string | null {
  if (!entry.url || !entry.name.endsWith('.bin')) return null;
  if (location.kind === 'hub') return entry.lfsSha256 ? `sha256:${entry.lfsSha256}` : `commit:${location.hub?.sha ?? ''}`;
  if (entry.etag) return `etag:${entry.etag}`;
  if (entry.lastModified) return `last-modified:${entry.lastModified}`;
  return null;
}

/** The byte source of one file without the persistent store (the hash worker): Blob.slice, or HTTP with a block cache for small reads. */
export function sourceFor(entry: FileEntry): ByteSource {
  if (entry.file) return fileSource(entry.file);
  if (!entry.url) throw new Error(`${entry.name}: neither a URL nor a local file`);
  const net = sharedReads(httpSource(entry.url, { size: entry.size, etag: entry.etag ?? null }));
  return splitSource(net, blockCache(net, { blockSize: MiB, maxRequestBytes: 32 * MiB, concurrency: 3, budgetBytes: budgetFor(entry.name) }));
}

/** A source that sends bulk reads to `direct` and small ones through `cached`. */
function splitSource(direct: ByteSource, cached: ByteSource): ByteSource {
  return {
    key: direct.key,
    size: direct.size,
    read: (start, end, signal) => (end - start >= BULK_BYTES ? direct : cached).read(start, end, signal),
  };
}

/** All files of a location, opened lazily by name. */
export class SourceSet {
  private readonly opened = new Map<string, ByteSource>();
  private readonly caches = new Set<BlockCache>();
  private readonly stored = new Map<string, Promise<StoredFile | null>>();
  private readonly storedNow = new Map<string, StoredFile>();
  private readonly entries: Map<string, FileEntry>;
  private closed = false;
  /** Bytes delivered by reads, for benchmarks and the UI. */
  bytesRead = 0;

  constructor(
    private readonly location: VindexLocation,
    private readonly store: PersistentStore | null = null,
  ) {
    this.entries = new Map(location.files.map((f) => [f.name, f]));
  }

  /** Why the persistent cache stopped writing a file (quota, limit, storage cleared), or null. */
  cacheProblem(name: string): string | null {
    const f = this.storedNow.get(name);
    return f ? f.problem ?? f.notice : null;
  }

  /** Opens the stored copy of a file (once); null when the file is not kept. */
  private storedFile(entry: FileEntry, notices?: string[]): Promise<StoredFile | null> {
    let p = this.stored.get(entry.name);
    if (!p) {
      const identity = this.store ? storeIdentity(this.location, entry) : null;
      p = identity === null || !this.store
        ? Promise.resolve(null)
        : this.store.file({ vindex: this.location.key, name: entry.name, size: entry.size, identity }).then(
          ({ file, notice }) => {
            if (notice) notices?.push(notice);
            this.storedNow.set(entry.name, file);
            return file;
          },
          () => null, // storage unusable here: read from the network
        );
      this.stored.set(entry.name, p);
    }
    return p;
  }

  /**
   * Opens the stored copy of every kept file now, checking each identity against what the server said
   * at open; returns a notice per file whose cached bytes were discarded because it changed.
   */
  async revalidate(): Promise<string[]> {
    const notices: string[] = [];
    await Promise.all([...this.entries.values()].map((e) => this.storedFile(e, notices)));
    return notices;
  }

  /** The byte source of one real file: Blob.slice for local files; HTTP through the store and the block cache otherwise. */
  private sourceFor(entry: FileEntry): ByteSource {
    if (entry.file) return fileSource(entry.file);
    if (!entry.url) throw new Error(`${entry.name}: neither a URL nor a local file`);
    const net = sharedReads(httpSource(entry.url, { size: entry.size, etag: entry.etag ?? null }));
    let through: ByteSource | null = null;
    // Shared again above the store: a second read of a range waits until the first has fetched *and
    // stored* it (says and hears projections stream embeddings.bin side by side; without this, one of
    // them refetched every block whose write had not yet been recorded: 1.40 GB sent for 1.24 GB).
    const opening = this.storedFile(entry).then((f) => (through = f ? sharedReads(storedSource(net, f)) : net));
    const direct: ByteSource = {
      key: net.key,
      size: net.size,
      read: async (start, end, signal) => (through ?? (await opening)).read(start, end, signal),
    };
    // Block sizes: embeddings.bin is read a row at a time by queries (8 KiB for Qwen3-8B, 5 KiB for
    // Gemma-3-4B, at most 32 KiB for any H ≤ 8192 in f32), so 64 KiB blocks make a one-token query fetch at
    // most 128 KiB instead of 2 MiB (issue 10: 7 s at 150 KB/s for one row); other files' small reads
    // (DMET records, side files) keep 1 MiB blocks. Merged runs of adjacent blocks (up to 32 MiB per
    // request) keep the request count low for the Hub's rate limits.
    const blockSize = entry.name === 'embeddings.bin' ? 64 * 1024 : MiB;
    const cached = blockCache(direct, { blockSize, maxRequestBytes: 32 * MiB, concurrency: 3, budgetBytes: budgetFor(entry.name) });
    this.caches.add(cached);
    return splitSource(direct, cached);
  }

  private readonly virtual = new Map<string, { size: number; pieces: { file: string; start: number; end: number }[] }>();

  /**
   * Defines a virtual file made of byte ranges of real files (a gate split across shard files). It
   * reads like any other file: scoring and projections need no second path.
   */
  defineVirtual(name: string, pieces: { file: string; start: number; end: number }[]): void {
    this.opened.delete(name);
    this.virtual.set(name, { size: pieces.reduce((a, p) => a + p.end - p.start, 0), pieces });
  }

  /** True when the vindex has this file. */
  has(name: string): boolean {
    return this.virtual.has(name) || this.entries.has(name);
  }

  /** Size of a file in bytes (0 when absent). */
  size(name: string): number {
    return this.virtual.get(name)?.size ?? this.entries.get(name)?.size ?? 0;
  }

  /** The byte source for a file; throws naming the file when it is absent. */
  get(name: string): ByteSource {
    let s = this.opened.get(name);
    const v = this.virtual.get(name);
    if (!s && v) {
      s = concatSource(`${this.location.key}/${name}`, v.pieces.map((p) => ({ source: this.get(p.file), start: p.start, end: p.end })));
      this.opened.set(name, s);
    }
    if (!s) {
      const entry = this.entries.get(name);
      if (!entry) throw new Error(`${name}: this vindex has no such file`);
      if (this.closed) throw new Error(`${name}: this vindex was closed; open it again`);
      s = this.sourceFor(entry);
      this.opened.set(name, s);
    }
    return s;
  }

  /**
   * Reads [start, end) of a file, counting bytes. The result is the caller's own buffer (byteOffset 0,
   * exactly the range), safe to transfer to another worker.
   */
  async read(name: string, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    const bytes = await this.get(name).read(start, end, signal);
    this.bytesRead += bytes.byteLength;
    return bytes;
  }

  /** Reads a whole (small) file as UTF-8 text. */
  async text(name: string, signal?: AbortSignal): Promise<string> {
    const bytes = await this.read(name, 0, this.size(name), signal);
    return new TextDecoder('utf-8').decode(bytes);
  }

  /** Releases the stored files' handles (writing what is queued) and the in-memory block caches. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.caches) c.clear();
    this.caches.clear();
    this.opened.clear();
    const files = await Promise.all(this.stored.values());
    this.stored.clear();
    this.storedNow.clear();
    await Promise.all(files.map((f) => f?.close()));
  }
}
