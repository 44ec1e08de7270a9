import type { FileEntry, VindexLocation } from '../io/ByteSource';
import { fileSource } from '../io/fileSource';
import { httpSource } from '../io/httpSource';
import { openHubRepo } from '../io/hub';
import { readWhole } from '../io/readWhole';
import type { VindexDescription } from '../format/types';
import { checkTokenizerSize } from '../format/tokenizer';
import { TokenizerClient, spawnTokenizer, DEFAULT_BUDGETS, type TokenizerBudgets, type TokenizerEndpoint } from './tokenizerClient';
import { cachedTokenizer, storeTokenizer } from './tokenizerCache';
import type { ProgressCallback } from './api';
import type { TokenizerStatus, OverviewExtras, TokenizerInfo } from './types';

/** A repo id (owner/name) from a model card or index.json value, or null when it is not one. */
function repoId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().replace(/^hf:\/?\/?/, '');
  return /^[\w.-]+\/[\w.-]+$/.test(v) ? v : null;
}

/** Parses a permalink `tokenizer=<repo>@<sha>` pin. */
export function parseTokenizerPin(pin: string | null | undefined): { repo: string; sha: string } | null {
  const m = /^([\w.-]+\/[\w.-]+)@([0-9a-f]{40})$/i.exec(pin ?? '');
  return m ? { repo: m[1], sha: m[2].toLowerCase() } : null;
}

/** The tokenizer file to read, where it comes from, and how to name it. */
interface Plan {
  entry: FileEntry;
  config: FileEntry | null;
  label: string;
  /** Cache API key for bytes that cannot change (a Hub commit), else null. */
  cacheKey: string | null;
}

/** One load in flight, shared by everyone waiting for it; `last` is its latest progress. */
interface Run {
  promise: Promise<Loaded>;
  ctl: AbortController;
  listeners: Set<ProgressCallback>;
  last: [number, number, string] | null;
}

/** A loaded tokenizer: the worker client, and the bytes kept to restart it after a stop. */
interface Loaded {
  client: TokenizerClient;
  bytes: Uint8Array;
  config: string | undefined;
}

/**
 * Holds the tokenizer of a vindex: its own tokenizer.json, or its base model's from the Hub pinned
 * to a commit, loaded once with byte progress into a tokenizer worker of its own. Failures are not
 * kept: the next request tries again. A user's cancel is kept until the next explicit load.
 */
export class TokenizerHolder {
  private loading: Run | null = null;
  private loaded: Loaded | null = null;
  private baseRepo: string | null = null;
  private baseSha: string | null = null;
  private cardRead = false;
  private cancelled = false;
  private plan: Plan | null = null;
  private vocab: { size: number; type: string } | null = null;
  private readonly refs = new Map<number, { text: string; raw: string | null }>();

  constructor(
    private readonly location: VindexLocation,
    description: VindexDescription,
    private readonly extras: () => Promise<OverviewExtras>,
    pin: string | null = null,
    private readonly spawn: () => TokenizerEndpoint = spawnTokenizer,
    private readonly budgets: TokenizerBudgets = DEFAULT_BUDGETS,
  ) {
    const pinned = this.own() ? null : parseTokenizerPin(pin);
    if (pinned && location.hub) {
      // A permalink names the exact base tokenizer its view was made with: use that commit.
      [this.baseRepo, this.baseSha, this.cardRead] = [pinned.repo, pinned.sha, true];
    } else if (!this.own() && location.hub) {
      // Until the model card is read, the best guess is index.json's source repo or model name.
      const source = description.source ?? {};
      this.baseRepo = repoId(source['huggingface_repo']) ?? repoId(description.model);
    }
  }

  private own(): FileEntry | undefined {
    return this.location.files.find((f) => f.name === 'tokenizer.json');
  }

  /** Which tokenizer is in use, as known at open time (before any model card is read). */
  status(): TokenizerStatus {
    if (this.own()) return { kind: 'vindex', label: 'tokenizer.json of the vindex' };
    if (this.location.hub) return { kind: 'base-model', label: 'the tokenizer of the base model named in the model card (from the Hub)' };
    return { kind: 'none', label: 'no tokenizer: this vindex has no tokenizer.json; query token ids such as #123' };
  }

