import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KNOWN_VINDEX_FILES, normaliseFolderUrl, openHttpFolder } from '../../../src/io/httpFolder';
import { startVindexServer, type VindexServer } from '../../server/vindexServer.mjs';
import { makeFixtureDir, GATE_SIZE, type FixtureDir } from './fixtureDir';

let fx: FixtureDir;
let server: VindexServer;
const fast = { sleep: async () => {}, baseDelayMs: 1 };

beforeAll(async () => {
  fx = makeFixtureDir();
  server = await startVindexServer({ root: fx.dir });
});
afterAll(async () => {
  await server.close();
  fx.cleanup();
});
beforeEach(() => {
  server.setFault({});
  server.requests.length = 0;
});

describe('openHttpFolder', () => {
  it('fetches index.json and probes known and checksum-listed names, 1 byte each', async () => {
    const loc = await openHttpFolder(server.url);
    expect(loc).toMatchObject({ kind: 'http', key: server.url, src: server.url });
    expect(loc.files[0]).toEqual({ name: 'index.json', size: fx.files['index.json'].byteLength, url: `${server.url}index.json` });
    const sizes = Object.fromEntries(loc.files.map((f) => [f.name, f.size]));
    expect(sizes).toEqual({
      'index.json': fx.files['index.json'].byteLength,
      'gate_vectors.bin': GATE_SIZE,
      'embeddings.bin': 50_000,
      'down_meta.bin': 0,
      'tokenizer.json': fx.files['tokenizer.json'].byteLength,
      'README.md': fx.files['README.md'].byteLength,
      'attn_weights.bin': 20_000, // only known from index.json's checksums
    });
    const probes = server.requests.filter((r) => r.path !== '/index.json');
    expect(probes.length).toBe(KNOWN_VINDEX_FILES.length - 1 + 1); // known names minus index.json, plus attn_weights.bin
    expect(probes.every((r) => r.range === 'bytes=0-0' && (r.status === 404 || r.bytes <= 1))).toBe(true);
    expect(server.requests.some((r) => r.path.includes('escape'))).toBe(false); // "../escape.bin" is not probed
  });

  it('normalises the folder URL', async () => {
    expect(normaliseFolderUrl('http://h/a/b')).toBe('http://h/a/b/');
    expect(normaliseFolderUrl('http://h/a/b/index.json#x')).toBe('http://h/a/b/');
    const loc = await openHttpFolder(`${server.url}index.json`);
    expect(loc.key).toBe(server.url);
  });

  it('says when a folder has no index.json', async () => {
    const err = await openHttpFolder(`${server.url}sub/`).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'NotVindexError' });
    expect((err as Error).message).toBe(
      `no index.json at ${server.url}sub/index.json (HTTP 404): this is not a vindex folder (expected index.json, gate_vectors.bin, embeddings.bin, …)`,
    );
  });

  it('stops when a host ignores Range on a large file', async () => {
    server.setFault('gate_vectors.bin', 'ignore-range');
    const err = await openHttpFolder(server.url, { maxBytesWithoutRange: 100_000 }).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'RangeNotSupportedError' });
    expect((err as Error).message).toContain('gate_vectors.bin: the server ignored the Range header (answered 200 for bytes=0-0) and the file is 3.2 MB');
  });

  it('accepts small files from a host that ignores Range, and retries transient errors', async () => {
    server.setFault({ 'tokenizer.json': 'ignore-range', 'index.json': '500-once', 'README.md': '429-once' });
    const loc = await openHttpFolder(server.url, { ...fast, maxBytesWithoutRange: 4 * 1024 * 1024 });
    expect(loc.files.find((f) => f.name === 'tokenizer.json')?.size).toBe(fx.files['tokenizer.json'].byteLength);
    expect(loc.files.find((f) => f.name === 'README.md')?.size).toBe(fx.files['README.md'].byteLength);
  });

  it('honours abort', async () => {
    server.setFault('*', { type: 'delay', ms: 1000 });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 30);
    const err = await openHttpFolder(server.url, { signal: ctrl.signal }).catch((e: Error) => e);
    expect((err as Error).name).toBe('AbortError');
  });
});
