import type { VindexDescription } from '../format/types';
import {
  parseDownMetaHeader, walkDownMeta, recordOffset, decodeDownMetaRecord, decodeDownMetaLayer, downMetaSize, docRecordSize,
  docStyleReason, type DownMetaLayout, type DownMetaRecord,
} from '../format/downMeta';
import { parseDownMetaJsonl, type JsonlDownMeta } from '../format/downMetaJsonl';
import type { SourceSet } from './sources';
import type { TokenizerHolder } from './tokenizerHolder';
import type { DownMetaStatus } from './types';
import type { TokenOutputs } from './featureTypes';
import { SharedLoads } from './sharedLoads';

type DmetHeader = Extract<ReturnType<typeof parseDownMetaHeader>, { kind: 'dmet' }>;

/** Reads per-feature output tokens from down_meta.bin (lazily, record by record) or down_meta.jsonl. */
export class DownMetaReader {
  private status: DownMetaStatus = { kind: 'absent', note: 'no down_meta file: feature outputs can be computed from down_features.bin', topK: null };
  private layout: DownMetaLayout | null = null;
  /** The layout walk, shared by concurrent readers; one reader's cancel does not fail the others (issue 12.3). */
  private readonly layoutLoads = new SharedLoads<'layout', DownMetaLayout>();
  private header: DmetHeader | null = null;
  private jsonl: Map<string, JsonlDownMeta> | null = null;

  constructor(
    private readonly sources: SourceSet,
    private readonly description: VindexDescription,
    private readonly tokenizer: TokenizerHolder,
  ) {}

  /** Reads the header (or the jsonl file) and says what kind of metadata there is. */
  async open(signal: AbortSignal): Promise<DownMetaStatus> {
    const fallback = this.sources.has('down_features.bin') ? 'showing computed projections instead' : 'no feature outputs are available';
    if (this.sources.has('down_meta.bin')) {
      const size = this.sources.size('down_meta.bin');
      const head = size === 0 ? new Uint8Array(0) : await this.sources.read('down_meta.bin', 0, Math.min(16, size), signal);
      const h = parseDownMetaHeader(head, size);
      const invalid = h.kind === 'dmet' ? await this.sizeProblem(h, size, signal) : null;
      if (h.kind === 'dmet' && invalid !== null) {
        this.layout = null;
        this.status = { kind: 'unrecognised', note: `down_meta.bin is unrecognised (${invalid}): ${fallback}`, topK: null };
      } else if (h.kind === 'dmet') {
        this.header = h;
        const declared = this.description.downTopK;
        const note =
          declared !== null && declared !== h.topK
            ? `down_meta.bin holds top ${h.topK} tokens per feature (index.json down_top_k says ${declared}); the file's K is used`
            : null;
        this.status = { kind: 'dmet', note, topK: h.topK };
      } else if (h.kind === 'empty') {
        this.status = { kind: 'empty', note: `down_meta.bin is empty: ${fallback}`, topK: null };
      } else {
        this.status = { kind: 'unrecognised', note: `down_meta.bin is unrecognised (${h.reason}): ${fallback}`, topK: null };
      }
    } else if (this.sources.has('down_meta.jsonl')) {
      const parsed = parseDownMetaJsonl(await this.sources.text('down_meta.jsonl', signal));
      this.jsonl = parsed.records;
      const k = parsed.records.values().next().value?.entries.length ?? null;
      const note = parsed.notice;
      this.status = { kind: 'jsonl', note, topK: k };
    } else {
      this.status = { kind: 'absent', note: `no down_meta file: ${fallback}`, topK: null };
    }
    return this.status;
  }

  /**
   * LarQL's exact-size rule: 16 + Σ(4 + nf·(8 + 8K)) must equal the file size. The size predicted from
   * the gate's feature counts is checked without reading; only a file that disagrees has its counters
   * walked, and one that still does not add up is rejected with the reason (records of 9 + 8K bytes,
   * truncation, trailing bytes). Returns null when the file is consistent.
   */
  private async sizeProblem(h: DmetHeader, size: number, signal: AbortSignal): Promise<string | null> {
    const expected = this.description.layers.map((l) => l.numFeatures);
    const predictable = expected.length === h.numLayers;
    if (predictable && downMetaSize(expected, h.recordSize) === size) return null;
    if (predictable && downMetaSize(expected, docRecordSize(h.topK)) === size) return docStyleReason(h.topK);
    const read = (s: number, e: number) => this.sources.read('down_meta.bin', s, e, signal);
    const layout = await walkDownMeta(h, size, read, expected);
    if (layout.complete) {
      this.layout = layout;
      return null;
    }
    const doc = await walkDownMeta({ ...h, recordSize: docRecordSize(h.topK) }, size, read);
    return doc.complete ? docStyleReason(h.topK) : layout.notes.find((n) => !n.includes('header says')) ?? layout.notes[0];
  }

