/**
 * Hugging Face Hub access: parse repo references, pin a revision to its commit sha, list files.
 *
 * Why not `@huggingface/hub` (npm): it would fit functionally (hubUrl, fetch override, datasets,
 * listFiles, modelInfo with revision → sha), but we need exactly two GET endpoints, and the package
 * pulls in @huggingface/tasks and a xet WASM chunker we would ship for nothing. Two small fetches and
 * a Link-header loop are easier to audit, and tests can point them at a local endpoint.
 */
import { abortError, ioError, isAbortError, type FileEntry, type VindexLocation } from './ByteSource';
import { isTransientStatus, withRetry, type Retryable, type RetryOptions } from './retry';

/** A Hub repository reference; repoType null = unspecified (try model, then dataset). */
export interface HubRef {
  repo: string;
  repoType: 'model' | 'dataset' | null;
  revision: string;
}

/** Options of openHubRepo. */
export interface HubOptions extends RetryOptions {
  /** Hub endpoint (HF_ENDPOINT), default https://huggingface.co. */
  endpoint?: string;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

/** The public Hub. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

const NAME = '[A-Za-z0-9][A-Za-z0-9._-]*';
const REPO_RE = new RegExp(`^(${NAME})/(${NAME})$`);

function refError(input: string, why: string): Error {
  return ioError('InvalidRefError', `"${input}" is not a Hugging Face repository reference: ${why}`);
}

/** Splits "datasets/owner/name@rev" (the part after hf:) into a HubRef. */
function parsePath(input: string, path: string): HubRef {
  let rest = path.replace(/^\/+/, '').replace(/\/+$/, '');
  let repoType: HubRef['repoType'] = null;
  const kind = /^(datasets|models|spaces)\//.exec(rest);
  if (kind) {
    if (kind[1] === 'spaces') throw refError(input, 'Spaces are not supported; use a model or dataset repository');
    repoType = kind[1] === 'datasets' ? 'dataset' : 'model';
    rest = rest.slice(kind[0].length);
  }
  const at = rest.indexOf('@');
  const repo = at >= 0 ? rest.slice(0, at) : rest;
  const revision = at >= 0 ? rest.slice(at + 1) : 'main';
  if (!REPO_RE.test(repo)) throw refError(input, 'expected owner/name');
  if (!revision) throw refError(input, 'empty revision after "@"');
  return { repo, repoType, revision };
}

/**
 * Parses hf:owner/name[@rev], hf://…, hf:datasets/…, bare owner/name[@rev], and Hub web URLs
 * (…/tree|blob|resolve/<rev>/…, with /datasets/). Returns null for input that is not a Hub reference
 * (e.g. another http(s) URL or "demo"); throws for a malformed one. URLs on `endpoint` count as Hub URLs.
 */
export function parseHubRef(input: string, endpoint: string = DEFAULT_HUB_ENDPOINT): HubRef | null {
  const s = input.trim();
  if (/^hf:/i.test(s)) return parsePath(input, s.replace(/^hf:(\/\/)?/i, ''));
  if (/^https?:\/\//i.test(s)) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      return null;
    }
    const hubHosts = ['huggingface.co', 'www.huggingface.co', 'hf.co'];
    let endpointUrl: URL | null = null;
    try {
      endpointUrl = new URL(endpoint);
    } catch {
      /* a bad endpoint simply matches nothing */
    }
    const onEndpoint = endpointUrl !== null && url.origin === endpointUrl.origin && url.pathname.startsWith(endpointUrl.pathname.replace(/\/?$/, '/'));
    if (!hubHosts.includes(url.hostname.toLowerCase()) && !onEndpoint) return null;
    const base = onEndpoint ? endpointUrl!.pathname.replace(/\/?$/, '/') : '/';
    const parts = url.pathname.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent);
    let repoType: HubRef['repoType'] = 'model';
    if (parts[0] === 'datasets') {
      repoType = 'dataset';
      parts.shift();
    } else if (parts[0] === 'spaces') {
      throw refError(input, 'Spaces are not supported; use a model or dataset repository');
    }
    const [owner, name, mode, ...tail] = parts;
    const repo = `${owner ?? ''}/${name ?? ''}`;
    if (!REPO_RE.test(repo)) throw refError(input, 'expected https://huggingface.co/[datasets/]owner/name[/tree/<revision>]');
    let revision = 'main';
    if (mode === 'tree' || mode === 'blob' || mode === 'resolve') {
      // Why: branch names with "/" (refs/pr/1) are URL-encoded as one segment in Hub URLs; a path
      // after the revision (a file in blob/resolve form, a folder in tree form) is ignored.
      if (!tail[0]) throw refError(input, `missing revision after /${mode}/`);
      revision = tail[0];
    } else if (mode !== undefined) throw refError(input, `unexpected "/${mode}" after the repository name`);
    return { repo, repoType, revision };
  }
  if (/^(datasets\/|models\/)?[^/\s:@]+\/[^/\s:@]+(@\S+)?$/.test(s) && !/^\.\.?\//.test(s)) return parsePath(input, s);
  return null;
}

