// A long read that turns many rows into objects (the funnel report's journey rows, about
// 800k for a month and its previous period at 10M events) makes garbage faster than the
// collector's own trigger takes it: the heap grows to about twice what is live before it
// collects. Starting an asynchronous collection every so many rows keeps the peak near
// what is live (docs/performance.md, "The dashboard's memory").

/** Rows between two collections: about 1.5 MiB of row objects. */
export const ROWS_PER_COLLECTION = 16_384;

/** A step to call once per row; every `every` calls it starts a collection (`nudge`). */
export function gcPace(every = ROWS_PER_COLLECTION, nudge: () => void = () => Bun.gc(false)): () => void {
  let n = 0;
  return () => {
    if (++n < every) return;
    n = 0;
    nudge();
  };
}
