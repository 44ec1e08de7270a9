import { describe, it, expect, vi } from 'vitest';
import { MatrixStore } from '../../../src/engine/matrixStore';
import { SourceSet } from '../../../src/engine/sources';

const H = 4;
const ROWS = 2;
const LAYER_BYTES = ROWS * H * 4; // f32

function store(budgetLayers: number) {
  const bytes = new Float32Array(4 * ROWS * H).map((_, i) => i + 1);
  const file = new File([bytes], 'gate_vectors.bin');
  const sources = new SourceSet({ key: 'local:t', src: null, label: 't', kind: 'local', files: [{ name: 'gate_vectors.bin', size: file.size, file }] });
  const read = vi.spyOn(sources, 'read');
  // each resident layer costs its bytes plus ROWS f32 norms
  const m = new MatrixStore(sources, 'gate_vectors.bin', H, budgetLayers * (LAYER_BYTES + ROWS * 4));
  const scan = async () => {
    for (let l = 0; l < 4; l++) await m.get(l, { start: l * LAYER_BYTES, end: (l + 1) * LAYER_BYTES }, ROWS, 'f32');
  };
  return { m, read, scan };
}

describe('MatrixStore', () => {
  it('decodes rows and norms of a layer as stored', async () => {
    const { m } = store(4);
    const layer = await m.get(1, { start: LAYER_BYTES, end: 2 * LAYER_BYTES }, ROWS, 'f32');
    expect(Array.from(layer.data)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
    expect(layer.norms[0]).toBeCloseTo(Math.sqrt(81 + 100 + 121 + 144), 4);
  });

  it('keeps every layer within budget, reading each once', async () => {
    const { read, scan } = store(4);
    await scan();
    await scan();
    expect(read).toHaveBeenCalledTimes(4);
  });

  it('a repeated scan larger than the budget re-reads only what does not fit (newest evicted first)', async () => {
    const { m, read, scan } = store(2);
    await scan();
    expect(read).toHaveBeenCalledTimes(4);
    expect([0, 1, 2, 3].filter((l) => m.has(l))).toEqual([0, 3]);
    await scan();
    // layer 0 stays resident; under LRU every layer would have been read again (8 reads in all)
    expect(read).toHaveBeenCalledTimes(7);
    expect(m.residentBytes()).toBeLessThanOrEqual(2 * (LAYER_BYTES + ROWS * 4));
  });
});

/** A store whose reads wait until released, recording the signal each read was given. */
function gatedStore() {
  const bytes = new Float32Array(4 * ROWS * H).map((_, i) => i + 1);
  const file = new File([bytes], 'gate_vectors.bin');
  const sources = new SourceSet({ key: 'local:t', src: null, label: 't', kind: 'local', files: [{ name: 'gate_vectors.bin', size: file.size, file }] });
  const reads: { signal: AbortSignal | undefined; release: () => void }[] = [];
  vi.spyOn(sources, 'read').mockImplementation((_name, start, end, signal) => new Promise((resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    // what a file read returns: the stored bytes of [start, end)
    reads.push({ signal, release: () => resolve(new Uint8Array(bytes.buffer.slice(start, end))) });
  }));
  const m = new MatrixStore(sources, 'gate_vectors.bin', H, 1 << 20);
  const layer1 = (signal?: AbortSignal) => m.get(1, { start: LAYER_BYTES, end: 2 * LAYER_BYTES }, ROWS, 'f32', signal);
  return { m, reads, layer1 };
}

describe('MatrixStore shared loads (issue 12.3)', () => {
  it("one caller's cancel leaves the shared read to the other, which gets the right rows", async () => {
    const { m, reads, layer1 } = gatedStore();
    const a = new AbortController();
    const b = new AbortController();
    const pa = layer1(a.signal);
    const pb = layer1(b.signal);
    await Promise.resolve();
    expect(reads).toHaveLength(1); // one read for both callers
    a.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(pa).rejects.toMatchObject({ name: 'AbortError' });
    expect(reads[0].signal?.aborted).toBe(false); // B still waits on it
    reads[0].release();
    const got = await pb;
    // rows 2–3 of the file: values 9…16 (1-based counting of the f32 values written above)
    expect(Array.from(got.data)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
    expect(m.has(1)).toBe(true);
  });

  it('the read is aborted when every caller has gone, and the next caller starts a fresh one', async () => {
    const { m, reads, layer1 } = gatedStore();
    const a = new AbortController();
    const b = new AbortController();
    const pa = layer1(a.signal);
    const pb = layer1(b.signal);
    await Promise.resolve();
    a.abort(new DOMException('Cancelled', 'AbortError'));
    expect(reads[0].signal?.aborted).toBe(false);
    b.abort(new DOMException('Cancelled', 'AbortError'));
    expect(reads[0].signal?.aborted).toBe(true);
    await expect(pa).rejects.toMatchObject({ name: 'AbortError' });
    await expect(pb).rejects.toMatchObject({ name: 'AbortError' });
    expect(m.has(1)).toBe(false);
    const pc = layer1();
    await Promise.resolve();
    expect(reads).toHaveLength(2);
    reads[1].release();
    expect(Array.from((await pc).data)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('close() drops resident layers and stops running reads', async () => {
    const { m, reads, layer1 } = gatedStore();
    const p = layer1();
    await Promise.resolve();
    reads[0].release();
    await p;
    expect(m.residentBytes()).toBe(LAYER_BYTES + ROWS * 4);
    const p2 = m.get(2, { start: 2 * LAYER_BYTES, end: 3 * LAYER_BYTES }, ROWS, 'f32');
    await Promise.resolve();
    m.close();
    expect(reads[1].signal?.aborted).toBe(true);
    await expect(p2).rejects.toMatchObject({ name: 'AbortError' });
    expect(m.residentBytes()).toBe(0);
    await expect(layer1()).rejects.toThrow(/closed/);
  });
});
