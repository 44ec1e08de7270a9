/** Builds tokenizer.json (an object) from GGUF metadata. */
export function tokenizerJson(meta: Record<string, unknown>): Record<string, unknown>;
