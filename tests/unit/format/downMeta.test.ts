import { describe, it, expect } from 'vitest';
import {
  parseDownMetaHeader,
  predictDownMetaLayout,
  walkDownMeta,
  downMetaSize,
  docRecordSize,
  docStyleReason,
  recordOffset,
  decodeDownMetaRecord,
  decodeDownMetaLayer,
  featuresSayingToken,
} from '../../../src/format/downMeta';
import type { DownMetaHeader } from '../../../src/format/downMeta';

type Rec = { top: number; c: number; k: [number, number][] } | null;

/** Builds a DMET file with DataView, independently of the code under test. null record = all zeros. */
function buildDmet(topK: number, layers: Rec[][], opts: { magic?: number; version?: number; numLayers?: number } = {}): Uint8Array {
  const R = 8 + 8 * topK;
  const size = 16 + layers.reduce((a, recs) => a + 4 + recs.length * R, 0);
  const dv = new DataView(new ArrayBuffer(size));
  dv.setUint32(0, opts.magic ?? 0x444d4554, true);
  dv.setUint32(4, opts.version ?? 1, true);
  dv.setUint32(8, opts.numLayers ?? layers.length, true);
  dv.setUint32(12, topK, true);
  let pos = 16;
  for (const recs of layers) {
    dv.setUint32(pos, recs.length, true);
    pos += 4;
    for (const r of recs) {
      if (r !== null) {
        dv.setUint32(pos, r.top, true);
        dv.setFloat32(pos + 4, r.c, true);
        r.k.forEach(([id, logit], j) => {
          dv.setUint32(pos + 8 + 8 * j, id, true);
          dv.setFloat32(pos + 12 + 8 * j, logit, true);
        });
      }
      pos += R;
    }
  }
  return new Uint8Array(dv.buffer);
}

/** A read function over bytes that records every range asked for. */
function reader(bytes: Uint8Array) {
  const calls: [number, number][] = [];
  const read = async (start: number, end: number): Promise<Uint8Array> => {
    calls.push([start, end]);
    if (start < 0 || end > bytes.length) throw new Error(`read ${start}-${end} past ${bytes.length}`);
    return bytes.slice(start, end);
  };
  return { read, calls };
}

function dmetHeader(bytes: Uint8Array): Extract<DownMetaHeader, { kind: 'dmet' }> {
  const h = parseDownMetaHeader(bytes.subarray(0, 16), bytes.length);
  if (h.kind !== 'dmet') throw new Error(`not dmet: ${JSON.stringify(h)}`);
  return h;
}

// K = 3. Layer 0: 2 records; layer 1: none; layer 2: 3 records (middle one empty).
const L0: Rec[] = [
  { top: 42, c: 12.5, k: [[42, 12.5], [7, 3.25], [9, -1.5]] },
  { top: 5, c: -2.75, k: [[5, -2.75]] }, // two (0, 0.0) padding entries
];
const L2: Rec[] = [
  { top: 0, c: 4, k: [[0, 4], [42, 2]] }, // token 0 with a real logit is not padding
  null,
  { top: 11, c: 1, k: [[11, 1], [42, 0.5], [3, 0.25]] },
];
const FILE = buildDmet(3, [L0, [], L2]);
const R3 = 8 + 8 * 3;

describe('parseDownMetaHeader', () => {
  it('reads a DMET header (magic "TEMD" on disk)', () => {
    expect(Array.from(FILE.subarray(0, 4), (b) => String.fromCharCode(b)).join('')).toBe('TEMD');
    expect(parseDownMetaHeader(FILE.subarray(0, 16), FILE.length)).toEqual({ kind: 'dmet', magic: 'TEMD', version: 1, numLayers: 3, topK: 3, recordSize: 32 });
  });
  it('also reads the literal magic bytes "DMET" (Python writers), u32 0x54454D44', () => {
    const lit = FILE.slice();
    lit.set([0x44, 0x4d, 0x45, 0x54], 0); // "DMET"
    expect(new DataView(lit.buffer).getUint32(0, true)).toBe(0x54454d44);
    expect(parseDownMetaHeader(lit.subarray(0, 16), lit.length)).toEqual({ kind: 'dmet', magic: 'DMET', version: 1, numLayers: 3, topK: 3, recordSize: 32 });
  });
  it('says empty for a zero-length file', () => {
    expect(parseDownMetaHeader(new Uint8Array(0), 0)).toEqual({ kind: 'empty' });
  });
  it('rejects garbage magic, e.g. a [L][F][K][2] float array', () => {
    const dv = new DataView(new ArrayBuffer(64));
    dv.setFloat32(0, 1.0, true);
    const h = parseDownMetaHeader(new Uint8Array(dv.buffer, 0, 16), 64);
    expect(h.kind).toBe('unrecognised');
    expect(h.kind === 'unrecognised' && h.reason).toBe('down_meta.bin: starts with bytes 00 00 80 3f, not the DMET magic ("TEMD", or the literal "DMET")');
  });
  it('rejects an unknown version, absurd K and a short file', () => {
    const v2 = buildDmet(3, [[]], { version: 2 });
    expect(parseDownMetaHeader(v2, v2.length)).toEqual({ kind: 'unrecognised', reason: 'down_meta.bin: DMET version 2, only version 1 is known' });
    const bigK = buildDmet(0, [[]]);
    new DataView(bigK.buffer).setUint32(12, 1_000_000, true);
    const h = parseDownMetaHeader(bigK, bigK.length);
    expect(h.kind === 'unrecognised' && h.reason).toMatch(/top_k = 1000000/);
    const short = parseDownMetaHeader(FILE.subarray(0, 10), 10);
    expect(short.kind === 'unrecognised' && short.reason).toMatch(/10 bytes, too short/);
  });
});

