import { useMemo } from 'react';
import type { OpenedVindex } from '../../engine/types';
import { useVindexB, useLayerSimilarity } from '../../queries/compare';
import { errorText, isAbort } from '../../state/activity';
import { useQueryClient } from '@tanstack/react-query';
import { formatBytes } from '../common/format';
import { LayerSimilarityTable, formatSimilarity } from './LayerSimilarityTable';
import { SimilarityChart } from './SimilarityChart';
import { MovedRows } from './MovedRows';
import { DmetDiffPanel } from './DmetDiffPanel';
import { CardConstants } from './CardConstants';
import { pairNotes, shapeText } from './shapes';
import { SUBSPACE_K_CAP } from '../../compute/subspace';

const MOVED = 20;

function Who({ side, v }: { side: 'A' | 'B'; v: OpenedVindex }) {
  return (
    <>
      <dt>{side}</dt>
      <dd>
        {v.location.label} <span className="muted">· {v.description.model} · {shapeText(v.description)} · {v.description.flavour === 'compact' ? 'compact (SVD directions)' : 'LarQL (neurons)'}</span>
      </dd>
    </>
  );
}

function Body({ a, b }: { a: OpenedVindex; b: OpenedVindex }) {
  const sim = useLayerSimilarity(a, b);
  const client = useQueryClient();
  const layers = useMemo(() => sim.data?.layers ?? [], [sim.data]);
  const total = Math.max(a.description.numLayers, b.description.numLayers);
  const moved = useMemo(
    () => layers.flatMap((l) => l.moved).filter((m) => m.relChange !== 0).sort((x, y) => (Number.isNaN(x.cos) ? 1 : Number.isNaN(y.cos) ? -1 : x.cos - y.cos) || x.layer - y.layer || x.feature - y.feature).slice(0, MOVED),
    [layers],
  );
  const mean = (key: 'row' | 'gate' | 'down') => {
    const v = layers.map((l) => l[key]).filter((x): x is number => x !== null);
    return v.length ? formatSimilarity(v.reduce((s, x) => s + x, 0) / v.length) : '—';
  };
  const notes = pairNotes(a, b);
  const failed = sim.error && !isAbort(sim.error);
  return (
    <>
      <dl className="facts">
        <Who side="A" v={a} />
        <Who side="B" v={b} />
      </dl>
      {notes.map((n) => (
        <p key={n} className="notice" role="note">{n}</p>
      ))}
      <h3>Layer similarity</h3>
      <p className="muted">
        Row similarity: mean over features of cos(G_A[l,f], G_B[l,f]), when a layer has the same number of rows and the same hidden size in both (a model
        and its quantized or patched version). Subspace similarity: ‖Q_Aᵀ Q_B‖_F² / k, with Q_A, Q_B orthonormal bases of the k leading gate (or down)
        rows of the layer, k = min(F_A, F_B, ⌊H/2⌋, {SUBSPACE_K_CAP}): 1 means the same subspace, k/H what random subspaces score; it ignores row order and
        sign, so it also compares SVD directions of two models. k stays at most H/2 because at k ≥ H any rows span the whole space (similarity 1 by
        construction), and at most {SUBSPACE_K_CAP} to bound the work; the bases come from Gram–Schmidt with pivoting on f64 Gram matrices, in the worker.
      </p>
      {failed && <div role="alert" className="alert">Layer similarity: {errorText(sim.error)}</div>}
      {isAbort(sim.error) && (
        <p className="muted">
          Cancelled after {layers.length} of {total} layers.{' '}
          <button type="button" onClick={() => void client.refetchQueries({ queryKey: ['compare-layers', a.location.key, b.location.key] })}>
            Resume
          </button>
        </p>
      )}
      <p className="muted">
        {sim.data?.complete ? `Compared ${total} layers · ${formatBytes(sim.data.summary?.bytesRead ?? 0)} read` : `Comparing… ${layers.length} of ${total} layers`} ·
        means: row {mean('row')}, gate subspace {mean('gate')}, down subspace {mean('down')}
      </p>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <LayerSimilarityTable layers={layers} total={total} />
        <SimilarityChart layers={layers} total={total} />
      </div>
      {moved.length > 0 && (
        <>
          <h3>Rows that moved most</h3>
          <p className="muted">Gate rows with the lowest cosine between A and B (same layer shape only). A row opens the feature, with B beside it.</p>
          <MovedRows rows={moved} />
        </>
      )}
      <h3>down_meta diff (LarQL DIFF)</h3>
      <DmetDiffPanel a={a} b={b} />
      <h3>Card constants</h3>
      <CardConstants a={a} b={b} />
    </>
  );
}

/** The "Vindex comparison" region: what changed between A and B, layer by layer and feature by feature. */
export function CompareView({ vindex }: { vindex: OpenedVindex }) {
  const b = useVindexB();
  return (
    <section role="region" aria-label="Vindex comparison" className="compare-view">
      <h2>Vindex comparison</h2>
      {b.data ? (
        <Body a={vindex} b={b.data} />
      ) : b.isFetching ? (
        <p className="muted">Opening vindex B…</p>
      ) : (
        <p>
          Choose a second vindex with <strong>Compare with…</strong> above (a Hugging Face repo, a folder URL, a local folder, or the same vindex again) to
          see what changed between the two.
        </p>
      )}
    </section>
  );
}
