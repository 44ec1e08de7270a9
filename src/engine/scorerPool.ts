import { wrap } from 'comlink';
import type { Scorer } from '../compute/scorer';

/** A scorer as the engine sees it: every call asynchronous (a worker through comlink, or in-process in tests). */
export type ScorerEndpoint = { [K in keyof Scorer]: (...args: Parameters<Scorer[K]>) => Promise<ReturnType<Scorer[K]>> };

/**
 * Scorer workers beside the engine worker. The engine worker mainly does I/O and hands whole gate layers
 * and embedding blocks (transferred, never copied) to the scorers; it scores a share itself, so on this
 * 2-core machine (one scorer) work splits between two threads. Workers start on first use.
 */
export class ScorerPool {
  private readonly slots: (ScorerEndpoint | null)[];
  private readonly stops: (() => void)[] = [];
  /** Bumped by terminate(): what scorers held before is gone (RemoteGates forget their books). */
  generation = 0;

  constructor(
    /** Number of scorer workers (the engine itself is one more scoring thread). */
    readonly size: number,
    private readonly spawn: () => { endpoint: ScorerEndpoint; stop: () => void },
  ) {
    this.slots = new Array<ScorerEndpoint | null>(size).fill(null);
  }

  /** Scorer `i` (0 ≤ i < size), started when first asked for. */
  slot(i: number): ScorerEndpoint {
    let s = this.slots[i];
    if (!s) {
      const { endpoint, stop } = this.spawn();
      this.stops.push(stop);
      this.slots[i] = s = endpoint;
    }
    return s;
  }

  /** Scorers already started (the ones that may hold resident layers). */
  started(): ScorerEndpoint[] {
    return this.slots.filter((s): s is ScorerEndpoint => s !== null);
  }

  /**
   * Stops every worker (they start again on next use, empty). Why: freed layers leave a worker's memory
   * only when its garbage collector runs, which an idle worker may not do for a long time; stopping it
   * returns the memory at once. Only call when no operation uses the pool (a call to a stopped worker
   * never answers).
   */
  terminate(): void {
    this.generation++;
    for (const stop of this.stops) stop();
    this.stops.length = 0;
    this.slots.fill(null);
  }
}

/**
 * The pool of a browser worker: `hardwareConcurrency − 1` scorers (at least 1); none where workers
 * cannot be started (Node: unit tests and benchmarks run the single-thread reference path).
 */
export function browserScorerPool(): ScorerPool | null {
  if (typeof Worker === 'undefined' || typeof navigator === 'undefined') return null;
  const size = Math.max(1, (navigator.hardwareConcurrency || 2) - 1);
  return new ScorerPool(size, () => {
    const worker = new Worker(new URL('../../workers/scorer.worker.ts', import.meta.url), { type: 'module', name: 'scorer' });
    return { endpoint: wrap<Scorer>(worker) as unknown as ScorerEndpoint, stop: () => worker.terminate() };
  });
}

/** The bytes as a buffer of their own, safe to transfer (SourceSet.read already returns one; this only guards). */
export function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return (whole ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>;
}
