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
      `no index.json at ${server.url}sub/index.json (HTTP 404), nor gate_vectors_index.json: this is not a vindex folder (expected index.json, gate_vectors.bin, embeddings.bin, …)`,
    );
  });

  it('one optional file that keeps failing (persistent 5xx on README.md, 500 on an absent up_features.bin) is left out with a notice (12.8)', async () => {
    server.setFault({ 'README.md': '500', 'up_features.bin': '500' });
    const loc = await openHttpFolder(server.url, fast);
    const names = loc.files.map((f) => f.name);
    expect(names).toContain('gate_vectors.bin');
    expect(names).not.toContain('README.md');
    expect(loc.notices).toHaveLength(2);
    expect(loc.notices!.find((n) => n.startsWith('README.md: '))).toMatch(/HTTP 500.*left out$/);
    expect(loc.notices!.find((n) => n.startsWith('up_features.bin: '))).toMatch(/HTTP 500.*left out$/);
  });

  it('refuses an index.json larger than 32 MiB before reading it (12.9)', async () => {
    const big = makeFixtureDir('vindex-big-index-');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${big.dir}/index.json`, Buffer.alloc(32 * 1024 * 1024 + 1, 0x20));
    const s2 = await startVindexServer({ root: big.dir });
    try {
      const err = await openHttpFolder(s2.url).catch((e: Error) => e);
      expect((err as Error).message).toBe(`index.json: ${32 * 1024 * 1024 + 1} bytes is too large for an index (more than ${32 * 1024 * 1024}); not read (${s2.url}index.json)`);
      expect(s2.requests.find((r) => r.path === '/index.json')!.bytes).toBeLessThan(32 * 1024 * 1024);
    } finally {
      await s2.close();
      big.cleanup();
    }
  });

  it('opens a MoE summary folder from gate_vectors_index.json when there is no index.json, and probes names the index refers to', async () => {
    const moe = makeFixtureDir('vindex-moe-');
    const { writeFileSync, rmSync, mkdirSync } = await import('node:fs');
    rmSync(`${moe.dir}/index.json`);
    writeFileSync(`${moe.dir}/gate_vectors_index.json`, JSON.stringify({ num_feats: 2, layers: {} }));
    writeFileSync(`${moe.dir}/phase1_moe_svd.json`, '{}');
    mkdirSync(`${moe.dir}/query`);
    writeFileSync(`${moe.dir}/query/down_meta.bin`, Buffer.alloc(20));
    const s2 = await startVindexServer({ root: moe.dir });
    try {
      const loc = await openHttpFolder(s2.url);
      expect(loc.files[0].name).toBe('gate_vectors_index.json');
      expect(loc.files.map((f) => f.name)).toEqual(expect.arrayContaining(['gate_vectors.bin', 'phase1_moe_svd.json', 'query/down_meta.bin']));
      expect(s2.requests.some((r) => r.path === '/query/down_meta.bin' && r.range === 'bytes=0-0')).toBe(true);
    } finally {
      await s2.close();
      moe.cleanup();
    }
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