describe('exact size (LarQL: 16 + Σ(4 + nf·(8 + 8K)) == file size)', () => {
  it('computes the size from counts and a record size: 16 + (4 + 2·32) + 4 + (4 + 3·32) = 188', () => {
    expect(downMetaSize([2, 0, 3], R3)).toBe(188);
    expect(FILE.length).toBe(188);
  });
  it('records written from the format doc are 9 + 8K bytes, and the message says so', () => {
    expect(docRecordSize(3)).toBe(33);
    expect(downMetaSize([2, 0, 3], docRecordSize(3))).toBe(16 + 4 + 66 + 4 + 4 + 99);
    expect(docStyleReason(3)).toBe(
      "down_meta.bin: records look 33 bytes long (9 + 8K with K = 3), not 32 (8 + 8K): written from LarQL's format doc, which is wrong (LarQL never writes the u8 num_top_k the doc shows)",
    );
  });
});

describe('predictDownMetaLayout', () => {
  it('places counters by the expected counts', () => {
    const h = dmetHeader(FILE);
    expect(predictDownMetaLayout(h, [2, 0, 3])).toEqual([
      { countPos: 16, recordsPos: 20, count: 2 },
      { countPos: 20 + 2 * R3, recordsPos: 24 + 2 * R3, count: 0 },
      { countPos: 24 + 2 * R3, recordsPos: 28 + 2 * R3, count: 3 },
    ]);
  });
});

