import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect, vi } from 'vitest';
import { TokenizerClient, spawnTokenizer, type AsyncTokenizerService, type TokenizerEndpoint } from '../../../src/engine/tokenizerClient';
import { TokenizerHolder } from '../../../src/engine/tokenizerHolder';
import type { VindexDescription } from '../../../src/format/types';

/** An endpoint whose encode never answers (as a worker stuck in a backtracking regex would), with a terminate spy. */
function stuck() {
  const never = () => new Promise<never>(() => undefined);
  const api = {
    load: async () => ({ vocabSize: 10, modelType: 'BPE' }),
    encode: never, describe: never, suggest: never, variants: never,
  } as unknown as AsyncTokenizerService;
  const terminate = vi.fn<() => void>();
  return { api, terminate } satisfies TokenizerEndpoint;
}
const budgets = { load: 1000, call: 50, suggest: 50 };

describe('TokenizerClient: time budget', () => {
  it('stops the worker when a call overruns, rejects every pending call by name, and refuses later calls', async () => {
    const ep = stuck();
    const client = new TokenizerClient(ep, 'tokenizer.json of the vindex', budgets);
    const text = 'a'.repeat(60) + '!';
    const encode = client.encode(text);
    const describe = client.describe([1, 2]);
    const err = await encode.catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'TokenizerTimeoutError' });
    expect((err as Error).message).toBe(
      `tokenizer.json of the vindex: tokenizing "${'a'.repeat(40)}…" took longer than 50 ms, so the tokenizer was stopped ` +
        '(a pre-tokenizer or normalizer regex in it may backtrack catastrophically on this text). Try other text, or query token ids such as #123.',
    );
    // a call queued behind the culprit only lost its worker: it is told so, to be tried again elsewhere
    await expect(describe).rejects.toMatchObject({ name: 'TokenizerStoppedError' });
    expect(ep.terminate).toHaveBeenCalledTimes(1);
    expect(client.stopped).toBe(err);
    await expect(client.encode('Paris')).rejects.toMatchObject({ name: 'TokenizerStoppedError', message: expect.stringContaining('took longer than 50 ms') });
    expect(ep.terminate).toHaveBeenCalledTimes(1);
  });

  it('a cancelled load stops the worker too', async () => {
    const ep = stuck();
    ep.api.load = () => new Promise<never>(() => undefined);
    const client = new TokenizerClient(ep, 'tokenizer.json', budgets);
    const ctl = new AbortController();
    const p = client.load(new Uint8Array(1), undefined, ctl.signal);
    ctl.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(ep.terminate).toHaveBeenCalledTimes(1);
  });
});

describe('TokenizerClient: the service (in-process under Node) on the GPT-2 style fixture', () => {
  const dir = join(import.meta.dirname, '../../fixtures/out/gpt2-bpe');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { sayers: { variants: { raw: string; id: number; text: string }[] } };
  const byRaw = Object.fromEntries(expected.sayers.variants.map((v) => [v.raw, v]));

  it('encodes, describes, suggests both variants of a word, and finds every single-token spelling', async () => {
    const client = new TokenizerClient(spawnTokenizer(), 'tokenizer.json');
    expect(await client.load(readFileSync(join(dir, 'tokenizer.json')), undefined)).toEqual({ vocabSize: 50257, modelType: 'BPE' });
    expect((await client.encode(' Paris')).ids).toEqual([6342]);
    expect(await client.describe([6342, 40313, 50256])).toEqual([
      { id: 6342, text: ' Paris', raw: 'ĠParis' }, { id: 40313, text: 'Paris', raw: 'Paris' }, { id: 50256, text: '', raw: '<|endoftext|>' },
    ]);
    const sugg = await client.suggest('Paris', 5);
    expect(sugg.map((s) => [s.id, s.text, s.exact])).toEqual([[6342, ' Paris', true], [40313, 'Paris', true]]);
    // "par" finds the words and their merge pieces, in any case
    const par = await client.suggest('par', 20);
    expect(par.map((s) => s.text)).toEqual(expect.arrayContaining(['Par', ' Par', 'Paris', ' Paris', 'Pari']));
    // a filler token is in the vocabulary, but typing its text gives other tokens: it can only be asked for by id
    expect(await client.suggest('<unused50000>', 1)).toEqual([{ id: 50000, text: '<unused50000>', raw: '<unused50000>', exact: false }]);
    const v = await client.variants('France');
    expect(v.map((x) => [x.spelling, x.token?.id ?? null])).toEqual([
      ['France', byRaw['France'].id], [' France', byRaw['ĠFrance'].id], ['france', byRaw['france'].id], [' france', byRaw['Ġfrance'].id],
      ['FRANCE', null], [' FRANCE', null],
    ]);
  });
});

describe('TokenizerHolder.use: a fresh worker after a stop', () => {
  it('work queued behind a stuck call runs again on a new worker; the stuck text alone fails', async () => {
    const bytes = readFileSync(join(import.meta.dirname, '../../fixtures/out/gpt2-bpe/tokenizer.json'));
    const location = { kind: 'local' as const, key: 'local:t', src: null, label: 't', files: [{ name: 'tokenizer.json', size: bytes.byteLength, file: new File([bytes], 'tokenizer.json') }] };
    let spawned = 0;
    const spawn = () => {
      spawned++;
      const real = spawnTokenizer();
      // one call at a time, as in a worker; it hangs on the text "evil", as a backtracking regex would
      let queue: Promise<unknown> = Promise.resolve();
      const serial = <T,>(f: () => Promise<T>): Promise<T> => (queue = queue.then(f, f)) as Promise<T>;
      const api = {
        ...real.api,
        encode: (t: string) => serial(() => (t === 'evil' ? new Promise<never>(() => undefined) : real.api.encode(t))),
      };
      return { api, terminate: () => real.terminate() };
    };
    const holder = new TokenizerHolder(location, {} as VindexDescription, async () => ({ modelCard: null, manifest: null, jsonFiles: [], checksumConflicts: [], notices: [] }), null, spawn, { load: 30_000, call: 200, suggest: 200 });
    await holder.get();
    const evil = holder.use((c) => c.encode('evil'));
    const good = holder.use((c) => c.encode(' Paris'));
    await expect(evil).rejects.toMatchObject({ name: 'TokenizerTimeoutError' });
    expect(await good).toEqual({ ids: [6342], tokens: ['ĠParis'] });
    expect(spawned).toBe(2);
    expect((await holder.use((c) => c.encode('Paris')))?.ids).toEqual([40313]);
    expect(spawned).toBe(2);
  });
});
