import { explainNetworkFailure } from './networkFailure';
import { abortError, fileLabel, formatBytes, ioError, isAbortError, type ByteSource } from './ByteSource';
import { isTransientStatus, withRetry, type Retryable, type RetryOptions } from './retry';

/** Options of httpSource and probeHttp. */
export interface HttpSourceOptions extends RetryOptions {
  /** File size, when known (from a listing or a probe); without it httpSource probes first. */
  size?: number;
  /** ETag of the bytes as the server's range responses carry it; reads must keep seeing it. */
  etag?: string | null;
  /** fetch to use (tests, instrumentation). Default: global fetch. */
  fetchImpl?: typeof fetch;
  /** Largest file accepted whole when the server ignores Range (default 8 MiB). */
  maxBytesWithoutRange?: number;
  /** The whole file, already fetched by a probe whose server ignored Range: served from memory. */
  body?: Uint8Array;
  /** Cache identity; default the URL (plus the ETag when known). */
  key?: string;
}

/** What a 1-byte probe learned about a URL. */
export interface HttpProbe {
  size: number;
  etag: string | null;
  /** Last-Modified of the answer, when the server sends one (exposed cross-origin only if listed). */
  lastModified?: string | null;
  /** False when the server answered 200 with the whole (small) body; then `body` holds it. */
  rangeSupported: boolean;
  body?: Uint8Array;
  /** Content-Type of the answer (lets callers spot an SPA host's HTML fallback page). */
  contentType?: string | null;
}

const DEFAULT_MAX_WITHOUT_RANGE = 8 * 1024 * 1024;

interface Ctx {
  url: string;
  file: string;
  fetchImpl: typeof fetch;
  max: number;
}

type Head =
  | { kind: 'partial'; res: Response; first: number; last: number; total: number | null; etag: string | null }
  | { kind: 'whole'; res: Response; etag: string | null; length: number | null }
  | { kind: '416'; total: number | null }
  | { kind: 'status'; res: Response; status: number };

function makeCtx(url: string, o: HttpSourceOptions): Ctx {
  const fetchImpl = o.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  return { url, file: fileLabel(url), fetchImpl, max: o.maxBytesWithoutRange ?? DEFAULT_MAX_WITHOUT_RANGE };
}

/** Probes a URL with a 1-byte GET (`Range: bytes=0-0`): its size and ETag, or null when absent (404/410). */
export async function probeHttp(url: string, signal?: AbortSignal, opts: HttpSourceOptions = {}): Promise<HttpProbe | null> {
  const ctx = makeCtx(url, opts);
  const h = await withRetry(() => requestRange(ctx, 0, 0, signal), opts, signal);
  switch (h.kind) {
    case 'partial': {
      // Drain the 1-byte body so the connection can be reused; a broken 1-byte body is harmless here.
      await h.res.arrayBuffer().catch((e: unknown) => {
        if (isAbortError(e)) throw e;
      });
      if (h.total === null) throw ioError('RangeNotSupportedError', `${ctx.file}: the server does not tell the file size ("Content-Range: bytes 0-0/*") at ${url}`);
      return { size: h.total, etag: h.etag, lastModified: h.res.headers.get('last-modified'), rangeSupported: true, contentType: h.res.headers.get('content-type') };
    }
    case 'whole': {
      const body = await readLimited(h.res, ctx.max, signal);
      if (!body) throw ignoredRange(ctx, 0, 0, h.length);
      return { size: body.byteLength, etag: h.etag, lastModified: h.res.headers.get('last-modified'), rangeSupported: false, body, contentType: h.res.headers.get('content-type') };
    }
    case '416':
      // Why: `bytes=0-0` of an empty file is unsatisfiable, so servers answer 416 "bytes */0";
      // zero-length files occur in real vindexes (LarQL's own test down_meta.bin).
      if (h.total === 0 || h.total === null) return { size: 0, etag: null, rangeSupported: true };
      throw ioError('HttpError', `${ctx.file}: HTTP 416 for bytes=0-0 although the file has ${h.total} bytes (${url})`, 416);
    case 'status':
      void h.res.body?.cancel().catch(() => {});
      if (h.status === 404 || h.status === 410) return null;
      throw statusError(ctx, h.status, 0, 0);
  }
}

/** A ByteSource reading a URL by HTTP Range (sync when `size` is given, else it probes first). */
export function httpSource(url: string, opts: HttpSourceOptions & { size: number }): ByteSource;
/** A ByteSource reading a URL by HTTP Range, after a probe for its size and ETag. */
export function httpSource(url: string, opts?: HttpSourceOptions & { size?: undefined }): Promise<ByteSource>;
/** A ByteSource reading a URL by HTTP Range; a Promise when the size has to be probed. */
export function httpSource(url: string, opts: HttpSourceOptions): ByteSource | Promise<ByteSource>;
export function httpSource(url: string, opts: HttpSourceOptions = {}): ByteSource | Promise<ByteSource> {
  if (opts.size !== undefined) return makeSource(url, opts, opts.size);
  return probeHttp(url, undefined, opts).then((p) => {
    if (!p) throw ioError('HttpError', `${fileLabel(url)}: HTTP 404 (not found) at ${url}`, 404);
    return makeSource(url, { ...opts, etag: opts.etag ?? p.etag, body: p.body }, p.size);
  });
}

