// Everything that reacts to newly written events, inside the processing transaction.
// Both the inline worker and the processing thread install the same list.
import { saleAlertListener } from "../alerts/sale-listener";
import { automationListener } from "../automations/listener";
import type { AppContext } from "../context";
import { liveListener } from "../live/watch";

export function installEventListeners(ctx: AppContext): void {
  ctx.eventListeners.push(automationListener(ctx));
  ctx.eventListeners.push((events) => ctx.store.events.rollups.markDirty({ events }));
  ctx.eventListeners.push(saleAlertListener(ctx.store.sqlite, ctx.store.db, ctx.now));
  if (ctx.live) ctx.eventListeners.push(liveListener(ctx.live));
}
