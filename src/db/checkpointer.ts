// Starts and stops the checkpoint thread (checkpoint-entry.ts) for the databases a
// server with a processing thread writes. Its period is a task ("checkpoint", every
// 500 ms) on a task runner of its own rather than the server's table: checkpoints go
// on while the server stops and processing drains, after the table's tasks ended.
// A failing checkpoint is logged once per distinct error, and once when it works again.
import { TaskRunner, type TaskState } from "../tasks/runner";
import { threadEntryUrl } from "../thread-url";
import type { CheckpointIncoming, CheckpointMessage } from "./checkpoint-entry";

const INTERVAL_MS = 500;
const STOP_LIMIT_MS = 5000;

export class Checkpointer {
  private thread: Worker;
  private tasks: TaskRunner;
  /** Settles the pass the thread is doing; at most one, the runner never overlaps a task. */
  private pass: { resolve(): void; reject(e: Error): void } | null = null;
  private stopped: Promise<void> | null = null;

  constructor(paths: string[], log: (line: string) => void) {
    this.thread = new Worker(threadEntryUrl("db/checkpoint-entry.ts"), { smol: true });
    this.thread.addEventListener("message", (e: MessageEvent<CheckpointMessage>) => {
      if (e.data.type !== "checkpointed") return;
      const { errors } = e.data;
      const pass = this.pass;
      this.pass = null;
      if (errors.length) pass?.reject(new Error(`${errors.join("; ")} (retrying until it works)`));
      else pass?.resolve();
    });
    this.thread.addEventListener("close", () => {
      this.pass?.reject(new Error("the checkpoint thread ended"));
      this.pass = null;
    });
    this.post({ type: "start", paths });
    this.tasks = new TaskRunner([{ name: "checkpoint", everyMs: INTERVAL_MS, run: () => this.checkpoint() }], { log }).start();
  }

  /** The checkpoint task's last run and error, for /healthz and /metrics. */
  status(): TaskState[] {
    return this.tasks.status();
  }

  /** Resolves once the thread closed its databases, or after STOP_LIMIT_MS whatever it does. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_LIMIT_MS)));
      await Promise.race([this.tasks.stop(), limit]);
      await Promise.race([this.closed(), limit]);
      clearTimeout(timer);
      this.thread.terminate();
    })();
    return this.stopped;
  }

  private checkpoint(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pass = { resolve, reject };
      this.post({ type: "checkpoint" });
    });
  }

  private closed(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.thread.addEventListener("message", (e: MessageEvent<CheckpointMessage>) => {
        if (e.data.type === "stopped") resolve();
      });
      this.thread.addEventListener("close", () => resolve());
      this.post({ type: "stop" });
    });
  }

  private post(m: CheckpointIncoming): void {
    this.thread.postMessage(m);
  }
}
