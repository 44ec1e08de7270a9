import { describe, expect, it } from 'vitest';
import { filesFromDataTransfer, locationFromFiles, type DataTransferLike } from '../../../src/io/localFolder';

/** A File with the webkitRelativePath that <input webkitdirectory> gives (Node's File has none). */
function file(path: string, size = 10, lastModified = 1000): File {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const f = new File([new Uint8Array(size)], name, { lastModified });
  Object.defineProperty(f, 'webkitRelativePath', { value: path.includes('/') ? path : '' });
  return f;
}

describe('locationFromFiles', () => {
  it('builds a local location keyed by folder, index.json size and mtime, and the pick', () => {
    const loc = locationFromFiles([file('my-vindex/gate_vectors.bin', 100), file('my-vindex/index.json', 42, 777), file('my-vindex/.cache/huggingface/x.metadata')]);
    expect(loc).toMatchObject({ kind: 'local', src: null, label: 'my-vindex' });
    expect(loc.key).toMatch(/^local:my-vindex:42:777:\d+$/);
    expect(loc.files.map((f) => [f.name, f.size])).toEqual([['index.json', 42], ['gate_vectors.bin', 100]]);
    expect(loc.files[0].file).toBeInstanceOf(File);
  });

  it('takes the shallowest folder holding index.json when a parent folder was chosen', () => {
    const loc = locationFromFiles([file('models/readme.txt'), file('models/v/index.json'), file('models/v/embeddings.bin')]);
    expect(loc.label).toBe('v');
    expect(loc.files.map((f) => f.name)).toEqual(['index.json', 'embeddings.bin']);
  });

  it('keeps sub-folders of the vindex as paths (layers/, segments/), not hidden ones', () => {
    const loc = locationFromFiles([
      file('v/index.json'), file('v/layers/layer_00.weights'), file('v/segments/embed.bin'), file('v/query/down_meta.bin'), file('v/.git/HEAD'),
    ]);
    expect(loc.files.map((f) => f.name)).toEqual(['index.json', 'layers/layer_00.weights', 'query/down_meta.bin', 'segments/embed.bin']);
  });

  it('opens a MoE summary folder by its gate_vectors_index.json when there is no index.json', () => {
    const loc = locationFromFiles([file('moe/gate_vectors.bin', 64), file('moe/gate_vectors_index.json', 7, 8)]);
    expect(loc.key).toMatch(/^local:moe:7:8:\d+$/);
    expect(loc.files.map((f) => f.name)).toEqual(['gate_vectors_index.json', 'gate_vectors.bin']);
  });

  it('accepts loose files without folder paths', () => {
    const loc = locationFromFiles([file('index.json', 5, 9), file('gate_vectors.bin')]);
    expect(loc.key).toMatch(/^local:dropped files:5:9:\d+$/);
  });

  it('gives a re-pick of the same folder a key of its own, so a changed file on disk gets a fresh session', () => {
    const pick = () => locationFromFiles([file('v/index.json', 42, 777), file('v/gate_vectors.bin', 100, 1)]);
    const a = pick();
    const b = pick();
    expect(a.key).not.toBe(b.key);
    expect(a.key.split(':').slice(0, 4)).toEqual(b.key.split(':').slice(0, 4));
  });

  it('refuses two files with the same name', () => {
    expect(() => locationFromFiles([file('index.json'), file('gate_vectors.bin'), file('gate_vectors.bin')])).toThrowError(
      expect.objectContaining({ name: 'DuplicateFileError', message: expect.stringContaining('gate_vectors.bin') }),
    );
  });

  it('says what it expected and what it found when there is no index.json', () => {
    const photos = Array.from({ length: 12 }, (_, i) => file(`Photos/IMG_${String(i + 1).padStart(4, '0')}.jpg`));
    expect(() => locationFromFiles(photos)).toThrowError(
      'no index.json among the chosen files: this is not a vindex folder (expected index.json, gate_vectors.bin, embeddings.bin, …); found 12 files: IMG_0001.jpg, IMG_0002.jpg, IMG_0003.jpg, IMG_0004.jpg, IMG_0005.jpg, …',
    );
    expect(() => locationFromFiles([])).toThrowError(/found no files/);
  });

  it('refuses two sibling vindex folders', () => {
    expect(() => locationFromFiles([file('p/a/index.json'), file('p/b/index.json')])).toThrowError(/several vindex folders.*p\/a\/, p\/b\//);
  });
});

describe('filesFromDataTransfer', () => {
  const fileEntry = (name: string) => ({ isFile: true, isDirectory: false, name, file: (ok: (f: File) => void) => ok(new File(['x'], name)) });
  const dirEntry = (name: string, children: unknown[], batch = 100) => ({
    isFile: false, isDirectory: true, name,
    createReader: () => {
      let pos = 0;
      return {
        readEntries: (ok: (e: unknown[]) => void) => {
          const out = children.slice(pos, pos + batch); // Chromium: at most 100 per call
          pos += out.length;
          setTimeout(() => ok(out), 0);
        },
      };
    },
  });
  const dt = (entries: unknown[]) => ({ items: entries.map((e) => ({ kind: 'file', webkitGetAsEntry: () => e, getAsFile: () => null })) }) as unknown as DataTransferLike;

  it('reads a dropped folder with readEntries in a loop, with its sub-folders (not hidden ones, not too deep)', async () => {
    const children = [
      ...Array.from({ length: 250 }, (_, i) => fileEntry(`f${i}.bin`)),
      dirEntry('layers', [fileEntry('layer_00.weights'), dirEntry('x', [fileEntry('two-down.bin'), dirEntry('y', [fileEntry('too-deep.bin')])])]),
      dirEntry('.cache', [fileEntry('state.json')]),
      fileEntry('index.json'),
    ];
    const files = await filesFromDataTransfer(dt([dirEntry('my-vindex', children)]));
    expect(files.length).toBe(253);
    expect(files.some((f) => f.name === 'too-deep.bin' || f.name === 'state.json')).toBe(false);
    const loc = locationFromFiles(files);
    expect(loc.label).toBe('my-vindex');
    expect(loc.files.map((f) => f.name).filter((n) => n.includes('/'))).toEqual(['layers/layer_00.weights', 'layers/x/two-down.bin']);
  });

  it('takes dropped files as they are', async () => {
    const files = await filesFromDataTransfer(dt([fileEntry('index.json'), fileEntry('gate_vectors.bin')]));
    expect(files.map((f) => f.name)).toEqual(['index.json', 'gate_vectors.bin']);
  });

  it('falls back to dt.files without the Entries API', async () => {
    const f = new File(['x'], 'index.json');
    expect(await filesFromDataTransfer({ files: [f] })).toEqual([f]);
  });
});
