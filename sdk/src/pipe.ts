// The queue between the part of the client that records events (client.ts, in the
// script tag's core) and the part that sends them with retries (sender.ts, in the
// capture chunk). Until a sender is attached events only wait here, stored for the next
// page when sending failed, and go by beacon when the page closes.
import type { TrackEvent } from "./types";

export interface Pipe {
  /** Unsent events, oldest first. */
  q: TrackEvent[];
  /** Sending failed (or an earlier page left events): keep the queue stored. */
  f: boolean;
  /** The events endpoint. */
  url: string;
  /** A batch as the request body. */
  body(events: TrackEvent[]): string;
  /** Stores the queue for the next page (removes it when empty). */
  save(): void;
  /** The core's debug log. */
  log(...args: unknown[]): void;
  /** Set by the sender: a new event was queued. */
  k?(): void;
  /** Set by the sender: sends now; resolves when that attempt is over. */
  s?(): Promise<void>;
}
