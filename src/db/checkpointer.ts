// Starts and stops the checkpoint thread (checkpoint-entry.ts) for the databases a
// server with a processing thread writes.
import { threadEntryUrl } from "../thread-url";
import type { CheckpointIncoming, CheckpointMessage } from "./checkpoint-entry";

const INTERVAL_MS = 500;
const STOP_LIMIT_MS = 5000;

export class Checkpointer {
  private thread: Worker;
  private stopped: Promise<void> | null = null;

  constructor(paths: string[], log: (line: string) => void) {
    this.thread = new Worker(threadEntryUrl("db/checkpoint-entry.ts"));
    this.thread.addEventListener("message", (e: MessageEvent<CheckpointMessage>) => {
      if (e.data.type === "log") log(e.data.line);
    });
    this.post({ type: "start", paths, intervalMs: INTERVAL_MS });
  }

  /** Resolves once the thread closed its databases, or after STOP_LIMIT_MS whatever it does. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, STOP_LIMIT_MS);
      this.thread.addEventListener("message", (e: MessageEvent<CheckpointMessage>) => {
        if (e.data.type !== "stopped") return;
        clearTimeout(timer);
        resolve();
      });
      this.thread.addEventListener("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.post({ type: "stop" });
    }).then(() => this.thread.terminate());
    return this.stopped;
  }

  private post(m: CheckpointIncoming): void {
    this.thread.postMessage(m);
  }
}
