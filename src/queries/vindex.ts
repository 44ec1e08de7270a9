import { queryOptions, useQuery } from '@tanstack/react-query';
import { engine, withActivity } from './engine';
import { keys } from './keys';
import { useApp } from '../state/store';
import type { OpenedVindex } from '../engine/types';
import type { VindexLocation } from '../io/ByteSource';

/** URL of the embedded demo folder, resolved against the page (works from any sub-path). */
export function demoUrl(): string {
  return new URL('demo/', document.baseURI).href;
}

/** True for a permalink src that names a local folder (which has no URL and must be dropped again). */
export function isLocalSrc(src: string | null): boolean {
  return !!src && src.startsWith('local:');
}

/** Query options that open a vindex: a local location when given, else a permalink src. */
export function openVindexOptions(src: string | null, location: VindexLocation | null, endpoint: string | null) {
  const id = location ? location.key : isLocalSrc(src) ? '' : src ?? '';
  return queryOptions({
    queryKey: keys.vindex(id, location ? null : endpoint),
    enabled: id !== '',
    staleTime: Infinity,
    gcTime: 10 * 60_000,
    retry: false,
    queryFn: ({ signal }): Promise<OpenedVindex> =>
      withActivity(`Opening ${location ? location.label : id}`, 'items', signal, (opId, onProgress) =>
        engine().open(
          // a permalink's tokenizer pin is read when the vindex opens (it names the base tokenizer its view used)
          location ? { location, demoUrl: demoUrl() } : { src: id, endpoint, demoUrl: demoUrl(), tokenizer: useApp.getState().tokenizer },
          opId,
          onProgress,
        ),
      ),
  });
}

/** The currently opened vindex (TanStack query state). */
export function useVindex() {
  const src = useApp((s) => s.src);
  const location = useApp((s) => s.location);
  const endpoint = useApp((s) => s.endpoint);
  return useQuery(openVindexOptions(src, location, endpoint));
}
