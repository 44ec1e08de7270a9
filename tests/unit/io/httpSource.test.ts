import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startVindexServer, type VindexServer } from '../../server/vindexServer.mjs';
import { httpSource, probeHttp } from '../../../src/io/httpSource';
import type { RetryInfo } from '../../../src/io/retry';
import { sameBytes } from './countingSource';
import { makeFixtureDir, GATE_SIZE, type FixtureDir } from './fixtureDir';

let fx: FixtureDir;
let server: VindexServer;
const fast = { sleep: async () => {}, baseDelayMs: 1 };
const gateUrl = () => `${server.url}gate_vectors.bin`;
const rangesFor = (name: string) => server.requests.filter((r) => r.path.endsWith(`/${name}`)).map((r) => r.range);

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

async function rejection(p: Promise<unknown>): Promise<Error & { status?: number }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { status?: number };
  }
  throw new Error('expected a rejection');
}

describe('probeHttp', () => {
  it('reads size and ETag from a 1-byte range', async () => {
    const p = await probeHttp(gateUrl());
    expect(p).toMatchObject({ size: GATE_SIZE, rangeSupported: true });
    expect(p!.etag).toMatch(/^".+"$/);
    expect(server.requests.map((r) => [r.range, r.status, r.bytes])).toEqual([['bytes=0-0', 206, 1]]);
  });

  it('returns null for an absent file', async () => {
    expect(await probeHttp(`${server.url}nope.bin`)).toBeNull();
  });

  it('reports size 0 for an empty file (the server answers 416 */0)', async () => {
    expect(await probeHttp(`${server.url}down_meta.bin`)).toMatchObject({ size: 0, rangeSupported: true });
  });

  it('keeps the body of a small file when the server ignores Range', async () => {
    server.setFault('tokenizer.json', 'ignore-range');
    const p = await probeHttp(`${server.url}tokenizer.json`);
    expect(p).toMatchObject({ size: fx.files['tokenizer.json'].byteLength, rangeSupported: false });
    expect(p!.body).toEqual(fx.files['tokenizer.json']);
  });

  it('refuses a large file whose server ignores Range, naming file and size', async () => {
    server.setFault('gate_vectors.bin', 'ignore-range');
    const e = await rejection(probeHttp(gateUrl(), undefined, { maxBytesWithoutRange: 1000 }));
    expect(e.name).toBe('RangeNotSupportedError');
    expect(e.message).toContain('gate_vectors.bin: the server ignored the Range header (answered 200 for bytes=0-0) and the file is 3.2 MB; a range-capable host is needed');
  });
});

describe('httpSource reads', () => {
  it('reads exact ranges with plain absolute Range headers', async () => {
    const src = httpSource(gateUrl(), { size: GATE_SIZE });
    const cases: Array<[number, number]> = [[0, 1], [1000, 5000], [GATE_SIZE - 1, GATE_SIZE], [1048570, 1048590], [0, GATE_SIZE]];
    for (const [a, b] of cases) expect(sameBytes(await src.read(a, b), fx.files['gate_vectors.bin'].slice(a, b))).toBe(true);
    expect(rangesFor('gate_vectors.bin')).toEqual(cases.map(([a, b]) => `bytes=${a}-${b - 1}`));
    expect(await src.read(5, 5)).toEqual(new Uint8Array(0));
  });

  it('probes first when no size is given', async () => {
    const src = await httpSource(gateUrl());
    expect(src.size).toBe(GATE_SIZE);
    expect(src.key).toContain(gateUrl());
    expect(await src.read(10, 20)).toEqual(fx.files['gate_vectors.bin'].slice(10, 20));
  });

  it('rejects reads outside the file', async () => {
    const src = httpSource(gateUrl(), { size: GATE_SIZE });
    const e = await rejection(src.read(GATE_SIZE - 1, GATE_SIZE + 1));
    expect(e.name).toBe('OutOfRangeError');
    expect(e.message).toContain(`${GATE_SIZE + 1}`);
  });

  it('serves a small file from memory when the server ignores Range', async () => {
    server.setFault('tokenizer.json', 'ignore-range');
    const bytes = fx.files['tokenizer.json'];
    const src = await httpSource(`${server.url}tokenizer.json`);
    expect(await src.read(2, 9)).toEqual(bytes.slice(2, 9));
    expect(await src.read(0, bytes.length)).toEqual(bytes);
    expect(server.requests.length).toBe(1); // the probe's whole body is reused
    const sized = httpSource(`${server.url}tokenizer.json`, { size: bytes.length });
    expect(await sized.read(3, 4)).toEqual(bytes.slice(3, 4));
    expect(await sized.read(4, 6)).toEqual(bytes.slice(4, 6));
    expect(server.requests.length).toBe(2);
  });

  it('stops on a large file whose server ignores Range', async () => {
    server.setFault('gate_vectors.bin', 'ignore-range');
    const src = httpSource(gateUrl(), { size: GATE_SIZE, maxBytesWithoutRange: 1000 });
    const e = await rejection(src.read(100, 200));
    expect(e.name).toBe('RangeNotSupportedError');
    expect(e.message).toMatch(/gate_vectors\.bin: the server ignored the Range header \(answered 200 for bytes=100-199\) and the file is 3\.2 MB/);
  });
});

