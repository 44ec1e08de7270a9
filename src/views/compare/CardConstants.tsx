import { useQuery } from '@tanstack/react-query';
import type { OpenedVindex } from '../../engine/types';
import { engine } from '../../queries/engine';
import { parseCardConstants, knownConstant, numberIn, type CardConstants as Table, type KnownConstant } from '../../format/cardConstants';
import { featureWidths } from './shapes';

const LABELS: Record<KnownConstant, string> = {
  layers: 'Layers', hidden: 'Hidden size', features: 'Features per layer', vocab: 'Vocabulary size', embedScale: 'embed_scale',
};

/** What the explorer computes from index.json and the file sizes, per known quantity. */
function computed(v: OpenedVindex, k: KnownConstant): string {
  const d = v.description;
  if (k === 'layers') return String(d.numLayers);
  if (k === 'hidden') return String(d.hiddenSize);
  if (k === 'vocab') return String(d.vocabSize);
  if (k === 'embedScale') return String(d.embedScale);
  return featureWidths(d);
}

function useCard(v: OpenedVindex) {
  return useQuery({
    queryKey: ['extras', v.location.key],
    staleTime: Infinity,
    retry: false,
    queryFn: () => engine().extras(v.location.key),
    select: (x): Table | null => (x.modelCard ? parseCardConstants(x.modelCard.body) : null),
  });
}

interface Row {
  name: string;
  known: KnownConstant | null;
  reported: [string | null, string | null];
}

function rowsOf(a: Table | null, b: Table | null): Row[] {
  const rows: Row[] = [];
  const find = (name: string, known: KnownConstant | null) =>
    rows.find((r) => (known !== null ? r.known === known : r.name.toLowerCase() === name.toLowerCase()));
  [a, b].forEach((t, side) => {
    for (const c of t?.rows ?? []) {
      const known = knownConstant(c.name);
      let r = find(c.name, known);
      if (!r) rows.push((r = { name: c.name, known, reported: [null, null] }));
      r.reported[side] = c.value;
    }
  });
  for (const k of Object.keys(LABELS) as KnownConstant[]) if (!rows.some((r) => r.known === k)) rows.push({ name: LABELS[k], known: k, reported: [null, null] });
  return rows;
}

function Side({ v, row, side, hasCard }: { v: OpenedVindex; row: Row; side: 0 | 1; hasCard: boolean }) {
  const reported = row.reported[side];
  const mine = row.known ? computed(v, row.known) : null;
  const nr = reported !== null ? numberIn(reported) : null;
  const nc = mine !== null ? numberIn(mine) : null;
  const differs = nr !== null && nc !== null && Math.abs(nr - nc) > 1e-9 * Math.max(1, Math.abs(nc));
  return (
    <>
      <td>{reported ?? <span className="muted">{hasCard ? 'not reported' : 'no table in the card'}</span>}</td>
      <td className={differs ? 'problems' : undefined}>
        {mine ?? <span className="muted">not computed here</span>}
        {differs && ' (differs from the card)'}
      </td>
    </>
  );
}

/**
 * The "Universal Constants" tables of both model cards beside the values computed from the bytes, each
 * labelled "reported by the card" or "computed here". Card text is rendered as text.
 */
export function CardConstants({ a, b }: { a: OpenedVindex; b: OpenedVindex }) {
  const ca = useCard(a);
  const cb = useCard(b);
  if (ca.isLoading || cb.isLoading) return <p className="muted">Reading the model cards…</p>;
  const ta = ca.data ?? null;
  const tb = cb.data ?? null;
  const rows = rowsOf(ta, tb);
  return (
    <>
      <p className="muted">
        {ta ? `A's card: “${ta.heading}”, ${ta.rows.length} rows.` : "A's card has no “Universal Constants” table."}{' '}
        {tb ? `B's card: “${tb.heading}”, ${tb.rows.length} rows.` : "B's card has no “Universal Constants” table."} Quantities the explorer does not
        measure are shown as the card reports them.
      </p>
      <table aria-label="Card constants" className="card-constants">
        <thead>
          <tr>
            <th scope="col">Constant</th>
            <th scope="col">A: reported by the card</th>
            <th scope="col">A: computed here</th>
            <th scope="col">B: reported by the card</th>
            <th scope="col">B: computed here</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <Side v={a} row={r} side={0} hasCard={ta !== null} />
              <Side v={b} row={r} side={1} hasCard={tb !== null} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
