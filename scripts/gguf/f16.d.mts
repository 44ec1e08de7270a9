/** The value of IEEE binary16 bits as a number. */
export function f16ToNumber(bits: number): number;
/** Binary16 bits of an f32 value, rounded to nearest even. */
export function f32ToF16Bits(x: number): number;
/** Little-endian f16 bytes of a Float32Array. */
export function encodeF16(values: Float32Array): Uint8Array;
/** Decodes little-endian f16 bytes to a Float32Array. */
export function decodeF16(bytes: Uint8Array): Float32Array;
