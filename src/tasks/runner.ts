// One runner for the server's periodic tasks (the table is ./table.ts). Each task runs
// on its own schedule, never twice at once; a failure is logged with the task's name
// (once while it repeats the same error, and once when the task works again, so a task
// failing every minute does not flood the log) and kept for /healthz and /metrics; stop() cancels what is planned, asks running
// tasks to finish (their signal aborts) and waits for them. The clock and the timers
// are injected, so tests move time instead of waiting for it.

export interface TaskContext {
  /** Aborted when the runner stops: a long task checks it between steps. */
  signal: AbortSignal;
  now(): number;
  log(line: string): void;
}

export interface Task {
  name: string;
  /** A fixed period: the next run is due this long after the previous one finished. */
  everyMs?: number;
  /** With everyMs: the first run is due at start rather than one period later. */
  atStart?: boolean;
  /** Instead of everyMs: when the next run is due (ms since the epoch), given the task's state (runs = 0 before the first). */
  next?(now: number, state: TaskState): number;
  run(ctx: TaskContext): unknown;
}

export interface TaskState {
  name: string;
  runs: number;
  failures: number;
  running: boolean;
  lastStartedAt: number | null;
  lastFinishedAt: number | null;
  /** Whether the last finished run failed. */
  lastFailed: boolean;
  lastError: string | null;
  lastErrorAt: number | null;
  /** When the next run is due; null while it runs or once stopped. */
  nextAt: number | null;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** setTimeout, unref'd: a planned task never keeps the process alive on its own. */
export const realTimers: Timers = {
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** setTimeout takes at most a 32-bit delay; longer waits are re-planned when it fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

interface Entry {
  task: Task;
  state: TaskState;
  timer: unknown;
  current: Promise<void> | null;
}

export interface TaskRunnerOptions {
  now?: () => number;
  log?: (line: string) => void;
  timers?: Timers;
}

export class TaskRunner {
  private entries = new Map<string, Entry>();
  private abort = new AbortController();
  private started = false;
  private stopped = false;
  private now: () => number;
  private log: (line: string) => void;
  private timers: Timers;

  constructor(tasks: Task[] = [], opts: TaskRunnerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.timers = opts.timers ?? realTimers;
    for (const task of tasks) this.add(task);
  }

  /** Adds a task; once started, it is planned right away. */
  add(task: Task): this {
    if (this.entries.has(task.name)) throw new Error(`a task named "${task.name}" is already in the table`);
    if (!task.next && !(task.everyMs && task.everyMs > 0)) throw new Error(`task "${task.name}" needs everyMs or next()`);
    const state: TaskState = {
      name: task.name, runs: 0, failures: 0, running: false, lastStartedAt: null, lastFinishedAt: null,
      lastFailed: false, lastError: null, lastErrorAt: null, nextAt: null,
    };
    const entry: Entry = { task, state, timer: null, current: null };
    this.entries.set(task.name, entry);
    if (this.started && !this.stopped) this.plan(entry);
    return this;
  }

  start(): this {
    if (this.started) return this;
    this.started = true;
    for (const entry of this.entries.values()) this.plan(entry);
    return this;
  }

  /** Runs the task now, or waits for the run in progress; either way it is planned again after. */
  runNow(name: string): Promise<void> {
    const entry = this.entry(name);
    return entry.current ?? this.run(entry);
  }

  /** Plans the task again from its next() (its due time changed outside the runner). */
  reschedule(name: string): void {
    const entry = this.entry(name);
    if (this.started && !entry.current) this.plan(entry);
  }

  status(): TaskState[] {
    return [...this.entries.values()].map((e) => ({ ...e.state }));
  }

  /** Plans nothing more, aborts the signal of running tasks and waits for them to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    const running: Promise<void>[] = [];
    for (const entry of this.entries.values()) {
      if (entry.timer !== null) this.timers.clear(entry.timer);
      entry.timer = null;
      entry.state.nextAt = null;
      if (entry.current) running.push(entry.current);
    }
    await Promise.all(running);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no task named "${name}"`);
    return entry;
  }

  private dueAt(entry: Entry): number {
    const { task, state } = entry;
    const now = this.now();
    if (task.next) return task.next(now, { ...state });
    if (state.runs === 0 && task.atStart) return now;
    return now + task.everyMs!;
  }

  private plan(entry: Entry): void {
    if (this.stopped || !this.started) return;
    if (entry.timer !== null) this.timers.clear(entry.timer);
    let due: number;
    try {
      due = this.dueAt(entry);
    } catch (e) {
      // A schedule that cannot say when is a bug; the task is not lost, it is tried in a minute.
      this.log(`${entry.task.name}: could not plan the next run: ${(e as Error).message}`);
      due = this.now() + 60_000;
    }
    entry.state.nextAt = due;
    this.arm(entry, due);
  }

  private arm(entry: Entry, due: number): void {
    const delay = Math.min(Math.max(0, due - this.now()), MAX_DELAY_MS);
    entry.timer = this.timers.set(() => {
      entry.timer = null;
      if (this.stopped || entry.current) return;
      if (this.now() < due && delay === MAX_DELAY_MS) return this.arm(entry, due);
      void this.run(entry);
    }, delay);
  }

  private run(entry: Entry): Promise<void> {
    const { task, state } = entry;
    if (entry.timer !== null) this.timers.clear(entry.timer);
    entry.timer = null;
    state.nextAt = null;
    state.running = true;
    state.lastStartedAt = this.now();
    const ctx: TaskContext = { signal: this.abort.signal, now: this.now, log: this.log };
    let result: unknown;
    try {
      result = task.run(ctx);
    } catch (e) {
      result = Promise.reject(e);
    }
    // Settled on a later tick even when the task is synchronous, so `current` is set first.
    entry.current = Promise.resolve(result).then(
      () => this.finished(entry, false),
      (e: unknown) => this.finished(entry, true, e),
    );
    return entry.current;
  }

  private finished(entry: Entry, failed: boolean, error?: unknown): void {
    const { task, state } = entry;
    state.runs++;
    state.running = false;
    state.lastFinishedAt = this.now();
    const failedBefore = state.lastFailed;
    const errorBefore = state.lastError;
    state.lastFailed = failed;
    if (failed) {
      state.failures++;
      state.lastError = (error as Error)?.message ?? String(error);
      state.lastErrorAt = state.lastFinishedAt;
      const repeat = failedBefore && state.lastError === errorBefore;
      if (!this.abort.signal.aborted && !repeat) this.log(`${task.name}: failed: ${state.lastError}`);
    } else if (failedBefore) {
      this.log(`${task.name}: works again`);
    }
    entry.current = null;
    this.plan(entry);
  }
}
