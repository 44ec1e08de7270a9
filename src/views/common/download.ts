/** Saves data as a file through a temporary object URL (the one download path of every export). */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // revoke later: some browsers start the download asynchronously after click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
