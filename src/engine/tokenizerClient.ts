import { wrap } from 'comlink';
import { abortError } from '../io/ByteSource';
import type { TokenizerService } from './tokenizerService';
import type { TokenRef, TokenSuggestion } from './types';

/** Every TokenizerService method, asynchronous (as seen through comlink). */
export type AsyncTokenizerService = { [K in keyof TokenizerService]: (...a: Parameters<TokenizerService[K]>) => Promise<ReturnType<TokenizerService[K]>> };

/** A running tokenizer worker (or an in-process stand-in) and how to stop it. */
export interface TokenizerEndpoint {
  api: AsyncTokenizerService;
  terminate(): void;
}

/** Time budgets, ms. A query tokenizes in well under a millisecond; a 33 MB file parses in a few seconds. */
export interface TokenizerBudgets {
  load: number;
  call: number;
  /** The first suggestion decodes the whole vocabulary (about 1 s for 262,144 tokens on a slow machine). */
  suggest: number;
}

/** Default budgets. */
export const DEFAULT_BUDGETS: TokenizerBudgets = { load: 60_000, call: 3_000, suggest: 15_000 };

/**
 * Starts a tokenizer worker. Under Node (unit tests, benchmarks) there is no Worker: the service runs
 * in-process, where nothing can interrupt it, so the budget only applies in browsers.
 */
export function spawnTokenizer(): TokenizerEndpoint {
  if (typeof Worker === 'undefined') {
    // Why a computed specifier: with a literal one Vite would bundle the tokenizer library (and its
    // untrusted regexes' code paths) into the scoring worker, which never needs it in a browser.
    const path = './tokenizerService';
    const service = (import(/* @vite-ignore */ path) as Promise<typeof import('./tokenizerService')>).then((m) => m.createTokenizerService());
    const methods: (keyof TokenizerService)[] = ['load', 'encode', 'describe', 'suggest', 'variants'];
    const api = Object.fromEntries(
      methods.map((k) => [k, async (...a: unknown[]) => ((await service)[k] as (...x: unknown[]) => unknown)(...a)]),
    ) as AsyncTokenizerService;
    return { api, terminate: () => undefined };
  }
  const worker = new Worker(new URL('../../workers/tokenizer.worker.ts', import.meta.url), { type: 'module', name: 'tokenizer' });
  return { api: wrap<TokenizerService>(worker) as unknown as AsyncTokenizerService, terminate: () => worker.terminate() };
}

/** An Error whose name is `name` (comlink keeps only name and message across workers). */
function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/**
 * The engine's handle on one tokenizer worker. Every call races a time budget; a call that overruns
 * terminates the worker (a catastrophically backtracking regex cannot be interrupted any other way),
 * rejects every pending call with a TokenizerTimeoutError naming the file and the work, and leaves
 * the client `stopped` (the holder starts a fresh worker for the next request).
 */
export class TokenizerClient {
  /** Why the worker was stopped, once it was. */
  stopped: Error | null = null;
  private readonly pending = new Set<(e: Error) => void>();


  constructor(
    private readonly endpoint: TokenizerEndpoint,
    /** Names the tokenizer in messages, e.g. "tokenizer.json of the vindex". */
    readonly label: string,
    private readonly budgets: TokenizerBudgets = DEFAULT_BUDGETS,
  ) {}

  /** Loads the tokenizer file into the worker. */
  load(bytes: Uint8Array, configText: string | undefined, signal?: AbortSignal) {
    return this.call(`loading ${this.label}`, this.budgets.load, () => this.endpoint.api.load(bytes, configText, this.label), signal);
  }

  /** Ids and raw tokens of `text`. */
  encode(text: string): Promise<{ ids: number[]; tokens: string[] }> {
    return this.call(`tokenizing ${quote(text)}`, this.budgets.call, () => this.endpoint.api.encode(text));
  }

  /** Exact texts and raw strings of ids. */
  describe(ids: number[]): Promise<TokenRef[]> {
    return this.call(`decoding ${ids.length} token${ids.length === 1 ? '' : 's'}`, this.budgets.call, () => this.endpoint.api.describe(ids));
  }

  /** Vocabulary suggestions for a word prefix. */
  suggest(prefix: string, limit: number): Promise<TokenSuggestion[]> {
    return this.call(`looking up ${quote(prefix)} in the vocabulary`, this.budgets.suggest, () => this.endpoint.api.suggest(prefix, limit));
  }

  /** The single-token spellings of a word. */
  variants(word: string): Promise<{ spelling: string; token: TokenRef | null }[]> {
    return this.call(`tokenizing the spellings of ${quote(word)}`, this.budgets.call, () => this.endpoint.api.variants(word));
  }

  /** Stops the worker for good (the session is closed). */
  dispose(): void {
    this.stop(named('AbortError', `${this.label}: closed`));
  }

  private stop(reason: Error, culprit?: (e: unknown) => void): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.endpoint.terminate();
    // The call that overran gets the reason; the others, queued behind it, only lost their worker.
    for (const fail of [...this.pending]) fail(fail === culprit || reason.name === 'AbortError' ? reason : this.stoppedError());
  }

  /** What a call on a stopped worker gets: worth one more try on a fresh worker (see TokenizerHolder.use). */
  private stoppedError(): Error {
    return named('TokenizerStoppedError', `${this.label}: the tokenizer worker was stopped (${this.stopped?.message ?? 'closed'})`);
  }

  private call<T>(what: string, budgetMs: number, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.stopped) return Promise.reject(this.stoppedError());
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<T>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(fail);
      };
      const fail = (e: unknown) => {
        finish();
        reject(e);
      };
      const timer = setTimeout(() => {
        const s = budgetMs >= 1000 ? `${budgetMs / 1000} s` : `${budgetMs} ms`;
        this.stop(named('TokenizerTimeoutError',
          `${this.label}: ${what} took longer than ${s}, so the tokenizer was stopped (a pre-tokenizer or normalizer ` +
            'regex in it may backtrack catastrophically on this text). Try other text, or query token ids such as #123.'), fail);
      }, budgetMs);
      // Cancelling a load stops its worker too: parsing cannot be interrupted otherwise.
      const onAbort = () => this.stop(abortError(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(fail);
      run().then((v) => {
        finish();
        resolve(v);
      }, fail);
    });
  }
}
