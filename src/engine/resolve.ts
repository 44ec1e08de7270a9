import type { VindexLocation } from '../io/ByteSource';
import { openHttpFolder } from '../io/httpFolder';
import { openHubRepo, parseHubRef, DEFAULT_HUB_ENDPOINT } from '../io/hub';
import type { OpenRequest } from './api';

/** Turns an open request (permalink src or local location) into a location with every file's size. */
export async function resolveLocation(req: OpenRequest, signal: AbortSignal): Promise<VindexLocation> {
  if (req.location) return req.location;
  const src = (req.src ?? '').trim();
  if (!src) throw new Error('No vindex source given');
  if (src === 'demo') {
    const loc = await openHttpFolder(req.demoUrl, { signal });
    return { ...loc, kind: 'demo', key: 'demo', src: 'demo', label: 'embedded demo vindex (SmolLM2-135M-Instruct)' };
  }
  const endpoint = (req.endpoint || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  const ref = parseHubRef(src, endpoint);
  if (ref) return openHubRepo(ref, { endpoint, signal });
  if (!/^https?:\/\//i.test(src)) {
    throw new Error(`"${src}" is neither a Hugging Face repo (hf:owner/name, owner/name) nor an http(s) folder URL`);
  }
  // Any other http(s) URL is a plain static folder; accept a link to its index.json too.
  const base = src.replace(/\/(gate_vectors_)?index\.json$/, '').replace(/\/?$/, '/');
  return openHttpFolder(base, { signal });
}