describe('httpSource faults', () => {
  it('retries once after 429 and after 500, with back-off reported', async () => {
    for (const fault of ['429-once', '500-once'] as const) {
      server.setFault('gate_vectors.bin', fault);
      const retries: RetryInfo[] = [];
      const src = httpSource(gateUrl(), { size: GATE_SIZE, ...fast, onRetry: (i) => retries.push(i) });
      expect(await src.read(7, 77)).toEqual(fx.files['gate_vectors.bin'].slice(7, 77));
      expect(retries.map((r) => r.status)).toEqual([Number(fault.slice(0, 3))]);
      expect(retries[0].message).toMatch(/gate_vectors\.bin: HTTP (429|500).*; retrying in/);
    }
  });

  it('gives up after bounded attempts on persistent 503, naming file, status and bytes', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      return new Response('busy', { status: 503 });
    }) as typeof fetch;
    const src = httpSource(gateUrl(), { size: GATE_SIZE, fetchImpl, ...fast, retries: 4 });
    const e = await rejection(src.read(0, 10));
    expect(calls).toBe(4);
    expect(e).toMatchObject({ name: 'HttpError', status: 503 });
    expect(e.message).toContain('gate_vectors.bin: HTTP 503 (server error) reading bytes 0–9');
  });

  it('retries network errors, then reports a NetworkError', async () => {
    const dead = await startVindexServer({});
    const url = `${dead.url}gate_vectors.bin`;
    await dead.close();
    const retries: RetryInfo[] = [];
    const src = httpSource(url, { size: 10, ...fast, retries: 3, onRetry: (i) => retries.push(i) });
    const e = await rejection(src.read(0, 10));
    expect(e.name).toBe('NetworkError');
    expect(e.message).toContain('gate_vectors.bin: network error reading bytes 0–9');
    expect(retries.length).toBe(2);
  });

  it('fails at once with the status on 404 and 403', async () => {
    server.setFault('gate_vectors.bin', '404');
    const src = httpSource(gateUrl(), { size: GATE_SIZE, ...fast });
    const e = await rejection(src.read(0, 10));
    expect(e).toMatchObject({ name: 'HttpError', status: 404 });
    expect(e.message).toContain('gate_vectors.bin: HTTP 404 (not found)');
    expect(server.requests.length).toBe(1);
    const forbidden = httpSource(gateUrl(), { size: GATE_SIZE, fetchImpl: (async () => new Response('', { status: 403 })) as typeof fetch });
    expect(await rejection(forbidden.read(0, 1))).toMatchObject({ name: 'HttpError', status: 403 });
  });

  it('re-probes once on 416, then reports the file changed', async () => {
    server.setFault('gate_vectors.bin', '416');
    const src = httpSource(gateUrl(), { size: GATE_SIZE, ...fast });
    const e = await rejection(src.read(100, 200));
    expect(e.name).toBe('FileChangedError');
    expect(e.message).toContain('gate_vectors.bin: file changed while reading');
    expect(rangesFor('gate_vectors.bin')).toEqual(['bytes=100-199', 'bytes=0-0']);
  });

  it('reports a changed ETag between reads', async () => {
    const probe = await probeHttp(gateUrl());
    server.setFault('gate_vectors.bin', 'etag-change'); // first answer keeps the ETag, later ones differ
    const src = httpSource(gateUrl(), { size: probe!.size, etag: probe!.etag, ...fast });
    expect(await src.read(0, 4)).toEqual(fx.files['gate_vectors.bin'].slice(0, 4));
    const e = await rejection(src.read(4, 8));
    expect(e.name).toBe('FileChangedError');
    expect(e.message).toMatch(/file changed while reading \(ETag was ".*", now ".*"\)/);
  });

  it('says the server does not expose Content-Range', async () => {
    server.setFault('gate_vectors.bin', 'hide-content-range');
    const src = httpSource(gateUrl(), { size: GATE_SIZE, ...fast });
    const e = await rejection(src.read(0, 10));
    expect(e.name).toBe('CorsError');
    expect(e.message).toContain('gate_vectors.bin: the server answered 206 but does not expose Content-Range');
    expect(e.message).toContain('Access-Control-Expose-Headers');
  });

  it('retries a short body once, then reports the byte counts', async () => {
    server.setFault('gate_vectors.bin', 'short-body');
    const src = httpSource(gateUrl(), { size: GATE_SIZE, ...fast });
    const e = await rejection(src.read(1000, 101000));
    expect(e.name).toBe('ShortReadError');
    expect(e.message).toContain('gate_vectors.bin: asked for 100000 bytes (bytes 1000–100999)');
    expect(rangesFor('gate_vectors.bin')).toEqual(['bytes=1000-100999', 'bytes=1000-100999']);
  });

  it('aborts a slow read without retrying', async () => {
    server.setFault('gate_vectors.bin', { type: 'delay', ms: 2000 });
    const src = httpSource(gateUrl(), { size: GATE_SIZE, ...fast });
    const ctrl = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ctrl.abort(), 50);
    const e = await rejection(src.read(0, 10, ctrl.signal));
    expect(e.name).toBe('AbortError');
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(server.requests.length).toBe(1);
    const pre = AbortSignal.abort();
    expect((await rejection(src.read(0, 10, pre))).name).toBe('AbortError');
    expect(server.requests.length).toBe(1);
  });
});
