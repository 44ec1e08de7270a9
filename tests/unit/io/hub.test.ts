import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatHubSrc, openHubRepo, parseHubRef, type HubRef } from '../../../src/io/hub';
import { httpSource } from '../../../src/io/httpSource';
import type { RetryInfo } from '../../../src/io/retry';
import { startVindexServer, type VindexServer } from '../../server/vindexServer.mjs';
import { makeFixtureDir, GATE_SIZE, EMBED_SIZE, type FixtureDir } from './fixtureDir';
import { patternBytes, sameBytes } from './countingSource';

describe('parseHubRef', () => {
  const M = (repo: string, revision = 'main', repoType: HubRef['repoType'] = null): HubRef => ({ repo, repoType, revision });
  const cases: Array<[string, HubRef | null]> = [
    ['hf:owner/name', M('owner/name')],
    ['hf:owner/name@v1.0', M('owner/name', 'v1.0')],
    ['hf://owner/name', M('owner/name')],
    ['hf://owner/name@abc123', M('owner/name', 'abc123')],
    ['hf:datasets/owner/name', M('owner/name', 'main', 'dataset')],
    ['hf:datasets/owner/name@dev', M('owner/name', 'dev', 'dataset')],
    ['hf://datasets/owner/name@dev', M('owner/name', 'dev', 'dataset')],
    ['hf:models/owner/name', M('owner/name', 'main', 'model')],
    ['hf:owner/name@refs/pr/1', M('owner/name', 'refs/pr/1')],
    ['Divinci-AI/qwen3-8b-vindex', M('Divinci-AI/qwen3-8b-vindex')],
    ['owner/name@main', M('owner/name')],
    ['  owner/name  ', M('owner/name')],
    ['https://huggingface.co/owner/name', M('owner/name', 'main', 'model')],
    ['https://huggingface.co/owner/name/', M('owner/name', 'main', 'model')],
    ['https://huggingface.co/owner/name/tree/main', M('owner/name', 'main', 'model')],
    ['https://huggingface.co/owner/name/tree/v2/sub/folder', M('owner/name', 'v2', 'model')],
    ['https://huggingface.co/owner/name/blob/dev/index.json', M('owner/name', 'dev', 'model')],
    ['https://huggingface.co/owner/name/resolve/0123abc/gate_vectors.bin?download=true', M('owner/name', '0123abc', 'model')],
    ['https://huggingface.co/owner/name/tree/refs%2Fpr%2F3', M('owner/name', 'refs/pr/3', 'model')],
    ['https://huggingface.co/datasets/owner/name', M('owner/name', 'main', 'dataset')],
    ['https://huggingface.co/datasets/owner/name/tree/main', M('owner/name', 'main', 'dataset')],
    ['https://huggingface.co/datasets/owner/name/resolve/main/index.json', M('owner/name', 'main', 'dataset')],
    ['https://hf.co/owner/name#readme', M('owner/name', 'main', 'model')],
    ['http://127.0.0.1:8080/some/folder/', null],
    ['https://example.com/owner/name', null],
    ['demo', null],
    ['./demo/', null],
    ['', null],
  ];
  it.each(cases)('%s', (input, expected) => {
    expect(parseHubRef(input)).toEqual(expected);
  });

  it('treats URLs on a custom endpoint as Hub URLs', () => {
    expect(parseHubRef('http://127.0.0.1:9/hub/datasets/o/n/tree/dev', 'http://127.0.0.1:9/hub')).toEqual(M('o/n', 'dev', 'dataset'));
    expect(parseHubRef('http://127.0.0.1:9/other/o/n', 'http://127.0.0.1:9/hub')).toBeNull();
  });

  it.each(['hf:owner', 'hf:owner/name/extra', 'hf:owner/name@', 'hf:spaces/o/n', 'https://huggingface.co/spaces/o/n', 'https://huggingface.co/owner', 'https://huggingface.co/o/n/commits/main', 'https://huggingface.co/o/n/tree/'])(
    'rejects %s with a clear message', (input) => {
      let err: Error | null = null;
      try {
        parseHubRef(input);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.name).toBe('InvalidRefError');
      expect(err?.message).toContain(input);
    });

  it('formats permalinks', () => {
    expect(formatHubSrc(M('o/n', 'abc'))).toBe('hf:o/n@abc');
    expect(formatHubSrc(M('o/n', 'abc', 'model'))).toBe('hf:o/n@abc');
    expect(formatHubSrc(M('o/n', 'abc', 'dataset'))).toBe('hf:datasets/o/n@abc');
    const ref = M('o/n', 'dev', 'dataset');
    expect(parseHubRef(formatHubSrc(ref))).toEqual(ref);
  });
});

