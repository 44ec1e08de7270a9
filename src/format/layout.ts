// Byte layout of the tensor files: dtype from size, per-layer ranges, single-row ranges.
import type { ByteRange, DType, LayerInfo } from './types';

/** Bytes per float of a dtype (f16 → 2, f32 → 4). */
export function bytesPerFloat(dtype: DType): 2 | 4 {
  return dtype === 'f16' ? 2 : 4;
}

/** The dtype whose element size is `bpf` bytes, or null for any other size. */
export function dtypeOfBytesPerFloat(bpf: number): DType | null {
  return bpf === 2 ? 'f16' : bpf === 4 ? 'f32' : null;
}

/**
 * Decides a file's dtype from its size ("trust sizes, not labels"): exactly floats·2 → f16,
 * exactly floats·4 → f32, anything else → a detail naming both expected sizes and the actual
 * (the caller prefixes the file name). `shape` describes the float count, e.g. "V=2048 × H=128".
 */
export function dtypeFromSize(size: number, floats: number, shape: string): DType | { detail: string } {
  if (floats > 0 && size === floats * 2) return 'f16';
  if (floats > 0 && size === floats * 4) return 'f32';
  return { detail: `expected ${floats * 2} bytes (${shape} × 2) or ${floats * 4} (× 4), file has ${size}` };
}

/**
 * Per-layer byte ranges of a feature-major file ([F_l, H] per layer, layers concatenated in layer
 * order, no padding); layers with no features get null.
 */
export function cumulativeRanges(counts: readonly number[], hidden: number, dtype: DType): (ByteRange | null)[] {
  const bpf = bytesPerFloat(dtype);
  let pos = 0;
  return counts.map((f) => {
    if (f === 0) return null;
    const range = { start: pos, end: pos + f * hidden * bpf };
    pos = range.end;
    return range;
  });
}

/** Byte range of feature f's row inside a layer's [F, H] block, or null when f is out of range. */
export function featureRowRange(
  layerRange: ByteRange | null,
  hidden: number,
  dtype: DType,
  feature: number,
): ByteRange | null {
  if (layerRange === null || !Number.isInteger(feature) || feature < 0) return null;
  const rowBytes = hidden * bytesPerFloat(dtype);
  const start = layerRange.start + feature * rowBytes;
  if (start + rowBytes > layerRange.end) return null;
  return { start, end: start + rowBytes };
}

/** Byte range of token t's row in embeddings.bin ([V, H]: row t starts at t·H·bpf). */
export function embeddingRowRange(token: number, hidden: number, dtype: DType): ByteRange {
  const rowBytes = hidden * bytesPerFloat(dtype);
  return { start: token * rowBytes, end: (token + 1) * rowBytes };
}

/** MoE: the expert a feature belongs to (features are expert-major), or null for dense layers / bad f. */
export function expertOfFeature(layer: LayerInfo, feature: number): number | null {
  const per = layer.featuresPerExpert;
  if (per === undefined || per <= 0 || layer.numExperts === undefined) return null;
  if (!Number.isInteger(feature) || feature < 0 || feature >= layer.numFeatures) return null;
  return Math.floor(feature / per);
}
