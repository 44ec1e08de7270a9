// VINDEX3 (index.json `version` 3 or 4): LarQL's next container generation. Its index.json is a
// catalogue (representations → segments/*.bin with hashes, segment keys, profiles, system_graph.json),
// with no gate_vectors.bin and no layers[]; down_meta moves to query/down_meta.bin. LarQL's rule for
// consumers is "support or refuse, naming the generation": the explorer shows the catalogue in the
// overview, checked against the files, and refuses the token and feature views by name.
import type { FileProblem, Vindex3Info, Vindex3Representation, VindexDescription } from './types';
import { MAX_HIDDEN, MAX_LAYERS } from './dims';
import { obj, str } from './description';
import { provenanceRows, settingsRows } from './indexKeys';

const INDEX = 'index.json';
/** Most representations / segments listed; a container with more is summarised. */
const MAX_LISTED = 5000;

/** An integer in [min, max], or null. */
function intIn(v: unknown, min: number, max: number): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : null;
}

/** A lowercase sha256, null when absent; a malformed one is reported. */
function sha(v: unknown, what: string, problems: FileProblem[]): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v)) return v.toLowerCase();
  problems.push({ file: INDEX, message: `${INDEX}: ${what} = ${JSON.stringify(v).slice(0, 80)} is not a sha256 (64 hex digits)` });
  return null;
}

/** The representation directory as [id, entry] pairs, whether index.json gives an object or a list. */
function representationEntries(v: unknown): [string, Record<string, unknown>][] {
  if (Array.isArray(v)) return v.map((e, i) => [str(obj(e)?.id) ?? `#${i}`, obj(e) ?? {}]);
  const o = obj(v);
  return o ? Object.entries(o).map(([id, e]) => [id, obj(e) ?? {}]) : [];
}

