/**
 * Why a fetch() failed with an opaque TypeError. Browsers give the same "Failed to fetch" for being
 * offline, for a CORS refusal and for a redirect loop; two cheap probes tell them apart where the
 * platform allows it:
 *  - a `no-cors` request ignores CORS: if it succeeds, the server is reachable and CORS is the cause;
 *  - a `redirect: 'manual'` request stops at the first redirect: if the server answers with one while
 *    following redirects fails, the redirects never end (a loop) or lead nowhere.
 * Each probe aborts its body at once; a probe that fails for any other reason says nothing.
 */
export async function explainNetworkFailure(url: string, fetchImpl: typeof fetch, signal?: AbortSignal): Promise<string> {
  const probe = async (init: RequestInit): Promise<Response | null> => {
    const ctrl = new AbortController();
    const stop = () => ctrl.abort();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const res = await fetchImpl(url, { ...init, signal: ctrl.signal, cache: 'no-store' });
      ctrl.abort(); // headers are all we need
      return res;
    } catch {
      return null;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  };
  const manual = await probe({ redirect: 'manual' });
  const redirects = !!manual && (manual.type === 'opaqueredirect' || (manual.status >= 300 && manual.status < 400));
  const reachable = !!(await probe({ mode: 'no-cors' }));
  if (reachable) {
    return redirects
      ? 'the server redirects to a location that does not allow cross-origin reads (CORS)'
      : 'the server answered but does not allow cross-origin reads (CORS headers missing)';
  }
  if (redirects) return 'redirect loop: the server keeps redirecting (or redirects to a host that cannot be reached)';
  return 'cannot reach the server (offline, unreachable, or a redirect loop)';
}
