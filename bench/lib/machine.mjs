// The machine a run was measured on: CPU model, cores, RAM, Node and Chromium versions.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { CHROMIUM } from './browser.mjs';

/** {cpu, cores, ramBytes, node, chromium, platform}. */
export function machineInfo() {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  let chromium = 'unknown';
  try {
    chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15000 }).trim();
  } catch (e) {
    chromium = `unavailable (${e.message.split('\n')[0]})`;
  }
  return { cpu, cores: cpus().length, ramBytes: totalmem(), node: process.version, chromium, platform: `${process.platform} ${process.arch}` };
}
