import type { DType, ByteRange } from '../format/types';
import { normsRows } from '../compute/matVec';
import type { SourceSet } from './sources';
import { SharedLoads } from './sharedLoads';

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
 * requests for one layer share one read, with reference-counted cancellation (SharedLoads): a query
 * that is cancelled leaves the read to the others, and the read stops only when no query wants it.
 *
 * Eviction is most-recently-loaded first. Why: scoring scans every layer in order, and under LRU a scan
 * larger than the budget evicts each layer just before the next query needs it (the second query of the
 * Gemma-size benchmark re-read all 1.78 GB). Evicting the newest keeps the first layers resident, so
 * every later scan reuses as many layers as fit.
 */
export class MatrixStore {
  /** Resident layers in load order. */
  private readonly resident = new Map<number, LayerMatrix>();
  private readonly loads = new SharedLoads<number, LayerMatrix>();
  private residentTotal = 0;
  private closed = false;

  constructor(
    private readonly sources: SourceSet,
    private readonly file: string,
    private readonly hidden: number,
    public budgetBytes: number,
  ) {}

  /** Bytes of resident layers. */
  residentBytes(): number {
    return this.residentTotal;
  }

  /** True when the layer is resident (a later query reads nothing for it). */
  has(layer: number): boolean {
    return this.resident.has(layer);
  }

  /** The layer's matrix, read on first use; `signal` cancels this caller only. */
  get(layer: number, range: ByteRange, rows: number, dtype: DType, signal?: AbortSignal): Promise<LayerMatrix> {
    if (this.closed) return Promise.reject(new Error(`${this.file}: this vindex was closed; open it again`));
    const hit = this.resident.get(layer);
    if (hit) return Promise.resolve(hit);
    return this.loads.get(layer, async (loadSignal) => {
      const bytes = await this.sources.read(this.file, range.start, range.end, loadSignal);
      const expected = rows * this.hidden * (dtype === 'f16' ? 2 : 4);
      if (bytes.byteLength !== expected) {
        throw new Error(`${this.file}: layer ${layer} needs ${expected} bytes (${range.start}–${range.end}), got ${bytes.byteLength}`);
      }
      const data = typedRows(bytes, dtype);
      const norms = new Float32Array(rows);
      normsRows(data, dtype, rows, this.hidden, norms);
      const m: LayerMatrix = { layer, rows, hidden: this.hidden, dtype, data, norms, bytes: bytes.byteLength };
      if (!this.closed) {
        this.resident.set(layer, m);
        this.residentTotal += bytes.byteLength + norms.byteLength;
        this.evict(layer);
      }
      return m;
    }, signal);
  }

  /** Drops every resident layer (the vindex is no longer shown); running reads go on for their callers. */
  release(): void {
    this.resident.clear();
    this.residentTotal = 0;
  }

  /** Drops every resident layer and stops running reads (the session is closed). */
  close(): void {
    this.closed = true;
    this.loads.abortAll();
    this.resident.clear();
    this.residentTotal = 0;
  }

  private evict(keep: number): void {
    const newestFirst = [...this.resident.keys()].reverse();
    for (const layer of newestFirst) {
      if (this.residentTotal <= this.budgetBytes) return;
      if (layer === keep) continue;
      const m = this.resident.get(layer)!;
      this.resident.delete(layer);
      this.residentTotal -= m.bytes + m.norms.byteLength;
    }
  }
}
