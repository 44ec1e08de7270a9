import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { proxy } from 'comlink';
import { engine, withActivity } from './engine';
import { openVindexOptions } from './vindex';
import { useApp } from '../state/store';
import type { OpenedVindex } from '../engine/types';
import type { CompareSummary, DmetDiff, FeatureMatch, LayerSimilarity } from '../engine/compareTypes';

/** Query keys of the comparison (strings only: the two source keys). */
export const compareKeys = {
  layers: (a: string, b: string) => ['compare-layers', a, b] as const,
  dmet: (a: string, b: string, limit: number) => ['compare-dmet', a, b, limit] as const,
  match: (a: string, b: string, layer: number, feature: number, vector: string, k: number) => ['compare-match', a, b, layer, feature, vector, k] as const,
};

/** The second vindex B (permalink `src2`, or a local folder), opened in the same worker as A. */
export function useVindexB() {
  const src2 = useApp((s) => s.src2);
  const location2 = useApp((s) => s.location2);
  const endpoint = useApp((s) => s.endpoint);
  const endpoint2 = useApp((s) => s.endpoint2);
  return useQuery(openVindexOptions(src2, location2, endpoint2 ?? endpoint));
}

/** The layer similarity table as it streams in. */
export interface LayerSimilarityGrid {
  layers: LayerSimilarity[];
  total: number;
  complete: boolean;
  summary: CompareSummary | null;
}

async function fetchLayers(client: QueryClient, a: OpenedVindex, b: OpenedVindex, signal: AbortSignal): Promise<LayerSimilarityGrid> {
  const key = compareKeys.layers(a.location.key, b.location.key);
  const total = Math.max(a.description.numLayers, b.description.numLayers);
  let grid: LayerSimilarityGrid = { layers: [], total, complete: false, summary: null };
  const summary = await withActivity(`Comparing ${a.location.label} with ${b.location.label}`, 'bytes', signal, (opId, onProgress) =>
    engine().compareLayers(
      a.location.key, b.location.key, opId,
      proxy((r: LayerSimilarity) => {
        if (signal.aborted) return;
        grid = { ...grid, layers: [...grid.layers, r] };
        client.setQueryData(key, grid); // rows appear as layers are compared
      }),
      onProgress,
    ),
  );
  return { ...grid, complete: true, summary };
}

/** Layer similarity of B against A, streamed; cancelled when the view goes away. */
export function useLayerSimilarity(a: OpenedVindex, b: OpenedVindex) {
  const client = useQueryClient();
  return useQuery({
    queryKey: compareKeys.layers(a.location.key, b.location.key),
    staleTime: Infinity,
    gcTime: 5 * 60_000,
    retry: false,
    queryFn: ({ signal }) => fetchLayers(client, a, b, signal),
  });
}

/** LarQL's DIFF of the two down_meta files. */
export function useDmetDiff(a: OpenedVindex, b: OpenedVindex, limit: number) {
  return useQuery({
    queryKey: compareKeys.dmet(a.location.key, b.location.key, limit),
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }): Promise<DmetDiff> =>
      withActivity('Comparing down_meta', 'items', signal, (opId, onProgress) => engine().dmetDiff(a.location.key, b.location.key, opId, limit, onProgress)),
  });
}

/** B's counterpart of A's feature by gate or down row. */
export function useFeatureMatch(a: OpenedVindex, b: OpenedVindex, layer: number, feature: number, vector: 'gate' | 'down', k: number, enabled = true) {
  return useQuery({
    queryKey: compareKeys.match(a.location.key, b.location.key, layer, feature, vector, k),
    enabled,
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }): Promise<FeatureMatch> =>
      withActivity(`Matching L${layer} F${feature} in B (${vector})`, 'items', signal, (opId) =>
        engine().matchFeature(a.location.key, b.location.key, opId, { layer, feature, vector, k }),
      ),
  });
}
