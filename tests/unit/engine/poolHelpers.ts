/**
 * Scorer pools for Node tests: the real scorer (src/compute/scorer.ts) in-process, behind the same
 * asynchronous interface a worker has. Buffers sent to it go through structuredClone with transfer, so
 * the sender's copy is detached exactly as a postMessage transfer would leave it.
 */
import { createScorer, type Scorer } from '../../../src/compute/scorer';
import { ScorerPool, type ScorerEndpoint } from '../../../src/engine/scorerPool';

export interface CallLog {
  calls: string[];
  scorers: Scorer[];
  /** When set, every call waits for this promise before running. */
  gate: Promise<void> | null;
  /** Workers stopped so far. */
  stops?: number;
}

function moved<T>(x: T): T {
  if (x instanceof Uint8Array) return structuredClone(x, { transfer: [x.buffer] }) as T;
  return structuredClone(x);
}

export function inProcessPool(size: number, log: CallLog = { calls: [], scorers: [], gate: null }): { pool: ScorerPool; log: CallLog } {
  const pool = new ScorerPool(size, () => {
    const s = createScorer();
    log.scorers.push(s);
    const endpoint = {} as Record<string, (...a: unknown[]) => Promise<unknown>>;
    let dead = false;
    for (const name of Object.keys(s) as (keyof Scorer)[]) {
      endpoint[name] = async (...args: unknown[]) => {
        // a call to a terminated worker never answers
        if (dead) return new Promise(() => undefined);
        const sent = args.map(moved); // copied or moved now, as postMessage does when the call is made
        log.calls.push(name);
        if (log.gate) await log.gate;
        return moved((s[name] as (...a: unknown[]) => unknown)(...sent));
      };
    }
    return {
      endpoint: endpoint as unknown as ScorerEndpoint,
      stop: () => {
        dead = true;
        log.stops = (log.stops ?? 0) + 1;
      },
    };
  });
  return { pool, log };
}
