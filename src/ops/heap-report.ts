// For profiling memory (scripts/bench-memory.ts): with AUREA_HEAP_REPORT=DIR, each
// thread writes its own JavaScript heap (Bun gives every thread its own) to
// DIR/<thread>.json every 200 ms, with the peaks since it started. /proc shows only the
// process as a whole; this tells the HTTP, reader and processing threads apart.
// Off (nothing runs) without the variable.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface HeapReport {
  /** Bytes of the thread's heap in use (live and not yet collected), and reserved. */
  used: number;
  total: number;
  /** Outside the heap but owned by it: ArrayBuffers, Buffers. */
  external: number;
  peakUsed: number;
  peakTotal: number;
  peakExternal: number;
}

export function reportHeap(thread: string, dir = process.env.AUREA_HEAP_REPORT): void {
  if (!dir) return;
  const r: HeapReport = { used: 0, total: 0, external: 0, peakUsed: 0, peakTotal: 0, peakExternal: 0 };
  const take = () => {
    const m = process.memoryUsage();
    r.used = m.heapUsed;
    r.total = m.heapTotal;
    r.external = m.external;
    r.peakUsed = Math.max(r.peakUsed, r.used);
    r.peakTotal = Math.max(r.peakTotal, r.total);
    r.peakExternal = Math.max(r.peakExternal, r.external);
    try {
      writeFileSync(join(dir, `${thread}.json`), JSON.stringify(r));
    } catch {
      // a profiling aid: never a reason to fail
    }
  };
  take();
  const timer = setInterval(take, 200);
  (timer as { unref?: () => void }).unref?.();
}
