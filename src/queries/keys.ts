/** TanStack query-key factory: keys are built from strings only (source key + revision), never File objects. */
export const keys = {
  /** An opened vindex: by permalink src + endpoint, or by local key. */
  vindex: (id: string, endpoint: string | null) => ['vindex', id, endpoint ?? ''] as const,
  encode: (key: string, q: string) => ['encode', key, q] as const,
  scores: (key: string, ids: readonly number[], metric: string) => ['scores', key, ids.join(','), metric] as const,
  outputs: (key: string, layer: number, features: string) => ['outputs', key, layer, features] as const,
  feature: (key: string, layer: number, feature: number) => ['feature', key, layer, feature] as const,
  projection: (key: string, layer: number, feature: number, vector: string, k: number) =>
    ['projection', key, layer, feature, vector, k] as const,
  neighbours: (key: string, layer: number, feature: number, vector: string, scope: string, k: number) =>
    ['neighbours', key, layer, feature, vector, scope, k] as const,
  sayers: (key: string, query: string) => ['sayers', key, query] as const,
  describe: (key: string, ids: readonly number[], opts: string) => ['describe', key, ids.join(','), opts] as const,
  checksums: (key: string) => ['checksums', key] as const,
};