/** The permalink form: hf:owner/name@rev, or hf:datasets/owner/name@rev. */
export function formatHubSrc(ref: HubRef): string {
  return `hf:${ref.repoType === 'dataset' ? 'datasets/' : ''}${ref.repo}@${ref.revision}`;
}

/** Resolves the revision to a commit sha and lists the repo's files (with sub-folders), as a VindexLocation. */
export async function openHubRepo(ref: HubRef, opts: HubOptions = {}): Promise<VindexLocation> {
  const endpoint = (opts.endpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  const fetchImpl = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const { signal } = opts;
  const label = formatHubSrc(ref);
  const types: Array<'model' | 'dataset'> = ref.repoType ? [ref.repoType] : ['model', 'dataset'];
  const tried: string[] = [];
  let hubSaid = '';
  let revisionMissing = '';
  for (const repoType of types) {
    const api = `${endpoint}/api/${repoType}s/${ref.repo}`;
    const revUrl = `${api}/revision/${encodeURIComponent(ref.revision)}`;
    const res = await getJson(revUrl, label, fetchImpl, opts, signal);
    if (res.status === 404 || res.status === 401) {
      // Why 401 too: for anonymous callers the Hub answers 401 ("Repository not found") rather than 404.
      tried.push(revUrl);
      const err = (res.body as { error?: unknown } | null)?.error;
      const said = typeof err === 'string' ? err : '';
      // The repo exists but the revision does not: the Hub says "Invalid rev id: …" (404).
      if (res.status === 404 && /\brev/i.test(said) && !/repository not found/i.test(said)) revisionMissing = `${repoType}: ${said}`;
      else if (said) hubSaid = said;
      continue;
    }
    const info = res.body as { sha?: unknown };
    if (typeof info?.sha !== 'string' || !/^[0-9a-f]{40}$/i.test(info.sha)) {
      throw ioError('HttpError', `${label}: the Hub's answer at ${revUrl} has no commit sha`);
    }
    const sha = info.sha.toLowerCase();
    const notices: string[] = [];
    // Why recursive: newer vindexes have sub-folders (layers/, bitnet/; VINDEX3 segments/, query/).
    const files = await listFiles(`${api}/tree/${sha}?recursive=true`, label, fetchImpl, opts, notices, signal);
    const prefix = repoType === 'dataset' ? 'datasets/' : '';
    const entries: FileEntry[] = files.map((f) => ({
      name: f.path,
      size: f.size,
      url: `${endpoint}/${prefix}${ref.repo}/resolve/${sha}/${f.path.split('/').map(encodeURIComponent).join('/')}`,
      ...(f.lfsSha256 ? { lfsSha256: f.lfsSha256 } : {}),
    }));
    const pinned: HubRef = { repo: ref.repo, repoType, revision: sha };
    return {
      kind: 'hub',
      key: `hf:${prefix}${ref.repo}@${sha}`,
      src: formatHubSrc(pinned),
      label: ref.revision === sha ? `${ref.repo}@${sha.slice(0, 8)}` : `${ref.repo}@${ref.revision} (${sha.slice(0, 8)})`,
      hub: { endpoint, repo: ref.repo, repoType, revision: ref.revision, sha },
      files: entries,
      ...(notices.length ? { notices } : {}),
    };
  }
  if (revisionMissing) {
    throw ioError('NotFoundError', `${label}: the repository has no revision "${ref.revision}" at ${endpoint} (the Hub said: ${revisionMissing})`, 404);
  }
  const kinds = types.length === 2 ? 'a model or dataset' : `a ${types[0]}`;
  const rev = ref.revision === 'main' ? '' : ` (or it has no revision "${ref.revision}")`;
  throw ioError('NotFoundError', `${label}: repository not found as ${kinds} at ${endpoint}${rev}${hubSaid ? `; the Hub said: ${hubSaid}` : ''}`, 404);
}

/** One file of a Hub listing, with its size checked. */
interface ListedFile {
  path: string;
  size: number;
  lfsSha256?: string;
}

/** Sub-folders read below the repository root (layers/x.weights is one level down). */
const MAX_DEPTH = 3;

/** A byte count from JSON, or null (a size given as a string or a float is not one). */
function byteCount(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

/**
 * One tree-API item as a file, or null (folders, hidden paths, paths too deep, bad entries). A size
 * that is not a number is refused with a notice: trusting "368640" (a string) once produced
 * "size was 368640 bytes, now 368640" far from its cause.
 */
function listedFile(it: unknown, label: string, notices: string[]): ListedFile | null {
  if (typeof it !== 'object' || it === null) return null;
  const { type, path, size, lfs } = it as { type?: unknown; path?: unknown; size?: unknown; lfs?: { oid?: unknown; size?: unknown } };
  if (type !== 'file' || typeof path !== 'string' || path === '') return null;
  const parts = path.split('/');
  if (parts.length > MAX_DEPTH || parts.some((p) => p === '' || p === '.' || p === '..' || (p.startsWith('.') && parts.length > 1))) return null;
  const bad = (what: string, v: unknown) => {
    notices.push(`${label}: the Hub's listing gives ${path} ${what} ${JSON.stringify(v)} (${typeof v}), not a byte count; the file is left out`);
    return null;
  };
  const plain = byteCount(size);
  if (plain === null) return bad('a size of', size);
  let total = plain;
  if (lfs !== undefined && lfs !== null) {
    const lfsSize = byteCount(lfs.size);
    if (lfs.size !== undefined && lfsSize === null) return bad('an LFS size of', lfs.size);
    if (lfsSize !== null) total = lfsSize;
  }
  const oid = typeof lfs?.oid === 'string' && /^[0-9a-f]{64}$/i.test(lfs.oid) ? lfs.oid.toLowerCase() : undefined;
  return oid ? { path, size: total, lfsSha256: oid } : { path, size: total };
}

/** Follows `Link: <…>; rel="next"` pages of the tree API; keeps files down to MAX_DEPTH levels. */
async function listFiles(
  url: string, label: string, fetchImpl: typeof fetch, opts: RetryOptions, notices: string[], signal?: AbortSignal,
): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  const seen = new Set<string>();
  let next: string | null = url;
  while (next) {
    if (seen.has(next)) throw ioError('HttpError', `${label}: the Hub's file listing loops at ${next}`);
    seen.add(next);
    const res = await getJson(next, label, fetchImpl, opts, signal);
    if (res.status !== 200) throw ioError('HttpError', `${label}: HTTP ${res.status} listing files at ${next}`, res.status);
    if (!Array.isArray(res.body)) throw ioError('HttpError', `${label}: the Hub's file listing at ${next} is not a list`);
    for (const it of res.body as unknown[]) {
      const f = listedFile(it, label, notices);
      if (f) out.push(f);
    }
    next = nextLink(res.link, next);
  }
  return out;
}

/** The rel="next" target of a Link header, resolved against the current URL. */
function nextLink(link: string | null, base: string): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2])) return new URL(m[1], base).href;
  }
  return null;
}

