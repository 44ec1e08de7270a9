// down_meta.bin ("DMET"): header, layer walk, record decoding.
//
//   u32 magic 0x444D4554 ("TEMD" on disk; Python writers' literal b"DMET" reads 0x54454D44),
//   u32 version 1, u32 num_layers, u32 top_k K
//   per layer: u32 nf, then nf records of R = 8 + 8·K bytes
//     (u32 top_token_id, f32 c_score, K × (u32 token_id, f32 logit), zero-padded)
// There is no offset table, so layer positions come from walking the counters.
import type { ByteRange } from './types';

const FILE = 'down_meta.bin';
/** The DMET magic as a little-endian u32 (bytes "TEMD"). */
export const DMET_MAGIC = 0x444d4554;
/** The magic of files that wrote the literal bytes "DMET" (LarQL's readers accept both). */
export const DMET_LITERAL_MAGIC = 0x54454d44;
/** Size of the fixed header. */
export const DMET_HEADER_BYTES = 16;
// Sanity limits: beyond these the header is garbage that happens to start with the magic.
const MAX_TOP_K = 65536;
const MAX_LAYERS = 4096;

/** What the first 16 bytes of down_meta.bin say. */
export type DownMetaHeader =
  | { kind: 'dmet'; magic: 'TEMD' | 'DMET'; version: number; numLayers: number; topK: number; recordSize: number }
  | { kind: 'empty' }
  | { kind: 'unrecognised'; reason: string };

/** Where one layer's records are. */
export interface DownMetaLayerPos {
  layer: number;
  /** Byte position of the layer's u32 counter. */
  countPos: number;
  /** Byte position of its first record (countPos + 4). */
  recordsPos: number;
  /** Records available (0 when the layer has none or lies past a truncation). */
  count: number;
}

/** The walked layout of a DMET file. */
export interface DownMetaLayout {
  topK: number;
  recordSize: number;
  layers: DownMetaLayerPos[];
  /** 'predicted' when every counter matched the expected counts, 'walked' after a sequential walk. */
  method: 'predicted' | 'walked';
  /** Human-readable notes (truncation, trailing bytes), each naming the file and numbers. */
  notes: string[];
  /** True when the counters account for every byte: 16 + Σ(4 + nf·R) equals the file size exactly. */
  complete: boolean;
}

/** One decoded record. */
export interface DownMetaRecord {
  topTokenId: number;
  cScore: number;
  entries: { id: number; logit: number }[];
}

