import { useEffect, useRef } from 'react';
import type { OpenedVindex } from '../engine/types';
import type { VindexLocation } from '../io/ByteSource';
import { useApp } from '../state/store';
import { useActivity, errorText, isAbort } from '../state/activity';
import { replaceNextUrlWrite } from './usePermalink';

/**
 * Alerts when a vindex fails to open and, if another one was open, switches back to it: a mistyped
 * source must not cost the user the vindex (and the view) they were working in.
 */
export function useKeepOpenVindex(opened: OpenedVindex | null, error: unknown): void {
  const last = useRef<{ src: string | null; location: VindexLocation | null; endpoint: string | null; label: string } | null>(null);
  useEffect(() => {
    if (!opened) return;
    const s = useApp.getState();
    last.current = { src: s.src, location: s.location, endpoint: s.endpoint, label: opened.location.label };
  }, [opened]);
  useEffect(() => {
    if (!error || isAbort(error)) return;
    const prev = last.current;
    const s = useApp.getState();
    const same = prev && prev.src === s.src && prev.location === s.location && prev.endpoint === s.endpoint;
    if (!prev || same) {
      useActivity.getState().alert(errorText(error));
      return;
    }
    useActivity.getState().alert(`${errorText(error)} (still showing ${prev.label})`);
    replaceNextUrlWrite();
    s.setEndpoint(prev.endpoint);
    s.setLocation(prev.location, prev.src);
  }, [error]);
}
