import { describe, it, expect } from 'vitest';
import { parseFeatureLabels, parseRelationClusters, parseFeatureClusters, mergeLabels } from '../../../src/format/labels';

describe('parseFeatureLabels', () => {
  it('reads the object form with L<l>_F<f> and l:f keys', () => {
    const { labels, notice } = parseFeatureLabels('{"L27_F9515": "capital", "3:14": "plural", "L0_F0": {"relation": "x", "confidence": 0.75}}');
    expect(notice).toBeNull();
    expect(labels.get('27:9515')).toEqual({ label: 'capital', source: 'probe' });
    expect(labels.get('3:14')).toEqual({ label: 'plural', source: 'probe' });
    expect(labels.get('0:0')).toEqual({ label: 'x', source: 'probe', confidence: 0.75 });
    expect(labels.size).toBe(3);
  });

  it('reads the list form', () => {
    const text = JSON.stringify([
      { layer: 27, feature: 9515, relation: 'capital', source: 'probe-v2', confidence: 0.9, examples: ['France→Paris'] },
      { layer: 5, feature: 1, relation: 'language' },
    ]);
    const { labels, notice } = parseFeatureLabels(text);
    expect(notice).toBeNull();
    expect(labels.get('27:9515')).toEqual({ label: 'capital', source: 'probe', confidence: 0.9, examples: ['France→Paris'], origin: 'probe-v2' });
    expect(labels.get('5:1')).toEqual({ label: 'language', source: 'probe' });
  });

  it('ignores a wrong shape with a notice, never throwing', () => {
    const num = parseFeatureLabels('42');
    expect(num.labels.size).toBe(0);
    expect(num.notice).toBe('feature_labels.json: expected {"L<layer>_F<feature>": label} or a list of {layer, feature, relation}, found a number; ignored');
    const keys = parseFeatureLabels('{"capital": [1, 2]}');
    expect(keys.labels.size).toBe(0);
    expect(keys.notice).toMatch(/^feature_labels\.json: expected .* found "capital"; ignored$/);
    const bad = parseFeatureLabels('{not json');
    expect(bad.labels.size).toBe(0);
    expect(bad.notice).toMatch(/^feature_labels\.json: not valid JSON/);
  });

  it('keeps the good entries and counts the rest', () => {
    const { labels, notice } = parseFeatureLabels('{"L1_F2": "a", "weird": "b", "L3_F4": 5}');
    expect([...labels.keys()]).toEqual(['1:2']);
    expect(notice).toBe('feature_labels.json: 2 entries not understood (first: "weird"); skipped');
  });
});

describe('relation clusters', () => {
  const rc = JSON.stringify({ k: 3, centres: [[0, 1], [1, 0], [1, 1]], labels: ['capital', 'language', 'currency'], counts: [4, 5, 6], top_tokens: [['Paris'], ['French'], ['euro']] });

  it('parses relation_clusters.json', () => {
    const { clusters, notice } = parseRelationClusters(rc);
    expect(notice).toBeNull();
    expect(clusters).toEqual({ k: 3, labels: ['capital', 'language', 'currency'], counts: [4, 5, 6], topTokens: [['Paris'], ['French'], ['euro']] });
  });

  it('rejects a file without labels', () => {
    const r = parseRelationClusters('{"k": 2}');
    expect(r.clusters).toBeNull();
    expect(r.notice).toMatch(/^relation_clusters\.json: expected an object with a "labels" list/);
  });

  it('labels features from feature_clusters.jsonl and reports bad lines', () => {
    const jsonl = '{"l":1,"f":2,"c":0}\n{"l":1,"f":3,"c":2}\nnope\n{"l":4,"f":5,"c":7}\n';
    const { labels, badLines, notice } = parseFeatureClusters(jsonl, ['capital', 'language', 'currency']);
    expect(labels.get('1:2')).toEqual({ label: 'capital', source: 'cluster' });
    expect(labels.get('1:3')).toEqual({ label: 'currency', source: 'cluster' });
    expect(labels.get('4:5')).toEqual({ label: 'cluster 7', source: 'cluster' });
    expect(badLines).toEqual([3]);
    expect(notice).toBe('feature_clusters.jsonl: 1 unusable line skipped (first: line 3)');
  });

  it('merges with probe labels winning', () => {
    const probe = parseFeatureLabels('{"L1_F2": "capital city"}').labels;
    const cluster = parseFeatureClusters('{"l":1,"f":2,"c":0}\n{"l":1,"f":3,"c":1}', ['capital', 'language']).labels;
    const merged = mergeLabels(probe, cluster);
    expect(merged.get('1:2')).toEqual({ label: 'capital city', source: 'probe' });
    expect(merged.get('1:3')).toEqual({ label: 'language', source: 'cluster' });
    expect(merged.size).toBe(2);
  });
});