/**
 * GETs JSON with back-off on 429/5xx/network errors; returns 401/404 to the caller (not-found
 * handling), throws a clear error for other failures.
 */
async function getJson(
  url: string, label: string, fetchImpl: typeof fetch, opts: RetryOptions, signal?: AbortSignal,
): Promise<{ status: number; body: unknown; link: string | null }> {
  return withRetry(async (): Promise<{ status: number; body: unknown; link: string | null } | Retryable> => {
    let res: Response;
    try {
      // No custom headers: keeps the request "simple" so the browser sends no CORS preflight.
      res = await fetchImpl(url, { signal });
    } catch (e) {
      if (signal?.aborted) throw abortError(signal);
      if (isAbortError(e)) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      return { retry: true, status: 0, message: `${label}: network error`, error: ioError('NetworkError', `${label}: cannot reach the Hub at ${url}: ${msg}`) };
    }
    if (isTransientStatus(res.status)) {
      void res.body?.cancel().catch(() => {});
      const what = res.status === 429 ? 'rate limited by the Hub' : `the Hub answered HTTP ${res.status}`;
      return { retry: true, status: res.status, message: `${label}: ${what}`, error: ioError('HttpError', `${label}: ${what} (HTTP ${res.status}) at ${url}; try again later`, res.status) };
    }
    if (res.status === 403) {
      void res.body?.cancel().catch(() => {});
      throw ioError('HttpError', `${label}: access denied by the Hub (HTTP 403) at ${url}: the repository may be gated or private; this app reads anonymously`, 403);
    }
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      if (signal?.aborted) throw abortError(signal);
      if (res.ok) throw ioError('HttpError', `${label}: the Hub's answer at ${url} is not JSON`, res.status);
    }
    if (!res.ok && res.status !== 404 && res.status !== 401) {
      throw ioError('HttpError', `${label}: HTTP ${res.status} from the Hub at ${url}`, res.status);
    }
    // Why: the Hub lists Link in Access-Control-Expose-Headers, so pagination works cross-origin.
    return { status: res.status, body, link: res.headers.get('link') };
  }, opts, signal);
}
