import { explainNetworkFailure } from './networkFailure';
import { abortError, fileLabel, ioError, isAbortError, type FileEntry, type VindexLocation } from './ByteSource';
import { probeHttp } from './httpSource';
import { isTransientStatus, withRetry, type Retryable, type RetryOptions } from './retry';

/**
 * File names a vindex folder may hold (VINDEX-FORMAT.md, incl. MoE summaries and VINDEX3); a static
 * host has no listing, so we probe them. Inference-only weights are not probed: they are never read.
 */
export const KNOWN_VINDEX_FILES: readonly string[] = [
  'index.json', 'gate_vectors.bin', 'embeddings.bin', 'down_meta.bin', 'down_meta.jsonl', 'down_features.bin',
  'up_features.bin', 'tokenizer.json', 'tokenizer_config.json', 'feature_labels.json', 'relation_clusters.json',
  'feature_clusters.jsonl', 'norms.bin', 'weight_manifest.json', 'SHA256SUMS', 'manifest.json', 'README.md',
  'gate_vectors_index.json', 'phase1_moe_svd.json', 'phase2_router_svd.json', 'system_graph.json', 'query/down_meta.bin',
];

/** The root files that make a folder a vindex, tried in order: index.json, else a MoE summary's index. */
const ROOTS = ['index.json', 'gate_vectors_index.json'] as const;
/** Largest root JSON accepted (a cap before parsing: a multi-GB "index.json" is not read). */
const MAX_ROOT_BYTES = 32 * 1024 * 1024;
/** Most names taken from index.json (checksums, shards, VINDEX3 segments) to probe. */
const MAX_REFERENCED = 2000;

/** Options of openHttpFolder. */
export interface HttpFolderOptions extends RetryOptions {
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Probes in flight at once. Default 6 (a browser's per-host connection limit). */
  concurrency?: number;
  /** Passed to probeHttp: largest file accepted whole from a server that ignores Range. */
  maxBytesWithoutRange?: number;
}

/** The folder URL with a trailing slash, no hash; a URL ending in /index.json (or /gate_vectors_index.json) means its folder. */
export function normaliseFolderUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  u.hash = '';
  u.pathname = u.pathname.replace(/\/(gate_vectors_)?index\.json$/, '/').replace(/\/?$/, '/');
  return u.href;
}

/**
 * Opens a vindex served as a plain static folder: fetches index.json (else a MoE summary's
 * gate_vectors_index.json), then probes the known file names plus the names the index refers to
 * (checksums, shards, VINDEX3 segments), 1 byte each, a few at a time. An optional file that keeps
 * failing is left out with a notice instead of stopping the folder from opening.
 */
export async function openHttpFolder(baseUrl: string, opts: HttpFolderOptions = {}): Promise<VindexLocation> {
  const base = normaliseFolderUrl(baseUrl);
  const fetchImpl = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const { signal } = opts;
  const notVindex = (why: string) =>
    ioError('NotVindexError', `no index.json at ${new URL('index.json', base).href}${why}: this is not a vindex folder (expected index.json, gate_vectors.bin, embeddings.bin, …)`);

  let root: { name: string; url: string; bytes: Uint8Array } | null = null;
  let html = false;
  for (const name of ROOTS) {
    const url = new URL(name, base).href;
    const got = await fetchRoot(url, name, fetchImpl, opts, signal);
    html ||= got === 'html';
    if (got instanceof Uint8Array) {
      root = { name, url, bytes: got };
      break;
    }
  }
  if (root === null) throw notVindex(html ? ' (the server answered with an HTML page)' : ' (HTTP 404), nor gate_vectors_index.json');

  const notices: string[] = [];
  const names = new Set(KNOWN_VINDEX_FILES.filter((n) => n !== root.name));
  const referenced = referencedNames(root.bytes);
  for (const n of referenced.slice(0, MAX_REFERENCED)) names.add(n);
  if (referenced.length > MAX_REFERENCED) notices.push(`${root.name}: names ${referenced.length} files; only the first ${MAX_REFERENCED} were looked for`);

  const files: FileEntry[] = [{ name: root.name, size: root.bytes.byteLength, url: root.url }];
  const found = new Map<string, FileEntry>();
  const queue = [...names];
  // One failing probe (e.g. a host that ignores Range on a 1 GB file) stops the others.
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(signal?.reason);
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const url = new URL(name.split('/').map(encodeURIComponent).join('/'), base).href;
      try {
        const p = await probeHttp(url, inner.signal, { ...opts, fetchImpl });
        // Why skip text/html: the SPA fallback page again, not the file we asked for.
        if (p && !/text\/html/i.test(p.contentType ?? '')) found.set(name, { name, size: p.size, url, etag: p.etag, lastModified: p.lastModified ?? null });
      } catch (e) {
        // Why 403 counts as absent: S3-style buckets without list permission answer 403 for missing keys.
        if ((e as { status?: number }).status === 403) continue;
        // One optional file that keeps failing (a persistent 5xx, a network error) must not stop the
        // folder from opening: it is left out with a notice. A host that ignores Range or hides headers
        // fails every file alike, so that still stops everything.
        const name2 = (e as { name?: string }).name;
        if (!inner.signal.aborted && (name2 === 'HttpError' || name2 === 'NetworkError' || name2 === 'ShortReadError')) {
          notices.push(`${name}: ${(e as Error).message}; left out`);
          continue;
        }
        inner.abort(e);
        throw e;
      }
    }
  };
  try {
    const n = Math.max(1, opts.concurrency ?? 6);
    const results = await Promise.allSettled(Array.from({ length: n }, worker));
    if (signal?.aborted) throw abortError(signal);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isAbortError(r.reason));
    if (failed) throw failed.reason;
    const aborted = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (aborted) throw aborted.reason;
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
  }
  for (const n of names) {
    const f = found.get(n);
    if (f) files.push(f);
  }
  const folder = fileLabel(base);
  return { kind: 'http', key: base, src: base, label: folder && folder !== base ? folder : new URL(base).host, files, ...(notices.length ? { notices } : {}) };
}

