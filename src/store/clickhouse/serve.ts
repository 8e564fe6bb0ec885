// `aurea serve --events clickhouse://…` on the HTTP thread: the link retention and the
// readers use, the event store they make up, and what /healthz shows until the
// processing thread reports (it owns the writes and the migrations).
import type { AppContext } from "../../context";
import type { ClickHouseTarget } from "./connection";
import { clickhouseEventStore, type ClickHouseReaders } from "./event-store";
import { ClickHouseLink } from "./link";
import { clickhouseReaders } from "./readers";

export class ClickHouseNeedsThread extends Error {}

export function attachClickHouse(ctx: AppContext, target: ClickHouseTarget, readers?: ClickHouseReaders): ClickHouseLink {
  if (!ctx.config.processingThread) throw new ClickHouseNeedsThread("the ClickHouse event store is written by the processing thread: start with processingThread on");
  const link = new ClickHouseLink(target, () => ctx.now());
  ctx.store.events = clickhouseEventStore(link, ctx.store.sqlite, readers ?? clickhouseReaders(link.client, ctx.store.sqlite), ctx.log);
  ctx.ops.processing.eventStore = { ...link.health };
  ctx.log(`events: stored in ClickHouse at ${target.shown}`);
  return link;
}
