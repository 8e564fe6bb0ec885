// Where a Worker's entry module is. From source, relative to this file (src/). In the
// compiled executable scripts/build.ts adds each thread's entry as another entrypoint,
// kept at its path relative to src/; this module is in the root entry or in a shared
// chunk beside it (--splitting puts chunks at the root), so the path resolves the same way.
export function threadEntryUrl(pathFromSrc: string): string {
  return new URL(`./${pathFromSrc}`, import.meta.url).href;
}
