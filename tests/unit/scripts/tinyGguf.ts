// A minimal GGUF v3 writer for tests, written from the format's layout (magic "GGUF", version,
// tensor and key-value counts, typed key-values, tensor infos, data aligned to 32 bytes), so the
// extractor's tests can make small valid and broken files without a Python toolchain.

/** A metadata value: strings, u32/f32 numbers, booleans, and arrays of strings or i32. */
export type KV = string | number | boolean | { f32: number } | string[] | { i32: number[] };
/** One tensor: name, GGUF shape (ne0 first), GGML type id and its raw bytes. */
export interface TensorSpec { name: string; shape: number[]; type: number; data: Uint8Array }

const enc = new TextEncoder();

class Writer {
  parts: number[] = [];
  u8(x: number) { this.parts.push(x & 255); }
  u32(x: number) { for (let i = 0; i < 4; i++) this.u8(x >>> (8 * i)); }
  u64(x: number) { this.u32(x % 2 ** 32); this.u32(Math.floor(x / 2 ** 32)); }
  str(s: string) { const b = enc.encode(s); this.u64(b.length); for (const x of b) this.u8(x); }
  bytes(b: Uint8Array) { for (const x of b) this.u8(x); }
}

function value(w: Writer, v: KV) {
  if (typeof v === 'string') { w.u32(8); w.str(v); }
  else if (typeof v === 'boolean') { w.u32(7); w.u8(v ? 1 : 0); }
  else if (typeof v === 'number') { w.u32(4); w.u32(v); }
  else if (Array.isArray(v)) { w.u32(9); w.u32(8); w.u64(v.length); for (const s of v) w.str(s); }
  else if ('f32' in v) { w.u32(6); const b = new Uint8Array(new Float32Array([v.f32]).buffer); w.bytes(b); }
  else { w.u32(9); w.u32(5); w.u64(v.i32.length); for (const x of v.i32) w.u32(x); }
}

/** The bytes of a GGUF v3 file with these key-values and tensors (data 32-byte aligned). */
export function tinyGguf(kv: Record<string, KV>, tensors: TensorSpec[]): Uint8Array {
  const w = new Writer();
  w.bytes(enc.encode('GGUF'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(Object.keys(kv).length);
  for (const [k, v] of Object.entries(kv)) { w.str(k); value(w, v); }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.shape.length);
    for (const d of t.shape) w.u64(d);
    w.u32(t.type);
    w.u64(offset);
    offsets.push(offset);
    offset += Math.ceil(t.data.length / 32) * 32;
  }
  while (w.parts.length % 32) w.u8(0);
  tensors.forEach((t, i) => {
    const start = w.parts.length;
    w.bytes(t.data);
    const end = i + 1 < tensors.length ? offsets[i + 1] - offsets[i] : t.data.length;
    while (w.parts.length - start < end) w.u8(0);
  });
  return Uint8Array.from(w.parts);
}

/** F32 tensor bytes. */
export const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
