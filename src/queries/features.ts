import { useQuery } from '@tanstack/react-query';
import { engine, withActivity } from './engine';
import { keys } from './keys';
import type { DescribeOptions } from '../engine/featureTypes';

/** Detail (labels, band, stored outputs) of one feature. */
export function useFeature(key: string, layer: number, feature: number) {
  return useQuery({
    queryKey: keys.feature(key, layer, feature),
    staleTime: Infinity,
    retry: false,
    queryFn: () => engine().feature(key, layer, feature),
  });
}

/** A full vocabulary projection; runs only when `enabled` (it streams the whole embeddings file). */
export function useProjection(key: string, layer: number, feature: number, vector: 'down' | 'gate', k: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.projection(key, layer, feature, vector, k),
    enabled,
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }) =>
      withActivity(`Projecting L${layer} F${feature} ${vector === 'down' ? '(says)' : '(hears)'}`, 'bytes', signal, (opId, p) =>
        engine().projection(key, opId, { layer, feature, vector, k }, p),
      ),
  });
}

/** Nearest features by cosine of gate or down rows. */
export function useNeighbours(
  key: string, layer: number, feature: number, vector: 'down' | 'gate', scope: 'layer' | 'all', k: number, enabled: boolean,
) {
  return useQuery({
    queryKey: keys.neighbours(key, layer, feature, vector, scope, k),
    enabled,
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }) =>
      withActivity(`Neighbours of L${layer} F${feature}`, 'items', signal, (opId, p) =>
        engine().neighbours(key, opId, { layer, feature, vector, scope, k }, p),
      ),
  });
}

/** Features whose stored outputs list a word (every single-token spelling of it) or "#id". */
export function useSayers(key: string, query: string) {
  return useQuery({
    queryKey: keys.sayers(key, query),
    enabled: query.trim() !== '',
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }) =>
      withActivity(`Features that say “${query}”`, 'items', signal, (opId, p) => engine().sayers(key, opId, query, p)),
  });
}

/** LarQL's DESCRIBE for a token-id query. */
export function useDescribe(key: string, ids: number[] | null, opts: DescribeOptions) {
  return useQuery({
    queryKey: keys.describe(key, ids ?? [], JSON.stringify(opts)),
    enabled: !!ids && ids.length > 0,
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }) =>
      withActivity('DESCRIBE', 'bytes', signal, (opId, p) => engine().describe(key, opId, ids!, opts, p)),
  });
}
