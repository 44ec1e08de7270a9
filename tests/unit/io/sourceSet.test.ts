import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openHttpFolder } from '../../../src/io/httpFolder';
import { PersistentStore } from '../../../src/io/persistentStore';
import { memoryBackend, memoryLocks } from '../../../src/io/storeBackend';
import { SourceSet } from '../../../src/engine/sources';
import { startVindexServer, type VindexServer } from '../../server/vindexServer.mjs';
import { makeFixtureDir, GATE_SIZE, type FixtureDir } from './fixtureDir';
import { sameBytes } from './countingSource';

let fx: FixtureDir;
let server: VindexServer;

beforeAll(async () => {
  fx = makeFixtureDir('vindex-sourceset-');
  server = await startVindexServer({ root: fx.dir });
});
afterAll(async () => {
  await server.close();
  fx.cleanup();
});
beforeEach(() => {
  server.requests.length = 0;
});

const gateBytesFetched = () =>
  server.requests.filter((r) => r.path.endsWith('/gate_vectors.bin') && r.status === 206 && r.bytes > 1).reduce((a, r) => a + r.bytes, 0);

describe('SourceSet over the persistent store (a static folder)', () => {
  it('bulk and small reads return buffers the caller owns; a second session reads the gate from the store; close releases it', async () => {
    const backend = memoryBackend();
    const locks = memoryLocks();
    const gate = fx.files['gate_vectors.bin'];
    const s1 = new SourceSet(await openHttpFolder(server.url), new PersistentStore(backend, locks));
    expect(await s1.revalidate()).toEqual([]);
    const bulk = await s1.read('gate_vectors.bin', 1000, GATE_SIZE - 7); // one bulk read, not block-aligned
    expect(sameBytes(bulk, gate.subarray(1000, GATE_SIZE - 7))).toBe(true);
    expect([bulk.byteOffset, bulk.buffer.byteLength]).toEqual([0, GATE_SIZE - 1007]);
    const small = await s1.read('gate_vectors.bin', 5, 300); // through the block cache
    expect(sameBytes(small, gate.subarray(5, 300))).toBe(true);
    expect([small.byteOffset, small.buffer.byteLength]).toEqual([0, 295]);
    await s1.close();
    await expect(s1.read('embeddings.bin', 0, 10)).rejects.toThrow(/embeddings\.bin: this vindex was closed/);

    server.requests.length = 0;
    const s2 = new SourceSet(await openHttpFolder(server.url), new PersistentStore(backend, locks));
    expect(await s2.revalidate()).toEqual([]);
    const again = await s2.read('gate_vectors.bin', 0, GATE_SIZE);
    expect(sameBytes(again, gate)).toBe(true);
    // stored: [0, 1 MiB) from the small read's block and [1000, GATE_SIZE − 7) from the bulk read; only the last 7 bytes are fetched
    expect(gateBytesFetched()).toBe(7);
    expect(s2.cacheProblem('gate_vectors.bin')).toBeNull();
    await s2.close();
  });

  it('a gate rewritten on the server with the same size: revalidation discards the stored bytes and names the file', async () => {
    const backend = memoryBackend();
    const locks = memoryLocks();
    const s1 = new SourceSet(await openHttpFolder(server.url), new PersistentStore(backend, locks));
    await s1.read('gate_vectors.bin', 0, GATE_SIZE);
    await s1.close();
    const changed = fx.files['gate_vectors.bin'].map((b) => b ^ 0xff);
    const path = join(fx.dir, 'gate_vectors.bin');
    writeFileSync(path, changed);
    utimesSync(path, new Date(), new Date(Date.now() + 10_000)); // another mtime, hence another ETag
    try {
      server.requests.length = 0;
      const s2 = new SourceSet(await openHttpFolder(server.url), new PersistentStore(backend, locks));
      const notices = await s2.revalidate();
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^gate_vectors\.bin: changed on the server since it was cached \(etag:".*" → etag:".*"\)/);
      expect(sameBytes(await s2.read('gate_vectors.bin', 0, GATE_SIZE), changed)).toBe(true);
      expect(gateBytesFetched()).toBe(GATE_SIZE);
      await s2.close();
    } finally {
      writeFileSync(path, fx.files['gate_vectors.bin']);
    }
  });
});
