// A thread's JavaScript heap, given back once the thread is quiet. A large report or
// a burst of events leaves the heap grown; the collector frees the garbage only when
// the heap is next under pressure, and until then the process holds it (measured: a
// reader thread kept 68 MiB for a 365-day overview that had long been answered, and a
// 133 MiB heap of dropped rows kept 300 MiB resident until a full collection gave it
// back at once). So each thread that may grow its heap calls `active()` when it works,
// and a timer collects fully once no work came for a whole period and the heap has
// grown since the last collection. A collection never runs in the middle of work.
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

  constructor(opts: IdleCollectorOptions = {}) {
    this.heapUsed = opts.heapUsed ?? (() => process.memoryUsage().heapUsed);
    this.collect = opts.collect ?? (() => Bun.gc(true));
    this.growth = opts.growthBytes ?? 4 * 2 ** 20;
    this.release = opts.release ?? null;
    this.baseline = this.heapUsed();
    this.timer = setInterval(() => this.tick(), opts.idleMs ?? 1000);
    // Never the reason a thread or the process stays alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** The thread did some work: no collection until a whole quiet period has passed. */
  active(): void {
    this.work++;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One check: collects when the period was quiet and the heap grew. */
  tick(): void {
    const quiet = this.work === this.seenWork;
    this.seenWork = this.work;
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
