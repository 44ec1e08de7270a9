/**
 * Shared helpers of the engine tests: the generated fixtures as local locations, expected.json values,
 * and an independent float64 reading of the raw tensor files (own f16 decoder, own DMET parser), so
 * that no expected value comes from the code under test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createEngine } from '../../../src/engine/engine';
import type { EngineApi } from '../../../src/engine/api';
import type { OpenedVindex } from '../../../src/engine/types';
import type { VindexLocation } from '../../../src/io/ByteSource';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const OUT = join(ROOT, 'tests/fixtures/out');

/** Runs the (idempotent, fast) fixture generator. */
export function makeFixtures(): void {
  execFileSync(process.execPath, ['tests/fixtures/make-fixtures.mjs'], { cwd: ROOT, stdio: 'pipe' });
}

/** Every fixture of tests/fixtures/README.md; a test checks this list against out/fixtures.json. */
export const VALID = [
  'larql-v2-f32', 'larql-v2-f16', 'larql-v1', 'compact', 'moe', 'widths', 'dmet-empty', 'dmet-garbage',
  'dmet-headerless', 'dmet-k-mismatch', 'jsonl', 'gate-f32-declared-f16', 'embed-scale',
  'dmet-literal-magic', 'dmet-doc-records', 'dmet-truncated', 'provenance-v1-spec', 'sharded-gate', 'kquant-names', 'new-keys', 'moe-summary',
] as const;
export const BROKEN = [
  'bad-json', 'truncated-embeddings', 'truncated-gate', 'not-a-vindex', 'absurd-dims',
  'overlapping-layers', 'shards-gap', 'shards-overlap', 'moe-summary-bad',
] as const;
/** Fixtures of another generation (VINDEX3): an overview, and the other views refused by name. */
export const SHAPES = ['vindex3', 'vindex3-bad'] as const;

// ---------------------------------------------------------------- expected.json

/** A number as expected.json writes it ("NaN", "Infinity", "-Infinity", "-0" as strings). */
export type JNum = number | string;

/** expected.json numbers back to JS numbers. */
export function num(v: JNum): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  throw new Error(`unexpected expected.json value ${JSON.stringify(v)}`);
}

