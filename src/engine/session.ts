import type { VindexLocation } from '../io/ByteSource';
import type { VindexDescription, FileProblem } from '../format/types';
import { parseIndexJson, describeVindex } from '../format/indexJson';
import { classifyFile } from '../format/knownFiles';
import { parseModelCard } from '../format/modelCard';
import { parseManifest } from '../format/manifest';
import { SourceSet } from './sources';
import type { BlockStore } from '../io/persistentBlocks';
import { DownMetaReader } from './downMetaReader';
import { LabelStore } from './labelStore';
import { TokenizerHolder } from './tokenizerHolder';
import type { OpenedVindex, FileSummary, OverviewExtras } from './types';

const MAX_TEXT = 64 * 1024 * 1024;

function dtypeOf(d: VindexDescription, name: string) {
  if (name === 'gate_vectors.bin') return d.dtypes.gate;
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
  ) {
    this.sources = sources;
    this.tokenizer = new TokenizerHolder(sources, location, description, () => this.extras());
    this.downMeta = new DownMetaReader(sources, description, this.tokenizer);
    this.labels = new LabelStore(sources);
  }

  private extrasPromise: Promise<OverviewExtras> | null = null;

  /** The model card and manifest, read once on first use (the overview, or a base-model tokenizer lookup). */
  extras(signal?: AbortSignal): Promise<OverviewExtras> {
    if (!this.extrasPromise) {
      this.extrasPromise = readExtras(this.sources, signal).catch((e) => {
        this.extrasPromise = null;
        throw e;
      });
    }
    return this.extrasPromise;
  }

  /** Opens a location: reads index.json and the small side files, and checks every size. */
  static async open(
    location: VindexLocation, signal: AbortSignal, step: (label: string) => void, store: BlockStore | null = null,
  ): Promise<Session> {
    const sources = new SourceSet(location, store);
    if (!sources.has('index.json')) {
      const names = location.files.map((f) => f.name);
      throw new Error(
        `${location.label}: not a vindex: expected index.json (with gate_vectors.bin, embeddings.bin, …), ` +
          (names.length ? `found ${names.length} files: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}` : 'found no files'),
      );
    }
    step('Reading index.json');
    const index = parseIndexJson(await sources.text('index.json', signal));
    const sizes = Object.fromEntries(location.files.map((f) => [f.name, f.size]));
    const description = describeVindex(index, sizes);
    const session = new Session(location, description, sources);
    const notices: string[] = [];
    const problems: FileProblem[] = [...description.problems];

    step('Reading labels');
    notices.push(...(await session.labels.load(signal)));

    step('Reading down_meta');
    const dm = await session.downMeta.open(signal);
    if (dm.note && dm.kind !== 'dmet' && dm.kind !== 'jsonl') notices.push(dm.note);

    const files: FileSummary[] = location.files
      .map((f) => {
        const kind = classifyFile(f.name);
        return { name: f.name, size: f.size, role: kind.description, used: kind.used, dtype: dtypeOf(description, f.name) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));

    // A local folder has no URL; its permalink records the model and a checksum of index.json instead.
    const src = location.kind === 'local' ? await localIdentity(description.model, sources, signal) : location.src;
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

async function localIdentity(model: string, sources: SourceSet, signal: AbortSignal): Promise<string> {
  const bytes = await sources.read('index.json', 0, sources.size('index.json'), signal);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  const hex = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
  return `local:${model}:${hex}`;
}

async function readExtras(sources: SourceSet, signal?: AbortSignal): Promise<OverviewExtras> {
  const notices: string[] = [];
  const readText = async (name: string): Promise<string | null> => {
    if (!sources.has(name)) return null;
    if (sources.size(name) > MAX_TEXT) {
      notices.push(`${name}: ${sources.size(name)} bytes is too large to read as text; skipped`);
      return null;
    }
    return sources.text(name, signal);
  };
  const cardText = await readText('README.md');
  const card = cardText !== null ? parseModelCard(cardText) : null;
  const manifestText = await readText('manifest.json');
  let manifest: unknown = null;
  if (manifestText !== null) {
    const m = parseManifest(manifestText);
    manifest = m.value;
    if (m.notice) notices.push(m.notice);
  }
  return {
    modelCard: card ? { frontMatter: card.frontMatter, baseModel: card.baseModel, license: card.license, body: card.body } : null,
    manifest,
    notices,
  };
}
