// Runs the end-to-end suite: makes the fixtures (and the synthetic vindex with planted features),
// then node's test runner over tests/e2e/*.test.mjs, one file at a time (each launches its own
// Chromium; the machine has 2 cores).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
execFileSync(process.execPath, [join(dir, '../fixtures/make-fixtures.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(dir, '../fixtures/make-compare-fixtures.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(dir, '../fixtures/make-token-fixtures.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(dir, '../fixtures/make-synthetic-demo.mjs')], { stdio: 'inherit' });
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .map((f) => join(dir, f));
try {
  execFileSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
} catch {
  process.exit(1);
}