export interface Range { layer: number; num_features: number; start: number; end: number }
export interface TopEntry { layer: number; feature: number; score: JNum; expert?: number }
export interface MetricExpect { scores: (JNum[] | null)[]; top_signed: TopEntry[]; top_abs: TopEntry[] }
export interface QueryExpect { name: string; text?: string; ids: number[]; ids_used: number[]; q: number[]; cos: MetricExpect; dot: MetricExpect }
export interface DmetRecord {
  layer: number; feature: number; offset: number; top_token_id: number; c_score: number;
  top_k: [number, number][]; empty: boolean; padding_entries: number; matches_projection: boolean;
}
export interface JsonlRecord { l: number; f: number; t: string; i: number; c: number; k: { t: string; i: number; s: number }[] }
export interface Expected {
  name: string;
  valid: boolean;
  index_family: 'larql-v2' | 'larql-v1' | 'compact' | 'moe-summary';
  model: string;
  num_layers: number; hidden_size: number; vocab_size: number; embed_scale: number;
  down_top_k: number | null;
  declared_dtype: string | null;
  features_per_layer: number[];
  experts: ({ layer: number; num_experts: number; features_per_expert: number } | null)[] | null;
  files: Record<string, { bytes: number; dtype?: 'f16' | 'f32' | null }>;
  gate: { file: string; dtype: 'f16' | 'f32'; layers: (Range | null)[] };
  down_features: { file: string; dtype: 'f16' | 'f32' | null; layers: (Range | null)[] };
  embeddings: { file: string; dtype: 'f16' | 'f32'; bytes: number; row_bytes: number };
  layer_bands: { syntax: [number, number]; knowledge: [number, number]; output: [number, number] } | null;
  nonfinite: { file: string; layer: number; feature: number; dim: number; value: string }[];
  samples: { file: string; layer: number; feature: number; dim: number; raw: JNum; bits: number; value: JNum }[];
  tokenizer: null | { file: string; vocab_size: number; special_ids: number[]; texts: { text: string; ids: number[]; tokens: string[]; decoded: string }[] };
  labels: null | Record<string, { label: string; from: 'feature_labels' | 'relation_clusters'; cluster?: number }>;
  model_card: null | { base_model: string; license: string; tags: string[] };
  down_meta:
    | null
    | { file: 'down_meta.bin'; format: 'dmet'; valid: true; version: number; num_layers: number; top_k: number; record_bytes: number; bytes: number; kind: 'dmet' | 'k-mismatch'; layers: { layer: number; nf: number; counter_offset: number; records_offset: number }[]; records: DmetRecord[] }
    | { file: 'down_meta.bin'; format: 'empty' | 'float-array' | 'headerless' | 'doc-records' | 'truncated'; valid: false; bytes: number; mentions?: string[] }
    | { file: 'down_meta.jsonl'; format: 'jsonl'; valid: true; top_k: number; lines: number; header_lines: number; records: JsonlRecord[] };
  queries: QueryExpect[];
  projections: { layer: number; feature: number; of: 'down' | 'gate'; dot: { ids: number[]; values: number[] }; cos: { ids: number[]; values: number[] } }[];
  /** sharded-gate: the shard files in order; their concatenation is the packed gate. */
  gate_shards?: { file: string; bytes: number }[];
  provenance?: { key: string; value: string }[];
  file_roles?: Record<string, { used: boolean }>;
  settings?: Record<string, string>;
  quant?: { declared: string; normalised: string };
  moe_summary?: { num_feats: number; n_routed_experts: number; layers: { layer: number; experts: number; start: number; end: number; median: number; q25: number; q75: number }[] };
  /** Bad input that opens: the layers whose gate stays usable. */
  opens?: boolean;
  usable_layers?: number[];
  error?: {
    file: string; kind: string; mentions: string[] | string[][];
    expected_bytes?: { f32: number; f16: number }; actual_bytes?: number; vocab_size?: number;
    also_acceptable_files?: string[]; layer?: number; needs?: [number, number]; intact_layers?: number[];
  };
}

const expectedCache = new Map<string, Expected>();
/** The fixture's expected.json. */
export function expected(name: string): Expected {
  let e = expectedCache.get(name);
  if (!e) {
    e = JSON.parse(readFileSync(join(OUT, name, 'expected.json'), 'utf8')) as Expected;
    expectedCache.set(name, e);
  }
  return e;
}

/** Raw bytes of one fixture file. */
export function raw(name: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(OUT, name, file)));
}

// ---------------------------------------------------------------- locations and the engine

/** Bytes handed out by File.slice, per file name (what a local read really costs). */
export type SliceCounter = Map<string, number>;

/** A File whose slices are counted. */
class CountingFile extends File {
  constructor(bytes: Uint8Array, name: string, private readonly counter: SliceCounter) {
    super([bytes as Uint8Array<ArrayBuffer>], name);
  }
  override slice(start?: number, end?: number, contentType?: string): Blob {
    const s = start ?? 0;
    const e = Math.min(end ?? this.size, this.size);
    this.counter.set(this.name, (this.counter.get(this.name) ?? 0) + Math.max(0, e - s));
    return super.slice(start, end, contentType);
  }
}

