// How soon a thread's JavaScript is compiled by the optimizing tiers. The dashboard's
// code (a page's reads on the reader thread, its rendering on the HTTP thread) runs a few
// times per page: compiled at the normal thresholds, its optimized code and what the
// compilers allocated stayed in the process after the pages, and a launch-day burst then
// began on top of them. Eight times the thresholds leaves that code in the lower tiers,
// while the paths that run thousands of times a second (accepting events, a report's
// loop over its rows) still reach the optimizing tiers, later: a burst's accept rate and
// the pages' CPU stayed as they were. The processing thread keeps the normal thresholds:
// all of its code is hot, and the backlog's drain rate rests on it (docs/performance.md,
// "The burst's memory (stop 25)").
export const DASHBOARD_JIT_SCALE = 8;

/** Applies to the calling thread's VM only (Bun gives each thread its own); a runtime without it runs as before. */
export function reluctantJit(scale = DASHBOARD_JIT_SCALE): void {
  Bun.unsafe.setJITPolicy?.(scale);
}
