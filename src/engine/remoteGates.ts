import { transfer } from 'comlink';
import type { DType, ByteRange } from '../format/types';
import type { SourceSet } from './sources';
import { SharedLoads } from './sharedLoads';
import { ownBuffer, type ScorerPool } from './scorerPool';

let nextStore = 1;

/**
 * The gate layers one session keeps in the scorer workers. The engine reads each layer's bytes and
 * transfers them to the layer's scorer, which keeps the decoded rows and norms; the engine keeps the
 * books (which layers each scorer holds, within `budgetBytes` per scorer, newest evicted first as in
 * MatrixStore) and tells the scorer what to drop. A layer being scored is pinned: never dropped under
 * a running score. Loads are shared with reference-counted cancellation (SharedLoads).
 */
export class RemoteGates {
  private readonly id = `gates${nextStore++}`;
  /** Per scorer: resident layer → bytes, in load order. */
  private readonly resident: Map<number, number>[];
  private readonly pins = new Map<number, number>();
  private loads = new SharedLoads<string, void>();
  private closed = false;
  private generation: number;

  constructor(
    private readonly pool: ScorerPool,
    private readonly sources: SourceSet,
    private readonly file: string,
    private readonly hidden: number,
    /** Resident bytes allowed in each scorer. */
    public budgetBytes: number,
  ) {
    this.resident = Array.from({ length: pool.size }, () => new Map<number, number>());
    this.generation = pool.generation;
  }

  /** After the pool was restarted, nothing is resident any more (and loads sent to the old workers never answer). */
  private sync(): void {
    if (this.generation === this.pool.generation) return;
    this.generation = this.pool.generation;
    for (const m of this.resident) m.clear();
    this.loads = new SharedLoads<string, void>();
  }

  /** Bytes resident in scorer `slot` for this session. */
  residentBytes(slot?: number): number {
    const maps = slot === undefined ? this.resident : [this.resident[slot]];
    let n = 0;
    for (const m of maps) for (const b of m.values()) n += b;
    return n;
  }

  /** Scores q against `layer` in scorer `slot`, sending the layer there first unless it is resident. */
  async score(
    slot: number, layer: number, range: ByteRange, rows: number, dtype: DType,
    q: Float32Array, qNorm: number, metric: 'cos' | 'dot', signal?: AbortSignal,
  ): Promise<Float32Array> {
    if (this.closed) throw new Error(`${this.file}: this vindex was closed; open it again`);
    this.sync();
    const ep = this.pool.slot(slot);
    this.pins.set(layer, (this.pins.get(layer) ?? 0) + 1);
    try {
      if (!this.resident[slot].has(layer)) {
        await this.loads.get(`${slot}:${layer}`, (s) => this.load(slot, layer, range, rows, dtype, s), signal);
      }
      signal?.throwIfAborted(); // a cancelled query sends no more work to the pool
      return await ep.scoreLayer(this.id, layer, q, qNorm, metric);
    } finally {
      const n = this.pins.get(layer)! - 1;
      if (n === 0) this.pins.delete(layer);
      else this.pins.set(layer, n);
      this.evict(slot, this.budgetBytes);
    }
  }

  /** Drops every layer not being scored (the vindex is no longer shown). */
  release(): void {
    this.sync();
    for (let slot = 0; slot < this.resident.length; slot++) this.evict(slot, 0);
  }

  /** Drops everything and stops running reads (the session is closed). */
  close(): void {
    this.closed = true;
    this.loads.abortAll();
    for (const m of this.resident) m.clear();
    if (this.generation === this.pool.generation) for (const ep of this.pool.started()) ep.dropStore(this.id).catch(() => undefined);
  }

  private async load(slot: number, layer: number, range: ByteRange, rows: number, dtype: DType, signal: AbortSignal): Promise<void> {
    const bytes = await this.sources.read(this.file, range.start, range.end, signal);
    const expected = rows * this.hidden * (dtype === 'f16' ? 2 : 4);
    if (bytes.byteLength !== expected) {
      throw new Error(`${this.file}: layer ${layer} needs ${expected} bytes (${range.start}–${range.end}), got ${bytes.byteLength}`);
    }
    const own = ownBuffer(bytes);
    const ep = this.pool.slot(slot);
    const generation = this.pool.generation;
    const size = await ep.putLayer(this.id, layer, transfer(own, [own.buffer]), rows, this.hidden, dtype);
    if (generation !== this.pool.generation) return;
    if (this.closed) ep.dropLayer(this.id, layer).catch(() => undefined);
    else this.resident[slot].set(layer, size);
  }

  private evict(slot: number, budget: number): void {
    const m = this.resident[slot];
    let total = this.residentBytes(slot);
    for (const layer of [...m.keys()].reverse()) {
      if (total <= budget) return;
      if (this.pins.has(layer)) continue;
      total -= m.get(layer)!;
      m.delete(layer);
      this.pool.slot(slot).dropLayer(this.id, layer).catch(() => undefined);
    }
  }
}
