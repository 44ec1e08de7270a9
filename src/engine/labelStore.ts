import { parseFeatureLabels, parseRelationClusters, parseFeatureClusters, mergeLabels, type FeatureLabel as MergedLabel } from '../format/labels';
import type { SourceSet } from './sources';

const MAX_LABEL_BYTES = 64 * 1024 * 1024;

/** Feature labels from feature_labels.json (probe) and relation clusters, probe winning. */
export class LabelStore {
  private labels = new Map<string, MergedLabel>();

  constructor(private readonly sources: SourceSet) {}

  /** Reads the label files that exist; returns notices for files that were ignored. */
  async load(signal: AbortSignal): Promise<string[]> {
    const notices: string[] = [];
    const text = async (name: string) => {
      if (!this.sources.has(name)) return null;
      if (this.sources.size(name) > MAX_LABEL_BYTES) {
        notices.push(`${name}: ${this.sources.size(name)} bytes is too large to load; ignored`);
        return null;
      }
      return this.sources.text(name, signal);
    };
    const probeText = await text('feature_labels.json');
    const probe = probeText !== null ? parseFeatureLabels(probeText) : null;
    if (probe?.notice) notices.push(probe.notice);
    const clustersText = await text('relation_clusters.json');
    const assignText = await text('feature_clusters.jsonl');
    let cluster = new Map<string, MergedLabel>();
    if (clustersText !== null && assignText !== null) {
      const c = parseRelationClusters(clustersText);
      if (c.notice) notices.push(c.notice);
      if (c.clusters) {
        const a = parseFeatureClusters(assignText, c.clusters.labels);
        if (a.notice) notices.push(a.notice);
        cluster = a.labels;
      }
    }
    this.labels = mergeLabels(probe?.labels ?? new Map(), cluster);
    return notices;
  }

  /** Number of labelled features. */
  count(): number {
    return this.labels.size;
  }

  /** The label of one feature, or null. */
  get(layer: number, feature: number): MergedLabel | null {
    return this.labels.get(`${layer}:${feature}`) ?? null;
  }
}
