import type { OpenedVindex } from '../../engine/types';
import { useConsent, useDownloadAllowed, vindexBytes } from '../../state/consent';
import { formatBytes } from './format';

/**
 * On a phone, before anything large of a big vindex is downloaded: says how much the next step reads
 * and waits for a tap. Renders nothing when no question is needed.
 */
export function DownloadConsent({ vindex, what }: { vindex: OpenedVindex; what: string }) {
  const allowed = useDownloadAllowed(vindex);
  if (allowed) return null;
  const size = (name: string) => vindex.files.find((f) => f.name === name)?.size ?? 0;
  return (
    <div className="consent" role="region" aria-label="Download size">
      <p>
        This vindex is {formatBytes(vindexBytes(vindex))}. {what} reads from it: gate_vectors.bin is {formatBytes(size('gate_vectors.bin'))}, a full
        projection streams embeddings.bin ({formatBytes(size('embeddings.bin'))}). On a mobile connection that may be slow or costly.
      </p>
      <button type="button" onClick={() => useConsent.getState().allow(vindex.location.key)}>
        Download as needed
      </button>
    </div>
  );
}