function makeSource(url: string, opts: HttpSourceOptions, size: number): ByteSource {
  const ctx = makeCtx(url, opts);
  let firstEtag = opts.etag ?? null;
  let memory = opts.body && opts.body.byteLength === size ? opts.body : null;
  let direct: string | null = null;

  const changed = (why: string) => ioError('FileChangedError', `${ctx.file}: file changed while reading (${why}) at ${url}`);

  async function readOnce(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    let shortRetried = false;
    let changeRetried = false;
    for (;;) {
      const via = direct ?? url;
      const h = await withRetry(() => requestRange(ctx, start, end - 1, signal, via), opts, signal);
      let problem: string;
      if (h.kind === 'status') {
        void h.res.body?.cancel().catch(() => {});
        // An expired signed CDN URL (403 after ~1 h on the Hub): go back through the original URL.
        if (via !== url) {
          direct = null;
          continue;
        }
        throw statusError(ctx, h.status, start, end - 1);
      } else if (h.kind === 'whole') {
        // Why: a server that ignores Range answers 200 with the whole file; accept it only when small
        // (or when the whole file was asked for anyway: some servers answer a full range with 200).
        const limit = start === 0 && end === size ? Math.max(size, ctx.max) : ctx.max;
        const whole = h.length !== null && h.length > limit ? null : await readLimited(h.res, limit, signal);
        if (!whole) {
          void h.res.body?.cancel().catch(() => {});
          throw ignoredRange(ctx, start, end - 1, h.length ?? size);
        }
        if (whole.byteLength !== size) throw changed(`expected ${size} bytes, the whole file now has ${whole.byteLength}`);
        memory = whole;
        return whole.slice(start, end);
      } else if (h.kind === '416') {
        problem = `HTTP 416 for bytes ${start}–${end - 1} of a ${size}-byte file${h.total !== null ? `; the server says ${h.total} bytes` : ''}`;
      } else {
        if (h.first !== start || h.last !== end - 1) {
          void h.res.body?.cancel().catch(() => {});
          throw ioError('RangeNotSupportedError', `${ctx.file}: asked for bytes ${start}–${end - 1}, the server answered bytes ${h.first}–${h.last} (${url})`);
        }
        if (h.etag && !firstEtag) firstEtag = h.etag;
        if (h.total !== null && h.total !== size) problem = `size was ${size} bytes, the server now says ${h.total}`;
        else if (h.etag && firstEtag && !sameEtag(h.etag, firstEtag)) problem = `ETag was ${firstEtag}, now ${h.etag}`;
        else {
          const body = await readBody(h.res, signal);
          if (body && body.byteLength === end - start) {
            // Why: Hub /resolve/ answers each request with a 302 to a signed CDN URL, and rate limits
            // count resolve requests; reading the CDN URL directly afterwards halves requests and latency.
            if (h.res.redirected && h.res.url) direct = h.res.url;
            return body;
          }
          if (body && body.byteLength > end - start) {
            throw ioError('RangeNotSupportedError', `${ctx.file}: asked for ${end - start} bytes (bytes ${start}–${end - 1}), received ${body.byteLength} (is the server compressing range responses?)`);
          }
          const got = body ? `received ${body.byteLength}` : 'the connection closed before they all arrived';
          const msg = `${ctx.file}: asked for ${end - start} bytes (bytes ${start}–${end - 1}), ${got}`;
          if (shortRetried) throw ioError('ShortReadError', `${msg} (${url})`);
          shortRetried = true;
          continue;
        }
        void h.res.body?.cancel().catch(() => {});
      }
      // 416 or a changed ETag/size: re-probe once; if the file still looks like the one we started
      // with, the glitch was transient (e.g. two CDN nodes), so read again; otherwise stop.
      if (changeRetried) throw changed(problem);
      changeRetried = true;
      const p = await probeHttp(url, signal, opts).catch((e: unknown) => {
        if (isAbortError(e)) throw e;
        throw changed(`${problem}; re-probe failed: ${(e as Error).message}`);
      });
      if (!p) throw changed(`${problem}; the file is now gone (404)`);
      if (p.size !== size) throw changed(`size was ${size} bytes, now ${p.size}`);
      if (p.etag && firstEtag && !sameEtag(p.etag, firstEtag)) throw changed(`ETag was ${firstEtag}, now ${p.etag}`);
    }
  }

  return {
    key: opts.key ?? (firstEtag ? `${url}#${firstEtag}` : url),
    size,
    async read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
      if (signal?.aborted) throw abortError(signal);
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= size)) {
        throw ioError('OutOfRangeError', `${ctx.file}: cannot read bytes ${start}–${end} of a ${size}-byte file`);
      }
      if (start === end) return new Uint8Array(0);
      if (memory) return memory.slice(start, end);
      return readOnce(start, end, signal);
    },
  };
}

