import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { useApp } from '../../state/store';
import { useActivity, errorText } from '../../state/activity';
import { locationFromFiles } from '../../io/localFolder';

/** Opens dropped or picked local files as a vindex (shared by the pickers and the page-wide drop). */
export function openLocalFiles(files: File[]): void {
  try {
    const location = locationFromFiles(files);
    useActivity.getState().clearAlerts();
    // Keep a local permalink's identity, so the app can say when the dropped folder is another vindex.
    const prev = useApp.getState().src;
    useApp.getState().setLocation(location, prev?.startsWith('local:') ? prev : null);
  } catch (e) {
    useActivity.getState().alert(errorText(e));
  }
}

/** The source box: paste a repo or URL, open the demo, or pick a folder or files. */
export function OpenBar() {
  const src = useApp((s) => s.src);
  const location = useApp((s) => s.location);
  const [text, setText] = useState(src && !src.startsWith('local:') && src !== 'demo' ? src : '');

  const open = (value: string) => {
    const v = value.trim();
    if (!v) {
      useActivity.getState().alert('Vindex source: enter a Hugging Face repo (hf:owner/name), a folder URL, or pick a folder.');
      return;
    }
    useActivity.getState().clearAlerts();
    useApp.getState().setLocation(null, v);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    open(text);
  };
  const current = location ? location.label : src;
  const folderInput = useRef<HTMLInputElement | null>(null);
  const filesInput = useRef<HTMLInputElement | null>(null);
  const onPicked = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    if (files.length) openLocalFiles(files);
  };

  return (
    <form className="openbar" onSubmit={onSubmit} aria-label="Open a vindex">
      <input
        type="text"
        aria-label="Vindex source"
        placeholder="hf:owner/name, owner/name, https://huggingface.co/…, or https://host/folder/"
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
      />
      <button type="submit">Open</button>
      <button type="button" onClick={() => open('demo')}>
        Open demo
      </button>
      {/* why: a <label> around a hidden file input is not a tab stop; real buttons that click the input are */}
      <button type="button" onClick={() => folderInput.current?.click()}>
        Pick folder
      </button>
      <input
        ref={folderInput}
        type="file"
        hidden
        aria-label="Pick folder"
        // why: webkitdirectory is the one folder picker that works in every browser
        {...{ webkitdirectory: '', directory: '' }}
        multiple
        onChange={onPicked}
      />
      <button type="button" onClick={() => filesInput.current?.click()}>
        Pick files
      </button>
      <input ref={filesInput} type="file" hidden multiple aria-label="Pick files" onChange={onPicked} />
      {current && <span className="current-source" title={current}>{current}</span>}
    </form>
  );
}
