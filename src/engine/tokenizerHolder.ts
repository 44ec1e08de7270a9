import type { VindexLocation } from '../io/ByteSource';
import type { VindexDescription } from '../format/types';
import { loadTokenizer, type VindexTokenizer } from '../format/tokenizer';
import type { SourceSet } from './sources';
import type { TokenizerStatus, OverviewExtras } from './types';

const CACHE_NAME = 'vindex-explorer-tokenizers-v1';

/** Fetches a small Hub file as text, keeping it in the Cache API (whole 200 responses are storable there). */
async function cachedText(url: string, signal?: AbortSignal): Promise<string | null> {
  let cache: Cache | null = null;
  try {
    cache = await caches.open(CACHE_NAME);
    const hit = await cache.match(url);
    if (hit) return hit.text();
  } catch {
    cache = null; // no Cache API (insecure context, private mode): fetch every time
  }
  const res = await fetch(url, { signal });
  if (!res.ok) return null;
  const text = await res.text();
  try {
    await cache?.put(url, new Response(text, { headers: { 'Content-Type': 'application/json' } }));
  } catch {
    // quota exceeded: the tokenizer still works for this session
  }
  return text;
}

/** A repo id (owner/name) from a model card or index.json value, or null when it is not one. */
function repoId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().replace(/^hf:\/?\/?/, '');
  return /^[\w.-]+\/[\w.-]+$/.test(v) ? v : null;
}

/** Holds the tokenizer of a vindex: its own tokenizer.json, or its base model's from the Hub, loaded once. */
export class TokenizerHolder {
  private loading: Promise<VindexTokenizer | null> | null = null;
  private baseRepo: string | null = null;
  private failure: string | null = null;

  constructor(
    private readonly sources: SourceSet,
    private readonly location: VindexLocation,
    description: VindexDescription,
    private readonly extras: () => Promise<OverviewExtras>,
  ) {
    if (!sources.has('tokenizer.json') && location.hub) {
      // Until the model card is read, the best guess is index.json's source repo or model name.
      const source = description.source ?? {};
      this.baseRepo = repoId(source['huggingface_repo']) ?? repoId(description.model);
    }
  }

  /** Which tokenizer is in use, for the UI. */
  status(): TokenizerStatus {
    if (this.sources.has('tokenizer.json')) return { kind: 'vindex', label: 'tokenizer.json of the vindex' };
    if (this.baseRepo) {
      return {
        kind: 'base-model',
        label: this.failure
          ? `none (the base model ${this.baseRepo}'s tokenizer could not be loaded: ${this.failure}); use #ids`
          : `tokenizer of the base model ${this.baseRepo} (from the Hub)`,
      };
    }
    return { kind: 'none', label: 'none: the vindex has no tokenizer.json; query token ids as #123' };
  }

  /** The tokenizer, loading it on first use; null when there is none. */
  get(signal?: AbortSignal): Promise<VindexTokenizer | null> {
    if (!this.loading) {
      this.loading = this.load(signal).catch((e: unknown) => {
        this.loading = null; // a cancelled or failed load may be retried by the next query
        throw e;
      });
    }
    return this.loading;
  }

  private async load(signal?: AbortSignal): Promise<VindexTokenizer | null> {
    if (this.sources.has('tokenizer.json')) {
      const json = await this.sources.text('tokenizer.json', signal);
      const config = this.sources.has('tokenizer_config.json') ? await this.sources.text('tokenizer_config.json', signal) : undefined;
      return loadTokenizer(json, config);
    }
    if (!this.location.hub) return null;
    // The model card's base_model wins over index.json's names (the vindex is often named after itself).
    const card = (await this.extras().catch(() => null))?.modelCard;
    this.baseRepo = repoId(card?.baseModel) ?? this.baseRepo;
    if (!this.baseRepo) return null;
    const base = `${this.location.hub.endpoint}/${this.baseRepo}/resolve/main/`;
    const json = await cachedText(`${base}tokenizer.json`, signal);
    if (json === null) {
      this.failure = `${base}tokenizer.json was not found`;
      return null;
    }
    const config = (await cachedText(`${base}tokenizer_config.json`, signal)) ?? undefined;
    return loadTokenizer(json, config);
  }
}
