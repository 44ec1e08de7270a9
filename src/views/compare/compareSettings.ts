import { create } from 'zustand';

/** How the A and B heatmaps are coloured: one scale over both (comparable colours) or each its own. */
export type ColourScaleMode = 'shared' | 'own';

const KEY = 'vindex-explorer:compare-scale';

function load(): ColourScaleMode {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'own' ? 'own' : 'shared';
  } catch {
    return 'shared'; // storage disabled: the default is fine
  }
}

/** The comparison's display preference, kept across reloads (a preference, not part of a permalink). */
export const useCompareSettings = create<{ scale: ColourScaleMode; setScale(scale: ColourScaleMode): void }>((set) => ({
  scale: load(),
  setScale: (scale) => {
    try {
      globalThis.localStorage?.setItem(KEY, scale);
    } catch {
      // storage full or disabled: the choice still applies for this session
    }
    set({ scale });
  },
}));
