import type { DType, ByteRange } from '../format/types';
import { normsRows } from '../compute/matVec';
import type { SourceSet } from './sources';

/** One decoded-on-the-fly layer matrix: raw f16/f32 rows kept as stored, plus row norms. */
export interface LayerMatrix {
  layer: number;
  rows: number;
  hidden: number;
  dtype: DType;
  data: Uint16Array | Float32Array;
  norms: Float32Array;
  bytes: number;
}

/** Views raw little-endian bytes as f16 bits or f32 values, copying only when misaligned. */
export function typedRows(bytes: Uint8Array, dtype: DType): Uint16Array | Float32Array {
  const bpf = dtype === 'f16' ? 2 : 4;
  const aligned = bytes.byteOffset % bpf === 0 ? bytes : bytes.slice();
  return dtype === 'f16'
    ? new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2)
    : new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

/**
 * Keeps layers of a per-layer [F, H] file (gate, down) resident within a memory budget. Concurrent
 * requests for one layer share one read (promises are cached, not values).
 *
 * Eviction is most-recently-loaded first. Why: scoring scans every layer in order, and under LRU a scan
 * larger than the budget evicts each layer just before the next query needs it (the second query of the
 * Gemma-size benchmark re-read all 1.78 GB). Evicting the newest keeps the first layers resident, so
 * every later scan reuses as many layers as fit.
 */
export class MatrixStore {
  private readonly entries = new Map<number, Promise<LayerMatrix>>();
  private readonly sizes = new Map<number, number>();

  constructor(
    private readonly sources: SourceSet,
    private readonly file: string,
    private readonly hidden: number,
    public budgetBytes: number,
  ) {}

  /** Bytes of resident layers. */
  residentBytes(): number {
    let n = 0;
    for (const s of this.sizes.values()) n += s;
    return n;
  }

  /** True when the layer is resident (a later query reads nothing for it). */
  has(layer: number): boolean {
    return this.sizes.has(layer);
  }

  /** The layer's matrix, read on first use. */
  get(layer: number, range: ByteRange, rows: number, dtype: DType, signal?: AbortSignal): Promise<LayerMatrix> {
    const hit = this.entries.get(layer);
    if (hit) return hit;
    const p = this.sources.read(this.file, range.start, range.end, signal).then((bytes) => {
      const expected = rows * this.hidden * (dtype === 'f16' ? 2 : 4);
      if (bytes.byteLength !== expected) {
        throw new Error(`${this.file}: layer ${layer} needs ${expected} bytes (${range.start}–${range.end}), got ${bytes.byteLength}`);
      }
      const data = typedRows(bytes, dtype);
      const norms = new Float32Array(rows);
      normsRows(data, dtype, rows, this.hidden, norms);
      this.sizes.set(layer, bytes.byteLength + norms.byteLength);
      this.evict(layer);
      return { layer, rows, hidden: this.hidden, dtype, data, norms, bytes: bytes.byteLength };
    });
    this.entries.set(layer, p);
    p.catch(() => {
      if (this.entries.get(layer) === p) this.entries.delete(layer);
      this.sizes.delete(layer);
    });
    return p;
  }

  private evict(keep: number): void {
    const newestFirst = [...this.entries.keys()].reverse();
    for (const layer of newestFirst) {
      if (this.residentBytes() <= this.budgetBytes) return;
      if (layer === keep || !this.sizes.has(layer)) continue;
      this.entries.delete(layer);
      this.sizes.delete(layer);
    }
  }
}
