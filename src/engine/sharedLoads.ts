/**
 * Loads shared by several callers, with reference-counted cancellation (as PMTiles' shared-promise
 * cache): a load runs under its own AbortController, each caller joins it with its own signal, a
 * caller whose signal aborts rejects only itself, and the load is aborted only when every caller has
 * gone. Why: a gate layer was loaded under the first query's signal, so cancelling that query
 * rejected every other query waiting on the same layer (issue 12.3: compare mode's B and A − B stayed
 * at "Scoring… 3 of 8 layers" after A was changed).
 *
 * Only running loads are kept: a settled load leaves the map (callers cache values themselves, within
 * their own budgets), and a failed or abandoned load is started afresh by the next caller.
 */
interface Load<V> {
  ctl: AbortController;
  promise: Promise<V>;
  /** Callers still waiting; a caller without a signal never leaves. */
  waiters: number;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

export class SharedLoads<K, V> {
  private readonly loads = new Map<K, Load<V>>();

  /** Number of running loads. */
  get size(): number {
    return this.loads.size;
  }

  /** True while a load of `key` runs. */
  has(key: K): boolean {
    return this.loads.has(key);
  }

  /**
   * Joins the running load of `key`, or starts it with `start(loadSignal)`. The returned promise
   * settles with the load, or rejects with `signal`'s reason as soon as `signal` aborts.
   */
  get(key: K, start: (signal: AbortSignal) => Promise<V>, signal?: AbortSignal): Promise<V> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let load = this.loads.get(key);
    if (!load) {
      const ctl = new AbortController();
      const fresh: Load<V> = { ctl, waiters: 0, promise: Promise.resolve(null as V) };
      // start() may throw synchronously: that rejects the load like any other failure
      fresh.promise = Promise.resolve()
        .then(() => start(ctl.signal))
        .finally(() => {
          if (this.loads.get(key) === fresh) this.loads.delete(key);
        });
      fresh.promise.catch(() => undefined); // each waiter handles the rejection it receives
      this.loads.set(key, fresh);
      load = fresh;
    }
    return this.join(key, load, signal);
  }

  /** Aborts every running load (their waiters reject with `reason`); used when the owner is closed. */
  abortAll(reason: unknown = new DOMException('Closed', 'AbortError')): void {
    for (const load of this.loads.values()) load.ctl.abort(reason);
    this.loads.clear();
  }

  private join(key: K, load: Load<V>, signal: AbortSignal | undefined): Promise<V> {
    load.waiters++;
    if (!signal) return load.promise;
    return new Promise<V>((resolve, reject) => {
      let gone = false;
      const onAbort = () => {
        gone = true;
        reject(abortReason(signal));
        if (--load.waiters === 0) {
          // the last caller left: nobody wants the bytes, so stop reading them
          if (this.loads.get(key) === load) this.loads.delete(key);
          load.ctl.abort(abortReason(signal));
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      load.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          if (!gone) resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (!gone) reject(e);
        },
      );
    });
  }
}
