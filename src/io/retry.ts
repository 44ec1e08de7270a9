/**
 * Bounded retry with exponential back-off and jitter. Used for 429 (Hugging Face rate limits: a 429
 * served cross-origin cannot expose Retry-After, so we cannot read how long to wait — back off
 * blindly), 5xx and network failures. Delays and sleep are injectable so tests stay fast.
 */
import { abortError } from './ByteSource';

/** What a retry callback learns: which attempt failed, why, and how long we wait before the next. */
export interface RetryInfo {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** Delay before the next attempt, ms. */
  delayMs: number;
  /** HTTP status of the failed attempt (0 for a network error). */
  status: number;
  /** A sentence for the UI, e.g. "rate limited by the Hub; retrying in 2 s". */
  message: string;
}

/** Tuning shared by every module that retries. */
export interface RetryOptions {
  /** Maximum attempts in total (first try included). Default 4. */
  retries?: number;
  /** First back-off delay, ms; doubles per attempt. Default 500. */
  baseDelayMs?: number;
  /** Cap of one delay, ms. Default 8000. */
  maxDelayMs?: number;
  /** Sleep implementation (tests inject a fast one). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of randomness for the jitter (tests may pin it). */
  random?: () => number;
  /** Told before each wait. */
  onRetry?: (info: RetryInfo) => void;
}

/** Delay before retry number `attempt` (1-based): "equal jitter", half fixed and half random, capped. */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 8000, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  // Jitter spreads retries of several tabs/workers hitting the same rate limit.
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Waits `ms`, rejecting with the signal's AbortError as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A failure worth another attempt: carries the status and a UI sentence for RetryInfo. */
export interface Retryable {
  retry: true;
  status: number;
  message: string;
  /** The error to throw if this was the last attempt. */
  error: Error;
}

/**
 * Runs `attempt(n)` until it returns a value, throws (final), or returns a Retryable and attempts are
 * exhausted (then its `error` is thrown). AbortErrors are never retried.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T | Retryable>,
  opts: RetryOptions = {},
  signal?: AbortSignal,
): Promise<T> {
  const max = Math.max(1, opts.retries ?? 4);
  const doSleep = opts.sleep ?? sleep;
  for (let n = 1; ; n++) {
    if (signal?.aborted) throw abortError(signal);
    // Thrown errors (AbortError included) are final: only a returned Retryable earns another try.
    const r = await attempt(n);
    if (!isRetryable(r)) return r;
    if (n >= max) throw r.error;
    const delayMs = backoffDelay(n, opts.baseDelayMs, opts.maxDelayMs, opts.random);
    opts.onRetry?.({ attempt: n, delayMs, status: r.status, message: `${r.message}; retrying in ${formatSeconds(delayMs)}` });
    await doSleep(delayMs, signal);
  }
}

/** True when a value returned by an attempt asks for another try. */
export function isRetryable(v: unknown): v is Retryable {
  return typeof v === 'object' && v !== null && (v as { retry?: unknown }).retry === true && 'error' in v;
}

/** Whether a status is transient: 429 (rate limit), 408 and 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599);
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${Math.max(0.1, Math.round(s * 10) / 10)} s` : `${Math.round(s)} s`;
}