  /** Whether stored outputs exist. */
  available(): boolean {
    return this.status.kind === 'dmet' || this.status.kind === 'jsonl';
  }

  /** The stored status (after open). */
  info(): DownMetaStatus {
    return this.status;
  }

  private async getLayout(signal?: AbortSignal): Promise<DownMetaLayout> {
    if (this.layout) return this.layout;
    const h = this.header!;
    const size = this.sources.size('down_meta.bin');
    const expected = this.description.layers.map((l) => l.numFeatures);
    return this.layoutLoads.get('layout', async (s) => {
      const layout = await walkDownMeta(h, size, (a, b) => this.sources.read('down_meta.bin', a, b, s), expected);
      // The size matched the prediction but the counters do not add up: reject the file after all.
      if (!layout.complete) this.status = { kind: 'unrecognised', note: `down_meta.bin is unrecognised (${layout.notes[0]}): showing computed projections instead`, topK: null };
      this.layout = layout;
      return layout;
    }, signal);
  }

  /** The raw record of one feature; null when there is no metadata (or the file ends before it). */
  async record(layer: number, feature: number, signal?: AbortSignal): Promise<DownMetaRecord | null> {
    if (this.jsonl) {
      const r = this.jsonl.get(`${layer}:${feature}`);
      return r ? { topTokenId: r.topTokenId, cScore: r.cScore, entries: r.entries.map((e) => ({ id: e.id, logit: e.logit })) } : null;
    }
    if (!this.header) return null;
    const layout = await this.getLayout(signal);
    if (!layout.complete) return null;
    const range = recordOffset(layout, layer, feature);
    if (!range) return null;
    const bytes = await this.sources.read('down_meta.bin', range.start, range.end, signal);
    return decodeDownMetaRecord(bytes, this.header.topK);
  }

  /** Every record of one layer (for "which features say this token"); null entries have no metadata. */
  async layerRecords(layer: number, signal?: AbortSignal): Promise<(DownMetaRecord | null)[]> {
    if (this.jsonl) {
      const n = this.description.layers[layer]?.numFeatures ?? 0;
      const out: (DownMetaRecord | null)[] = [];
      for (let f = 0; f < n; f++) out.push(await this.record(layer, f));
      return out;
    }
    if (!this.header) return [];
    const layout = await this.getLayout(signal);
    if (!layout.complete) return [];
    const entry = layout.layers[layer];
    if (!entry || entry.count === 0) return [];
    const bytes = await this.sources.read('down_meta.bin', entry.recordsPos, entry.recordsPos + entry.count * this.header.recordSize, signal);
    return decodeDownMetaLayer(bytes, entry.count, this.header.topK);
  }

  /** Output tokens of features with their exact texts (jsonl strings inline, else the tokenizer). */
  async outputs(layer: number, features: number[], signal?: AbortSignal): Promise<TokenOutputs[]> {
    if (!this.available()) return features.map((feature) => ({ feature, tokens: [], cScore: null }));
    const recs: (DownMetaRecord | null)[] = [];
    for (const feature of features) recs.push(await this.record(layer, feature, signal));
    // one batch for every id, so the tokenizer worker is asked once
    const ids = this.jsonl ? [] : recs.flatMap((r) => r?.entries.map((e) => e.id) ?? []);
    const texts = ids.length ? await this.tokenizer.describe(ids, signal) : null;
    let at = 0;
    return features.map((feature, fi) => {
      const rec = recs[fi];
      if (!rec) return { feature, tokens: [], cScore: null };
      const inline = this.jsonl?.get(`${layer}:${feature}`);
      return {
        feature,
        cScore: rec.cScore,
        tokens: rec.entries.map((e, i) => {
          const t = inline ? null : texts?.[at++];
          return { id: e.id, logit: e.logit, text: inline ? inline.entries[i].token : t ? t.text : `#${e.id}`, raw: t ? t.raw : null };
        }),
      };
    });
  }
}
