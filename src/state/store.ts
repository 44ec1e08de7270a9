import { create } from 'zustand';
import type { VindexLocation } from '../io/ByteSource';
import { EMPTY_VIEW, defaultRank, type Metric, type Norm, type Rank, type ViewName, type ViewState } from './permalink';

/** User settings that are not part of a permalink. */
export interface Settings {
  /** Memory budget for resident decoded gate layers in the worker, MiB. */
  gateBudgetMiB: number;
  /** How many rows the Top features table shows. */
  topN: number;
  /** Size limit of the persistent store (OPFS), MiB; 0 disables it; negative = half of the browser's quota. */
  cacheLimitMiB: number;
}

/** The zustand store: user intent only (what to open and what to look at). Results live in TanStack. */
export interface AppState extends ViewState {
  /** The vindex to open (null = none chosen yet). */
  location: VindexLocation | null;
  /** The second vindex B when it is a local folder (its permalink `src2` is only an identity). */
  location2: VindexLocation | null;
  settings: Settings;
  setLocation(location: VindexLocation | null, src: string | null): void;
  /** Opens (or, with nulls, closes) the second vindex B. */
  setLocation2(location2: VindexLocation | null, src2: string | null, endpoint2?: string | null): void;
  setView(view: ViewName): void;
  setQuery(q: string): void;
  setQuery2(q2: string): void;
  setMetric(metric: Metric): void;
  setRank(rank: Rank): void;
  selectFeature(layer: number, feature: number): void;
  setNorm(norm: Norm): void;
  /** Sets the heatmaps' visible feature range (null = all). */
  setZoom(zoom: [number, number] | null): void;
  setEndpoint(endpoint: string | null): void;
  setSettings(s: Partial<Settings>): void;
  /** Records the base-model tokenizer in use (<repo>@<sha>) for the permalink. */
  setTokenizerPin(pin: string | null): void;
  /** Replaces the whole view state (from a permalink). */
  restore(state: ViewState): void;
}

const SETTINGS_KEY = 'vindex-explorer:settings';

function loadSettings(): Settings {
  // Gate budget 512 MiB: with gate layers persisted in OPFS, a layer that does not fit is re-read from disk,
  // not the network, so the budget trades little speed for memory. In `npm run bench` gemma (1.78 GB gate),
  // 1 GiB gave a peak PSS of 2.00 GiB; 512 MiB gives 1.35 GiB, and a second query in the same page still
  // took 0.94× numpy's time from warm disk.
  const dflt: Settings = { gateBudgetMiB: 512, topN: 20, cacheLimitMiB: -1 };
  try {
    const raw = globalThis.localStorage?.getItem(SETTINGS_KEY);
    if (!raw) return dflt;
    const s = JSON.parse(raw) as Partial<Settings>;
    return {
      gateBudgetMiB: Number.isFinite(s.gateBudgetMiB) && s.gateBudgetMiB! > 0 ? s.gateBudgetMiB! : dflt.gateBudgetMiB,
      topN: Number.isInteger(s.topN) && s.topN! > 0 && s.topN! <= 100000 ? s.topN! : dflt.topN,
      cacheLimitMiB: Number.isFinite(s.cacheLimitMiB) && s.cacheLimitMiB! >= 0 ? s.cacheLimitMiB! : dflt.cacheLimitMiB,
    };
  } catch {
    return dflt; // private mode or corrupt JSON: defaults are fine
  }
}

/** The app's one store. */
export const useApp = create<AppState>((set, get) => ({
  ...EMPTY_VIEW,
  location: null,
  location2: null,
  settings: loadSettings(),
  // a tokenizer pin belongs to the vindex it was made with
  setLocation: (location, src) => set({ location, src, tokenizer: null }),
  setLocation2: (location2, src2, endpoint2 = null) => set({ location2, src2, endpoint2 }),
  setView: (view) => set({ view }),
  setQuery: (q) => set({ q }),
  setQuery2: (q2) => set({ q2 }),
  setMetric: (metric) => set({ metric, rank: defaultRank(metric) }),
  setRank: (rank) => set({ rank }),
  selectFeature: (layer, feature) => set({ layer, feature, view: 'feature' }),
  setNorm: (norm) => set({ norm }),
  setZoom: (zoom) => set({ zoom }),
  setEndpoint: (endpoint) => set({ endpoint }),
  setSettings: (s) => {
    const settings = { ...get().settings, ...s };
    try {
      globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify(settings));
    } catch {
      // storage full or disabled: the setting still applies for this session
    }
    set({ settings });
  },
  restore: (state) => set({ ...state }),
  setTokenizerPin: (tokenizer) => set({ tokenizer }),
}));

/** The permalink-relevant slice of the store. */
export function viewStateOf(s: AppState): ViewState {
  return {
    src: s.src, endpoint: s.endpoint, view: s.view, q: s.q, q2: s.q2, metric: s.metric, rank: s.rank,
    layer: s.layer, feature: s.feature, src2: s.src2, endpoint2: s.endpoint2, tokenizer: s.tokenizer,
    norm: s.norm, zoom: s.zoom,
  };
}
