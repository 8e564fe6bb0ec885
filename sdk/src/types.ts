// Public types of the SDK. The wire types come from the server's own schema module,
// imported as types only so nothing of zod reaches the browser bundle.
import type { TrackBatch, TrackEvent, TrackResponse } from "../../src/ingest/payload";

export type { TrackBatch, TrackEvent, TrackResponse };

export type PropValue = string | number | boolean | null | undefined;
export type Props = Record<string, PropValue>;

export interface ConversionOptions {
  /** Amount in major units (49.99), converted to minor units by the server. */
  revenue?: number;
  /** ISO 4217 code; defaults to USD when revenue is given. */
  currency?: string;
  /** Sent as props.order_id. */
  orderId?: string;
  [prop: string]: PropValue;
}

/** Which automatic captures are on; all are on unless turned off. */
export interface CaptureOptions {
  pageviews: boolean;
  spa: boolean;
  forms: boolean;
  scroll: boolean;
  outbound: boolean;
  clicks: boolean;
  sections: boolean;
}

export interface AureaOptions {
  funnelId: string;
  /** The funnel's public key (pk_…). */
  key: string;
  /** Aurea's origin, e.g. https://aurea.example.com. */
  apiUrl: string;
  capture?: Partial<CaptureOptions>;
  /** Logs to the console with the prefix [Aurea SDK]. */
  debug?: boolean;
  /** Sends nothing when the browser signals Do Not Track or Global Privacy Control. */
  respectDnt?: boolean;
  /** Stores nothing in the browser; the server derives a daily visitor hash. */
  cookieless?: boolean;
  /** Events per request before an early flush (10). */
  batchSize?: number;
  /** Longest wait before queued events are sent, in ms (2000). */
  flushInterval?: number;
}

export interface Aurea {
  track(name: string, props?: Props): void;
  conversion(name: string, options?: ConversionOptions): void;
  /** A user id, or an email (anything with an @ is sent as traits.email). */
  identify(userIdOrEmail: string, traits?: Props): void;
  page(): void;
  /** Forgets the user and starts a new anonymous visitor (call on logout). */
  reset(): void;
  /** Sends queued events now; resolves when that attempt is over. */
  flush(): Promise<void>;
  /**
   * The checkout reference naming this visit, for a payment provider to send back
   * (Stripe client_reference_id or metadata.aurea, Paddle customData.aurea, …);
   * "" in cookieless mode, which has no stable visitor.
   */
  checkoutReference(): string;
  /**
   * The variant of split test `key` this visitor sees (recording its exposure once), or
   * null: unknown or stopped experiment, experiments not loaded yet (wait for the
   * document's "aurea:ready" event), or no consent (then the page shows its control).
   * A stopped experiment with a winner answers the winner for everyone.
   */
  variant(key: string): string | null;
}
