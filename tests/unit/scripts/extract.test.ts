// The GGUF extractor on tiny GGUF files written by tinyGguf.ts: a valid one becomes a LarQL v2
// vindex whose bytes match a float64 reference computed here (tests/fixtures/reference, which never
// imports the extractor), and broken ones are refused by name without leaving a folder behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractVindex } from '../../../scripts/gguf/extract.mjs';
import { f32Bytes, tinyGguf, type KV, type TensorSpec } from './tinyGguf';
// @ts-expect-error: plain-JS reference helpers without type declarations
import { dotAt, f16Bits, f16ToNumber, roundF16, makeRng, BYTE_SYMBOLS } from '../../fixtures/base/index.mjs';

const L = 2, H = 32, F = 64;
const byteSym = new Map<number, string>(BYTE_SYMBOLS as [number, string][]);
const sym = (s: string) => Array.from(new TextEncoder().encode(s), (b) => byteSym.get(b)).join('');
// vocabulary: a special token, a space, a newline, single letters, then merged words
const TOKENS = ['<|endoftext|>', sym(' '), sym('\n'), ...'acdgiorst'.split('').map(sym), sym(' c'), sym(' ca'), sym(' cat'), sym(' dog'), sym(' d'), sym(' do')];
const MERGES = [`${sym(' ')} c`, `${sym(' c')} a`, `${sym(' ca')} t`, `${sym(' ')} d`, `${sym(' d')} o`, `${sym(' do')} g`];
const V = TOKENS.length;

const rng = makeRng(7);
const rand = (n: number, s: number) => Array.from({ length: n }, () => Math.fround(rng.normal() * s));
const emb = rand(V * H, 0.5).map((x) => roundF16(x)); // f16-exact, stored as F16 in the GGUF
const gate = [rand(F * H, 1), rand(F * H, 1)]; // [F rows of H] each
const down = [rand(H * F, 0.3), rand(H * F, 0.3)]; // GGUF [ne0 = F, ne1 = H]: H rows of F
const f16Tensor = (xs: number[]) => new Uint8Array(Uint16Array.from(xs, (x) => f16Bits(x)).buffer);
const embF16 = f16Tensor(emb);

function kv(arch = 'llama'): Record<string, KV> {
  return {
    'general.architecture': arch, 'general.name': 'tiny', [`${arch}.block_count`]: L, [`${arch}.embedding_length`]: H,
    [`${arch}.feed_forward_length`]: F, [`${arch}.attention.head_count`]: 4,
    'tokenizer.ggml.model': 'gpt2', 'tokenizer.ggml.pre': 'smollm', 'tokenizer.ggml.tokens': TOKENS,
    'tokenizer.ggml.token_type': { i32: TOKENS.map((_, i) => (i === 0 ? 3 : 1)) }, 'tokenizer.ggml.merges': MERGES,
    'tokenizer.ggml.add_bos_token': false,
  };
}
function tensors(): TensorSpec[] {
  const out: TensorSpec[] = [{ name: 'token_embd.weight', shape: [H, V], type: 1, data: embF16 }];
  for (let l = 0; l < L; l++) {
    out.push({ name: `blk.${l}.ffn_gate.weight`, shape: [H, F], type: 0, data: f32Bytes(gate[l]) });
    out.push({ name: `blk.${l}.ffn_up.weight`, shape: [H, F], type: 0, data: f32Bytes(rand(F * H, 1)) });
    out.push({ name: `blk.${l}.ffn_down.weight`, shape: [F, H], type: 0, data: f32Bytes(down[l]) });
  }
  return out;
}

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'gguf-test-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, bytes: Uint8Array) => { const p = join(dir, name); writeFileSync(p, bytes); return p; };

