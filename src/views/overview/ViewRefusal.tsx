import type { OpenedVindex } from '../../engine/types';
import { useApp } from '../../state/store';
import { viewUnavailable } from './semantics';

/** Says plainly why a view cannot show this vindex (another generation), and offers the overview. */
export function ViewRefusal({ vindex, view }: { vindex: OpenedVindex; view: 'token' | 'feature' | 'compare' }) {
  return (
    <div role="alert" className="alert">
      <span>{viewUnavailable(vindex.description, view)}</span>
      <button type="button" onClick={() => useApp.getState().setView('overview')}>Show the overview</button>
    </div>
  );
}
