// The SDK as an ES module for bundlers: `createAurea({ funnelId, key, apiUrl })`.
// Safe to import during server-side rendering: without a window it does nothing.
// Unlike the script tag, it starts the sender and the captures at once (no chunk to load).
import { autocapture } from "./autocapture";
import { createCore } from "./core";
import { startSender } from "./sender";
import type { Aurea, AureaOptions } from "./types";

export type * from "./types";

export function createAurea(options: AureaOptions): Aurea {
  // Without a window, no options: the core answers with its do-nothing API and touches nothing else.
  return createCore(typeof window == "undefined" ? ({} as AureaOptions) : options, (aurea, capture, o, pipe) => (startSender(pipe, o.batchSize || 10, o.flushInterval ?? 2000), autocapture(aurea, capture)));
}
