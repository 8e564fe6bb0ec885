// The SDK as an ES module for bundlers: `createAurea({ funnelId, key, apiUrl })`.
// Safe to import during server-side rendering: without a window it does nothing.
// Unlike the script tag, it starts the sender and the captures at once (no chunk to load).
import { autocapture } from "./autocapture";
import { createCore, type CoreOptions } from "./core";
import { startSender } from "./sender";
import type { Aurea, AureaOptions, CaptureOptions } from "./types";
import { CAPTURES } from "./util";

export type * from "./types";

export function createAurea(options: AureaOptions): Aurea {
  const capture = {} as CaptureOptions;
  for (const c of CAPTURES) capture[c] = options?.capture?.[c] ?? true;
  // Without a window, no key: the core answers with its do-nothing API and touches nothing else.
  const o: CoreOptions = typeof window == "undefined" ? ({ capture } as CoreOptions) : { ...options, capture };
  return createCore(o, (aurea, o, pipe) => (startSender(pipe, o.batchSize || 10, o.flushInterval ?? 2000), autocapture(aurea, o.capture)));
}
