import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Generates the fixtures once before any unit test file is collected (some read expected.json at load time). */
export default function setup(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '../fixtures/make-fixtures.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(import.meta.dirname, '../fixtures/make-compare-fixtures.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(import.meta.dirname, '../fixtures/make-token-fixtures.mjs')], { stdio: 'inherit' });
}
