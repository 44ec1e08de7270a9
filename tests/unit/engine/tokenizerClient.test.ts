import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect, vi } from 'vitest';
import { TokenizerClient, spawnTokenizer, type AsyncTokenizerService, type TokenizerEndpoint } from '../../../src/engine/tokenizerClient';

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
    await expect(describe).rejects.toMatchObject({ name: 'TokenizerTimeoutError' });
    expect(ep.terminate).toHaveBeenCalledTimes(1);
    expect(client.stopped).toBe(err);
    await expect(client.encode('Paris')).rejects.toBe(err);
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
