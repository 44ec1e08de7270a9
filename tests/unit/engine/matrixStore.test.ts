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
