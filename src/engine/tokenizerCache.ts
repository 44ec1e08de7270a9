// Tokenizer files that cannot change (a Hub commit's) kept in the Cache API between visits.

const CACHE_NAME = 'vindex-explorer-tokenizers-v2';
/** Earlier caches, deleted on clear: v1 stored unpinned /resolve/main/ answers, bad ones included. */
const OLD_CACHES = ['vindex-explorer-tokenizers-v1'];

/** Opens the cache, or null where there is no Cache API (insecure context, private mode, Node). */
async function open(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null;
  }
}

/** The cached bytes for `key` (a URL naming a commit), or null. */
export async function cachedTokenizer(key: string): Promise<Uint8Array | null> {
  const hit = await (await open())?.match(key).catch(() => undefined);
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

/** Keeps bytes that loaded as a tokenizer; a full quota only costs the next visit a download. */
export async function storeTokenizer(key: string, bytes: Uint8Array): Promise<void> {
  try {
    await (await open())?.put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': 'application/json' } }));
  } catch {
    // quota exceeded: nothing lost but the cache
  }
}

/** Deletes every cached tokenizer (Settings → Clear cache). */
export async function clearTokenizerCache(): Promise<void> {
  if (typeof caches === 'undefined') return;
  await Promise.all([CACHE_NAME, ...OLD_CACHES].map((n) => caches.delete(n).catch(() => false)));
}