/** The fixture folder as a local location (expected.json left out; sub-folders as "dir/file"), optionally counting reads. */
export function localLocation(name: string, counter?: SliceCounter): VindexLocation {
  const files = (readdirSync(join(OUT, name), { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => relative(join(OUT, name), join(d.parentPath, d.name)).split(sep).join('/'))
    .filter((f) => f !== 'expected.json')
    .sort()
    .map((f) => {
      const bytes = raw(name, f);
      const file = counter ? new CountingFile(bytes, f, counter) : new File([bytes as Uint8Array<ArrayBuffer>], f);
      return { name: f, size: bytes.byteLength, file };
    });
  return { key: `local:${name}`, src: null, label: name, kind: 'local', files };
}

let opCounter = 0;
/** A fresh operation id. */
export function opId(what = 'op'): string {
  return `${what}-${++opCounter}`;
}

/** A no-op progress callback. */
export const noProgress = (): void => undefined;

/** Opens a fixture in a fresh engine. */
export async function openFixture(name: string, counter?: SliceCounter): Promise<{ engine: EngineApi; key: string; opened: OpenedVindex }> {
  const engine = createEngine();
  const location = localLocation(name, counter);
  const opened = await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
  return { engine, key: location.key, opened };
}

/** Scores a query and collects the streamed layers into a grid (null for layers never delivered). */
export async function scoreGrid(
  engine: EngineApi, key: string, ids: number[], metric: 'cos' | 'dot', numLayers: number, id = opId('score'),
): Promise<{ grid: (Float32Array | null)[]; problems: (string | null)[]; calls: number[]; bytesRead: number }> {
  const grid: (Float32Array | null)[] = new Array(numLayers).fill(null);
  const problems: (string | null)[] = new Array(numLayers).fill(null);
  const calls: number[] = [];
  const { bytesRead } = await engine.score(key, id, { ids, metric }, (layer, scores, problem) => {
    calls.push(layer);
    grid[layer] = scores ? scores.slice() : null;
    problems[layer] = problem;
  }, noProgress);
  return { grid, problems, calls, bytesRead };
}

// ---------------------------------------------------------------- independent decoding (float64)

/** IEEE binary16 bits to a number: subnormals, ±0, ±inf and NaN included. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Decodes little-endian f16/f32 bytes [start, end) of a buffer to float64 values. */
export function decodeFloats(bytes: Uint8Array, dtype: 'f16' | 'f32', start = 0, end = bytes.byteLength): Float64Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
  const bpf = dtype === 'f16' ? 2 : 4;
  const out = new Float64Array((end - start) / bpf);
  for (let i = 0; i < out.length; i++) out[i] = dtype === 'f16' ? halfToNumber(dv.getUint16(i * 2, true)) : dv.getFloat32(i * 4, true);
  return out;
}

/** Per layer, the rows of a per-layer [F, H] file as float64 (null for layers without features). */
export function layerRows(name: string, which: 'gate' | 'down'): (Float64Array[] | null)[] {
  const e = expected(name);
  const spec = which === 'gate' ? e.gate : e.down_features;
  const dtype = spec.dtype;
  if (dtype === null) return spec.layers.map(() => null); // no such file (MoE summaries have no down rows)
  // A sharded gate: its shard files back to back are the packed gate (this test's own concatenation).
  const bytes = which === 'gate' && e.gate_shards ? concatBytes(e.gate_shards.map((s) => raw(name, s.file))) : raw(name, spec.file);
  const H = e.hidden_size;
  return spec.layers.map((r) => {
    if (!r) return null;
    const all = decodeFloats(bytes, dtype, r.start, r.end);
    const rows: Float64Array[] = [];
    for (let f = 0; f < r.num_features; f++) rows.push(all.subarray(f * H, (f + 1) * H));
    return rows;
  });
}

/** Byte arrays joined end to end. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The embedding matrix as float64 rows. */
export function embeddingRows(name: string): Float64Array[] {
  const e = expected(name);
  const all = decodeFloats(raw(name, 'embeddings.bin'), e.embeddings.dtype);
  const rows: Float64Array[] = [];
  for (let t = 0; t < e.vocab_size; t++) rows.push(all.subarray(t * e.hidden_size, (t + 1) * e.hidden_size));
  return rows;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** The cosine of the vindex recipe: (a·b) / (‖a‖·‖b‖ + 1e-8). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return dot(a, b) / (norm(a) * norm(b) + 1e-8);
}

/** A DMET file parsed independently: header, per-layer records (null = "no metadata"). */
export interface ParsedDmet {
  topK: number;
  layers: ({ id: number; logit: number }[] | null)[][];
  cScores: (number | null)[][];
  offsets: number[][];
}

/** Walks a DMET file's counters and decodes every record, dropping (0, 0.0) padding. */
export function parseDmet(bytes: Uint8Array): ParsedDmet {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // "TEMD" on disk (u32 0x444D4554), or the literal bytes "DMET" (u32 0x54454D44) of Python writers.
  if (dv.getUint32(0, true) !== 0x444d4554 && dv.getUint32(0, true) !== 0x54454d44) throw new Error('not DMET');
  const numLayers = dv.getUint32(8, true);
  const K = dv.getUint32(12, true);
  const R = 8 + 8 * K;
  let pos = 16;
  const out: ParsedDmet = { topK: K, layers: [], cScores: [], offsets: [] };
  for (let l = 0; l < numLayers; l++) {
    const nf = dv.getUint32(pos, true);
    const recs: ({ id: number; logit: number }[] | null)[] = [];
    const cs: (number | null)[] = [];
    const offs: number[] = [];
    for (let f = 0; f < nf; f++) {
      const at = pos + 4 + f * R;
      offs.push(at);
      const top = dv.getUint32(at, true);
      const c = dv.getFloat32(at + 4, true);
      if (top === 0 && c === 0) {
        recs.push(null);
        cs.push(null);
        continue;
      }
      const entries: { id: number; logit: number }[] = [];
      for (let k = 0; k < K; k++) {
        const id = dv.getUint32(at + 8 + 8 * k, true);
        const logit = dv.getFloat32(at + 12 + 8 * k, true);
        if (id === 0 && logit === 0) continue;
        entries.push({ id, logit });
      }
      recs.push(entries);
      cs.push(c);
    }
    out.layers.push(recs);
    out.cScores.push(cs);
    out.offsets.push(offs);
    pos += 4 + nf * R;
  }
  expect(pos, 'DMET walk ends at the end of the file').toBe(bytes.byteLength);
  return out;
}

/** down_meta.jsonl parsed independently (header lines skipped). */
export function parseJsonl(text: string): JsonlRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JsonlRecord & { _header?: unknown })
    .filter((o) => !('_header' in o));
}

