import type { TopKHit } from '../../compute/topK';
import { download } from '../common/download';
import { scoresCsv, scoresNpy, topCsv, topJson, pngWithText, type ExportMeta } from './exporters';
import { heatmapFigureSvg, needsRaster, figureLayout, type FigureInput } from './figureSvg';
import { GridPainter } from './heatmapPaint';

/** The cells of a figure as a PNG data URL, one pixel per layer and per plot column (peaks kept). */
function cellsImage(input: FigureInput): string {
  const { plotW } = figureLayout(input);
  const p = new GridPainter();
  p.update(input.grid, plotW, input.view, input.colour);
  const c = document.createElement('canvas');
  c.width = p.image.width;
  c.height = p.image.height;
  c.getContext('2d')!.putImageData(p.image, 0, 0);
  return c.toDataURL('image/png');
}

/** The figure as SVG text: vector cells, or an embedded image of them above the cell limit. */
export function figureSvgText(input: FigureInput): string {
  return heatmapFigureSvg(input, needsRaster(input) ? cellsImage(input) : null);
}

/** Rasterises the SVG figure at 2× (print resolution for a column-width figure) into PNG bytes. */
async function figurePng(svg: string): Promise<Uint8Array> {
  const { width, height } = parseSize(svg);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = 2;
    const c = document.createElement('canvas');
    c.width = width * scale;
    c.height = height * scale;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0, c.width, c.height);
    const blob = await new Promise<Blob | null>((r) => c.toBlob(r, 'image/png'));
    if (!blob) throw new Error('The figure could not be encoded as PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}

function parseSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]* width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
  return { width: Math.ceil(Number(m?.[1] ?? 800)), height: Math.ceil(Number(m?.[2] ?? 600)) };
}

/** Export buttons: paper-ready heatmap PNG/SVG, scores CSV/.npy, top features CSV/JSON, all with provenance. */
export function ExportMenu(props: { figure: FigureInput; grid: (Float32Array | null)[]; maxF: number; hits: TopKHit[]; meta: ExportMeta; stem: string }) {
  const { figure, grid, maxF, hits, meta, stem } = props;
  return (
    <div className="row" role="group" aria-label="Export">
      <span className="muted">Export:</span>
      <button type="button" onClick={async () => download(`${stem}-heatmap.png`, pngWithText(await figurePng(figureSvgText(figure)), meta) as Uint8Array<ArrayBuffer>, 'image/png')}>
        PNG
      </button>
      <button type="button" onClick={() => download(`${stem}-heatmap.svg`, figureSvgText(figure), 'image/svg+xml')}>
        SVG
      </button>
      <button type="button" onClick={() => download(`${stem}-scores.csv`, scoresCsv(grid, maxF, meta), 'text/csv')}>
        scores CSV
      </button>
      <button type="button" onClick={() => download(`${stem}-scores.npy`, scoresNpy(grid, maxF, meta) as Uint8Array<ArrayBuffer>, 'application/octet-stream')}>
        scores .npy
      </button>
      <button type="button" onClick={() => download(`${stem}-top.csv`, topCsv(hits, meta), 'text/csv')}>
        top CSV
      </button>
      <button type="button" onClick={() => download(`${stem}-top.json`, topJson(hits, meta), 'application/json')}>
        top JSON
      </button>
    </div>
  );
}
