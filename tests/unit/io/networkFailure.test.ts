import { describe, it, expect } from 'vitest';
import { explainNetworkFailure } from '../../../src/io/networkFailure';

/** A fake fetch that answers the two probes as a browser would for one kind of server. */
function fakeFetch(kind: 'loop' | 'cors' | 'redirect-cors' | 'down'): typeof fetch {
  return (async (_url: string | URL | Request, init?: RequestInit) => {
    const fail = () => Promise.reject(new TypeError('Failed to fetch'));
    if (init?.redirect === 'manual') {
      if (kind === 'loop' || kind === 'redirect-cors') return { type: 'opaqueredirect', status: 0 } as Response;
      if (kind === 'cors') return fail(); // a plain answer without CORS headers fails in cors mode
      return fail();
    }
    if (init?.mode === 'no-cors') return kind === 'cors' || kind === 'redirect-cors' ? ({ type: 'opaque', status: 0 } as Response) : fail();
    return fail();
  }) as typeof fetch;
}

describe('explainNetworkFailure', () => {
  it('names a redirect loop, a CORS refusal and an unreachable server apart', async () => {
    expect(await explainNetworkFailure('http://x/', fakeFetch('loop'))).toMatch(/^redirect loop/);
    expect(await explainNetworkFailure('http://x/', fakeFetch('cors'))).toMatch(/does not allow cross-origin reads \(CORS headers missing\)/);
    expect(await explainNetworkFailure('http://x/', fakeFetch('redirect-cors'))).toMatch(/redirects to a location that does not allow cross-origin/);
    expect(await explainNetworkFailure('http://x/', fakeFetch('down'))).toMatch(/^cannot reach the server/);
  });

  it('works against a real redirect loop with Node fetch (a 3xx seen with redirect: manual)', async () => {
    const { createServer } = await import('node:http');
    const srv = createServer((req, res) => {
      res.writeHead(302, { Location: req.url ?? '/' });
      res.end();
    });
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', () => ok()));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/loop/index.json`;
    try {
      await expect(fetch(url)).rejects.toThrow(); // following never ends
      expect(await explainNetworkFailure(url, fetch)).toMatch(/redirect loop/);
    } finally {
      srv.close();
    }
  });
});
