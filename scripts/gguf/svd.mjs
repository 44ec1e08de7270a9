// svd.mjs: the top-K singular directions in hidden space of one layer's gate_proj and down_proj,
// for the compact (Divinci) layout. gate_proj W [F, H] reads through its right singular vectors,
// down_proj W [H, F] writes along its left singular vectors; both are the leading eigenvectors of
// an H × H Gram matrix (WᵀW, resp. W Wᵀ), which ml-matrix's symmetric eigendecomposition gives
// (H × H is small next to F × H, so this is cheaper than a full SVD). Signs are arbitrary, as in any SVD; each
// direction is flipped so that its largest-magnitude component is positive, to be reproducible.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Gram matrix rowsᵀ·rows = Σ_r row_r row_rᵀ (H × H, float64) of `count` rows of length H. */
function gram(rows, count, H) {
  const G = new Float64Array(H * H);
  for (let r = 0; r < count; r++) {
    const o = r * H;
    for (let i = 0; i < H; i++) {
      const a = rows[o + i];
      if (a === 0) continue;
      const gi = i * H;
      for (let j = i; j < H; j++) G[gi + j] += a * rows[o + j];
    }
  }
  for (let i = 0; i < H; i++) for (let j = 0; j < i; j++) G[i * H + j] = G[j * H + i];
  return G;
}

/** Top-K unit directions (Float32Array [K, H]) and singular values of a Gram matrix. */
function topDirections(G, H, K) {
  const rows = [];
  for (let i = 0; i < H; i++) rows.push(Array.from(G.subarray(i * H, (i + 1) * H)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = lambda.map((_, i) => i).sort((a, b) => lambda[b] - lambda[a]).slice(0, K);
  const out = new Float32Array(K * H);
  order.forEach((c, k) => {
    let big = 0;
    for (let i = 0; i < H; i++) if (Math.abs(vecs.get(i, c)) > Math.abs(big)) big = vecs.get(i, c);
    const s = big < 0 ? -1 : 1;
    for (let i = 0; i < H; i++) out[k * H + i] = s * vecs.get(i, c);
  });
  return { directions: out, singular: order.map((c) => Math.sqrt(Math.max(0, lambda[c]))) };
}

/**
 * Top-K singular directions in hidden space of a layer's feature rows [F, H] (row-major): for
 * gate_proj rows they are its right singular vectors, for down_proj's feature-major rows (row f =
 * column f of down_proj) its left singular vectors; both are eigenvectors of rowsᵀ·rows.
 */
export function singularDirections(rows, F, H, K) {
  return topDirections(gram(rows, F, H), H, K);
}
