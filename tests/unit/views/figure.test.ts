import { describe, it, expect } from 'vitest';
import * as d3 from 'd3';
import { heatmapFigureSvg, needsRaster, figureLayout, MAX_VECTOR_CELLS, type FigureInput } from '../../../src/views/token/figureSvg';
import { niceCeil, colourScale } from '../../../src/views/token/heatmapPaint';
import { validateTyped, parseTyped } from '../../../src/views/common/NumberSetting';

const meta = { source: 'hf:o/n', commit: 'abcdef0123456789', query: 'Paris', tokenIds: [7], tokens: ['Paris'], tokenizer: 'vindex:tokenizer.json', metric: 'cos', rank: 'signed', norm: 'raw', zoom: null };

function input(L: number, F: number, view: [number, number] = [0, F]): FigureInput {
  const grid = Array.from({ length: L }, (_, l) => Float32Array.from({ length: F }, (_, f) => Math.sin(l * 31 + f)));
  return {
    grid, featuresPerLayer: new Array(L).fill(F), bands: null, view, colour: colourScale(grid), scaleLabel: 'cos score',
    title: 'cos scores for “Paris”', meta,
  };
}

describe('heatmap figure', () => {
  it('draws one rect per visible cell up to the vector limit, and an image with vector axes above it', () => {
    const small = input(3, 5);
    expect(needsRaster(small)).toBe(false);
    const svg = heatmapFigureSvg(small);
    const cells = svg.slice(svg.indexOf('clip-path="url(#plot)"'), svg.indexOf('</g>', svg.indexOf('clip-path="url(#plot)"')));
    expect(cells.match(/<rect /g)!.length).toBe(1 + 15);
    expect(svg).toContain('hf:o/n@abcdef012345 · rank signed · raw scores · all 5 features');
    const big = input(100, 600); // 60,000 cells
    expect(100 * 600).toBeGreaterThan(MAX_VECTOR_CELLS);
    expect(needsRaster(big)).toBe(true);
    const raster = heatmapFigureSvg(big, 'data:image/png;base64,AAAA');
    expect(raster).toContain('<image x="0" y="0" width="720"');
    expect(raster).toMatch(/>L0<\/text>/);
    expect(raster).toMatch(/>feature<\/text>/);
    expect((raster.match(/<rect /g) ?? []).length).toBeLessThan(20); // no cell rects
    // zoomed: only the visible features count, and the range is in the title
    const z = input(100, 600, [100, 150]);
    expect(figureLayout(z).cols).toBe(50);
    expect(needsRaster(z)).toBe(false);
    expect(heatmapFigureSvg(z)).toContain('features 100–150 of 600');
  });

  it('escapes text from files and queries', () => {
    const svg = heatmapFigureSvg({ ...input(1, 2), title: 'cos scores for “<script>&”' });
    expect(svg).toContain('cos scores for “&lt;script&gt;&amp;”');
    expect(svg).not.toContain('<script>');
  });
});

describe('colour domain', () => {
  it('snaps to round numbers while layers stream in, so the bound rarely changes', () => {
    expect(niceCeil(0.7712)).toBe(0.8);
    expect(niceCeil(0.8)).toBe(0.8);
    expect(niceCeil(17.8)).toBe(20);
    expect(niceCeil(1.01)).toBeCloseTo(1.2, 12);
    expect(niceCeil(0)).toBe(1);
    expect(colourScale([new Float32Array([0.3, -0.45])], 'raw', undefined, true).domain()).toEqual([-0.5, 0, 0.5]);
    const exact = colourScale([new Float32Array([0.3, -0.45])]).domain();
    expect(exact[2]).toBeCloseTo(0.45, 6); // a complete grid gets its exact bound
    expect(colourScale([new Float32Array([0.3])], 'raw', 2).domain()).toEqual([-2, 0, 2]); // a shared bound wins
    expect(colourScale([new Float32Array([3])], 'pct').domain()).toEqual([0, 50, 100]);
    expect(d3.rgb(colourScale([new Float32Array([1])])(0)).formatHex()).toBe(d3.rgb(d3.interpolateRdBu(0.5)).formatHex());
  });
});

describe('typed numbers', () => {
  it('accepts what people type and names what is wrong', () => {
    expect(parseTyped(' 512 ')).toBe(512);
    expect(parseTyped('02.5')).toBe(2.5);
    expect(parseTyped('1e3')).toBe(1000);
    expect(parseTyped('12abc')).toBeNull();
    expect(validateTyped('5', 16, Infinity, false)).toBe('5 is below the minimum, 16');
    expect(validateTyped('02.5', 1, 100, true)).toBe('2.5 is not a whole number');
    expect(validateTyped('abc', 0, 1, false)).toBe('“abc” is not a number');
    expect(validateTyped('100001', 1, 100000, true)).toBe('100001 is above the maximum, 100000');
    expect(validateTyped('512', 16, Infinity, false)).toBeNull();
  });
});
