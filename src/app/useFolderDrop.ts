import { useEffect, useState } from 'react';
import { filesFromDataTransfer } from '../io/localFolder';
import { openLocalFiles } from '../views/open/OpenBar';
import { useActivity, errorText } from '../state/activity';

/** Makes the whole page a drop target for a vindex folder or files; returns whether a drag is over it. */
export function useFolderDrop(): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const dragover = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // why: without this the browser navigates to the dropped file
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      filesFromDataTransfer(e.dataTransfer).then(
        (files) => openLocalFiles(files),
        (err) => useActivity.getState().alert(errorText(err)),
      );
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', dragover);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', dragover);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return over;
}