describe('openHubRepo against a fake Hub', () => {
  const SHA_M = 'a'.repeat(40);
  const SHA_TAG = 'b'.repeat(40);
  const SHA_D = 'c'.repeat(40);
  let fx: FixtureDir;
  let server: VindexServer;
  let paged: VindexServer;
  const fast = { sleep: async () => {}, baseDelayMs: 1 };

  beforeAll(async () => {
    fx = makeFixtureDir();
    const hubRepos = {
      'model:alice/gemma-vindex': { dir: fx.dir, sha: SHA_M, revisions: { v1: SHA_TAG } },
      'dataset:bob/qwen-vindex': { dir: fx.dir, sha: SHA_D },
    };
    server = await startVindexServer({ hubRepos });
    paged = await startVindexServer({ hubRepos, treePageSize: 2 });
  });
  afterAll(async () => {
    await server.close();
    await paged.close();
    fx.cleanup();
  });
  beforeEach(() => {
    server.setFault({});
    server.requests.length = 0;
  });

  it('pins a model repo branch to its sha and lists top-level files with LFS hashes', async () => {
    const loc = await openHubRepo(parseHubRef('hf:alice/gemma-vindex')!, { endpoint: server.origin });
    expect(loc).toMatchObject({
      kind: 'hub',
      key: `hf:alice/gemma-vindex@${SHA_M}`,
      src: `hf:alice/gemma-vindex@${SHA_M}`,
      hub: { endpoint: server.origin, repo: 'alice/gemma-vindex', repoType: 'model', revision: 'main', sha: SHA_M },
    });
    const byName = Object.fromEntries(loc.files.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual([...Object.keys(fx.files), 'sub/nested.bin'].sort()); // files of sub-folders too, not folders
    expect(byName['sub/nested.bin'].url).toBe(`${server.origin}/alice/gemma-vindex/resolve/${SHA_M}/sub/nested.bin`);
    expect(byName['gate_vectors.bin']).toEqual({
      name: 'gate_vectors.bin', size: GATE_SIZE, url: `${server.origin}/alice/gemma-vindex/resolve/${SHA_M}/gate_vectors.bin`, lfsSha256: fx.sha256('gate_vectors.bin'),
    });
    expect(byName['index.json'].lfsSha256).toBeUndefined(); // small files are not in LFS
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/models/alice/gemma-vindex/revision/main',
      `/api/models/alice/gemma-vindex/tree/${SHA_M}`,
    ]);
    expect(server.requests[1].url).toBe(`/api/models/alice/gemma-vindex/tree/${SHA_M}?recursive=true`);
  });

  it('reads a file in a sub-folder through /resolve/ (path segments kept)', async () => {
    const loc = await openHubRepo(parseHubRef('hf:alice/gemma-vindex')!, { endpoint: server.origin });
    const nested = loc.files.find((f) => f.name === 'sub/nested.bin')!;
    const src = await httpSource(nested.url!);
    expect(src.size).toBe(100);
    expect(sameBytes(await src.read(0, 100), patternBytes(100))).toBe(true);
  });

  it('type-checks listed sizes: a size given as a string leaves the file out with a notice naming it (12.9)', async () => {
    const bad = await startVindexServer({
      hubRepos: {
        'model:eve/strings': {
          dir: fx.dir, sha: SHA_M,
          mangle: (it) => (it.path === 'embeddings.bin' ? { ...it, size: String(it.size) } : it.path === 'gate_vectors.bin' ? { ...it, lfs: { ...it.lfs, size: 1.5 } } : it),
        },
      },
    });
    try {
      const loc = await openHubRepo(parseHubRef('hf:eve/strings')!, { endpoint: bad.origin });
      const names = loc.files.map((f) => f.name);
      expect(names).not.toContain('embeddings.bin');
      expect(names).not.toContain('gate_vectors.bin');
      expect(names).toContain('index.json');
      expect(loc.notices).toEqual([
        `hf:eve/strings@main: the Hub's listing gives embeddings.bin a size of "${EMBED_SIZE}" (string), not a byte count; the file is left out`,
        `hf:eve/strings@main: the Hub's listing gives gate_vectors.bin an LFS size of 1.5 (number), not a byte count; the file is left out`,
      ]);
    } finally {
      await bad.close();
    }
  });

  it('reads a large file through the 302 to the CDN and a small one directly', async () => {
    const loc = await openHubRepo({ repo: 'alice/gemma-vindex', repoType: 'model', revision: 'main' }, { endpoint: server.origin });
    server.requests.length = 0;
    const gate = loc.files.find((f) => f.name === 'gate_vectors.bin')!;
    const src = httpSource(gate.url!, { size: gate.size });
    expect(sameBytes(await src.read(5, 70000), fx.files['gate_vectors.bin'].slice(5, 70000))).toBe(true);
    expect(server.requests.map((r) => [r.listener, r.status, r.range])).toEqual([
      ['main', 302, 'bytes=5-69999'],
      ['cdn', 206, 'bytes=5-69999'],
    ]);
    const tok = loc.files.find((f) => f.name === 'tokenizer.json')!;
    const small = await httpSource(tok.url!);
    expect(await small.read(0, small.size)).toEqual(fx.files['tokenizer.json']);
    expect(server.requests.slice(2).every((r) => r.listener === 'main' && r.status === 206)).toBe(true);
  });

  it('reads later ranges from the CDN URL directly, and goes back through /resolve/ when it expires', async () => {
    const loc = await openHubRepo(parseHubRef('hf:alice/gemma-vindex')!, { endpoint: server.origin });
    const gate = loc.files.find((f) => f.name === 'gate_vectors.bin')!;
    const src = httpSource(gate.url!, { size: gate.size });
    server.requests.length = 0;
    await src.read(0, 10);
    await src.read(10, 20);
    expect(server.requests.map((r) => [r.listener, r.status])).toEqual([['main', 302], ['cdn', 206], ['cdn', 206]]);
    server.requests.length = 0;
    server.setFault(`/repos/model/alice/gemma-vindex/${SHA_M}/gate_vectors.bin`, '403-once');
    expect(sameBytes(await src.read(20, 30), fx.files['gate_vectors.bin'].slice(20, 30))).toBe(true);
    expect(server.requests.map((r) => [r.listener, r.status])).toEqual([['cdn', 403], ['main', 302], ['cdn', 206]]);
  });

  it('resolves tags and shas, and opens dataset repos', async () => {
    const tag = await openHubRepo(parseHubRef('hf:alice/gemma-vindex@v1')!, { endpoint: server.origin });
    expect(tag.hub).toMatchObject({ revision: 'v1', sha: SHA_TAG });
    expect(tag.src).toBe(`hf:alice/gemma-vindex@${SHA_TAG}`);
    const bySha = await openHubRepo(parseHubRef(`hf:alice/gemma-vindex@${SHA_TAG}`)!, { endpoint: server.origin });
    expect(bySha.key).toBe(tag.key);
    const ds = await openHubRepo(parseHubRef('hf:datasets/bob/qwen-vindex')!, { endpoint: server.origin });
    expect(ds.key).toBe(`hf:datasets/bob/qwen-vindex@${SHA_D}`);
    expect(ds.files.find((f) => f.name === 'embeddings.bin')!.url).toBe(`${server.origin}/datasets/bob/qwen-vindex/resolve/${SHA_D}/embeddings.bin`);
    const emb = ds.files.find((f) => f.name === 'embeddings.bin')!;
    expect(sameBytes(await httpSource(emb.url!, { size: emb.size }).read(100, 200), fx.files['embeddings.bin'].slice(100, 200))).toBe(true);
  });

  it('falls back from model to dataset when the type is unspecified', async () => {
    const loc = await openHubRepo(parseHubRef('bob/qwen-vindex')!, { endpoint: server.origin });
    expect(loc.hub?.repoType).toBe('dataset');
    expect(loc.src).toBe(`hf:datasets/bob/qwen-vindex@${SHA_D}`);
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/api/models/bob/qwen-vindex/revision/main', 401],
      ['/api/datasets/bob/qwen-vindex/revision/main', 200],
      [`/api/datasets/bob/qwen-vindex/tree/${SHA_D}`, 200],
    ]);
  });

  it('says clearly when a repository or revision does not exist', async () => {
    const err = await openHubRepo(parseHubRef('hf:nobody/nothing')!, { endpoint: server.origin }).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'NotFoundError' });
    expect((err as Error).message).toContain(`hf:nobody/nothing@main: repository not found as a model or dataset at ${server.origin}`);
    const rev = await openHubRepo(parseHubRef('hf:alice/gemma-vindex@nope')!, { endpoint: server.origin }).catch((e: Error) => e);
    expect((rev as Error).message).toBe(`hf:alice/gemma-vindex@nope: the repository has no revision "nope" at ${server.origin} (the Hub said: model: Invalid rev id: nope)`);
  });

  it('follows Link rel="next" pagination of the tree API', async () => {
    const loc = await openHubRepo(parseHubRef('hf:alice/gemma-vindex')!, { endpoint: paged.origin });
    expect(loc.files.map((f) => f.name).sort()).toEqual([...Object.keys(fx.files), 'sub/nested.bin'].sort());
    const treeCalls = paged.requests.filter((r) => r.path.includes('/tree/'));
    expect(treeCalls.length).toBe(5); // 9 entries (7 files + 1 folder + 1 nested file), 2 per page
    expect(treeCalls.map((r) => r.url.split('?')[1] ?? '')).toEqual(['recursive=true', 'recursive=true&cursor=2', 'recursive=true&cursor=4', 'recursive=true&cursor=6', 'recursive=true&cursor=8']);
  });

  it('backs off on 429 and tells the caller', async () => {
    server.setFault('/api/models/alice/gemma-vindex/revision/main', '429-once');
    const retries: RetryInfo[] = [];
    const loc = await openHubRepo(parseHubRef('hf:alice/gemma-vindex')!, { endpoint: server.origin, ...fast, onRetry: (r) => retries.push(r) });
    expect(loc.hub?.sha).toBe(SHA_M);
    expect(retries).toHaveLength(1);
    expect(retries[0].message).toMatch(/^hf:alice\/gemma-vindex@main: rate limited by the Hub; retrying in [\d.]+ s$/);
  });

  it('honours abort', async () => {
    server.setFault('*', { type: 'delay', ms: 1000 });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 30);
    const err = await openHubRepo(parseHubRef('hf:alice/gemma-vindex')!, { endpoint: server.origin, signal: ctrl.signal }).catch((e: Error) => e);
    expect((err as Error).name).toBe('AbortError');
  });
});
