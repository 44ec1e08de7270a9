import { queryOptions, useQuery } from '@tanstack/react-query';
import { engine, withActivity } from './engine';
import { useApp } from '../state/store';
import type { OpenedVindex, TokenizerInfo } from '../engine/types';

/** Loads a vindex's tokenizer with a byte progress bar and Cancel; records a base model's commit in the permalink. */
export function tokenizerOptions(vindex: OpenedVindex) {
  const key = vindex.location.key;
  return queryOptions({
    queryKey: ['tokenizer', key],
    staleTime: Infinity,
    retry: false,
    queryFn: async ({ signal }): Promise<TokenizerInfo> => {
      const info = await withActivity('Loading the tokenizer', 'bytes', signal, (opId, p) => engine().tokenizer(key, opId, p));
      // The permalink pins the base model's tokenizer to the commit that was used (tokenizer=<repo>@<sha>).
      if (info.kind === 'base-model' && info.sha) useApp.getState().setTokenizerPin(info.provenance);
      return info;
    },
  });
}

/** The tokenizer, loaded (for views that tokenize text or show token texts). */
export function useTokenizer(vindex: OpenedVindex) {
  return useQuery(tokenizerOptions(vindex));
}

/**
 * What is known about the tokenizer without downloading it (the overview, exports): the loaded
 * tokenizer's info once there is one, else the engine's answer from the model card.
 */
export function useTokenizerInfo(vindex: OpenedVindex): TokenizerInfo | null {
  const key = vindex.location.key;
  const loaded = useQuery({ ...tokenizerOptions(vindex), enabled: false });
  const known = useQuery({
    queryKey: ['tokenizer-info', key],
    staleTime: Infinity,
    retry: false,
    enabled: !loaded.data,
    queryFn: () => engine().tokenizerInfo(key),
  });
  return loaded.data ?? known.data ?? null;
}

/** Vocabulary suggestions for a word prefix (the query box's autocomplete). */
export function useSuggestions(vindex: OpenedVindex, prefix: string, enabled: boolean) {
  const key = vindex.location.key;
  return useQuery({
    queryKey: ['suggest', key, prefix],
    enabled: enabled && prefix.trim() !== '',
    staleTime: Infinity,
    gcTime: 30_000,
    retry: false,
    queryFn: () => engine().suggest(key, prefix, 12),
  });
}
