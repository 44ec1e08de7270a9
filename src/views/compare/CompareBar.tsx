import { useEffect, useState, type FormEvent } from 'react';
import './compare.css';
import { useApp } from '../../state/store';
import { useActivity, errorText, isAbort } from '../../state/activity';
import { useVindexB } from '../../queries/compare';
import { isLocalSrc } from '../../queries/vindex';
import { locationFromFiles } from '../../io/localFolder';
import { shapeText } from './shapes';

function openB(src2: string): void {
  const s = useApp.getState();
  s.setLocation2(null, src2, null);
  if (s.view === 'overview') s.setView('compare');
}

function pickB(files: File[]): void {
  try {
    const location = locationFromFiles(files);
    const prev = useApp.getState().src2;
    useApp.getState().setLocation2(location, isLocalSrc(prev) ? prev : null, null);
    if (useApp.getState().view === 'overview') useApp.getState().setView('compare');
  } catch (e) {
    useActivity.getState().alert(`Vindex B: ${errorText(e)}`);
  }
}

/** Makes B the main vindex and A the second one (so B can be explored on its own, with A beside it). */
function swap(): void {
  const s = useApp.getState();
  const { src, src2, location, location2, endpoint, endpoint2 } = s;
  s.setLocation(location2, src2);
  s.setEndpoint(endpoint2 ?? endpoint);
  s.setLocation2(location, src, endpoint2 && endpoint2 !== endpoint ? endpoint : null);
}

function PickFolderB({ label }: { label: string }) {
  return (
    <label className="button">
      {label}
      <input
        type="file"
        hidden
        aria-label="Pick folder for B"
        // why: webkitdirectory is the one folder picker that works in every browser
        {...{ webkitdirectory: '', directory: '' }}
        multiple
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length) pickB(files);
        }}
      />
    </label>
  );
}

/** "Compare with…": opens a second vindex B from any source kind, shows what it is, and closes it. */
export function CompareBar() {
  const src = useApp((s) => s.src);
  const src2 = useApp((s) => s.src2);
  const location2 = useApp((s) => s.location2);
  const b = useVindexB();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');

  // B failing to open is B's problem: an alert naming it, and A stays as it is.
  useEffect(() => {
    if (b.error && !isAbort(b.error)) useActivity.getState().alert(`Vindex B (${location2?.label ?? src2}): ${errorText(b.error)}`);
  }, [b.error, src2, location2]);

  const active = src2 !== null || location2 !== null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    if (!v) {
      useActivity.getState().alert('Vindex B: enter a Hugging Face repo (hf:owner/name), a folder URL, or pick a folder.');
      return;
    }
    setEditing(false);
    openB(v);
  };

  if (!active && !editing) {
    return (
      <div className="comparebar">
        <button type="button" onClick={() => setEditing(true)}>
          Compare with…
        </button>
      </div>
    );
  }
  if (editing || !active) {
    return (
      <form className="comparebar" onSubmit={submit} aria-label="Compare with a second vindex">
        <input type="text" aria-label="Second vindex source" placeholder="B: hf:owner/name, https://host/folder/, or the same source as A" value={text}
          onChange={(e) => setText(e.target.value)} spellCheck={false} autoFocus />
        <button type="submit">Open B</button>
        {src && !isLocalSrc(src) && (
          <button type="button" onClick={() => { setEditing(false); openB(src); }}>
            Same as A
          </button>
        )}
        <PickFolderB label="Pick folder for B" />
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </form>
    );
  }
  const needsDrop = isLocalSrc(src2) && !location2;
  return (
    <div className="comparebar" role="group" aria-label="Second vindex">
      <span>
        Comparing with <strong>B</strong>: <span className="current-source">{b.data?.location.label ?? location2?.label ?? src2}</span>
      </span>
      {b.data && <span className="muted">{shapeText(b.data.description)}</span>}
      {b.isFetching && !b.data && <span className="muted">opening…</span>}
      {b.error && !isAbort(b.error) && <span className="problems">B could not be opened (see the alert above)</span>}
      {needsDrop && (
        <span className="notice" role="status">
          B is a local folder ({src2?.slice('local:'.length)}): pick it again to compare. <PickFolderB label="Pick folder for B" />
        </span>
      )}
      <button type="button" onClick={() => { setText(src2 && !isLocalSrc(src2) ? src2 : ''); setEditing(true); }}>
        Change B…
      </button>
      <button type="button" onClick={swap} disabled={!b.data} title="Explore B on its own views, with A as the second vindex">
        Swap A ↔ B
      </button>
      <button type="button" onClick={() => {
        const s = useApp.getState();
        s.setLocation2(null, null, null);
        if (s.view === 'compare') s.setView('overview');
      }}>
        Stop comparing
      </button>
    </div>
  );
}
