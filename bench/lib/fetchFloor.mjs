// The fetch floor: how long this browser needs just to fetch a file's bytes, measured in the same run.
// A worker fetches it by 64 MiB Range requests, 3 in flight, reading each body with arrayBuffer() and
// discarding it (cache: 'no-store', as the app's own reads) — the fastest way measured here
// (shared/DESIGN.md: ~320 MB/s against ~230 MB/s for streaming and ~155 MB/s for 16 MiB on the main thread).

/** Runs in the page: starts a blob worker that fetches `url` [0, size) and reports times. */
async function floorInPage({ url, size, block, inflight, firstBytes }) {
  const src = `onmessage = async (e) => {
    const { url, size, block, inflight, firstBytes } = e.data;
    const t0 = performance.now();
    let next = 0, bytes = 0, first = null, requests = 0;
    const one = async () => {
      for (;;) {
        const start = next;
        if (start >= size) return;
        next += block;
        const end = Math.min(size, start + block);
        const r = await fetch(url, { headers: { Range: 'bytes=' + start + '-' + (end - 1) }, cache: 'no-store' });
        if (r.status !== 206) throw new Error(url + ': status ' + r.status + ' for a Range request');
        const b = await r.arrayBuffer();
        requests++;
        bytes += b.byteLength;
        if (first === null && start === 0 && end >= firstBytes) first = performance.now() - t0;
      }
    };
    try {
      await Promise.all(Array.from({ length: inflight }, one));
      postMessage({ ms: performance.now() - t0, firstMs: first, bytes, requests });
    } catch (err) {
      postMessage({ error: String(err) });
    }
  };`;
  const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
  const res = await new Promise((ok) => {
    worker.onmessage = (e) => ok(e.data);
    worker.onerror = (e) => ok({ error: e.message });
    worker.postMessage({ url, size, block, inflight, firstBytes });
  });
  worker.terminate();
  return res;
}

/**
 * Measures the fetch floor of `url` (`size` bytes) in `page` (any page of the app's origin).
 * `firstBytes`: also report when the first range covering [0, firstBytes) arrived (e.g. one gate layer).
 * Returns {ms, firstMs, bytes, requests}.
 */
export async function fetchFloor(page, url, size, firstBytes = 0) {
  const r = await page.evaluate(floorInPage, { url, size, block: 64 * 1024 * 1024, inflight: 3, firstBytes });
  if (r.error) throw new Error(`fetch floor of ${url}: ${r.error}`);
  if (r.bytes !== size) throw new Error(`fetch floor of ${url}: got ${r.bytes} bytes, expected ${size}`);
  return r;
}
