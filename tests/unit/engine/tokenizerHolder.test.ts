/**
 * The tokenizer of a vindex, end to end in the engine (Node: in-process tokenizer, real HTTP): a Hub
 * vindex without tokenizer.json uses its base model's, pinned to a commit; fetch faults are reported
 * for what they are and do not stick; the size cap and unknown model types are refused by name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine';
import { MAX_TOKENIZER_BYTES } from '../../../src/format/tokenizer';
import type { VindexLocation } from '../../../src/io/ByteSource';
import { startVindexServer, type VindexServer } from '../../server/vindexServer.mjs';
import { localLocation, noProgress, opId } from './helpers';

const OUT = join(import.meta.dirname, '../../fixtures/out');
const SHA_VINDEX = 'c3'.repeat(20);
const SHA_BASE = 'd4'.repeat(20);
const SHA_BASE_OLD = 'e5'.repeat(20);
const TOKENIZER_BYTES = readFileSync(join(OUT, 'gpt2-bpe/tokenizer.json')).byteLength;
let server: VindexServer;

beforeAll(async () => {
  server = await startVindexServer({
    root: OUT,
    hubRepos: {
      'model:tester/gpt2-notok': { dir: join(OUT, 'gpt2-bpe-notok'), sha: SHA_VINDEX },
      'model:tester/gpt2-base': { dir: join(OUT, 'gpt2-base'), sha: SHA_BASE, revisions: { v0: SHA_BASE_OLD } },
    },
  });
});
afterAll(() => server?.close());

async function openNotok(pin: string | null = null) {
  const engine = createEngine();
  const opened = await engine.open({ src: 'hf:tester/gpt2-notok', endpoint: server.origin, demoUrl: 'http://unused/', tokenizer: pin }, opId('open'), noProgress);
  return { engine, key: opened.location.key, opened };
}
const tokenizerRequests = () => server.requests.filter((r) => r.path.endsWith('/tokenizer.json'));

describe('base-model tokenizer from the Hub', () => {
  it('names the model card\'s base model before loading, then loads it pinned to its commit, with byte progress', async () => {
    server.setFault({});
    const { engine, key } = await openNotok();
    const before = await engine.tokenizerInfo(key);
    expect(before).toMatchObject({ kind: 'base-model', repo: 'tester/gpt2-base', sha: null, loaded: false });
    const progress: [number, number, string][] = [];
    const info = await engine.tokenizer(key, opId('tok'), (d, t, l) => void progress.push([d, t, l]));
    expect(info).toMatchObject({ kind: 'base-model', repo: 'tester/gpt2-base', sha: SHA_BASE, provenance: `tester/gpt2-base@${SHA_BASE}`, loaded: true, vocabSize: 50257, modelType: 'BPE' });
    expect(info.label).toBe(`the tokenizer of the base model tester/gpt2-base@${SHA_BASE.slice(0, 8)} (from the Hub)`);
    const label = `Loading tokenizer.json of the base model tester/gpt2-base@${SHA_BASE.slice(0, 8)}`;
    // (the engine throttles progress to one call per 100 ms, so on loopback only the ends are sure to show)
    expect(progress[0]).toEqual([0, TOKENIZER_BYTES, label]);
    expect(progress).toContainEqual([TOKENIZER_BYTES, TOKENIZER_BYTES, label]);
    // read through the commit, never through a branch
    expect(tokenizerRequests().some((r) => r.path === `/tester/gpt2-base/resolve/${SHA_BASE}/tokenizer.json`)).toBe(true);
    expect(server.requests.some((r) => r.path.includes('/resolve/main/'))).toBe(false);
    expect((await engine.encode(key, ' Paris')).tokens).toEqual([{ id: 6342, text: ' Paris', raw: 'ĠParis' }]);
  });

  it('a permalink pin <repo>@<sha> loads exactly that commit', async () => {
    server.setFault({});
    const { engine, key } = await openNotok(`tester/gpt2-base@${SHA_BASE_OLD}`);
    const info = await engine.tokenizer(key, opId('tok'), noProgress);
    expect(info.provenance).toBe(`tester/gpt2-base@${SHA_BASE_OLD}`);
    expect(tokenizerRequests().some((r) => r.path === `/tester/gpt2-base/resolve/${SHA_BASE_OLD}/tokenizer.json`)).toBe(true);
  });

  it('a 503 is a server error after retries, not "not found", and the next try works once the server recovers', async () => {
    server.setFault({ 'tokenizer.json': '503' });
    const { engine, key } = await openNotok();
    const err = await engine.tokenizer(key, opId('tok'), noProgress).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/tokenizer\.json: HTTP 503 \(server error\)/);
    expect((err as Error).message).not.toMatch(/not found/);
    expect(tokenizerRequests().filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(4);
    await expect(engine.encode(key, 'Paris')).rejects.toThrow(/HTTP 503/);
    server.setFault({});
    expect((await engine.encode(key, 'Paris')).tokens.map((t) => t.id)).toEqual([40313]);
  }, 20000);

  it('one 503 is retried without the user noticing', async () => {
    server.setFault({ 'tokenizer.json': '503-once' });
    const { engine, key } = await openNotok();
    expect((await engine.tokenizer(key, opId('tok'), noProgress)).loaded).toBe(true);
  });

  it('an HTML page answered with 200 fails the load naming the file, and is not kept', async () => {
    server.setFault({ 'tokenizer.json': 'html-200' });
    const { engine, key } = await openNotok();
    await expect(engine.tokenizer(key, opId('tok'), noProgress)).rejects.toThrow(/^tokenizer\.json: /);
    server.setFault({});
    expect((await engine.tokenizer(key, opId('tok'), noProgress)).loaded).toBe(true);
  });
});

describe('tokenizer files the explorer refuses', () => {
  it('refuses a tokenizer.json over the size cap before reading a byte of it', async () => {
    server.setFault({});
    const files = ['index.json', 'gate_vectors.bin', 'embeddings.bin'].map((name) => ({
      name, size: readFileSync(join(OUT, 'gpt2-bpe', name)).byteLength, url: `${server.url}gpt2-bpe/${name}`,
    }));
    files.push({ name: 'tokenizer.json', size: MAX_TOKENIZER_BYTES + 1, url: `${server.url}gpt2-bpe/tokenizer.json` });
    const location: VindexLocation = { kind: 'http', key: `${server.url}gpt2-bpe/#huge`, src: null, label: 'huge', files };
    const engine = createEngine();
    await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const n = tokenizerRequests().length;
    await expect(engine.tokenizer(location.key, opId('tok'), noProgress)).rejects.toThrow(
      `tokenizer.json of the vindex: ${MAX_TOKENIZER_BYTES + 1} bytes is larger than the ${MAX_TOKENIZER_BYTES} bytes a tokenizer.json may have here; not parsed`,
    );
    expect(tokenizerRequests().length).toBe(n);
    // token ids need no tokenizer
    expect((await engine.encode(location.key, '#6342')).tokens).toEqual([{ id: 6342, text: '#6342', raw: null }]);
  });

  it('an unknown model type is an error naming it, for the tokenizer and for text queries; ids still work', async () => {
    const engine = createEngine();
    const location = localLocation('tok-unknown-model');
    await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const why = /tokenizer\.json of the vindex: model type "Mystery" is not supported \(only BPE, WordPiece, Unigram\)/;
    await expect(engine.tokenizer(location.key, opId('tok'), noProgress)).rejects.toThrow(why);
    await expect(engine.encode(location.key, 'hello')).rejects.toThrow(why);
    expect((await engine.encode(location.key, '#5')).tokens).toEqual([{ id: 5, text: '#5', raw: null }]);
  });
});
