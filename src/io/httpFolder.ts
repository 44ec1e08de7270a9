import { abortError, fileLabel, ioError, isAbortError, type FileEntry, type VindexLocation } from './ByteSource';
import { probeHttp } from './httpSource';
import { isTransientStatus, withRetry, type Retryable, type RetryOptions } from './retry';

/** File names a vindex folder may hold (VINDEX-FORMAT.md); a static host has no listing, so we probe them. */
export const KNOWN_VINDEX_FILES: readonly string[] = [
  'index.json', 'gate_vectors.bin', 'embeddings.bin', 'down_meta.bin', 'down_meta.jsonl', 'down_features.bin',
  'up_features.bin', 'tokenizer.json', 'tokenizer_config.json', 'feature_labels.json', 'relation_clusters.json',
  'feature_clusters.jsonl', 'norms.bin', 'weight_manifest.json', 'SHA256SUMS', 'manifest.json', 'README.md',
];

/** Options of openHttpFolder. */
export interface HttpFolderOptions extends RetryOptions {
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Probes in flight at once. Default 6 (a browser's per-host connection limit). */
  concurrency?: number;
  /** Passed to probeHttp: largest file accepted whole from a server that ignores Range. */
  maxBytesWithoutRange?: number;
}

/** The folder URL with a trailing slash, no hash; a URL ending in /index.json means its folder. */
export function normaliseFolderUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  u.hash = '';
  u.pathname = u.pathname.replace(/\/index\.json$/, '/').replace(/\/?$/, '/');
  return u.href;
}

/**
 * Opens a vindex served as a plain static folder: fetches index.json (required), then probes the
 * known file names plus the names index.json's `checksums` lists, 1 byte each, a few at a time.
 */
export async function openHttpFolder(baseUrl: string, opts: HttpFolderOptions = {}): Promise<VindexLocation> {
  const base = normaliseFolderUrl(baseUrl);
  const fetchImpl = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const { signal } = opts;
  const indexUrl = new URL('index.json', base).href;
  const notVindex = (why: string) =>
    ioError('NotVindexError', `no index.json at ${indexUrl}${why}: this is not a vindex folder (expected index.json, gate_vectors.bin, embeddings.bin, …)`);

  const index = await withRetry(async (): Promise<Uint8Array | Retryable> => {
    let res: Response;
    try {
      res = await fetchImpl(indexUrl, { signal });
    } catch (e) {
      if (signal?.aborted) throw abortError(signal);
      if (isAbortError(e)) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      return { retry: true, status: 0, message: 'index.json: network error', error: ioError('NetworkError', `index.json: cannot fetch ${indexUrl} (offline, or blocked by CORS): ${msg}`) };
    }
    if (res.status === 404 || res.status === 410) throw notVindex(` (HTTP ${res.status})`);
    if (isTransientStatus(res.status)) {
      void res.body?.cancel().catch(() => {});
      return { retry: true, status: res.status, message: `index.json: HTTP ${res.status}`, error: ioError('HttpError', `index.json: HTTP ${res.status} at ${indexUrl}`, res.status) };
    }
    if (!res.ok) throw ioError('HttpError', `index.json: HTTP ${res.status} at ${indexUrl}`, res.status);
    // Why: single-page-app hosts answer every unknown path with their index.html and status 200.
    if (/text\/html/i.test(res.headers.get('content-type') ?? '')) throw notVindex(' (the server answered with an HTML page)');
    return new Uint8Array(await res.arrayBuffer());
  }, opts, signal);

  const names = new Set(KNOWN_VINDEX_FILES.filter((n) => n !== 'index.json'));
  for (const n of checksumNames(index)) names.add(n);

  const files: FileEntry[] = [{ name: 'index.json', size: index.byteLength, url: indexUrl }];
  const found = new Map<string, FileEntry>();
  const queue = [...names];
  // One failing probe (e.g. a host that ignores Range on a 1 GB file) stops the others.
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(signal?.reason);
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const url = new URL(encodeURIComponent(name), base).href;
      try {
        const p = await probeHttp(url, inner.signal, { ...opts, fetchImpl });
        // Why skip text/html: the SPA fallback page again, not the file we asked for.
        if (p && !/text\/html/i.test(p.contentType ?? '')) found.set(name, { name, size: p.size, url });
      } catch (e) {
        // Why 403 counts as absent: S3-style buckets without list permission answer 403 for missing keys.
        if ((e as { status?: number }).status === 403) continue;
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
  return { kind: 'http', key: base, src: base, label: folder && folder !== base ? folder : new URL(base).host, files };
}

/** Bare file names listed as keys of index.json's `checksums` (JSON.parse only; no decoding of the format). */
function checksumNames(index: Uint8Array): string[] {
  try {
    const j = JSON.parse(new TextDecoder().decode(index)) as { checksums?: unknown };
    const c = j?.checksums;
    if (!c || typeof c !== 'object' || Array.isArray(c)) return [];
    // Only bare names: nothing of a vindex lives in sub-folders, and "../x" must not escape the folder.
    return Object.keys(c).filter((n) => n && !n.includes('/') && !n.includes('\\') && n !== '.' && n !== '..');
  } catch {
    return []; // an unreadable index.json is reported by the format layer, not here
  }
}
