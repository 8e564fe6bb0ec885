// Which funnels have a live dashboard open, as the processing side sees it, and how it
// says "new events were committed for these funnels". The listener below is on the
// hot path: with no stream open it returns at once.
import type { EventsListener } from "../context";

export interface LiveWatch {
  /** Funnels with at least one open stream. */
  funnels: ReadonlySet<string>;
  /** Called once the transaction that wrote events for these funnels has committed. */
  emit(funnelIds: string[]): void;
}

export function liveListener(watch: LiveWatch): EventsListener {
  let touched: Set<string> | null = null;
  return (events) => {
    if (watch.funnels.size === 0) return;
    for (const e of events) {
      if (!watch.funnels.has(e.funnelId)) continue;
      if (!touched) {
        touched = new Set();
        // Listeners run inside the processing transaction, which is synchronous: a task
        // queued now runs after it has committed (or rolled back, and then the batch is
        // processed again and emits again).
        setTimeout(() => {
          const ids = [...touched!];
          touched = null;
          watch.emit(ids);
        }, 0);
      }
      touched.add(e.funnelId);
    }
  };
}