/** Hex of a few bytes, for messages. */
function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Reads the 16-byte header: DMET, empty (zero-length, as in LarQL's test vindex), or unrecognised with a reason. */
export function parseDownMetaHeader(first16: Uint8Array, fileSize: number): DownMetaHeader {
  if (fileSize === 0) return { kind: 'empty' };
  if (fileSize < DMET_HEADER_BYTES || first16.length < DMET_HEADER_BYTES) {
    return { kind: 'unrecognised', reason: `${FILE}: ${Math.min(fileSize, first16.length)} bytes, too short for the 16-byte DMET header` };
  }
  const dv = new DataView(first16.buffer, first16.byteOffset, DMET_HEADER_BYTES);
  const magic = dv.getUint32(0, true);
  if (magic !== DMET_MAGIC && magic !== DMET_LITERAL_MAGIC) {
    // Headerless record dumps and [L][F][K][2] float arrays land here.
    return { kind: 'unrecognised', reason: `${FILE}: starts with bytes ${hex(first16.subarray(0, 4))}, not the DMET magic ("TEMD", or the literal "DMET")` };
  }
  const version = dv.getUint32(4, true);
  if (version !== 1) return { kind: 'unrecognised', reason: `${FILE}: DMET version ${version}, only version 1 is known` };
  const numLayers = dv.getUint32(8, true);
  const topK = dv.getUint32(12, true);
  if (numLayers > MAX_LAYERS) return { kind: 'unrecognised', reason: `${FILE}: header says ${numLayers} layers, more than ${MAX_LAYERS}` };
  if (topK > MAX_TOP_K) return { kind: 'unrecognised', reason: `${FILE}: header says top_k = ${topK}, more than ${MAX_TOP_K}` };
  return { kind: 'dmet', magic: magic === DMET_MAGIC ? 'TEMD' : 'DMET', version, numLayers, topK, recordSize: 8 + 8 * topK };
}

/** Size a DMET file must have if layer l holds counts[l] records of `recordSize` bytes: 16 + Σ(4 + nf·R). */
export function downMetaSize(counts: readonly number[], recordSize: number): number {
  return counts.reduce((a, nf) => a + 4 + nf * recordSize, DMET_HEADER_BYTES);
}

/** Record size of a file written from LarQL's format doc, which adds a u8 num_top_k the code never writes. */
export function docRecordSize(topK: number): number {
  return 9 + 8 * topK;
}

/** The message for a file whose records are 9 + 8K bytes long. */
export function docStyleReason(topK: number): string {
  return `${FILE}: records look ${docRecordSize(topK)} bytes long (9 + 8K with K = ${topK}), not ${8 + 8 * topK} (8 + 8K): written from LarQL's format doc, which is wrong (LarQL never writes the u8 num_top_k the doc shows)`;
}

type DmetHeader = Extract<DownMetaHeader, { kind: 'dmet' }>;

/** Layer positions assuming layer l holds expectedCounts[l] records (missing → 0), to verify all counters in parallel. */
export function predictDownMetaLayout(
  header: DmetHeader,
  expectedCounts: readonly number[],
): { countPos: number; recordsPos: number; count: number }[] {
  const out: { countPos: number; recordsPos: number; count: number }[] = [];
  let pos = DMET_HEADER_BYTES;
  for (let l = 0; l < header.numLayers; l++) {
    const count = expectedCounts[l] ?? 0;
    out.push({ countPos: pos, recordsPos: pos + 4, count });
    pos += 4 + count * header.recordSize;
  }
  return out;
}

/** Little-endian u32 at the start of a byte array. */
function u32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}

/**
 * Finds every layer's records. With expectedCounts (e.g. the gate's F_l) it reads all predicted
 * counters in parallel and keeps the prediction up to the first mismatch; from there (or with no
 * prediction) it walks the counters one by one. Truncation stops the walk: later layers get
 * count 0, a note names the bytes, and `complete` is false (LarQL's readers then reject the file).
 */
export async function walkDownMeta(
  header: DmetHeader,
  fileSize: number,
  read: (start: number, end: number) => Promise<Uint8Array>,
  expectedCounts?: readonly number[],
): Promise<DownMetaLayout> {
  const R = header.recordSize;
  const layers: DownMetaLayerPos[] = [];
  const notes: string[] = [];
  let pos = DMET_HEADER_BYTES;
  let method: DownMetaLayout['method'] = 'walked';

  if (expectedCounts !== undefined && header.numLayers > 0) {
    const predicted = predictDownMetaLayout(header, expectedCounts);
    if (expectedCounts.length !== header.numLayers) {
      notes.push(`${FILE}: header says ${header.numLayers} layers, expected ${expectedCounts.length}`);
    }
    // Only counters inside the file can be read; a prediction running past the end is checked up to there.
    const readable = predicted.filter((p) => p.countPos + 4 <= fileSize);
    const found = await Promise.all(readable.map((p) => read(p.countPos, p.countPos + 4).then(u32)));
    let ok = 0;
    while (ok < found.length && found[ok] === predicted[ok].count && predicted[ok].recordsPos + predicted[ok].count * R <= fileSize) ok++;
    for (let l = 0; l < ok; l++) layers.push({ layer: l, ...predicted[l] });
    if (ok === header.numLayers) method = 'predicted';
    if (ok > 0) {
      pos = predicted[ok - 1].recordsPos + predicted[ok - 1].count * R;
    }
  }

  // Sequential walk from the first layer not yet placed.
  let truncated = false;
  for (let l = layers.length; l < header.numLayers; l++) {
    if (pos + 4 > fileSize) {
      notes.push(`${FILE}: truncated at layer ${l}: its counter needs bytes ${pos}–${pos + 4}, file has ${fileSize}`);
      for (let k = l; k < header.numLayers; k++) layers.push({ layer: k, countPos: pos, recordsPos: pos + 4, count: 0 });
      pos = fileSize;
      truncated = true;
      break;
    }
    const nf = u32(await read(pos, pos + 4));
    const end = pos + 4 + nf * R;
    if (end > fileSize) {
      const usable = Math.max(0, Math.floor((fileSize - pos - 4) / R));
      notes.push(
        `${FILE}: truncated in layer ${l}: ${nf} records need bytes ${pos + 4}–${end}, file has ${fileSize}`,
      );
      layers.push({ layer: l, countPos: pos, recordsPos: pos + 4, count: usable });
      for (let k = l + 1; k < header.numLayers; k++) layers.push({ layer: k, countPos: fileSize, recordsPos: fileSize, count: 0 });
      pos = fileSize;
      truncated = true;
      break;
    }
    layers.push({ layer: l, countPos: pos, recordsPos: pos + 4, count: nf });
    pos = end;
  }
  if (pos < fileSize) notes.push(`${FILE}: ${fileSize - pos} unexpected bytes after the last layer (ends at ${pos}, file has ${fileSize})`);
  return { topK: header.topK, recordSize: R, layers, method, notes, complete: !truncated && pos === fileSize };
}