describe('extractVindex on a valid GGUF', () => {
  it('writes gate rows, feature-major down columns, embeddings, DMET and index.json as LarQL lays them out', async () => {
    const gguf = write('ok.gguf', tinyGguf(kv(), tensors()));
    const out = join(dir, 'ok');
    execFileSync('mkdir', ['-p', out]);
    const r = await extractVindex({ gguf, dir: out, topK: 4, threads: 1 });
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index).toMatchObject({ version: 2, family: 'llama', num_layers: L, hidden_size: H, intermediate_size: F, vocab_size: V, embed_scale: 1, dtype: 'f16', down_top_k: 4, layer_bands: null });
    expect(index.layers).toEqual([{ layer: 0, num_features: F, offset: 0, length: F * H * 2 }, { layer: 1, num_features: F, offset: F * H * 2, length: F * H * 2 }]);
    expect(index.source.gguf_sha256).toMatch(/^[0-9a-f]{64}$/);
    const f16 = (name: string) => { const b = readFileSync(join(out, name)); return Array.from({ length: b.length / 2 }, (_, i) => f16ToNumber(b.readUInt16LE(i * 2))); };
    const g = f16('gate_vectors.bin');
    const d = f16('down_features.bin');
    const e = f16('embeddings.bin');
    expect(e).toEqual(emb);
    for (let l = 0; l < L; l++) {
      for (const [f, i] of [[0, 0], [5, 7], [F - 1, H - 1]]) {
        expect(g[l * F * H + f * H + i]).toBe(roundF16(gate[l][f * H + i])); // row f of gate_proj
        expect(d[l * F * H + f * H + i]).toBe(roundF16(down[l][i * F + f])); // column f of down_proj
      }
    }
    // DMET: float64 top 4 of E·down_f over every token; the special token, " " and "\n" decode empty and are dropped
    const dm = readFileSync(join(out, 'down_meta.bin'));
    expect([dm.readUInt32LE(0), dm.readUInt32LE(4), dm.readUInt32LE(8), dm.readUInt32LE(12)]).toEqual([0x444d4554, 1, L, 4]);
    const R = 8 + 8 * 4;
    for (const [l, f] of [[0, 0], [1, 33]]) {
      const logits = Array.from({ length: V }, (_, t) => dotAt(emb, t * H, d, l * F * H + f * H, H));
      const top = logits.map((v, t) => [t, v]).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 4).filter(([t]) => t > 2);
      const pos = 16 + 4 + l * (4 + F * R) + f * R;
      const got = Array.from({ length: top.length }, (_, j) => [dm.readUInt32LE(pos + 8 + 8 * j), dm.readFloatLE(pos + 12 + 8 * j)]);
      expect(got.map(([t]) => t)).toEqual(top.map(([t]) => t));
      got.forEach(([, v], j) => expect(v).toBeCloseTo(top[j][1], 5));
      expect(dm.readUInt32LE(pos)).toBe(top[0][0]);
      for (let j = top.length; j < 4; j++) expect(dm.readUInt32LE(pos + 8 + 8 * j)).toBe(0); // zero padding
    }
    expect(r.files.sort()).toEqual(['down_features.bin', 'down_meta.bin', 'embeddings.bin', 'gate_vectors.bin', 'tokenizer.json']);
    expect(dm.length).toBe(16 + L * (4 + F * R));
  });
});

describe('bad GGUFs are refused by name', () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['unknown architecture', () => tinyGguf(kv('mamba'), tensors()), /architecture "mamba" is not supported/],
    ['missing tensor', () => tinyGguf(kv(), tensors().filter((t) => t.name !== 'blk.1.ffn_down.weight')), /tensor blk\.1\.ffn_down\.weight is missing/],
    ['undecodable type', () => tinyGguf(kv(), tensors().map((t) => (t.name === 'blk.0.ffn_gate.weight' ? { ...t, type: 13 } : t))), /blk\.0\.ffn_gate\.weight has GGML type 13, which this extractor cannot decode/],
    ['shape against the header', () => tinyGguf({ ...kv(), 'llama.feed_forward_length': 48 }, tensors()), /blk\.0\.ffn_gate\.weight has shape \[32, 64\], the header implies \[32, 48\]/],
    ['truncated file', () => tinyGguf(kv(), tensors()).slice(0, -100), /blk\.1\.ffn_down\.weight needs bytes \d+–\d+, the file has \d+ \(truncated\)/],
  ];
  for (const [what, make, message] of cases) {
    it(`${what}: exit 1 with the reason, and no output folder`, () => {
      const gguf = write(`${what.replace(/\W/g, '-')}.gguf`, make());
      const out = join(dir, `out-${what.replace(/\W/g, '-')}`);
      let stderr = '';
      try {
        execFileSync(process.execPath, [resolve('scripts/extract-gguf.mjs'), gguf, out], { stdio: 'pipe' });
      } catch (e) {
        stderr = String((e as { stderr: Buffer }).stderr);
        expect((e as { status: number }).status).toBe(1);
      }
      expect(stderr).toMatch(message);
      expect(stderr).toContain(gguf);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    });
  }
});