describe('walkDownMeta', () => {
  const expected = [
    { layer: 0, countPos: 16, recordsPos: 20, count: 2 },
    { layer: 1, countPos: 84, recordsPos: 88, count: 0 },
    { layer: 2, countPos: 88, recordsPos: 92, count: 3 },
  ];

  it('verifies a correct prediction with one parallel read per counter', async () => {
    const { read, calls } = reader(FILE);
    const layout = await walkDownMeta(dmetHeader(FILE), FILE.length, read, [2, 0, 3]);
    expect(layout.method).toBe('predicted');
    expect(layout.layers).toEqual(expected);
    expect(layout.notes).toEqual([]);
    expect(calls).toEqual([[16, 20], [84, 88], [88, 92]]);
  });

  it('falls back to a sequential walk when a counter mismatches (e.g. gate F ≠ records)', async () => {
    const { read, calls } = reader(FILE);
    const layout = await walkDownMeta(dmetHeader(FILE), FILE.length, read, [2, 5, 3]);
    expect(layout.method).toBe('walked');
    expect(layout.layers).toEqual(expected);
    // Parallel reads of the predicted counters inside the file (layer 2's predicted counter at
    // 88 + 5·32 = 248 lies past the 188-byte file, so it is not read); layer 0 was verified,
    // so the sequential walk restarts at layer 1's counter.
    expect(calls).toEqual([[16, 20], [84, 88], [84, 88], [88, 92]]);
  });

  it('walks without a prediction', async () => {
    const layout = await walkDownMeta(dmetHeader(FILE), FILE.length, reader(FILE).read);
    expect(layout.method).toBe('walked');
    expect(layout.layers).toEqual(expected);
    expect(layout.topK).toBe(3);
    expect(layout.recordSize).toBe(32);
  });

  it('uses the header K even when index.json down_top_k differs', async () => {
    // index.json would say down_top_k = 10 (R = 88); the header's K = 3 (R = 32) decides.
    const layout = await walkDownMeta(dmetHeader(FILE), FILE.length, reader(FILE).read, [2, 0, 3]);
    const r = recordOffset(layout, 2, 2);
    expect(r).toEqual({ start: 92 + 2 * 32, end: 92 + 3 * 32 });
    const rec = decodeDownMetaRecord(FILE.subarray(r!.start, r!.end), layout.topK);
    expect(rec).toEqual({ topTokenId: 11, cScore: 1, entries: [{ id: 11, logit: 1 }, { id: 42, logit: 0.5 }, { id: 3, logit: 0.25 }] });
  });

  it('stops cleanly in the middle of a layer and notes the truncation', async () => {
    const cut = FILE.slice(0, 92 + 32 + 10); // layer 2: one whole record and part of the next
    const layout = await walkDownMeta(dmetHeader(cut), cut.length, reader(cut).read, [2, 0, 3]);
    expect(layout.method).toBe('walked');
    expect(layout.layers.map((l) => l.count)).toEqual([2, 0, 1]);
    expect(layout.notes).toEqual(['down_meta.bin: truncated in layer 2: 3 records need bytes 92–188, file has 134']);
    expect(layout.complete).toBe(false);
  });

  it('gives later layers count 0 when the file ends before their counter', async () => {
    const cut = FILE.slice(0, 84); // ends right after layer 0
    const layout = await walkDownMeta(dmetHeader(cut), cut.length, reader(cut).read);
    expect(layout.layers.map((l) => l.count)).toEqual([2, 0, 0]);
    expect(layout.notes[0]).toBe('down_meta.bin: truncated at layer 1: its counter needs bytes 84–88, file has 84');
    expect(layout.complete).toBe(false);
    expect(recordOffset(layout, 1, 0)).toBeNull();
    expect(recordOffset(layout, 0, 1)).toEqual({ start: 52, end: 84 });
  });

  it('notes trailing bytes after the last layer', async () => {
    const longer = new Uint8Array(FILE.length + 8);
    longer.set(FILE);
    const layout = await walkDownMeta(dmetHeader(longer), longer.length, reader(longer).read);
    expect(layout.layers).toEqual(expected);
    expect(layout.notes).toEqual(['down_meta.bin: 8 unexpected bytes after the last layer (ends at 188, file has 196)']);
    expect(layout.complete).toBe(false);
  });

  it('handles a header with more layers than index.json expects', async () => {
    const layout = await walkDownMeta(dmetHeader(FILE), FILE.length, reader(FILE).read, [2, 0]);
    expect(layout.layers).toEqual(expected);
    expect(layout.notes).toEqual(['down_meta.bin: header says 3 layers, expected 2']);
    expect(layout.complete).toBe(true);
  });
});

describe('records', () => {
  it('decodes a record, dropping (0, 0.0) padding and keeping a negative c_score', () => {
    const rec = decodeDownMetaRecord(FILE.subarray(20 + 32, 20 + 64), 3);
    expect(rec).toEqual({ topTokenId: 5, cScore: -2.75, entries: [{ id: 5, logit: -2.75 }] });
  });
  it('returns null for an empty record (top 0, c 0)', () => {
    expect(decodeDownMetaRecord(FILE.subarray(92 + 32, 92 + 64), 3)).toBeNull();
  });
  it('keeps token 0 when its logit is not 0', () => {
    expect(decodeDownMetaRecord(FILE.subarray(92, 124), 3)).toEqual({ topTokenId: 0, cScore: 4, entries: [{ id: 0, logit: 4 }, { id: 42, logit: 2 }] });
  });
  it('refuses too few bytes', () => {
    expect(() => decodeDownMetaRecord(new Uint8Array(20), 3)).toThrow(/needs 32 bytes, got 20/);
  });
  it('decodes a whole layer', () => {
    const recs = decodeDownMetaLayer(FILE.subarray(92, 188), 3, 3);
    expect(recs).toHaveLength(3);
    expect(recs[0]?.topTokenId).toBe(0);
    expect(recs[1]).toBeNull();
    expect(recs[2]?.entries.map((e) => e.id)).toEqual([11, 42, 3]);
    // Fewer bytes than count·R: only whole records are decoded.
    expect(decodeDownMetaLayer(FILE.subarray(92, 150), 3, 3)).toHaveLength(1);
  });
  it('finds the features whose top-k contains a token', () => {
    expect(featuresSayingToken(FILE.subarray(92, 188), 3, 3, 42)).toEqual([
      { feature: 0, rank: 1, logit: 2 },
      { feature: 2, rank: 1, logit: 0.5 },
    ]);
    expect(featuresSayingToken(FILE.subarray(20, 84), 2, 3, 0)).toEqual([]); // padding is not token 0
    expect(featuresSayingToken(FILE.subarray(92, 188), 3, 3, 0)).toEqual([{ feature: 0, rank: 0, logit: 4 }]);
  });
});