  /** What is known about the tokenizer; reads the model card for a base-model tokenizer, downloads nothing. */
  async info(): Promise<TokenizerInfo> {
    if (!this.own() && this.location.hub && !this.cardRead) await this.readCard();
    const vocab = { loaded: this.loaded !== null && !this.loaded.client.stopped, vocabSize: this.vocab?.size ?? null, modelType: this.vocab?.type ?? null };
    if (this.own()) return { kind: 'vindex', label: 'tokenizer.json of the vindex', repo: null, sha: null, provenance: 'vindex:tokenizer.json', ...vocab };
    if (this.location.hub && this.baseRepo) {
      const at = this.baseSha ? `@${this.baseSha.slice(0, 8)}` : '';
      return {
        kind: 'base-model', label: `the tokenizer of the base model ${this.baseRepo}${at} (from the Hub)`, repo: this.baseRepo, sha: this.baseSha,
        provenance: this.baseSha ? `${this.baseRepo}@${this.baseSha}` : this.baseRepo, ...vocab,
      };
    }
    const why = this.location.hub ? 'this vindex has no tokenizer.json and its model card names no base model' : 'this vindex has no tokenizer.json';
    return { kind: 'none', label: `no tokenizer: ${why}; query token ids such as #123`, repo: null, sha: null, provenance: 'none', ...vocab, loaded: false };
  }

  private async readCard(): Promise<void> {
    // The model card's base_model wins over index.json's names (the vindex is often named after itself).
    const card = await this.extras().catch(() => null);
    if (card) this.cardRead = true;
    this.baseRepo = repoId(card?.modelCard?.baseModel) ?? this.baseRepo;
  }

