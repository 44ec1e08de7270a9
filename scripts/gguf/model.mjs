// model.mjs: opens a GGUF file for extraction. The header and tensor table are parsed by
// @huggingface/gguf; this module checks them against what a vindex needs and refuses, by name, a
// file it cannot extract: unknown architecture, missing tensor, undecodable block type, a shape
// that disagrees with the header, or tensor data past the end of the file (truncation).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gguf } from '@huggingface/gguf';
import { blockType, byteSize, dequantize } from './dequant.mjs';

/** Architectures whose FFN and embedding tensors this extractor knows: LarQL family and embed scale. */
export const ARCHITECTURES = {
  llama: { family: 'llama', embedScale: () => 1 },
  qwen2: { family: 'qwen2', embedScale: () => 1 },
  qwen3: { family: 'qwen3', embedScale: () => 1 },
  gemma2: { family: 'gemma2', embedScale: (h) => Math.sqrt(h) },
  gemma3: { family: 'gemma3', embedScale: (h) => Math.sqrt(h) },
};

/** An extraction error that names the file and what is wrong with it. */
export class GgufError extends Error {
  constructor(file, message) {
    super(`${file}: ${message}`);
    this.name = 'GgufError';
  }
}

const num = (v) => (typeof v === 'bigint' ? Number(v) : v);

/**
 * Opens and checks a GGUF file. Returns {arch, family, embedScale, L, H, V, widths, meta, tensors,
 * read(name) → Float32Array (row-major, GGUF ne0 fastest), close()}.
 */
export async function openGguf(path) {
  const fd = openSync(path, 'r');
  try {
    return await check(path, fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

async function check(path, fd) {
  const size = fstatSync(fd).size;
  let parsed;
  try {
    parsed = await gguf(path, { allowLocalFile: true });
  } catch (e) {
    throw new GgufError(path, `not a readable GGUF file (${e.message}); the file has ${size} bytes`);
  }
  const meta = parsed.metadata;
  const dataStart = num(parsed.tensorDataOffset);
  const arch = meta['general.architecture'];
  const known = ARCHITECTURES[arch];
  if (!known) throw new GgufError(path, `architecture "${arch}" is not supported (known: ${Object.keys(ARCHITECTURES).join(', ')})`);
  const need = (key) => {
    const v = meta[`${arch}.${key}`];
    if (v === undefined) throw new GgufError(path, `metadata ${arch}.${key} is missing`);
    return v;
  };
  const L = num(need('block_count'));
  const H = num(need('embedding_length'));
  const ff = need('feed_forward_length');
  const widths = Array.from({ length: L }, (_, l) => num(Array.isArray(ff) ? ff[l] : ff));

  const tensors = new Map();
  for (const t of parsed.tensorInfos) {
    const shape = t.shape.map(num);
    const count = shape.reduce((a, b) => a * b, 1);
    const bt = blockType(t.dtype);
    const start = dataStart + num(t.offset);
    tensors.set(t.name, { name: t.name, type: t.dtype, typeName: bt?.name ?? `type ${t.dtype}`, shape, count, start, bt });
  }
  const tokens = meta['tokenizer.ggml.tokens'];
  const V = Array.isArray(tokens) ? tokens.length : num(meta[`${arch}.vocab_size`] ?? 0);

  /** Checks one tensor's presence, shape, type and extent. */
  const expect = (name, shape) => {
    const t = tensors.get(name);
    if (!t) throw new GgufError(path, `tensor ${name} is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new GgufError(path, `tensor ${name} has shape [${t.shape.join(', ')}], the header implies [${shape.join(', ')}]`);
    }
    if (!t.bt) throw new GgufError(path, `tensor ${name} has GGML ${t.typeName}, which this extractor cannot decode`);
    if (shape[0] % t.bt.block !== 0) throw new GgufError(path, `tensor ${name}: rows of ${shape[0]} are not whole ${t.bt.name} blocks of ${t.bt.block}`);
    t.bytes = byteSize(t.type, t.count);
    if (t.start + t.bytes > size) {
      throw new GgufError(path, `tensor ${name} needs bytes ${t.start}–${t.start + t.bytes}, the file has ${size} (truncated)`);
    }
    return t;
  };
  expect('token_embd.weight', [H, V]);
  for (let l = 0; l < L; l++) {
    expect(`blk.${l}.ffn_gate.weight`, [H, widths[l]]);
    expect(`blk.${l}.ffn_up.weight`, [H, widths[l]]);
    expect(`blk.${l}.ffn_down.weight`, [widths[l], H]);
  }

  /** Reads and dequantizes a checked tensor. */
  const read = (name) => {
    const t = tensors.get(name);
    if (!t?.bytes) throw new Error(`tensor ${name} was not checked`);
    const buf = Buffer.alloc(t.bytes);
    const got = readSync(fd, buf, 0, t.bytes, t.start);
    if (got !== t.bytes) throw new GgufError(path, `tensor ${name}: read ${got} of ${t.bytes} bytes at ${t.start}`);
    return dequantize(t.type, buf, t.count);
  };
  return {
    path, size, arch, family: known.family, embedScale: known.embedScale(H), L, H, V, widths, meta, tensors, read,
    close: () => closeSync(fd),
  };
}
