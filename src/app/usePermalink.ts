import { useEffect, useRef } from 'react';
import { useApp, viewStateOf } from '../state/store';
import { decodePermalink, encodePermalink, historyMode, type ViewState } from '../state/permalink';
import { useActivity } from '../state/activity';

let forceReplace = false;
/** True while Back/Forward restores an entry: the URL is already right, and nothing may be written. */
let fromHistory = false;

/** Makes the next URL write rewrite the current history entry (e.g. reverting a failed open). */
export function replaceNextUrlWrite(): void {
  forceReplace = true;
}

/** Rewrites of the current entry are throttled to one per this interval: wheel zooms fire dozens per second,
 * and browsers throttle (and warn about) pages that call replaceState hundreds of times in a few seconds. */
const REPLACE_DELAY_MS = 150;

/**
 * Restores the view from the URL, then mirrors every change into it: pushState for navigation
 * (view, feature, source, query) so Back and Forward walk the views, replaceState for adjustments.
 * Back/Forward (popstate) restore the entry's state.
 */
export function usePermalink(openedSrc: string | null, openedSrc2: string | null = null): void {
  const opened = useRef(openedSrc);
  opened.current = openedSrc;
  const opened2 = useRef(openedSrc2);
  opened2.current = openedSrc2;
  const prevIntent = useRef<ViewState | null>(null);

  useEffect(() => {
    const { state, problems } = decodePermalink(window.location.search);
    useApp.getState().restore(state);
    prevIntent.current = viewStateOf(useApp.getState());
    for (const p of problems) useActivity.getState().alert(p);
    const onPop = () => {
      const { state: next } = decodePermalink(window.location.search);
      const s = useApp.getState();
      // The URL names the opened vindex (a Hub branch as its sha, a folder by identity): the same vindex
      // must not be reopened under another name, so keep the store's own src for it.
      if (next.src === opened.current) next.src = s.src;
      if (next.src2 === opened2.current) next.src2 = s.src2;
      fromHistory = true;
      try {
        if (next.src !== s.src) s.setLocation(null, next.src);
        if (next.src2 !== s.src2) s.setLocation2(null, next.src2, next.endpoint2);
        s.restore(next);
      } finally {
        fromHistory = false;
      }
      prevIntent.current = viewStateOf(useApp.getState());
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let pending: string | null = null;
    let lastReplace = 0;
    const url = (search: string) => `${window.location.pathname}${search}${window.location.hash}`;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (pending !== null && pending !== window.location.search) {
        window.history.replaceState(null, '', url(pending));
        lastReplace = Date.now();
      }
      pending = null;
    };
    const write = () => {
      const s = useApp.getState();
      const intent = viewStateOf(s);
      if (fromHistory) {
        // a batched rewrite of the entry we left must not land on the entry we arrived at
        if (timer) clearTimeout(timer);
        timer = null;
        pending = null;
        prevIntent.current = intent;
        return;
      }
      // The URL names what was actually opened: a Hub branch becomes its commit sha, a local folder its identity.
      const search = encodePermalink({ ...intent, src: opened.current ?? s.src, src2: s.src2 || s.location2 ? opened2.current ?? s.src2 : null });
      const mode = forceReplace || !prevIntent.current ? 'replace' : historyMode(prevIntent.current, intent);
      forceReplace = false;
      prevIntent.current = intent;
      if (mode === 'push' && search !== (pending ?? window.location.search)) {
        flush();
        window.history.pushState(null, '', url(search));
        return;
      }
      pending = search;
      // a one-off change is written at once; a burst (wheel zoom) at most once per interval, the last one trailing
      const wait = lastReplace + REPLACE_DELAY_MS - Date.now();
      if (wait <= 0) flush();
      else if (!timer) timer = setTimeout(flush, wait);
    };
    write();
    const unsub = useApp.subscribe(write);
    // why: a reload or a copied link right after a wheel zoom must not lose the batched rewrite
    window.addEventListener('pagehide', flush);
    return () => {
      unsub();
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [openedSrc, openedSrc2]);
}
