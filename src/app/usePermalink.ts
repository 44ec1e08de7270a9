import { useEffect } from 'react';
import { useApp, viewStateOf } from '../state/store';
import { decodePermalink, encodePermalink } from '../state/permalink';
import { useActivity } from '../state/activity';

/** Restores the view from the URL once, then mirrors every change into it with replaceState. */
export function usePermalink(openedSrc: string | null, openedSrc2: string | null = null): void {
  useEffect(() => {
    const { state, problems } = decodePermalink(window.location.search);
    useApp.getState().restore(state);
    for (const p of problems) useActivity.getState().alert(p);
  }, []);

  useEffect(() => {
    const write = () => {
      const s = useApp.getState();
      // The URL names what was actually opened: a Hub branch becomes its commit sha, a local folder its identity.
      const view = { ...viewStateOf(s), src: openedSrc ?? s.src, src2: s.src2 || s.location2 ? openedSrc2 ?? s.src2 : null };
      const search = encodePermalink(view);
      if (search !== window.location.search) {
        window.history.replaceState(null, '', `${window.location.pathname}${search}${window.location.hash}`);
      }
    };
    write();
    return useApp.subscribe(write);
  }, [openedSrc, openedSrc2]);
}
