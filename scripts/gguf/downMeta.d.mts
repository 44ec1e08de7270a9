/** Rust's str::trim. */
export function rustTrim(s: string): string;
