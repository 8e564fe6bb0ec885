// Starts and stops the checkpoint thread (checkpoint-entry.ts) for the databases a
// server with a processing thread writes.
import { threadEntryUrl } from "../thread-url";
import type { CheckpointIncoming, CheckpointMessage } from "./checkpoint-entry";

const INTERVAL_MS = 500;

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

  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.thread.addEventListener("message", (e: MessageEvent<CheckpointMessage>) => {
        if (e.data.type === "stopped") resolve();
      });
      this.post({ type: "stop" });
    }).then(() => this.thread.terminate());
    return this.stopped;
  }

  private post(m: CheckpointIncoming): void {
    this.thread.postMessage(m);
  }
}