/** Exact texts of the larql-v2-f32 byte-level vocabulary: "Ġ" is a space (kept), specials are ''. */
export function vocabTexts(name: string): string[] {
  const special = new Set(tokenizerJson(name).added_tokens.filter((t) => t.special).map((t) => t.id));
  return vocabRaw(name).map((s, id) => (special.has(id) ? '' : s.replace(/Ġ/g, ' ')));
}

/** Raw vocabulary strings by id ("ĠParis"). */
export function vocabRaw(name: string): string[] {
  const out: string[] = [];
  for (const [s, id] of Object.entries(tokenizerJson(name).model.vocab)) out[id] = s;
  return out;
}

function tokenizerJson(name: string) {
  return JSON.parse(new TextDecoder().decode(raw(name, 'tokenizer.json'))) as {
    model: { vocab: Record<string, number> };
    added_tokens: { id: number; special: boolean }[];
  };
}

// ---------------------------------------------------------------- comparisons

/** JSON for messages, with NaN and ±Infinity spelled out. */
export function show(x: unknown): string {
  return JSON.stringify(x, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** Same non-finite kind (NaN, +inf, -inf), or within `tol` when both are finite. */
export function expectClose(got: number, want: number, tol: number, what: string): void {
  if (!Number.isFinite(want)) {
    if (Number.isNaN(want)) expect(Number.isNaN(got), `${what}: got ${got}, want NaN`).toBe(true);
    else expect(got, `${what}: want ${want}`).toBe(want);
    return;
  }
  expect(Number.isFinite(got), `${what}: got ${got}, want ${want}`).toBe(true);
  expect(Math.abs(got - want), `${what}: got ${got}, want ${want} (tolerance ${tol})`).toBeLessThanOrEqual(tol);
}

/**
 * A ranked list against the expected one: position by position the same item, except that two items
 * whose expected keys differ by no more than `tol` (but are not exactly equal) may swap, since f32
 * arithmetic may order near-ties either way. Exact ties must follow the expected order.
 */
export function expectRanking<T>(
  got: T[], want: T[], same: (a: T, b: T) => boolean, keyOfGot: (g: T) => number, keyOfWant: (w: T) => number,
  tol: number, what: string,
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (same(got[i], want[i])) continue;
    const kg = keyOfGot(got[i]);
    const kw = keyOfWant(want[i]);
    const nearTie = Number.isFinite(kg) && Number.isFinite(kw) && kg !== kw && Math.abs(kg - kw) <= tol;
    expect(nearTie, `${what}[${i}]: got ${show(got[i])}, want ${show(want[i])}`).toBe(true);
  }
}
