/**
 * Query vector for text: q = mean over the given rows of `scale · row` (a plain mean; the caller
 * passes a row twice to count a duplicate token twice). Sums are accumulated in doubles and the
 * result rounded once to f32. With no rows the result is the zero vector.
 */
import type { DType } from '../format/types';
import { f16Table } from './f16table';
import type { RowData } from './matVec';

export function meanOfRows(rows: ReadonlyArray<RowData>, dtype: DType, H: number, scale: number): Float32Array {
  const acc = new Float64Array(H);
  for (const row of rows) {
    if (row.length < H) throw new RangeError(`row has ${row.length} values, needs ${H}`);
    if (dtype === 'f16') {
      if (!(row instanceof Uint16Array)) throw new TypeError('dtype f16 needs Uint16Array rows');
      const t = f16Table();
      for (let h = 0; h < H; h++) acc[h] += t[row[h]];
    } else {
      if (!(row instanceof Float32Array)) throw new TypeError('dtype f32 needs Float32Array rows');
      for (let h = 0; h < H; h++) acc[h] += row[h];
    }
  }
  const out = new Float32Array(H);
  const n = rows.length;
  if (n === 0) return out;
  for (let h = 0; h < H; h++) out[h] = (scale * acc[h]) / n;
  return out;
}
