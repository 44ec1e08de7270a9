// A dependency-free HTTP test server for vindex folders, used by unit and end-to-end tests.
//  (a) static mode: files under `root`, with Range, ETag and CORS, like a range-capable static host;
//  (b) hub mode: a Hugging Face look-alike (revision/tree APIs, /resolve/ with a 302 to a second
//      "CDN" listener for large files, as the real Hub does for LFS files);
//  (c) fault modes, per file name, per path or global ('*'), to exercise every error path.
// Everything listens on 127.0.0.1 with random ports. See vindexServer.d.mts for the typed API.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, resolve, sep, extname, basename } from 'node:path';
import { pipeline } from 'node:stream';

const TYPES = {
  '.json': 'application/json', '.jsonl': 'application/x-ndjson', '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.js': 'text/javascript',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.wasm': 'application/wasm', '.map': 'application/json',
};
const EXPOSE = 'Content-Range, Content-Length, ETag, Accept-Ranges, Link, X-Repo-Commit, X-Linked-Size, X-Linked-ETag';
/** Files below this size are answered directly by /resolve/ (HF stores them in git, not LFS). */
const SMALL_FILE_LIMIT = 10_000;

const listen = (server) => new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${server.address().port}`)));
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Starts the server. Options: { root?, hubRepos?, faults?, log?, treePageSize? }. */
export async function startVindexServer({ root, hubRepos = {}, faults = {}, log = false, treePageSize = 1000 } = {}) {
  const rootDir = root ? resolve(root) : null;
  let faultMap = { ...faults };
  const fired = new Set(); // consumed '-once' faults
  const etagCounters = new Map();
  const hashes = new Map();
  const requests = [];

  const faultsFor = (pathname) => {
    const keys = [pathname, basename(pathname), '*'];
    const out = [];
    for (const k of keys) {
      const f = faultMap[k];
      if (!f) continue;
      for (const one of Array.isArray(f) ? f : [f]) out.push({ key: k, ...(typeof one === 'string' ? { type: one } : one) });
    }
    return out;
  };

  async function fileInfo(file) {
    const st = await stat(file).catch(() => null);
    if (!st || !st.isFile()) return null;
    const cached = hashes.get(file);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached;
    const sha256 = createHash('sha256');
    const sha1 = createHash('sha1');
    await new Promise((ok, fail) => createReadStream(file).on('data', (c) => { sha256.update(c); sha1.update(c); }).on('end', ok).on('error', fail));
    const info = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha256.digest('hex'), sha1: sha1.digest('hex') };
    hashes.set(file, info);
    return info;
  }

  const safeJoin = (dir, rel) => {
    const p = resolve(dir, '.' + sep + rel);
    return p === dir || p.startsWith(dir + sep) ? p : null;
  };

  const cors = (res, faultList) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    // 'hide-content-range' simulates a host that does not expose Content-Range: a browser would hide
    // it, Node's fetch does not, so the header is also left out of the response itself.
    if (!faultList.some((f) => f.type === 'hide-content-range')) res.setHeader('Access-Control-Expose-Headers', EXPOSE);
  };

  const json = (res, entry, status, body, headers = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    entry.status = status;
    entry.bytes += Buffer.byteLength(text);
    res.end(text);
  };

  /** Serves one file with Range support and the file-level faults. */
  async function serveFile(req, res, entry, file, faultList, extraHeaders = {}) {
    const info = await fileInfo(file);
    if (!info) return json(res, entry, 404, { error: 'Entry not found' });
    const has = (t) => faultList.find((f) => f.type === t);
    // 'html-200': a captive portal or login page answering 200 with HTML, whatever was asked
    if (has('html-200')) {
      const html = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in to continue.</body></html>';
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-cache' });
      entry.status = 200;
      entry.bytes += Buffer.byteLength(html);
      return res.end(html);
    }
    let etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const ec = has('etag-change');
    if (ec) {
      const n = etagCounters.get(ec.key) ?? 0;
      etagCounters.set(ec.key, n + 1);
      if (n > 0) etag = etag.slice(0, -1) + `-v${n}"`;
    }
    const headers = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Accept-Ranges': 'bytes', ETag: etag, 'Cache-Control': 'no-cache', ...extraHeaders,
    };
    const size = info.size;
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = size - 1;
    let partial = false;
    if (m && !has('ignore-range')) {
      if (m[1] === '' && m[2] !== '') { start = Math.max(0, size - Number(m[2])); } // suffix range
      else if (m[1] !== '') { start = Number(m[1]); end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1); }
      if (has('416') || m[1] === '' && m[2] === '' || start >= size || end < start) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
        entry.status = 416;
        return res.end();
      }
      partial = true;
    }
    const length = size === 0 ? 0 : end - start + 1;
    if (partial && !has('hide-content-range')) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    headers['Content-Length'] = length;
    const status = partial ? 206 : 200;
    res.writeHead(status, headers);
    entry.status = status;
    if (req.method === 'HEAD' || length === 0) return res.end();
    const short = has('short-body');
    // 'short-body': declare Content-Length N, send about half, then drop the connection.
    const sendLen = short ? Math.floor(length / 2) : length;
    if (sendLen === 0) {
      res.flushHeaders();
      return setTimeout(() => res.socket?.destroy(), 10);
    }
    const throttle = has('throttle');
    // 'throttle' {bytesPerSec}: a slow link, the body sent in 16 KiB pieces at that rate
    const stream = createReadStream(file, { start, end: start + sendLen - 1, highWaterMark: throttle ? 16 * 1024 : undefined });
    stream.on('data', (c) => { entry.bytes += c.length; });
    if (throttle) {
      const rate = throttle.bytesPerSec ?? 100_000;
      stream.on('data', (c) => {
        stream.pause();
        res.write(c);
        setTimeout(() => stream.resume(), (1000 * c.length) / rate);
      });
      stream.on('end', () => res.end());
      res.on('close', () => stream.destroy());
    } else if (short) {
      stream.on('data', (c) => res.write(c));
      stream.on('end', () => setTimeout(() => res.socket?.destroy(), 10));
      res.on('close', () => stream.destroy());
    } else {
      pipeline(stream, res, () => {});
    }
  }

  const repoOf = (type, owner, name) => hubRepos[`${type}:${owner}/${name}`];
  const revisionSha = (repo, rev) => {
    const revs = { main: repo.sha, ...(repo.revisions ?? {}) };
    if (rev === repo.sha || Object.values(revs).includes(rev)) return rev;
    return revs[rev] ?? null;
  };

  async function hubApi(req, res, entry, url, parts) {
    // parts: ['api', 'models'|'datasets', owner, name, 'revision'|'tree', rev]
    const [, kind, owner, name, op, rev] = parts;
    const type = kind === 'datasets' ? 'dataset' : 'model';
    const repo = repoOf(type, owner, name);
    // The real Hub answers 401 "Repository not found" to anonymous callers for missing repos.
    if (!repo) return json(res, entry, 401, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
    const sha = revisionSha(repo, rev ?? '');
    if (!sha) return json(res, entry, 404, { error: `Invalid rev id: ${rev}` }, { 'X-Error-Code': 'RevisionNotFound' });
    if (op === 'revision') return json(res, entry, 200, { _id: `${owner}/${name}`, id: `${owner}/${name}`, sha, private: false });
    if (op !== 'tree') return json(res, entry, 404, { error: 'Not found' });
    // ?recursive=true lists sub-folders too (paths "folder/file"), as the real tree API does.
    const recursive = /^(true|1)$/i.test(url.searchParams.get('recursive') ?? '');
    const items = [];
    const walk = async (dir, prefix) => {
      const dirents = await readdir(dir, { withFileTypes: true });
      dirents.sort((a, b) => a.name.localeCompare(b.name));
      for (const d of dirents) {
        const path = prefix + d.name;
        if (d.isDirectory()) {
          items.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path });
          if (recursive) await walk(join(dir, d.name), `${path}/`);
          continue;
        }
        const info = await fileInfo(join(dir, d.name));
        if (!info) continue;
        const item = { type: 'file', oid: info.sha1, size: info.size, path };
        if (info.size >= SMALL_FILE_LIMIT) item.lfs = { oid: info.sha256, size: info.size, pointerSize: 134 };
        items.push(repo.mangle ? repo.mangle(item) : item);
      }
    };
    await walk(repo.dir, '');
    const cursor = Number(url.searchParams.get('cursor') ?? 0);
    const page = items.slice(cursor, cursor + treePageSize);
    const headers = {};
    if (cursor + treePageSize < items.length) {
      const next = new URL(`${url.pathname}${url.search}`, mainOrigin);
      next.searchParams.set('cursor', String(cursor + treePageSize));
      headers.Link = `<${next.href}>; rel="next"`;
    }
    return json(res, entry, 200, page, headers);
  }

  async function handle(listener, req, res) {
    const url = new URL(req.url ?? '/', 'http://x');
    const pathname = url.pathname;
    const entry = { listener, method: req.method, path: pathname, url: req.url, range: req.headers.range ?? null, status: 0, bytes: 0 };
    requests.push(entry);
    res.on('close', () => {
      if (!res.writableFinished) entry.aborted = true;
      if (log) console.log(`[vindexServer ${listener}] ${entry.method} ${entry.url} ${entry.range ?? ''} → ${entry.status} ${entry.bytes} B${entry.aborted ? ' (aborted)' : ''}`);
    });
    const faultList = faultsFor(decodeURIComponent(pathname));
    cors(res, faultList);
    if (req.method === 'OPTIONS') {
      // The CDN mimics Hugging Face's: its preflight answer allows no request headers, so any request
      // that needs a preflight (custom headers, suffix/multi ranges) fails in a browser, as in production.
      const h = { 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS', 'Access-Control-Max-Age': '600' };
      if (listener === 'main') h['Access-Control-Allow-Headers'] = 'Range';
      res.writeHead(204, h);
      entry.status = 204;
      return res.end();
    }
    for (const f of faultList) if (f.type === 'delay') await sleep(f.ms ?? 100);
    if (res.destroyed) return;
    // '403-once' stands for an expired signed CDN URL (the Hub's expire after about an hour).
    for (const t of ['404', '500', '503', '403-once', '429-once', '500-once', '503-once']) {
      const f = faultList.find((x) => x.type === t);
      if (!f) continue;
      const onceKey = `${t}:${f.key}`;
      if (t.endsWith('-once')) {
        if (fired.has(onceKey)) continue;
        fired.add(onceKey);
      }
      return json(res, entry, Number(t.slice(0, 3)), { error: `fault ${t}` });
    }
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (listener === 'cdn') {
      // /repos/{model|dataset}/{owner}/{name}/{sha}/{file}?X-Signature=… (like a signed CDN URL)
      const [, type, owner, name, sha, file] = parts;
      const repo = parts[0] === 'repos' ? repoOf(type, owner, name) : null;
      const p = repo && file && revisionSha(repo, sha) === sha ? safeJoin(repo.dir, file) : null;
      if (!p) return json(res, entry, 404, { error: 'NoSuchKey' });
      return serveFile(req, res, entry, p, faultList);
    }
    if (parts[0] === 'api' && (parts[1] === 'models' || parts[1] === 'datasets') && parts.length >= 6) {
      return hubApi(req, res, entry, url, parts);
    }
    const ds = parts[0] === 'datasets' ? 1 : 0;
    const type = ds ? 'dataset' : 'model';
    const repo = parts[ds + 2] === 'resolve' ? repoOf(type, parts[ds], parts[ds + 1]) : null;
    if (repo) {
      const [owner, name, , rev, ...rest] = parts.slice(ds);
      const sha = revisionSha(repo, rev ?? '');
      if (!sha) return json(res, entry, 404, { error: `Invalid rev id: ${rev}` });
      const file = rest.length >= 1 ? safeJoin(repo.dir, rest.join('/')) : null;
      const info = file ? await fileInfo(file) : null;
      if (!info) return json(res, entry, 404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound' });
      if (info.size < SMALL_FILE_LIMIT) return serveFile(req, res, entry, file, faultList, { 'X-Repo-Commit': sha });
      // Large (LFS) files: a 302 to the CDN origin, which browsers follow cross-origin on their own.
      const loc = `${cdnOrigin}/repos/${type}/${owner}/${name}/${sha}/${encodeURIComponent(rest.join('/'))}?X-Signature=test`;
      res.writeHead(302, { Location: loc, 'X-Repo-Commit': sha, 'X-Linked-Size': info.size, 'X-Linked-ETag': `"${info.sha256}"`, 'Content-Length': 0 });
      entry.status = 302;
      return res.end();
    }
    if (!rootDir) return json(res, entry, 404, { error: 'Not found' });
    // A folder path serves its index.html, as static hosts do (the app is opened at "/").
    const rel = entry.path.endsWith('/') ? [...parts, 'index.html'].join('/') : parts.join('/');
    const file = safeJoin(rootDir, rel);
    if (!file) return json(res, entry, 404, { error: 'Not found' });
    return serveFile(req, res, entry, file, faultList);
  }

  const wrap = (listener) => (req, res) => {
    handle(listener, req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e?.stack ?? e));
    });
  };
  const main = createServer(wrap('main'));
  const cdn = createServer(wrap('cdn'));
  const mainOrigin = await listen(main);
  const cdnOrigin = await listen(cdn);

  return {
    url: `${mainOrigin}/`,
    origin: mainOrigin,
    cdnOrigin,
    requests,
    /** setFault(map) replaces all faults; setFault(name, fault|null) sets or clears one. Resets '-once' state. */
    setFault(a, b) {
      if (typeof a === 'string') {
        faultMap = { ...faultMap };
        if (b == null) delete faultMap[a];
        else faultMap[a] = b;
      } else faultMap = { ...(a ?? {}) };
      fired.clear();
      etagCounters.clear();
    },
    close() {
      for (const s of [main, cdn]) s.closeAllConnections?.();
      return Promise.all([main, cdn].map((s) => new Promise((ok) => s.close(() => ok()))));
    },
  };
}
