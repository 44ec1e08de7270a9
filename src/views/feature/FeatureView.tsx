export function FeatureView(_: { vindex: unknown }) { return null; }
