import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { proxy } from 'comlink';
import { engine, withActivity } from './engine';
import { keys } from './keys';
import type { OpenedVindex, EncodedQuery } from '../engine/types';
import type { Metric } from '../state/permalink';
import { parseQuery } from '../format/queryText';
import { tokenizerOptions } from './tokenizer';
import { isAbort } from '../state/activity';
import { useDownloadAllowed } from '../state/consent';

/** A layer × feature score grid as it streams in; `layers[l]` is null until scored (or unavailable). */
export interface ScoreGrid {
  layers: (Float32Array | null)[];
  /** Per layer: why it is unavailable (null when fine or not yet scored). */
  problems: (string | null)[];
  scored: number;
  complete: boolean;
  bytesRead: number;
  /** Set when the scoring was cancelled before it completed. */
  cancelled?: boolean;
}

function emptyGrid(v: OpenedVindex): ScoreGrid {
  const L = v.description.numLayers;
  return { layers: new Array(L).fill(null), problems: new Array(L).fill(null), scored: 0, complete: false, bytesRead: 0 };
}

/** Encodes a query string (spaces kept) to tokens in the worker; text waits for the tokenizer's load (with its progress bar). */
export function useEncoded(vindex: OpenedVindex, q: string) {
  const key = vindex.location.key;
  const client = useQueryClient();
  return useQuery({
    queryKey: keys.encode(key, q),
    enabled: q.trim() !== '',
    staleTime: Infinity,
    retry: false,
    queryFn: async (): Promise<EncodedQuery> => {
      if (parseQuery(q).kind === 'text') await client.fetchQuery(tokenizerOptions(vindex));
      return engine().encode(key, q);
    },
  });
}

/** How often streamed layers are published to the view: often enough to watch, rarely enough that a
 * 4,096-layer vindex does not re-render (and re-rank) once per layer. */
const PUBLISH_MS = 80;

async function fetchScores(
  client: QueryClient, vindex: OpenedVindex, ids: number[], metric: Metric, label: string, signal: AbortSignal,
): Promise<ScoreGrid> {
  const key = vindex.location.key;
  const queryKey = keys.scores(key, ids, metric);
  const work = emptyGrid(vindex);
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Each publish hands out new arrays: the view compares rows by identity and repaints only new ones.
  const snapshot = (extra: Partial<ScoreGrid> = {}): ScoreGrid => ({ ...work, layers: work.layers.slice(), problems: work.problems.slice(), ...extra });
  const publish = () => {
    timer = null;
    if (!signal.aborted) client.setQueryData(queryKey, snapshot());
  };
  client.setQueryData(queryKey, snapshot()); // a retry starts from an empty grid, not the cancelled one
  try {
    const { bytesRead } = await withActivity(label, 'bytes', signal, (opId, onProgress) =>
      engine().score(
        key, opId, { ids, metric },
        proxy((layer: number, scores: Float32Array | null, problem: string | null) => {
          if (signal.aborted) return;
          work.layers[layer] = scores;
          work.problems[layer] = problem;
          work.scored++;
          // Stream partial results into the cache so the heatmap fills as layers arrive.
          if (!timer) timer = setTimeout(publish, PUBLISH_MS);
        }),
        onProgress,
      ),
    );
    return snapshot({ complete: true, bytesRead });
  } catch (e) {
    // Keep what was scored and say it was cancelled ("Cancelled — Score to retry"), instead of an empty panel.
    if (isAbort(e)) client.setQueryData(queryKey, snapshot({ cancelled: true }));
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Streams the scores of a token-id query; a new query cancels the previous one's remaining work. */
export function useScores(vindex: OpenedVindex, ids: number[] | null, metric: Metric, label: string) {
  const client = useQueryClient();
  const key = vindex.location.key;
  const allowed = useDownloadAllowed(vindex); // a phone asks first for a big vindex (DownloadConsent)
  return useQuery({
    queryKey: keys.scores(key, ids ?? [], metric),
    enabled: !!ids && ids.length > 0 && allowed,
    staleTime: Infinity,
    gcTime: 60_000,
    retry: false,
    queryFn: ({ signal }) => fetchScores(client, vindex, ids!, metric, label, signal),
  });
}