/**
 * GETs one root JSON (index.json or gate_vectors_index.json), with retries; 'absent' for 404/410, 'html'
 * for an HTML page (a single-page-app host's fallback). Refuses one larger than MAX_ROOT_BYTES before reading it.
 */
async function fetchRoot(url: string, name: string, fetchImpl: typeof fetch, opts: RetryOptions, signal?: AbortSignal): Promise<Uint8Array | 'absent' | 'html'> {
  return withRetry(async (): Promise<Uint8Array | 'absent' | 'html' | Retryable> => {
    let res: Response;
    try {
      res = await fetchImpl(url, { signal });
    } catch (e) {
      if (signal?.aborted) throw abortError(signal);
      if (isAbortError(e)) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      const why = await explainNetworkFailure(url, fetchImpl, signal);
      return { retry: true, status: 0, message: `${name}: network error`, error: ioError('NetworkError', `${name}: cannot fetch ${url}: ${why} (${msg})`) };
    }
    if (res.status === 404 || res.status === 410) {
      void res.body?.cancel().catch(() => {});
      return 'absent';
    }
    if (isTransientStatus(res.status)) {
      void res.body?.cancel().catch(() => {});
      return { retry: true, status: res.status, message: `${name}: HTTP ${res.status}`, error: ioError('HttpError', `${name}: HTTP ${res.status} at ${url}`, res.status) };
    }
    if (!res.ok) throw ioError('HttpError', `${name}: HTTP ${res.status} at ${url}`, res.status);
    // Why: single-page-app hosts answer every unknown path with their index.html and status 200.
    if (/text\/html/i.test(res.headers.get('content-type') ?? '')) {
      void res.body?.cancel().catch(() => {});
      return 'html';
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > MAX_ROOT_BYTES) {
      void res.body?.cancel().catch(() => {});
      throw ioError('HttpError', `${name}: ${declared} bytes is too large for an index (more than ${MAX_ROOT_BYTES}); not read (${url})`);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength > MAX_ROOT_BYTES) throw ioError('HttpError', `${name}: ${bytes.byteLength} bytes is too large for an index (more than ${MAX_ROOT_BYTES}); not read (${url})`);
    return bytes;
  }, opts, signal);
}

/** A relative path inside the folder (no "..", no absolute paths, at most two sub-folders), or null. */
function safeName(n: unknown): string | null {
  if (typeof n !== 'string' || n === '' || n.startsWith('/') || n.includes('\\') || n.includes('?') || n.includes('#')) return null;
  const parts = n.split('/');
  return parts.length <= 3 && parts.every((p) => p !== '' && p !== '.' && p !== '..') ? n : null;
}

/**
 * File names the root JSON refers to, which a static folder cannot list: `checksums` keys, the
 * shard files of `layers[].shards`, and VINDEX3 representation segments and system graph. JSON.parse
 * only: no decoding of the format; unsafe names ("../x", absolute paths) are dropped.
 */
function referencedNames(index: Uint8Array): string[] {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(new TextDecoder().decode(index)) as Record<string, unknown>;
  } catch {
    return []; // an unreadable index.json is reported by the format layer, not here
  }
  if (typeof j !== 'object' || j === null) return [];
  const out = new Set<string>();
  const add = (v: unknown) => {
    const n = safeName(v);
    if (n !== null) out.add(n);
  };
  const asObj = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
  for (const k of Object.keys(asObj(j.checksums) ?? {})) add(k);
  if (Array.isArray(j.layers)) for (const e of j.layers) if (Array.isArray(asObj(e)?.shards)) for (const s of asObj(e)!.shards as unknown[]) add(asObj(s)?.file);
  const reps = j.representations;
  for (const r of Array.isArray(reps) ? reps : Object.values(asObj(reps) ?? {})) add(asObj(r)?.segment);
  add(j.system_graph);
  return [...out];
}
