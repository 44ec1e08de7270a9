import type { MoeSummaryInfo } from '../../format/types';
import { formatBytes } from '../common/format';

const num = (v: number | null) => (v === null ? '—' : v.toPrecision(4));

/** The MoE layers of a Divinci summary: experts, directions, bytes, and the var@64 statistics. */
export function MoeSummaryTable({ info }: { info: MoeSummaryInfo }) {
  return (
    <div>
      <h3>MoE summary ({info.file})</h3>
      <p className="muted">
        {info.layers.length} MoE layers × {info.nRoutedExperts ?? 'per-layer'} experts × {info.numFeats} directions (the top right singular vectors of each
        expert's gate_proj, f32, expert-major). var@64: the share of each expert's gate_proj variance its top {info.numFeats} directions explain (median and
        quartiles over the layer's experts).
      </p>
      <table aria-label="MoE layers">
        <thead>
          <tr>
            <th scope="col" className="num">Layer</th>
            <th scope="col" className="num">Experts</th>
            <th scope="col" className="num">Directions</th>
            <th scope="col" className="num">Bytes</th>
            <th scope="col" className="num">var@64 q25</th>
            <th scope="col" className="num">median</th>
            <th scope="col" className="num">q75</th>
          </tr>
        </thead>
        <tbody>
          {info.layers.map((l) => (
            <tr key={l.layer}>
              <td className="num">{l.layer}</td>
              <td className="num">{l.experts}</td>
              <td className="num">{(l.experts * info.numFeats).toLocaleString('en')}</td>
              <td className="num" title={`bytes ${l.start}–${l.end} of gate_vectors.bin`}>{formatBytes(l.end - l.start)}</td>
              <td className="num">{num(l.q25)}</td>
              <td className="num">{num(l.median)}</td>
              <td className="num">{num(l.q75)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
