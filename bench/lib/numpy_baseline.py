"""The lean baseline of issue 7: numpy reading the same bytes from warm local disk and doing the same maths.

  project: the vocabulary projection of one down vector: np.memmap of embeddings.bin [V, H] f16, read in
           8,192-row blocks, each converted to f32, dot with v and cosine (row norms), top-k of both.
  gate:    the one-token cosine heatmap: q = embed_scale * E[id]; np.memmap of gate_vectors.bin, every
           layer's [F, H] f16 rows in 8,192-row blocks, cosine with q; the argmax over all features.

Runs `repeat` times (the first warms the page cache and numpy) and prints JSON: the times of every run
and the results, for the caller to take the median of the warm runs and cross-check with the app.
"""
import json
import sys
import time

import numpy as np

BLOCK = 8192


def project(emb_path, V, H, vec_path, vec_offset, k):
    v = np.fromfile(vec_path, dtype=np.float16, count=H, offset=vec_offset).astype(np.float32)
    vn = float(np.sqrt(v @ v))
    E = np.memmap(emb_path, dtype=np.float16, mode='r', shape=(V, H))
    dot = np.empty(V, dtype=np.float32)
    cos = np.empty(V, dtype=np.float32)
    for a in range(0, V, BLOCK):
        blk = np.asarray(E[a:a + BLOCK], dtype=np.float32)
        d = blk @ v
        dot[a:a + BLOCK] = d
        cos[a:a + BLOCK] = d / (np.sqrt(np.einsum('ij,ij->i', blk, blk)) * vn + 1e-8)
    top = np.argpartition(-dot, k)[:k]
    top = top[np.argsort(-dot[top])]
    topc = np.argpartition(-cos, k)[:k]
    topc = topc[np.argsort(-cos[topc])]
    return {'byDot': top.tolist(), 'byCos': topc.tolist()}


def gate(gate_path, emb_path, L, F, H, token, scale):
    E = np.memmap(emb_path, dtype=np.float16, mode='r')
    q = np.asarray(E[token * H:(token + 1) * H], dtype=np.float32) * scale
    qn = float(np.sqrt(q @ q))
    G = np.memmap(gate_path, dtype=np.float16, mode='r', shape=(L * F, H))
    best, at = -np.inf, -1
    for a in range(0, L * F, BLOCK):
        blk = np.asarray(G[a:a + BLOCK], dtype=np.float32)
        c = (blk @ q) / (np.sqrt(np.einsum('ij,ij->i', blk, blk)) * qn + 1e-8)
        i = int(np.argmax(c))
        if c[i] > best:
            best, at = float(c[i]), a + i
    return {'layer': at // F, 'feature': at % F, 'score': best}


def main():
    args = json.loads(sys.argv[1])
    mode = args.pop('mode')
    repeat = args.pop('repeat', 3)
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = project(**args) if mode == 'project' else gate(**args)
        times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({'times': times, 'result': out, 'numpy': np.__version__}))


main()
