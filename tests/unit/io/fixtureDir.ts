import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { patternBytes } from './countingSource';

/** Sizes of the fixture files (gate spans several 1 MiB blocks and ends mid-block). */
export const GATE_SIZE = 3 * 1024 * 1024 + 4321;
export const EMBED_SIZE = 50_000;

/** A temporary vindex-like folder; `cleanup()` removes it. */
export interface FixtureDir {
  dir: string;
  files: Record<string, Uint8Array>;
  sha256(name: string): string;
  cleanup(): void;
}

/** Writes a small fake vindex: index.json (with a checksum-listed extra file), binaries, an empty down_meta.bin, a sub-folder. */
export function makeFixtureDir(prefix = 'vindex-io-'): FixtureDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files: Record<string, Uint8Array> = {
    'gate_vectors.bin': patternBytes(GATE_SIZE, 1),
    'embeddings.bin': patternBytes(EMBED_SIZE, 2),
    'down_meta.bin': new Uint8Array(0),
    'tokenizer.json': new TextEncoder().encode(JSON.stringify({ model: { vocab: { a: 0, b: 1 } } })),
    'attn_weights.bin': patternBytes(20_000, 3),
    'README.md': new TextEncoder().encode('---\nlicense: mit\n---\n# test vindex\n'),
  };
  const index = {
    version: 2, model: 'test/model', num_layers: 2, hidden_size: 4,
    checksums: { 'gate_vectors.bin': '0'.repeat(64), 'attn_weights.bin': '1'.repeat(64), '../escape.bin': '2'.repeat(64) },
  };
  files['index.json'] = new TextEncoder().encode(JSON.stringify(index));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'nested.bin'), patternBytes(100));
  return {
    dir,
    files,
    sha256: (name) => createHash('sha256').update(files[name]).digest('hex'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
