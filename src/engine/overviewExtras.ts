import type { VindexLocation } from '../io/ByteSource';
import { isAbortError } from '../io/ByteSource';
import type { VindexDescription } from '../format/types';
import { parseModelCard } from '../format/modelCard';
import { parseManifest } from '../format/manifest';
import { collectExpectedChecksums, parseSha256Sums } from '../format/checksums';
import { summariseJson, utf8Boundary } from '../format/jsonSummary';
import type { SourceSet } from './sources';
import type { OverviewExtras } from './types';

const MAX_TEXT = 64 * 1024 * 1024;
/** The start of a model card that is read with the overview; the rest is read on request, in chunks. */
export const CARD_PREVIEW_BYTES = 256 * 1024;
/** JSON side files up to this size are shown whole; larger ones are summarised from their first bytes. */
const JSON_SHOWN_BYTES = 2 * 1024 * 1024;
const SIDE_JSON = ['phase1_moe_svd.json', 'phase2_router_svd.json', 'system_graph.json'];

/**
 * The overview's side files: the model card (only its start: a 48 MB README once froze the tab),
 * manifest.json, MoE phase files and the VINDEX3 system graph, and checksum disagreements between
 * index.json, SHA256SUMS and the Hub. Every file is optional: a failed read is a notice naming it.
 */
export async function readExtras(sources: SourceSet, d: VindexDescription, location: VindexLocation, signal?: AbortSignal): Promise<OverviewExtras> {
  const notices: string[] = [];
  const optional = async <T>(name: string, read: () => Promise<T>): Promise<T | null> => {
    if (!sources.has(name)) return null;
    try {
      return await read();
    } catch (e) {
      if (isAbortError(e) || signal?.aborted) throw e;
      notices.push(`${name}: could not be read (${(e as Error).message ?? String(e)}); skipped`);
      return null;
    }
  };
  const readText = (name: string, max = MAX_TEXT): Promise<string | null> =>
    optional(name, async () => {
      if (sources.size(name) > max) {
        notices.push(`${name}: ${sources.size(name)} bytes is too large to read as text; skipped`);
        return null;
      }
      return sources.text(name, signal);
    });

  const card = await optional('README.md', async () => {
    const size = sources.size('README.md');
    const head = await sources.read('README.md', 0, Math.min(size, CARD_PREVIEW_BYTES), signal);
    // Cut on a character boundary, so the rest decodes on its own.
    const cut = size > head.length ? utf8Boundary(head) : head.length;
    const parsed = parseModelCard(new TextDecoder().decode(head.subarray(0, cut)));
    return { ...parsed, rest: cut < size ? { start: cut, end: size } : null };
  });

  const manifestText = await readText('manifest.json');
  let manifest: unknown = null;
  if (manifestText !== null) {
    const m = parseManifest(manifestText);
    manifest = m.value;
    if (m.notice) notices.push(m.notice);
  }

  const jsonFiles: OverviewExtras['jsonFiles'] = [];
  for (const file of SIDE_JSON) {
    const shown = await optional(file, async () => {
      const size = sources.size(file);
      if (size > JSON_SHOWN_BYTES) return { file, value: null, summary: `${size} bytes: too large to show here` };
      const text = await sources.text(file, signal);
      try {
        const value: unknown = JSON.parse(text);
        return { file, value, summary: summariseJson(value) };
      } catch (e) {
        return { file, value: null, summary: `not valid JSON (${(e as Error).message})` };
      }
    });
    if (shown) jsonFiles.push(shown);
  }

  const sumsText = await readText('SHA256SUMS', 16 * 1024 * 1024);
  const sums = sumsText !== null ? parseSha256Sums(sumsText).sums : new Map<string, string>();
  const lfs = Object.fromEntries(location.files.filter((f) => f.lfsSha256).map((f) => [f.name, f.lfsSha256!]));
  const expected = collectExpectedChecksums({ indexChecksums: d.checksums, sha256sums: sums, lfs });
  const checksumConflicts = Object.entries(expected)
    .filter(([, e]) => e.disagree)
    .map(([file, e]) => ({ file, claims: e.all.map((c) => ({ from: c.from, sha256: c.sha256 })) }));

  return {
    modelCard: card ? { frontMatter: card.frontMatter, baseModel: card.baseModel, license: card.license, body: card.body, rest: card.rest } : null,
    manifest,
    jsonFiles,
    checksumConflicts,
    notices,
  };
}
