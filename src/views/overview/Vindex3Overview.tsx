import type { Vindex3Info } from '../../format/types';
import { formatBytes } from '../common/format';

const size = (n: number | null) => (n === null ? 'missing' : formatBytes(n));

/** A VINDEX3 container's catalogue: representations with sizes and full hashes, segments, profiles. */
export function Vindex3Overview({ info }: { info: Vindex3Info }) {
  return (
    <div className="vindex3">
      <h3>Representations</h3>
      <table aria-label="Representations">
        <thead>
          <tr>
            <th scope="col">Representation</th>
            <th scope="col">Object</th>
            <th scope="col">Encoding</th>
            <th scope="col">Segment</th>
            <th scope="col" className="num">Segment size</th>
            <th scope="col" className="num">Payload</th>
            <th scope="col" className="num">Tensors</th>
            <th scope="col">Payload sha256</th>
            <th scope="col">Segment sha256</th>
          </tr>
        </thead>
        <tbody>
          {info.representations.map((r) => (
            <tr key={r.id} className={r.problem ? 'problems' : ''}>
              <td><code>{r.id}</code>{r.problem && <div role="alert">{r.problem}</div>}</td>
              <td>{r.object ?? '—'}</td>
              <td>{r.encoding ?? '—'}</td>
              <td><code>{r.segment ?? '—'}</code></td>
              <td className="num" title={r.segmentBytes === null ? '' : `${r.segmentBytes} bytes`}>{size(r.segmentBytes)}</td>
              <td className="num" title={r.payloadBytes === null ? '' : `${r.payloadBytes} bytes`}>{r.payloadBytes === null ? '—' : formatBytes(r.payloadBytes)}</td>
              <td className="num">{r.tensorCount ?? '—'}</td>
              <td><code className="full-value">{r.payloadSha256 ?? '—'}</code></td>
              <td><code className="full-value">{r.segmentSha256 ?? '—'}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      {info.omitted > 0 && <p className="muted">{info.omitted} more entries are not listed.</p>}
      <h3>Segments and profiles</h3>
      <dl className="facts">
        <dt>Segment keys</dt>
        <dd>
          {info.segments.length === 0
            ? 'none'
            : info.segments.map((s) => `${s.key} (${s.count ?? '?'} declared, ${s.files.length} found)`).join('; ')}
        </dd>
        <dt>Profiles</dt>
        <dd>{info.profiles.length === 0 ? 'none' : info.profiles.map((p) => (p.detail ? `${p.name} ${p.detail}` : p.name)).join('; ')}</dd>
        <dt>System graph</dt>
        <dd>{info.systemGraph ? `${info.systemGraph.file} (${size(info.systemGraph.bytes)})` : 'not named'}</dd>
        <dt>query/down_meta.bin</dt>
        <dd>{info.downMetaBytes === null ? 'absent' : formatBytes(info.downMetaBytes)}</dd>
      </dl>
    </div>
  );
}
