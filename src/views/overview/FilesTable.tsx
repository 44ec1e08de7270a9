import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { OpenedVindex } from '../../engine/types';
import { formatBytes } from '../common/format';
import { keys } from '../../queries/keys';
import { verifyChecksums } from '../../queries/checksums';
import type { ChecksumResult } from '../../engine/hashFiles';

function statusText(r: ChecksumResult | undefined): string {
  if (!r) return '';
  if (r.status === 'pass') return `pass (${r.from})`;
  if (r.status === 'fail') return `FAIL: expected ${r.expected.slice(0, 12)}…, got ${r.actual?.slice(0, 12)}… (${r.from})`;
  if (r.status === 'error') return `error: ${r.error}`;
  return 'no checksum known';
}

/** Every file with size, role, dtype, whether the explorer uses it, and checksum verification. */
export function FilesTable({ vindex }: { vindex: OpenedVindex }) {
  const [verify, setVerify] = useState(false);
  const check = useQuery({
    queryKey: keys.checksums(vindex.location.key),
    enabled: verify,
    staleTime: Infinity,
    retry: false,
    queryFn: ({ signal }) => verifyChecksums(vindex, signal),
  });
  const byName = new Map((check.data ?? []).map((r) => [r.name, r]));
  return (
    <div className="files">
      <h3>Files</h3>
      {vindex.location.kind === 'http' && (
        <p className="muted">
          A static folder has no listing: the known vindex file names and the files index.json names were looked for; other files (e.g. inference
          weights) are not shown.
        </p>
      )}
      <p>
        <button type="button" onClick={() => (verify ? check.refetch() : setVerify(true))} disabled={check.isFetching}>
          Verify checksums
        </button>{' '}
        {check.isFetching && 'Hashing…'}
        {check.data &&
          `${check.data.filter((r) => r.status === 'pass').length} passed, ${check.data.filter((r) => r.status === 'fail').length} failed, ${check.data.filter((r) => r.status === 'unknown').length} without a known checksum`}
        {check.error && <span role="alert"> Checksum verification failed: {String((check.error as Error).message)}</span>}
      </p>
      <table aria-label="Files">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Size</th>
            <th scope="col">Role</th>
            <th scope="col">dtype</th>
            <th scope="col">Used</th>
            <th scope="col">Checksum</th>
          </tr>
        </thead>
        <tbody>
          {vindex.files.map((f) => (
            <tr key={f.name}>
              <td>
                <code>{f.name}</code>
              </td>
              <td className="num" title={`${f.size} bytes`}>
                {formatBytes(f.size)}
              </td>
              <td>{f.role}</td>
              <td>{f.dtype ?? ''}</td>
              <td>{f.used ? 'yes' : 'no'}</td>
              <td className={`checksum ${byName.get(f.name)?.status ?? ''}`}>{statusText(byName.get(f.name))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
