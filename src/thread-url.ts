// Where a Worker's entry module is. From source, relative to this file (src/). In the
// compiled executable every module is bundled into the root entry, and
// scripts/build.ts adds each thread's entry as another entrypoint, kept at its path
// relative to src/, which resolves against the root entry's URL the same way.
export function threadEntryUrl(pathFromSrc: string): string {
  return new URL(`./${pathFromSrc}`, import.meta.url).href;
}
