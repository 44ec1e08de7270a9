import { ioError, type FileEntry, type VindexLocation } from './ByteSource';

/** The parts of the File and Directory Entries API we use (typed structurally, so tests can fake them). */
interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
}
interface FileEntryLike extends EntryLike {
  file(ok: (f: File) => void, fail: (e: unknown) => void): void;
}
interface DirEntryLike extends EntryLike {
  createReader(): { readEntries(ok: (es: EntryLike[]) => void, fail: (e: unknown) => void): void };
}
/** The subset of DataTransfer that filesFromDataTransfer reads. */
export interface DataTransferLike {
  items?: ArrayLike<{ kind: string; webkitGetAsEntry(): EntryLike | null; getAsFile(): File | null }>;
  files?: ArrayLike<File>;
}

const entryFile = (e: FileEntryLike) => new Promise<File>((ok, fail) => e.file(ok, fail));

/** Every entry of a directory: readEntries() is called until it returns nothing. */
async function readAllEntries(dir: DirEntryLike): Promise<EntryLike[]> {
  const reader = dir.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    // Why the loop: Chromium returns at most 100 entries per readEntries() call; an empty batch means done.
    const batch = await new Promise<EntryLike[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Gives a File the folder path a dropped entry had (File objects from entries carry an empty webkitRelativePath). */
function withFolder(f: File, folder: string): File {
  try {
    Object.defineProperty(f, 'webkitRelativePath', { value: `${folder}/${f.name}`, configurable: true });
  } catch {
    /* a frozen File keeps its own path; only the label suffers */
  }
  return f;
}

/** How deep sub-folders of a vindex are read: layers/, bitnet/, segments/, query/ are one level down. */
export const MAX_FOLDER_DEPTH = 3;

/** Hidden folders (.cache, .git) hold tool state, never vindex files. */
const hidden = (name: string) => name.startsWith('.');

/** Every file under a directory entry, down to MAX_FOLDER_DEPTH, with the folder path it was found in. */
async function readTree(dir: DirEntryLike, path: string, depth: number): Promise<File[]> {
  const children = await readAllEntries(dir);
  const files = await Promise.all(children.filter((c) => c.isFile).map((c) => entryFile(c as FileEntryLike).then((f) => withFolder(f, path))));
  if (depth >= MAX_FOLDER_DEPTH) return files;
  const subs = children.filter((c) => c.isDirectory && !hidden(c.name)) as DirEntryLike[];
  const nested = await Promise.all(subs.map((d) => readTree(d, `${path}/${d.name}`, depth + 1)));
  return files.concat(...nested);
}

/**
 * The files of a drop: one dropped folder is read with its sub-folders (newer vindexes have layers/,
 * bitnet/; VINDEX3 has segments/ and query/); dropped files are taken as they are.
 * Call it synchronously from the drop handler: DataTransfer items are emptied once the event returns,
 * so every webkitGetAsEntry() happens before the first await.
 */
export async function filesFromDataTransfer(dt: DataTransfer | DataTransferLike): Promise<File[]> {
  const items = Array.from((dt as DataTransferLike).items ?? []).filter((it) => it.kind === 'file');
  const entries = items.map((it) => it.webkitGetAsEntry()).filter((e): e is EntryLike => e !== null);
  if (entries.length === 0) return Array.from((dt as DataTransferLike).files ?? []); // no Entries API: plain files
  const dirs = entries.filter((e) => e.isDirectory) as DirEntryLike[];
  if (dirs.length === 1 && entries.length === 1) return readTree(dirs[0], dirs[0].name, 1);
  return Promise.all(entries.filter((e) => e.isFile).map((e) => entryFile(e as FileEntryLike)));
}

/** The folder part of a File's webkitRelativePath ("" for a file picked on its own). */
function folderOf(f: File): string {
  const p = (f as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
  const i = p.lastIndexOf('/');
  return i > 0 ? p.slice(0, i) : '';
}

/** Files that mark a vindex folder: index.json, or a MoE summary's gate_vectors_index.json. */
const ROOTS = ['index.json', 'gate_vectors_index.json'];

let picks = 0;

/**
 * A VindexLocation for chosen or dropped files; every call is a new pick with a key of its own.
 * `<input webkitdirectory>` yields every nested file, so the shallowest folder holding index.json is taken,
 * with its sub-folders (names become paths like "layers/layer_00.weights"); files elsewhere and in hidden
 * folders are ignored.
 */
export function locationFromFiles(files: File[]): VindexLocation {
  const byFolder = new Map<string, File[]>();
  for (const f of files) {
    const d = folderOf(f);
    if (!byFolder.has(d)) byFolder.set(d, []);
    byFolder.get(d)!.push(f);
  }
  const depth = (d: string) => (d === '' ? 0 : d.split('/').length);
  const candidates = [...byFolder.keys()].filter((d) => byFolder.get(d)!.some((f) => ROOTS.includes(f.name)));
  if (candidates.length === 0) {
    const shown = files.slice(0, 5).map((f) => f.name).join(', ');
    const found = files.length === 0 ? 'found no files' : `found ${files.length} file${files.length === 1 ? '' : 's'}: ${shown}${files.length > 5 ? ', …' : ''}`;
    throw ioError('NotVindexError', `no index.json among the chosen files: this is not a vindex folder (expected index.json, gate_vectors.bin, embeddings.bin, …); ${found}`);
  }
  const minDepth = Math.min(...candidates.map(depth));
  const top = candidates.filter((d) => depth(d) === minDepth);
  if (top.length > 1) {
    throw ioError('NotVindexError', `several vindex folders were chosen (${top.map((d) => `${d || '.'}/`).join(', ')}); choose one`);
  }
  const folder = top[0];
  const seen = new Map<string, File>();
  for (const [d, list] of byFolder) {
    // The folder itself, and its sub-folders down to MAX_FOLDER_DEPTH below it (none hidden).
    const rel = d === folder ? '' : folder === '' ? d : d.startsWith(`${folder}/`) ? d.slice(folder.length + 1) : null;
    if (rel === null || (folder === '' && d !== '')) continue;
    const parts = rel === '' ? [] : rel.split('/');
    if (parts.length >= MAX_FOLDER_DEPTH || parts.some(hidden)) continue;
    for (const f of list) {
      const name = rel === '' ? f.name : `${rel}/${f.name}`;
      if (seen.has(name)) throw ioError('DuplicateFileError', `two chosen files are both named ${name}; choose one vindex folder`);
      seen.set(name, f);
    }
  }
  const index = seen.get('index.json') ?? seen.get('gate_vectors_index.json')!;
  const name = folder ? folder.slice(folder.lastIndexOf('/') + 1) : 'dropped files';
  const entries: FileEntry[] = [...seen].map(([n, f]) => ({ name: n, size: f.size, file: f }));
  const rank = (n: string) => (n === 'index.json' ? 0 : n === 'gate_vectors_index.json' ? 1 : 2);
  entries.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  // Why a pick number: a re-pick of the same folder (after a file changed on disk) must open a fresh
  // session with the new File objects; index.json's size and mtime alone would find the stale one.
  return { kind: 'local', key: `local:${name}:${index.size}:${index.lastModified}:${++picks}`, src: null, label: name, files: entries };
}
