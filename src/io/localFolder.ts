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

/**
 * The files of a drop: one dropped folder is opened one level deep; dropped files are taken as they are.
 * Call it synchronously from the drop handler: DataTransfer items are emptied once the event returns,
 * so every webkitGetAsEntry() happens before the first await.
 */
export async function filesFromDataTransfer(dt: DataTransfer | DataTransferLike): Promise<File[]> {
  const items = Array.from((dt as DataTransferLike).items ?? []).filter((it) => it.kind === 'file');
  const entries = items.map((it) => it.webkitGetAsEntry()).filter((e): e is EntryLike => e !== null);
  if (entries.length === 0) return Array.from((dt as DataTransferLike).files ?? []); // no Entries API: plain files
  const dirs = entries.filter((e) => e.isDirectory) as DirEntryLike[];
  if (dirs.length === 1 && entries.length === 1) {
    const children = await readAllEntries(dirs[0]);
    // Nothing of a vindex lives in sub-folders, so sub-directories are not descended into.
    const files = await Promise.all(children.filter((c) => c.isFile).map((c) => entryFile(c as FileEntryLike)));
    return files.map((f) => withFolder(f, dirs[0].name));
  }
  return Promise.all(entries.filter((e) => e.isFile).map((e) => entryFile(e as FileEntryLike)));
}

/** The folder part of a File's webkitRelativePath ("" for a file picked on its own). */
function folderOf(f: File): string {
  const p = (f as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
  const i = p.lastIndexOf('/');
  return i > 0 ? p.slice(0, i) : '';
}

/**
 * A VindexLocation for chosen or dropped files. `<input webkitdirectory>` yields every nested file,
 * so the shallowest folder holding index.json is taken and files elsewhere are ignored.
 */
export function locationFromFiles(files: File[]): VindexLocation {
  const byFolder = new Map<string, File[]>();
  for (const f of files) {
    const d = folderOf(f);
    if (!byFolder.has(d)) byFolder.set(d, []);
    byFolder.get(d)!.push(f);
  }
  const depth = (d: string) => (d === '' ? 0 : d.split('/').length);
  const candidates = [...byFolder.keys()].filter((d) => byFolder.get(d)!.some((f) => f.name === 'index.json'));
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
  const chosen = byFolder.get(folder)!;
  const seen = new Map<string, File>();
  for (const f of chosen) {
    if (seen.has(f.name)) throw ioError('DuplicateFileError', `two chosen files are both named ${f.name}; choose one vindex folder`);
    seen.set(f.name, f);
  }
  const index = seen.get('index.json')!;
  const name = folder ? folder.slice(folder.lastIndexOf('/') + 1) : 'dropped files';
  const entries: FileEntry[] = chosen.map((f) => ({ name: f.name, size: f.size, file: f }));
  entries.sort((a, b) => (a.name === 'index.json' ? -1 : b.name === 'index.json' ? 1 : a.name.localeCompare(b.name)));
  return { kind: 'local', key: `local:${name}:${index.size}:${index.lastModified}`, src: null, label: name, files: entries };
}
