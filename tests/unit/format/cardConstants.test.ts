import { describe, expect, test } from 'vitest';
import { parseCardConstants, knownConstant, numberIn, tableCells } from '../../../src/format/cardConstants';

const CARD = `# Qwen3-8B vindex

Intro text | with a pipe.

## Universal Constants (measured)

Measured once on the full model.

| Constant | Value | Notes |
|:--|--:|---|
| **Layers** | 36 | |
| Hidden size | 4,096 | \`d_model\` |
| Gate coherence (mean \\|cos\\|) | 0.0312 | <script>alert(1)</script> |
| Vocabulary | 151936 | |

| Another | table |
|---|---|
| x | 1 |

## Next section
`;

describe('model card "Universal Constants"', () => {
  test('reads the first table under the heading, as plain text cells', () => {
    const t = parseCardConstants(CARD)!;
    expect(t.heading).toBe('Universal Constants (measured)');
    expect(t.columns).toEqual(['Constant', 'Value', 'Notes']);
    expect(t.rows.map((r) => [r.name, r.value])).toEqual([
      ['Layers', '36'], ['Hidden size', '4,096'], ['Gate coherence (mean |cos|)', '0.0312'], ['Vocabulary', '151936'],
    ]);
    expect(t.rows[1].rest).toEqual(['d_model']);
    expect(t.rows[2].rest).toEqual(['<script>alert(1)</script>']); // text, for the view to render as text
  });

  test('no heading, or a heading with no table before the next section: null', () => {
    expect(parseCardConstants('| a | b |\n|---|---|\n| 1 | 2 |')).toBeNull();
    expect(parseCardConstants('## Universal constants\n\nnone yet\n\n## Other\n| a | b |\n|---|---|')).toBeNull();
    expect(parseCardConstants('**Universal Constants**\n| a | b |\n|---|---|\n| L | 2 |')!.rows).toEqual([{ name: 'L', value: '2', rest: [] }]);
  });

  test('names map to the quantities the explorer computes; values parse as numbers', () => {
    expect(['Layers', 'num_layers', 'Number of layers', 'Hidden size', 'd_model', 'Features per layer', 'num_feats', 'Vocabulary size', 'embed_scale', 'Gate coherence', 'Layer bands'].map(knownConstant))
      .toEqual(['layers', 'layers', 'layers', 'hidden', 'hidden', 'features', 'features', 'vocab', 'embedScale', null, null]);
    expect(numberIn('4,096')).toBe(4096);
    expect(numberIn('≈ 1.5e-3 (mean)')).toBe(0.0015);
    expect(numberIn('n/a')).toBeNull();
    expect(tableCells('| a \\| b | c |')).toEqual(['a | b', 'c']);
  });
});