/** Byte range of one record, or null when the layer or feature has no record. */
export function recordOffset(layout: DownMetaLayout, layer: number, feature: number): ByteRange | null {
  const l = layout.layers[layer];
  if (l === undefined || !Number.isInteger(feature) || feature < 0 || feature >= l.count) return null;
  const start = l.recordsPos + feature * layout.recordSize;
  return { start, end: start + layout.recordSize };
}

/** Decodes the record at `offset` of a DataView (shared by the single and bulk decoders). */
function decodeAt(dv: DataView, offset: number, topK: number): DownMetaRecord | null {
  const topTokenId = dv.getUint32(offset, true);
  const cScore = dv.getFloat32(offset + 4, true);
  // top_token_id 0 with c_score 0 is LarQL's "no metadata for this feature".
  if (topTokenId === 0 && cScore === 0) return null;
  const entries: { id: number; logit: number }[] = [];
  for (let k = 0; k < topK; k++) {
    const at = offset + 8 + 8 * k;
    const id = dv.getUint32(at, true);
    const logit = dv.getFloat32(at + 4, true);
    if (id === 0 && logit === 0) continue; // (0, 0.0) is padding when fewer than K tokens were kept
    entries.push({ id, logit });
  }
  return { topTokenId, cScore, entries };
}

/** Decodes one record's bytes (8 + 8·topK of them); null for "no metadata". */
export function decodeDownMetaRecord(bytes: Uint8Array, topK: number): DownMetaRecord | null {
  const need = 8 + 8 * topK;
  if (bytes.length < need) throw new RangeError(`${FILE}: a record with top_k = ${topK} needs ${need} bytes, got ${bytes.length}`);
  return decodeAt(new DataView(bytes.buffer, bytes.byteOffset, need), 0, topK);
}

/** Decodes a layer's records (count of them, or as many as the bytes hold); index = feature. */
export function decodeDownMetaLayer(bytes: Uint8Array, count: number, topK: number): (DownMetaRecord | null)[] {
  const R = 8 + 8 * topK;
  const n = Math.min(count, Math.floor(bytes.length / R));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: (DownMetaRecord | null)[] = new Array(n);
  for (let f = 0; f < n; f++) out[f] = decodeAt(dv, f * R, topK);
  return out;
}

/** Features of one layer whose top-k contains `tokenId`, with its rank and logit (a scan, no objects per record). */
export function featuresSayingToken(
  bytes: Uint8Array,
  count: number,
  topK: number,
  tokenId: number,
): { feature: number; rank: number; logit: number }[] {
  const R = 8 + 8 * topK;
  const n = Math.min(count, Math.floor(bytes.length / R));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const hits: { feature: number; rank: number; logit: number }[] = [];
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < topK; k++) {
      const at = f * R + 8 + 8 * k;
      if (dv.getUint32(at, true) !== tokenId) continue;
      const logit = dv.getFloat32(at + 4, true);
      if (tokenId === 0 && logit === 0) continue; // padding, not token 0
      hits.push({ feature: f, rank: k, logit });
      break;
    }
  }
  return hits;
}
