// HTTP for the browser cases: the project's Range-capable test server (tests/server/vindexServer.mjs)
// serves the built app and, on a second origin (so reads are cross-origin with CORS, like a real host),
// a generated vindex folder. Bytes sent are counted per file from the server's request log.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startVindexServer } from '../../tests/server/vindexServer.mjs';

/** Starts the app server on `dist` and the vindex server on `dir`; the big files are hashed up front (the server's ETag work, untimed). */
export async function startServers(dist, dir, bigFiles) {
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist}/index.html is missing: build the app first (npm run build) or set BENCH_DIST`);
  const app = await startVindexServer({ root: dist });
  const vindex = await startVindexServer({ root: dir });
  const t = performance.now();
  for (const f of ['index.json', ...bigFiles]) await fetch(vindex.url + f, { method: 'HEAD' });
  return { app, vindex, prewarmSeconds: (performance.now() - t) / 1000, close: () => Promise.all([app.close(), vindex.close()]) };
}

/** A mark in the request log; `bytesSince(mark, file)` sums body bytes sent for `file` (or all files) after it. */
export function requestMark(server) {
  return server.requests.length;
}
/** Body bytes the server sent after `mark`, for one file name (or every file when `file` is null). */
export function bytesSince(server, mark, file = null) {
  let n = 0;
  for (const r of server.requests.slice(mark)) if (file === null || r.path === `/${file}`) n += r.bytes;
  return n;
}
/** Requests for `file` after `mark`. */
export function requestsSince(server, mark, file) {
  return server.requests.slice(mark).filter((r) => r.path === `/${file}` && r.method === 'GET').length;
}