/** One GET with a plain absolute range; classifies the answer (transient failures → Retryable). */
async function requestRange(ctx: Ctx, first: number, last: number, signal?: AbortSignal, target = ctx.url): Promise<Head | Retryable> {
  let res: Response;
  try {
    // Why: only a single absolute `Range: bytes=a-b` is CORS-safelisted. Suffix ranges, multi-ranges
    // or any custom header make the browser send a preflight, which the Hugging Face CDN refuses.
    // Why no-store: the browser's HTTP cache stitches cached partial responses together (it may answer
    // with an earlier ETag), and it would store gigabytes of ranges we already cache ourselves.
    // It adds no request header, so it triggers no CORS preflight.
    res = await ctx.fetchImpl(target, { headers: { Range: `bytes=${first}-${last}` }, signal, cache: 'no-store' });
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (isAbortError(e)) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    return {
      retry: true, status: 0, message: `${ctx.file}: network error`,
      // Why probe: browsers report a CORS refusal, a redirect loop and being offline as the same TypeError.
      error: ioError('NetworkError', `${ctx.file}: network error reading bytes ${first}–${last} from ${ctx.url}: ${await explainNetworkFailure(target, ctx.fetchImpl, signal)} (${msg})`),
    };
  }
  const etag = res.headers.get('etag');
  if (res.status === 206) {
    const cr = res.headers.get('content-range');
    if (!cr) {
      void res.body?.cancel().catch(() => {});
      // Why: cross-origin, a header is readable only if the server lists it in Access-Control-Expose-Headers.
      throw ioError('CorsError', `${ctx.file}: the server answered 206 but does not expose Content-Range (it must send Access-Control-Expose-Headers: Content-Range) at ${ctx.url}`);
    }
    const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(cr.trim());
    if (!m) {
      void res.body?.cancel().catch(() => {});
      throw ioError('RangeNotSupportedError', `${ctx.file}: unreadable Content-Range "${cr}" for bytes ${first}–${last} at ${ctx.url}`);
    }
    return { kind: 'partial', res, first: Number(m[1]), last: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]), etag };
  }
  if (res.status === 200) {
    const len = res.headers.get('content-length');
    return { kind: 'whole', res, etag, length: len === null ? null : Number(len) };
  }
  if (res.status === 416) {
    void res.body?.cancel().catch(() => {});
    const m = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
    return { kind: '416', total: m ? Number(m[1]) : null };
  }
  if (isTransientStatus(res.status)) {
    void res.body?.cancel().catch(() => {});
    return { retry: true, status: res.status, message: `${ctx.file}: ${describeStatus(res.status)}`, error: statusError(ctx, res.status, first, last) };
  }
  return { kind: 'status', res, status: res.status };
}

/** The whole body, or null when the connection broke before it was complete. */
async function readBody(res: Response, signal?: AbortSignal): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (isAbortError(e)) throw e;
    return null; // Why: undici/browsers reject with a TypeError when the socket ends before Content-Length.
  }
}

/** Reads a body up to `limit` bytes; null (and the stream cancelled) as soon as it is longer. */
async function readLimited(res: Response, limit: number, signal?: AbortSignal): Promise<Uint8Array | null> {
  const declared = res.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    void res.body?.cancel().catch(() => {});
    return null;
  }
  if (!res.body) return readBody(res, signal);
  const reader = res.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (let n = 0; ; ) {
    const { done, value } = await reader.read(); // an abort rejects here with the AbortError
    if (done) break;
    n += value.byteLength;
    if (n > limit) {
      void reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

function ignoredRange(ctx: Ctx, first: number, last: number, size: number | null): Error {
  const how = size !== null && Number.isFinite(size) ? `the file is ${formatBytes(size)}` : `the file is larger than ${formatBytes(ctx.max)}`;
  return ioError('RangeNotSupportedError', `${ctx.file}: the server ignored the Range header (answered 200 for bytes=${first}-${last}) and ${how}; a range-capable host is needed (${ctx.url})`, 200);
}

const STATUS_TEXT: Record<number, string> = { 401: 'unauthorized: private or gated?', 403: 'forbidden', 404: 'not found', 429: 'rate limited' };
function describeStatus(status: number): string {
  const text = STATUS_TEXT[status] ?? (status >= 500 ? 'server error' : '');
  return text ? `HTTP ${status} (${text})` : `HTTP ${status}`;
}

function statusError(ctx: Ctx, status: number, first: number, last: number): Error {
  return ioError('HttpError', `${ctx.file}: ${describeStatus(status)} reading bytes ${first}–${last} at ${ctx.url}`, status);
}

/** ETags compared as opaque strings, ignoring the weak prefix (a CDN may weaken a strong tag). */
function sameEtag(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/^W\//i, '');
  return norm(a) === norm(b);
}
