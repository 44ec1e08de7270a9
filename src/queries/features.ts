import { queryOptions, useQuery, type FetchQueryOptions, type QueryClient, type QueryKey, type UseQueryOptions } from '@tanstack/react-query';
import type { OpenedVindex } from '../engine/types';
import { resultsKey, PERSIST_MAX_AGE } from './persist';
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

/**
 * A full vocabulary projection (it streams the whole embeddings file). It does not take TanStack's
 * signal: leaving the view (a tab switch) must not cancel it; its Cancel button does.
 */
export function projectionOptions(v: OpenedVindex, layer: number, feature: number, vector: 'down' | 'gate', k: number) {
  const key = v.location.key;
  return queryOptions({
    queryKey: keys.projection(resultsKey(v), layer, feature, vector, k),
    staleTime: Infinity,
    gcTime: PERSIST_MAX_AGE,
    retry: false,
    queryFn: () =>
      withActivity(`Projecting L${layer} F${feature} ${vector === 'down' ? '(says)' : '(hears)'}`, 'bytes', undefined, (opId, p) =>
        engine().projection(key, opId, { layer, feature, vector, k }, p),
      ),
  });
}

/** Nearest features by cosine of gate or down rows (like projections, not cancelled by leaving the view). */
export function neighboursOptions(v: OpenedVindex, layer: number, feature: number, vector: 'down' | 'gate', scope: 'layer' | 'all', k: number) {
  const key = v.location.key;
  return queryOptions({
    queryKey: keys.neighbours(resultsKey(v), layer, feature, vector, scope, k),
    staleTime: Infinity,
    gcTime: PERSIST_MAX_AGE,
    retry: false,
    queryFn: () =>
      withActivity(`Neighbours of L${layer} F${feature}`, 'items', undefined, (opId, p) =>
        engine().neighbours(key, opId, { layer, feature, vector, scope, k }, p),
      ),
  });
}

/** Observes a computed panel's query without starting it: results show when cached (or restored after a reload). */
export function useComputed<T, K extends QueryKey>(options: UseQueryOptions<T, Error, T, K>) {
  return useQuery({ ...options, enabled: false });
}

/** Starts (or retries) computed panels; errors are shown by the panels themselves. */
export function startComputing(client: QueryClient, ...options: FetchQueryOptions<any, Error, any, any>[]): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const o of options) client.fetchQuery(o).catch(() => undefined);
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
export function useDescribe(v: OpenedVindex, ids: number[] | null, opts: DescribeOptions, run: boolean) {
  const key = v.location.key;
  return useQuery({
    queryKey: keys.describe(resultsKey(v), ids ?? [], JSON.stringify(opts)),
    gcTime: PERSIST_MAX_AGE,
    enabled: run && !!ids && ids.length > 0,
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }) =>
      withActivity('DESCRIBE', 'bytes', signal, (opId, p) => engine().describe(key, opId, ids!, opts, p)),
  });
}
