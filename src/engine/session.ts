import type { VindexLocation } from '../io/ByteSource';
import { VindexFormatError, type VindexDescription, type FileProblem } from '../format/types';
import { parseIndexJson, describeFolder, MAX_INDEX_BYTES } from '../format/indexJson';
import { isAbortError } from '../io/ByteSource';
import { classifyFile } from '../format/knownFiles';
import { readExtras } from './overviewExtras';
import { SourceSet } from './sources';
import type { PersistentStore } from '../io/persistentStore';
import { DownMetaReader } from './downMetaReader';
import { LabelStore } from './labelStore';
import { TokenizerHolder } from './tokenizerHolder';
import type { OpenedVindex, FileSummary, OverviewExtras } from './types';
import { SharedLoads } from './sharedLoads';

function dtypeOf(d: VindexDescription, name: string) {
  if (name === 'gate_vectors.bin' || d.gateShards?.some((p) => p.file === name)) return d.dtypes.gate;
  if (name === 'embeddings.bin') return d.dtypes.embeddings;
  if (name === 'down_features.bin') return d.dtypes.down;
  if (name === 'up_features.bin') return d.dtypes.up;
  return null;
}

/** One opened vindex inside the worker: its sources, description and lazily loaded side files. */
export class Session {
  readonly sources: SourceSet;
  readonly downMeta: DownMetaReader;
  readonly labels: LabelStore;
  readonly tokenizer: TokenizerHolder;
  opened!: OpenedVindex;

  private constructor(
    readonly location: VindexLocation,
    readonly description: VindexDescription,
    sources: SourceSet,
    tokenizerPin: string | null = null,
  ) {
    this.sources = sources;
    this.tokenizer = new TokenizerHolder(location, description, () => this.extras(), tokenizerPin);
    this.downMeta = new DownMetaReader(sources, description, this.tokenizer);
    this.labels = new LabelStore(sources);
  }

  private extrasValue: OverviewExtras | null = null;
  private readonly extrasLoads = new SharedLoads<'extras', OverviewExtras>();

  /**
   * The model card, manifest and other side files, read once on first use (the overview, or a
   * base-model tokenizer lookup); shared by concurrent callers, each cancelling only itself.
   */
  extras(signal?: AbortSignal): Promise<OverviewExtras> {
    if (this.extrasValue) return Promise.resolve(this.extrasValue);
    return this.extrasLoads.get('extras', async (s) => {
      this.extrasValue = await readExtras(this.sources, this.description, this.location, s);
      return this.extrasValue;
    }, signal);
  }

  /** Stops the session's tokenizer worker (call when the session is dropped). */
  dispose(): void {
    this.tokenizer.dispose();
  }

  /**
   * Opens a location: reads index.json and the small side files, and checks every size.
   * `tokenizerPin` is a permalink's tokenizer=<repo>@<sha> (the base-model tokenizer its view used).
   */
  static async open(
    location: VindexLocation, signal: AbortSignal, step: (label: string) => void, store: PersistentStore | null = null,
    tokenizerPin: string | null = null,
  ): Promise<Session> {
    const sources = new SourceSet(location, store);
    const root = sources.has('index.json') ? 'index.json' : sources.has('gate_vectors_index.json') ? 'gate_vectors_index.json' : null;
    if (root === null) {
      const names = location.files.map((f) => f.name);
      throw new Error(
        `${location.label}: not a vindex: expected index.json (with gate_vectors.bin, embeddings.bin, …), ` +
          (names.length ? `found ${names.length} files: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}` : 'found no files'),
      );
    }
    const readRoot = async (name: string) => {
      if (!sources.has(name)) return null;
      // Why a cap before parsing: a hostile or mistaken multi-GB "index.json" would be read whole.
      if (sources.size(name) > MAX_INDEX_BYTES) {
        throw new VindexFormatError(name, `${sources.size(name)} bytes is too large for an index (more than ${MAX_INDEX_BYTES}); not read`);
      }
      step(`Reading ${name}`);
      return parseIndexJson(await sources.text(name, signal), name);
    };
    const index = await readRoot('index.json');
    const gateIndex = await readRoot('gate_vectors_index.json');
    const sizes = Object.fromEntries(location.files.map((f) => [f.name, f.size]));
    const description = describeFolder(index, gateIndex, sizes);
    // A gate split across shard files reads as one virtual gate_vectors.bin.
    if (description.gateShards) sources.defineVirtual('gate_vectors.bin', description.gateShards);
    const session = new Session(location, description, sources, tokenizerPin);
    const notices: string[] = [...(location.notices ?? [])];
    const problems: FileProblem[] = [...description.problems];
    notices.push(...(await sources.revalidate())); // files changed on the server since they were cached
    // Optional files never stop a vindex from opening: a failed read becomes a notice naming the file.
    const optional = async <T>(file: string, read: () => Promise<T>, fallback: T, consequence: string): Promise<T> => {
      try {
        return await read();
      } catch (e) {
        if (isAbortError(e) || signal.aborted) throw e;
        notices.push(`${file}: could not be read (${(e as Error).message ?? String(e)}); ${consequence}`);
        return fallback;
      }
    };

    let dm: OpenedVindex['downMeta'];
    if (description.flavour === 'vindex3') {
      dm = { kind: 'absent', note: 'VINDEX3 keeps its down_meta at query/down_meta.bin; the views that read it need a VINDEX2 vindex', topK: null };
    } else {
      step('Reading labels');
      notices.push(...(await optional('feature labels', () => session.labels.load(signal), [] as string[], 'no labels are shown')));
      step('Reading down_meta');
      const fallback = { kind: 'absent' as const, note: 'down_meta could not be read: showing computed projections instead', topK: null };
      dm = await optional(sources.has('down_meta.bin') ? 'down_meta.bin' : 'down_meta.jsonl', () => session.downMeta.open(signal), fallback, 'showing computed projections instead');
      if (dm.note && dm.kind !== 'dmet' && dm.kind !== 'jsonl') notices.push(dm.note);
    }

    const files: FileSummary[] = location.files
      .map((f) => {
        const kind = classifyFile(f.name);
        const role = f.name === 'gate_vectors.bin' && description.flavour === 'moe-summary'
          ? "per MoE layer [experts, directions, H]: the top SVD directions of each expert's gate_proj"
          : kind.description;
        return { name: f.name, size: f.size, role, used: kind.used, dtype: dtypeOf(description, f.name) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));

    // A local folder has no URL; its permalink records the model and a checksum of index.json instead.
    const src = location.kind === 'local' ? await localIdentity(description.model, sources, root, signal) : location.src;
    session.opened = {
      location: { ...location, src },
      description,
      files,
      tokenizer: session.tokenizer.status(),
      downMeta: dm,
      labelCount: session.labels.count(),
      problems,
      notices,
    };
    return session;
  }
}

async function localIdentity(model: string, sources: SourceSet, root: string, signal: AbortSignal): Promise<string> {
  const bytes = await sources.read(root, 0, sources.size(root), signal);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  const hex = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
  return `local:${model}:${hex}`;
}
