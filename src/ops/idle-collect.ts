// A thread's JavaScript heap, given back once the thread is quiet. A large report or
// a burst of events leaves the heap grown; the collector frees the garbage only when
// the heap is next under pressure, and until then the process holds it (measured: a
// reader thread kept 68 MiB for a 365-day overview that had long been answered, and a
// 133 MiB heap of dropped rows kept 300 MiB resident until a full collection gave it
// back at once). So each thread that may grow its heap calls `active()` when it works,
// and a timer collects fully once no work came for a whole period and the heap has
// grown since the last collection. A collection never runs in the middle of work.
//
// A thread that never goes quiet (processing a backlog, accepting a launch-day spike)
// has the opposite problem: the collector lets its heap grow to about twice what is
// live before it collects, and a run's garbage comes at tens of MB a second. With
// `busyCollectMs`, work also collects fully, at most that often. The collection is
// bun:jsc's `fullGC()`, synchronous, which keeps the compiled code: `Bun.gc(true)`
// also throws it away, and at every 500 ms the threads spent 16–18 % of a core
// compiling it again; the asynchronous `Bun.gc(false)` left the garbage that had
// outlived a young collection (a request waiting on its commit) for the heap's own
// full collections (docs/performance.md, "The burst's memory (stop 23)").
import { fullGC } from "bun:jsc";

/** The HTTP and processing threads' `busyCollectMs`: a burst's garbage taken as it comes. */
export const BUSY_COLLECT_MS = 250;

/**
 * The HTTP thread's `busyCollectGrowth`. A full collection stops its event loop for some
 * milliseconds: at every 250 ms under a steady 1,000 requests/s beside the dashboard, the
 * ack p99 went from 35–43 to 71–74 ms (bench-isolation). Waiting for the heap to grow
 * this much keeps collections rare there, and still one every 250 ms in a launch-day
 * burst. (Waiting for 4,000 requests instead let the heap reach 40 MiB in a burst.)
 */
export const HTTP_BUSY_COLLECT_GROWTH = 8 * 2 ** 20;

export interface IdleCollectorOptions {
  /** Quiet time before a collection. */
  idleMs?: number;
  /** Collect only when the heap grew at least this much since the last collection. */
  growthBytes?: number;
  /** The heap in use (the calling thread's own; Bun gives each thread its own heap). */
  heapUsed?: () => number;
  /** A full, synchronous collection. */
  collect?: () => void;
  /**
   * Gives back what the thread holds outside its heap (its SQLite connections' page caches),
   * once per quiet period that follows work, whether or not the heap grew.
   */
  release?: () => void;
  /** While work keeps coming: a full collection at most this often (ms; 0: never). */
  busyCollectMs?: number;
  /**
   * And only once the heap grew this much (bytes) since the last one (default 0: time
   * alone). The heap is read at most once per busyCollectMs.
   */
  busyCollectGrowth?: number;
  /** That collection (default: a full one that keeps the compiled code). */
  busyCollect?: () => void;
  /** The clock busyCollectMs is measured on (ms). */
  now?: () => number;
}

export class IdleCollector {
  /** Collections made (for tests and the log). */
  collections = 0;
  private work = 0;
  private seenWork = 0;
  private baseline: number;
  private timer: ReturnType<typeof setInterval>;
  private heapUsed: () => number;
  private collect: () => void;
  private growth: number;
  private release: (() => void) | null;
  /** The work count at the last release. */
  private released = 0;
  private busyMs: number;
  private busyGrowth: number;
  private busyCollect: () => void;
  private now: () => number;
  /** When the last busy collection ran, or work began after a quiet period: a busy collection needs busyCollectMs of work. */
  private busyCollectedAt = 0;
  /** The heap in use after the last busy collection. */
  private busyBaseline = 0;
  /** No work since the last quiet period: the next work starts the wait. */
  private rested = true;

  constructor(opts: IdleCollectorOptions = {}) {
    this.heapUsed = opts.heapUsed ?? (() => process.memoryUsage().heapUsed);
    this.collect = opts.collect ?? (() => Bun.gc(true));
    this.growth = opts.growthBytes ?? 4 * 2 ** 20;
    this.release = opts.release ?? null;
    this.busyMs = opts.busyCollectMs ?? 0;
    this.busyGrowth = opts.busyCollectGrowth ?? 0;
    this.busyCollect = opts.busyCollect ?? (() => fullGC());
    this.now = opts.now ?? (() => performance.now());
    this.baseline = this.heapUsed();
    this.timer = setInterval(() => this.tick(), opts.idleMs ?? 1000);
    // Never the reason a thread or the process stays alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** The thread did some work: no collection until a whole quiet period has passed. */
  active(): void {
    this.work++;
    if (this.busyMs <= 0) return;
    const now = this.now();
    if (this.rested) {
      this.rested = false;
      this.busyCollectedAt = now;
    }
    if (now - this.busyCollectedAt < this.busyMs) return;
    this.busyCollectedAt = now;
    if (this.busyGrowth > 0 && this.heapUsed() - this.busyBaseline < this.busyGrowth) return;
    this.busyCollect();
    if (this.busyGrowth > 0) this.busyBaseline = this.heapUsed();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One check: collects when the period was quiet and the heap grew. */
  tick(): void {
    const quiet = this.work === this.seenWork;
    this.seenWork = this.work;
    if (quiet) this.rested = true;
    if (quiet && this.release && this.released !== this.work) {
      this.released = this.work;
      try {
        this.release();
      } catch {
        // advisory: a connection closed while stopping has nothing left to give back
      }
    }
    if (!quiet || this.heapUsed() < this.baseline + this.growth) return;
    this.collect();
    this.collections++;
    this.baseline = this.heapUsed();
  }
}
