// The line every dashboard page shows while the event store over the network does not
// answer: where it is (password masked), since when, and that nothing is lost.
import type { EventStoreHealth } from "../store/event-writer";

export function eventStoreNotice(h: EventStoreHealth | null | undefined, pendingBatches: number): string | null {
  if (!h || h.reachable) return null;
  const since = h.downSince === null ? "" : ` since ${new Date(h.downSince).toISOString().slice(0, 19).replace("T", " ")} UTC`;
  return `${h.kind === "clickhouse" ? "ClickHouse" : "The event store"} at ${h.shown} is not answering${since}: ${h.error ?? "no answer"}. ` +
    `Events are still accepted and kept in the queue (${pendingBatches} batch${pendingBatches === 1 ? "" : "es"} waiting); ` +
    "they are stored when it answers again. Reports do not show them until then.";
}
