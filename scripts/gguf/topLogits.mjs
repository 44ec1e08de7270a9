// topLogits.mjs: for every row v of a [F, H] matrix, the K tokens t with the largest E[t]·v over
// the whole vocabulary (E is [V, H]), in float64, best first (ties: lower id). This is the
// expensive half of down_meta.bin (F·V·H multiply-adds per layer), so the kernel computes a
// 2-token × 4-row tile per pass (8 accumulators that stay in registers) over token tiles that
// stay in cache. Plain JS because no npm BLAS runs in Node without native builds; it runs in
// worker threads (topLogitsWorker.mjs), one layer per message.

const TILE = 128; // tokens per cache tile: 128 × 576 × 4 B = 295 kB

/** Top-K token ids and float64 logits per row of `rows` ([F, H]) against `E` ([V, H]). */
export function topLogits(E, V, H, rows, F, K) {
  const vals = new Float64Array(F * K).fill(-Infinity);
  const ids = new Int32Array(F * K).fill(-1);
  const minVal = new Float64Array(F).fill(-Infinity);
  const minPos = new Int32Array(F); // slot of the current minimum within the row's K slots

  /** Offers (t, v) to row f's top-K; tokens arrive in increasing id order, so a tie never displaces. */
  const offer = (f, t, v) => {
    if (!(v > minVal[f])) return;
    const base = f * K;
    vals[base + minPos[f]] = v;
    ids[base + minPos[f]] = t;
    let mv = Infinity;
    let mp = 0;
    for (let j = 0; j < K; j++) {
      const x = vals[base + j];
      // among equal minima, evict the larger id (the later token)
      if (x < mv || (x === mv && ids[base + j] > ids[base + mp])) {
        mv = x;
        mp = j;
      }
    }
    minVal[f] = mv;
    minPos[f] = mp;
  };

  const F4 = F - (F % 4);
  for (let t0 = 0; t0 < V; t0 += TILE) {
    const t1 = Math.min(V, t0 + TILE);
    const t2 = t0 + ((t1 - t0) & ~1);
    for (let f = 0; f < F4; f += 4) {
      const d0 = f * H, d1 = d0 + H, d2 = d1 + H, d3 = d2 + H;
      for (let t = t0; t < t2; t += 2) {
        const e0 = t * H, e1 = e0 + H;
        let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
        for (let i = 0; i < H; i++) {
          const x0 = E[e0 + i], x1 = E[e1 + i];
          const y0 = rows[d0 + i], y1 = rows[d1 + i], y2 = rows[d2 + i], y3 = rows[d3 + i];
          a00 += x0 * y0; a01 += x0 * y1; a02 += x0 * y2; a03 += x0 * y3;
          a10 += x1 * y0; a11 += x1 * y1; a12 += x1 * y2; a13 += x1 * y3;
        }
        offer(f, t, a00); offer(f + 1, t, a01); offer(f + 2, t, a02); offer(f + 3, t, a03);
        offer(f, t + 1, a10); offer(f + 1, t + 1, a11); offer(f + 2, t + 1, a12); offer(f + 3, t + 1, a13);
      }
      for (let t = t2; t < t1; t++) for (let k = 0; k < 4; k++) offer(f + k, t, dot(E, t * H, rows, (f + k) * H, H));
    }
    for (let f = F4; f < F; f++) for (let t = t0; t < t1; t++) offer(f, t, dot(E, t * H, rows, f * H, H));
  }

  // sort each row's K slots: logit descending, then lower id; empty slots (fewer than K tokens) last
  const order = new Array(K);
  for (let f = 0; f < F; f++) {
    const base = f * K;
    for (let j = 0; j < K; j++) order[j] = j;
    order.sort((a, b) => {
      const ia = ids[base + a], ib = ids[base + b];
      if (ia < 0 || ib < 0) return ia < 0 ? (ib < 0 ? 0 : 1) : -1;
      const d = vals[base + b] - vals[base + a];
      return d !== 0 ? d : ia - ib;
    });
    const v = order.map((j) => vals[base + j]);
    const d = order.map((j) => ids[base + j]);
    for (let j = 0; j < K; j++) {
      vals[base + j] = v[j];
      ids[base + j] = d[j];
    }
  }
  return { ids, vals };
}

function dot(a, ao, b, bo, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
  return s;
}
