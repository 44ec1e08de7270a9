/** GGML type ids the extractor can decode. */
export const GGML: { F32: 0; F16: 1; Q4_0: 2; Q4_1: 3; Q8_0: 8; Q6_K: 14; BF16: 30 };
/** The block layout of a GGML type, or null when it cannot be decoded. */
export function blockType(type: number): { name: string; block: number; bytes: number } | null;
/** Bytes that `count` values of `type` occupy. */
export function byteSize(type: number, count: number): number;
/** Dequantizes `count` values of `type` from `bytes`. */
export function dequantize(type: number, bytes: Uint8Array, count: number): Float32Array;
