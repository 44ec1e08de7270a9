import type { ByteSource, FileEntry, VindexLocation } from '../io/ByteSource';
import { fileSource } from '../io/fileSource';
import { httpSource } from '../io/httpSource';
import { blockCache } from '../io/blockCache';
import { concatSource } from '../io/concatSource';
import { persistentBlocks, type BlockStore, type PersistentStats } from '../io/persistentBlocks';

const MiB = 1024 * 1024;

/** Cache budgets per file: embeddings rows are re-read across queries; gate layers are kept decoded elsewhere. */
function budgetFor(name: string): number {
  if (name === 'embeddings.bin') return 128 * MiB;
  if (name === 'gate_vectors.bin' || name === 'down_features.bin' || name === 'up_features.bin') return 32 * MiB;
  return 16 * MiB;
}

/**
 * Tensor files kept on disk between visits. The gate only up to a size: writing a 1.78 GB Gemma-size
 * gate to OPFS while it streams made the first heatmap take about twice as long in `npm run bench`
 * (17 s against 8.4 s), even with the writes in their own worker, on a 2-core machine. Embeddings are
 * always kept: a full projection reads them whole, and a second feature or a reload repeats that.
 */
const PERSISTED = new Set(['embeddings.bin', 'down_features.bin']);
const PERSISTED_GATE_MAX = 256 * MiB;

/**
 * Opens the byte source of one file: Blob.slice for local files, cached HTTP Range reads otherwise;
 * remote tensor files also go through the persistent block store (keyed by source key, which pins
 * the Hub commit, plus file name and size) when one is given.
 */
export function sourceFor(entry: FileEntry, persist?: { store: BlockStore; sourceKey: string; stats: Map<string, () => PersistentStats> }): ByteSource {
  if (entry.file) return fileSource(entry.file);
  if (!entry.url) throw new Error(`${entry.name}: neither a URL nor a local file`);
  let inner: ByteSource = httpSource(entry.url, { size: entry.size });
  const keep = PERSISTED.has(entry.name) || (entry.name === 'gate_vectors.bin' && entry.size <= PERSISTED_GATE_MAX);
  if (persist && keep) {
    const p = persistentBlocks(inner, persist.store, `${persist.sourceKey}/${entry.name}/${entry.size}`, MiB);
    persist.stats.set(entry.name, p.stats);
    inner = p;
  }
  // why 1 MiB blocks: a one-token query then reads at most 2 MiB of embeddings.bin, while merged runs of
  // adjacent blocks (up to 32 MiB per request) keep the request count low for the Hub's rate limits.
  return blockCache(inner, {
    blockSize: MiB,
    maxRequestBytes: 32 * MiB,
    concurrency: 3,
    budgetBytes: budgetFor(entry.name),
  });
}

/** All files of a location, opened lazily by name. */
export class SourceSet {
  private readonly opened = new Map<string, ByteSource>();
  private readonly entries: Map<string, FileEntry>;
  /** Bytes delivered by reads, for benchmarks and the UI. */
  bytesRead = 0;

  private readonly persistStats = new Map<string, () => PersistentStats>();

  constructor(
    private readonly location: VindexLocation,
    private readonly store: BlockStore | null = null,
  ) {
    this.entries = new Map(location.files.map((f) => [f.name, f]));
  }

  /** Why the persistent cache stopped writing blocks of a file (quota), or null. */
  cacheProblem(name: string): string | null {
    return this.persistStats.get(name)?.().writeProblem ?? null;
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
      s = sourceFor(entry, this.store ? { store: this.store, sourceKey: this.location.key, stats: this.persistStats } : undefined);
      this.opened.set(name, s);
    }
    return s;
  }

  /** Reads [start, end) of a file, counting bytes. */
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
}
