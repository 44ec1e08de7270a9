import { describe, expect, it } from 'vitest';
import { fileSource } from '../../../src/io/fileSource';
import { patternBytes } from './countingSource';

describe('fileSource', () => {
  const bytes = patternBytes(5000);
  const file = new File([bytes], 'gate_vectors.bin', { lastModified: 1234 });

  it('reads exact ranges through Blob.slice', async () => {
    const src = fileSource(file);
    expect(src.size).toBe(5000);
    expect(src.key).toBe('file:gate_vectors.bin:5000:1234');
    expect(fileSource(file, 'k').key).toBe('k');
    expect(await src.read(0, 1)).toEqual(bytes.slice(0, 1));
    expect(await src.read(1234, 4321)).toEqual(bytes.slice(1234, 4321));
    expect(await src.read(5000, 5000)).toEqual(new Uint8Array(0));
  });

  it('rejects reads outside the file, naming it', async () => {
    const err = await fileSource(file).read(4000, 5001).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'OutOfRangeError', message: 'gate_vectors.bin: cannot read bytes 4000–5001 of a 5000-byte file' });
  });

  it('reports a file changed on disk (NotReadableError) as FileChangedError', async () => {
    const broken = Object.assign(new Blob([bytes]), {
      name: 'embeddings.bin',
      slice: () => ({ arrayBuffer: () => Promise.reject(Object.assign(new Error('could not be read'), { name: 'NotReadableError' })) }),
    }) as unknown as File;
    const err = await fileSource(broken).read(0, 10).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'FileChangedError' });
    expect((err as Error).message).toContain('embeddings.bin: file changed while reading');
    const shrunk = Object.assign(new Blob([bytes]), {
      name: 'embeddings.bin',
      slice: () => new Blob([bytes.slice(0, 3)]),
    }) as unknown as File;
    const err2 = await fileSource(shrunk).read(0, 10).catch((e: Error) => e);
    expect((err2 as Error).message).toBe('embeddings.bin: file changed while reading: asked for 10 bytes (bytes 0–9), got 3');
  });

  it('honours abort', async () => {
    const err = await fileSource(file).read(0, 10, AbortSignal.abort()).catch((e: Error) => e);
    expect((err as Error).name).toBe('AbortError');
    const slow = Object.assign(new Blob([bytes]), { slice: () => ({ arrayBuffer: () => new Promise(() => {}) }) }) as unknown as File;
    const ctrl = new AbortController();
    const p = fileSource(slow).read(0, 10, ctrl.signal).catch((e: Error) => e);
    ctrl.abort();
    expect(((await p) as Error).name).toBe('AbortError');
  });
});