  /** Loads the tokenizer on behalf of the user, reporting bytes; a cancel stops the download. */
  async ensure(progress: ProgressCallback, signal: AbortSignal): Promise<TokenizerInfo> {
    this.cancelled = false;
    const run = this.start();
    if (run) {
      run.listeners.add(progress);
      if (run.last) progress(...run.last);
      const onAbort = () => {
        this.cancelled = true;
        run.ctl.abort(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await run.promise;
      } finally {
        run.listeners.delete(progress);
        signal.removeEventListener('abort', onAbort);
      }
    }
    return this.info();
  }

  /** The tokenizer client, loading it if needed (without a progress bar); null when there is none. */
  async get(signal?: AbortSignal): Promise<TokenizerClient | null> {
    if (this.cancelled) {
      throw Object.assign(new Error('Loading the tokenizer was cancelled: press Score to load it again, or query token ids such as #123'), { name: 'TokenizerCancelledError' });
    }
    const run = this.start();
    if (!run) return null;
    const loaded = await (signal ? raceAbort(run.promise, signal) : run.promise);
    return loaded.client;
  }

  /**
   * Runs `work` with the tokenizer client; null when there is none. When the worker was stopped under
   * it (another call overran its budget), the work is tried once more on a fresh worker.
   */
  async use<T>(work: (client: TokenizerClient) => Promise<T>, signal?: AbortSignal): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.get(signal);
      if (!client) return null;
      try {
        return await work(client);
      } catch (e) {
        if (attempt > 0 || (e as Error)?.name !== 'TokenizerStoppedError') throw e;
      }
    }
  }

  /** Exact texts and raw strings of ids, cached; null without a tokenizer (or when it cannot be loaded). */
  async describe(ids: number[], signal?: AbortSignal): Promise<{ text: string; raw: string | null }[] | null> {
    const missing = [...new Set(ids.filter((id) => !this.refs.has(id)))];
    if (missing.length) {
      const got = await this.use((c) => c.describe(missing), signal).catch(() => null);
      if (!got) return null;
      got.forEach((r) => this.refs.set(r.id, { text: r.text, raw: r.raw }));
    }
    return ids.map((id) => this.refs.get(id)!);
  }

  /** Stops the tokenizer worker (the session is closed). */
  dispose(): void {
    this.loaded?.client.dispose();
    this.loading?.ctl.abort();
  }

  /** The running (or a new) load; null when the vindex has no tokenizer. */
  private start(): Run | null {
    if (this.loaded?.client.stopped) {
      // A stopped worker (a call overran its budget) is replaced by a fresh one from the kept bytes.
      const { bytes, config, client } = this.loaded;
      this.loaded = null;
      this.loading = this.track(async (signal) => this.startClient(bytes, config, client.label, signal));
    }
    if (this.loaded) return { promise: Promise.resolve(this.loaded), ctl: new AbortController(), listeners: new Set<ProgressCallback>(), last: null };
    if (!this.own() && !this.location.hub) return null;
    if (!this.loading) this.loading = this.track((signal, progress) => this.load(signal, progress));
    return this.loading;
  }

  private track(work: (signal: AbortSignal, progress: ProgressCallback) => Promise<Loaded>): Run {
    const ctl = new AbortController();
    const listeners = new Set<ProgressCallback>();
    const run: Run = { promise: Promise.resolve(null as unknown as Loaded), ctl, listeners, last: null };
    const progress: ProgressCallback = (done, total, label) => {
      run.last = [done, total, label];
      for (const l of listeners) l(done, total, label);
    };
    run.promise = work(ctl.signal, progress).then(
      (loaded) => {
        this.loaded = loaded;
        if (this.loading === run) this.loading = null;
        return loaded;
      },
      (e: unknown) => {
        if (this.loading === run) this.loading = null; // not kept: the next request tries again
        throw e;
      },
    );
    run.promise.catch(() => undefined);
    return run;
  }

  private async startClient(bytes: Uint8Array, config: string | undefined, label: string, signal: AbortSignal): Promise<Loaded> {
    const client = new TokenizerClient(this.spawn(), label, this.budgets);
    try {
      const v = await client.load(bytes, config, signal);
      this.vocab = { size: v.vocabSize, type: v.modelType };
    } catch (e) {
      client.dispose();
      throw e;
    }
    return { client, bytes, config };
  }

  private async load(signal: AbortSignal, progress: ProgressCallback): Promise<Loaded> {
    try {
      return await this.loadPlanned(signal, progress);
    } catch (e) {
      const err = e as Error;
      if (err?.name === 'AbortError' || !(err instanceof Error)) throw e;
      // Say which tokenizer failed, and what still works.
      const what = this.own() || /^tokenizer\.json/.test(err.message) ? '' : `The tokenizer of the base model ${this.baseRepo} could not be loaded: `;
      const hint = /#123/.test(err.message) ? '' : '. Token ids such as #123 need no tokenizer.';
      throw Object.assign(new Error(`${what}${err.message.replace(/\.$/, '')}${hint}`), { name: err.name });
    }
  }

  private async loadPlanned(signal: AbortSignal, progress: ProgressCallback): Promise<Loaded> {
    const plan = await this.planLoad(signal);
    const { entry, label } = plan;
    checkTokenizerSize(label, entry.size);
    let bytes = plan.cacheKey ? await cachedTokenizer(plan.cacheKey) : null;
    if (!bytes) {
      const what = `Loading ${label}`;
      bytes = await readWhole(sourceOf(entry), (done, total) => progress(done, total, what), signal);
    }
    progress(entry.size, entry.size, `Preparing ${label}`);
    let config: string | undefined;
    if (plan.config && plan.config.size < 1024 * 1024) {
      config = new TextDecoder().decode(await sourceOf(plan.config).read(0, plan.config.size, signal));
    }
    const loaded = await this.startClient(bytes, config, label, signal);
    // Cached only once it has loaded: an HTML error page served with status 200 is never kept.
    if (plan.cacheKey) await storeTokenizer(plan.cacheKey, bytes);
    return loaded;
  }

  private async planLoad(signal: AbortSignal): Promise<Plan> {
    const own = this.own();
    const hub = this.location.hub;
    if (own) {
      const config = this.location.files.find((f) => f.name === 'tokenizer_config.json') ?? null;
      return { entry: own, config, label: 'tokenizer.json of the vindex', cacheKey: hub ? `${this.location.key}/tokenizer.json` : null };
    }
    if (!hub) throw new Error('This vindex has no tokenizer.json');
    if (!this.cardRead) await this.readCard();
    if (!this.baseRepo) throw new Error('This vindex has no tokenizer.json and its model card names no base_model: query token ids such as #123');
    if (this.plan) return this.plan;
    // The branch is resolved to its commit once, so the tokenizer cannot change under a permalink.
    const base = await openHubRepo({ repo: this.baseRepo, repoType: 'model', revision: this.baseSha ?? 'main' }, { endpoint: hub.endpoint, signal });
    const sha = base.hub!.sha;
    const label = `tokenizer.json of the base model ${this.baseRepo}@${sha.slice(0, 8)}`;
    const entry = base.files.find((f) => f.name === 'tokenizer.json');
    if (!entry) throw new Error(`The base model ${this.baseRepo}@${sha} has no tokenizer.json: query token ids such as #123`);
    this.baseSha = sha;
    this.plan = { entry, config: base.files.find((f) => f.name === 'tokenizer_config.json') ?? null, label, cacheKey: entry.url ?? null };
    return this.plan;
  }
}

/** A byte source for one file entry: Blob.slice for local files, HTTP Range otherwise (read once, so uncached). */
function sourceOf(entry: FileEntry) {
  if (entry.file) return fileSource(entry.file);
  if (!entry.url) throw new Error(`${entry.name}: neither a URL nor a local file`);
  return httpSource(entry.url, { size: entry.size });
}

/** Rejects with an AbortError as soon as `signal` aborts (the shared load goes on for others). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
