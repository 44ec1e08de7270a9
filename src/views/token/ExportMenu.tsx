import type { RefObject } from 'react';
import type { TopKHit } from '../../compute/topK';
import { download } from '../common/download';
import { scoresCsv, scoresNpy, topCsv, topJson, pngWithText, heatmapSvg, type ExportMeta } from './exporters';

async function canvasPng(c: HTMLCanvasElement): Promise<Uint8Array> {
  const blob = await new Promise<Blob | null>((r) => c.toBlob(r, 'image/png'));
  if (!blob) throw new Error('The heatmap could not be encoded as PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

/** Export buttons: heatmap PNG/SVG, scores CSV/.npy, top features CSV/JSON, all with provenance. */
export function ExportMenu(props: {
  canvas: RefObject<HTMLCanvasElement | null>; grid: (Float32Array | null)[]; maxF: number; hits: TopKHit[]; meta: ExportMeta; stem: string;
}) {
  const { canvas, grid, maxF, hits, meta, stem } = props;
  return (
    <div className="row" role="group" aria-label="Export">
      <span className="muted">Export:</span>
      <button type="button" onClick={async () => canvas.current && download(`${stem}-heatmap.png`, pngWithText(await canvasPng(canvas.current), meta) as Uint8Array<ArrayBuffer>, 'image/png')}>
        PNG
      </button>
      <button type="button" onClick={() => canvas.current && download(`${stem}-heatmap.svg`, heatmapSvg(canvas.current.toDataURL('image/png'), canvas.current.width, canvas.current.height, meta), 'image/svg+xml')}>
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
