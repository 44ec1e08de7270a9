/** A fault injected into answers for one file name, one path, or every request ('*'). */
export type VindexFault =
  | 'ignore-range' // 200 with the whole body, whatever the Range header says
  | '416' // every range request answered 416 (Content-Range: bytes */size)
  | 'etag-change' // the ETag differs on every answer after the first
  | '404'
  | '500' // every answer 500 (a persistent server error)
  | '503' // every answer 503
  | '403-once' // one 403 (like an expired signed CDN URL), then normal answers
  | '429-once' // one 429, then normal answers
  | '500-once' // one 500, then normal answers
  | '503' // every answer 503 (until the fault is cleared)
  | '503-once' // one 503, then normal answers
  | 'html-200' // 200 with an HTML sign-in page instead of the file (a captive portal)
  | 'hide-content-range' // 206 without Content-Range and without Access-Control-Expose-Headers
  | 'short-body' // declares Content-Length N, sends about N/2 bytes, drops the connection
  | { type: 'delay'; ms: number }
  | { type: 'throttle'; bytesPerSec: number } // a slow link: file bodies sent at this rate
  | { type: Exclude<VindexFault, object> };

/** One request as the server saw it (pushed on arrival, completed as the answer is written). */
export interface VindexRequest {
  listener: 'main' | 'cdn';
  method: string;
  /** Path without the query. */
  path: string;
  /** Path with the query. */
  url: string;
  /** The Range header, or null. */
  range: string | null;
  status: number;
  /** Body bytes actually written. */
  bytes: number;
  /** The client went away before the answer was complete. */
  aborted?: boolean;
}

/** A Hub repository served by the fake Hub. */
export interface HubRepoSpec {
  /** Folder whose files (and, with ?recursive=true, sub-folders) are the repo's files. */
  dir: string;
  /** Commit sha that `main` resolves to. */
  sha: string;
  /** Further branch/tag names → sha. */
  revisions?: Record<string, string>;
  /** Rewrites each file item of the tree listing (to serve a malformed listing, e.g. sizes as strings). */
  mangle?: (item: { type: 'file'; oid: string; size: number; path: string; lfs?: { oid: string; size: number; pointerSize: number } }) => unknown;
}

export interface VindexServerOptions {
  /** Folder served statically at `/`. */
  root?: string;
  /** "model:owner/name" or "dataset:owner/name" → repo. */
  hubRepos?: Record<string, HubRepoSpec>;
  /** File name, path or '*' → fault(s). */
  faults?: Record<string, VindexFault | VindexFault[]>;
  /** Print every request. */
  log?: boolean;
  /** Entries per page of the tree API (Link: rel="next" beyond). Default 1000. */
  treePageSize?: number;
}

export interface VindexServer {
  /** Static root URL, with trailing slash. Also the Hub endpoint (use `origin`). */
  url: string;
  /** http://127.0.0.1:<port> of the main listener (static files and the fake Hub). */
  origin: string;
  /** Origin of the fake CDN that /resolve/ redirects large files to. */
  cdnOrigin: string;
  /** Every request, in arrival order (clear with `requests.length = 0`). */
  requests: VindexRequest[];
  /** Replaces all faults (map) or sets/clears one (name, fault | null); resets '-once' and ETag state. */
  setFault(map: Record<string, VindexFault | VindexFault[]>): void;
  setFault(name: string, fault: VindexFault | VindexFault[] | null): void;
  close(): Promise<void[]>;
}

/** Starts the test server on 127.0.0.1 (random ports). */
export function startVindexServer(opts?: VindexServerOptions): Promise<VindexServer>;