/** Reads a VINDEX3 index.json against the folder's files: every disagreement is a problem naming file and numbers. */
export function describeVindex3(index: Record<string, unknown>, fileSizes: Record<string, number>): VindexDescription {
  const problems: FileProblem[] = [];
  const version = index.version as number;
  const numLayers = intIn(index.num_layers, 0, MAX_LAYERS);
  const hidden = intIn(index.hidden_size, 0, MAX_HIDDEN);
  if (numLayers === null) problems.push({ file: INDEX, message: `${INDEX}: num_layers = ${JSON.stringify(index.num_layers)} is not an integer in 0–${MAX_LAYERS}` });
  if (hidden === null) problems.push({ file: INDEX, message: `${INDEX}: hidden_size = ${JSON.stringify(index.hidden_size)} is not an integer in 0–${MAX_HIDDEN}` });

  const entries = representationEntries(index.representations);
  const representations: Vindex3Representation[] = entries.slice(0, MAX_LISTED).map(([id, e]) => {
    const segment = str(e.segment);
    const payloadBytes = intIn(e.payload_bytes, 0, Number.MAX_SAFE_INTEGER);
    const segmentBytes = segment !== null ? fileSizes[segment] ?? null : null;
    let problem: string | null = null;
    if (segment === null) problem = `${INDEX}: representation ${id} names no segment file`;
    else if (segmentBytes === null) problem = `${segment}: missing, but representation ${id} lives in it`;
    else if (payloadBytes !== null && payloadBytes > segmentBytes) {
      problem = `${segment}: representation ${id} declares payload_bytes ${payloadBytes}, but the segment file has ${segmentBytes} bytes`;
    } else if (e.payload_bytes !== undefined && payloadBytes === null) {
      problem = `${INDEX}: representation ${id} has payload_bytes = ${JSON.stringify(e.payload_bytes)}, not a byte count`;
    }
    if (problem) problems.push({ file: segment && segmentBytes !== null ? segment : segment ?? INDEX, message: problem, severity: 'error' });
    return {
      id,
      object: str(e.object),
      encoding: str(e.encoding),
      segment,
      tensorCount: intIn(e.tensor_count, 0, Number.MAX_SAFE_INTEGER),
      payloadBytes,
      segmentBytes,
      payloadSha256: sha(e.payload_sha256, `representation ${id} payload_sha256`, problems),
      segmentSha256: sha(e.segment_sha256, `representation ${id} segment_sha256`, problems),
      problem,
    };
  });

  const names = Object.keys(fileSizes);
  const segEntries = Object.entries(obj(index.segments) ?? {});
  const segments = segEntries.slice(0, MAX_LISTED).map(([key, count]) => {
    const files = names.filter((n) => n === `${key}.bin` || (n.startsWith(`${key}.`) && n.endsWith('.bin')) || (n.startsWith(`${key}-`) && n.endsWith('.bin'))).sort();
    const n = intIn(count, 0, Number.MAX_SAFE_INTEGER);
    if (n === null) problems.push({ file: INDEX, message: `${INDEX}: segment ${key} has file count ${JSON.stringify(count)}, not a count` });
    else if (n !== files.length) {
      problems.push({ file: files[0] ?? `${key}.bin`, message: `${key}: index.json declares ${n} segment file${n === 1 ? '' : 's'}, the folder has ${files.length}`, severity: 'error' });
    }
    return { key, count: n, files };
  });

  const profiles = (Array.isArray(index.profiles) ? index.profiles : []).slice(0, MAX_LISTED).map((p, i) => {
    if (typeof p === 'string') return { name: p, detail: null };
    const o = obj(p);
    const { name, ...rest } = o ?? {};
    const detail = Object.keys(rest).length ? JSON.stringify(rest) : null;
    return { name: str(name) ?? `#${i}`, detail: detail && detail.length > 300 ? `${detail.slice(0, 300)}…` : detail };
  });
  if (profiles.length === 0) problems.push({ file: INDEX, message: `${INDEX}: declares no profiles, so a VINDEX3 reader could not serve it` });

  const graphName = str(index.system_graph) ?? 'system_graph.json';
  const info: Vindex3Info = {
    version,
    representations,
    segments,
    profiles,
    systemGraph: fileSizes[graphName] !== undefined || index.system_graph !== undefined ? { file: graphName, bytes: fileSizes[graphName] ?? null } : null,
    downMetaBytes: fileSizes['query/down_meta.bin'] ?? null,
    omitted: Math.max(0, entries.length - MAX_LISTED) + Math.max(0, segEntries.length - MAX_LISTED),
  };
  if (info.systemGraph && info.systemGraph.bytes === null) problems.push({ file: graphName, message: `${graphName}: named by index.json but missing`, severity: 'error' });

  const L = numLayers ?? 0;
  const modelConfig = obj(index.model_config);
  return {
    flavour: 'vindex3',
    featureKind: 'neuron',
    version,
    model: str(index.model) ?? 'unknown model',
    family: str(index.family) ?? str(modelConfig?.model_type),
    numLayers: L,
    hiddenSize: hidden ?? 0,
    vocabSize: intIn(index.vocab_size, 0, Number.MAX_SAFE_INTEGER) ?? 0,
    intermediateSize: null,
    embedScale: 1,
    downTopK: null,
    extractLevel: str(index.extract_level),
    quant: null,
    layers: Array.from({ length: L }, (_, layer) => ({ layer, numFeatures: 0, gate: null, down: null, up: null })),
    dtypes: { gate: null, embeddings: null, down: null, up: null },
    declaredDtype: null,
    bands: null,
    bandsSource: 'single band',
    source: obj(index.source),
    // The stated segment hashes, so "Verify checksums" can check each segment file.
    checksums: Object.fromEntries(representations.filter((r) => r.segment && r.segmentSha256).map((r) => [r.segment!, r.segmentSha256!])),
    gateShards: null,
    provenance: provenanceRows(index.source),
    settings: settingsRows({ ...index, version: undefined }),
    vindex3: info,
    modelConfig,
    raw: index,
    problems,
  };
}
