// Writing event-plane rows in tests by the previous layout's column names (funnel_id,
// type, name, anonymous_id, session_id, path, channel, …): the compact layout's keys and
// dictionary ids are filled in (src/store/sqlite/layout/). A session row is made for the
// visit unless it exists; pass session: false for an event with no visit.
import type { Database } from "bun:sqlite";
import { Dictionaries, encodePublicId, ensureFunnelKey, NO_VISIT } from "../../src/store/sqlite/layout";

type Value = string | number | null;

export interface WideEvent {
  funnel_id: string;
  id: string;
  type: string;
  name: string;
  ts: number;
  anonymous_id: string;
  session_id: string;
  [column: string]: Value | undefined;
}

export interface WideSession {
  funnel_id: string;
  id: string;
  anonymous_id: string;
  started_at: number;
  last_at: number;
  [column: string]: Value | undefined;
}

// One set of dictionary statements and caches per connection (rows in tests are not rolled back).
const dictionaries = new WeakMap<Database, Dictionaries>();
function dictOf(sqlite: Database): Dictionaries {
  let d = dictionaries.get(sqlite);
  if (!d) dictionaries.set(sqlite, (d = new Dictionaries(sqlite)));
  return d;
}

const str = (v: Value | undefined) => (v === undefined || v === null ? null : String(v));
const num = (v: Value | undefined) => (v === undefined || v === null ? null : Number(v));

function ids(sqlite: Database, dict: Dictionaries, r: Record<string, Value | undefined>) {
  return {
    client: dict.client({
      browser: str(r.browser), browserVersion: str(r.browser_version), os: str(r.os), device: str(r.device),
      screenW: num(r.screen_w), screenH: num(r.screen_h), language: str(r.language), timezone: str(r.timezone),
    }),
    place: dict.place({ country: str(r.country), region: str(r.region), city: str(r.city) }),
    source: dict.source({
      channel: str(r.channel), referrerHost: str(r.referrer_host), utmSource: str(r.utm_source), utmMedium: str(r.utm_medium),
      utmCampaign: str(r.utm_campaign), utmTerm: str(r.utm_term), utmContent: str(r.utm_content),
    }),
  };
}

/** A visit; returns its key (the existing one when the funnel already has this id). */
export function insertSession(sqlite: Database, s: WideSession): number {
  const dict = dictOf(sqlite);
  const funnel = ensureFunnelKey(sqlite, s.funnel_id);
  const publicId = encodePublicId(s.id);
  const found = sqlite.query<{ key: number }, [number, string | Uint8Array]>("SELECT key FROM sessions WHERE funnel = ? AND public_id = ?").get(funnel, publicId);
  if (found) return found.key;
  const { client, place, source } = ids(sqlite, dict, s);
  return sqlite
    .query<{ key: number }, Value[] | (string | Uint8Array | number | null)[]>(
      `INSERT INTO sessions (funnel, public_id, visitor, contact_id, started_at, last_at, entry_path, exit_path, pageviews, events,
        duration_ms, bounce, source, client, place, click_id, converted, conversions, revenue)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING key`,
    )
    .get(
      funnel, publicId, dict.visitor(funnel, s.anonymous_id), num(s.contact_id), s.started_at, s.last_at,
      dict.string(str(s.entry_path)), dict.string(str(s.exit_path)), num(s.pageviews) ?? 0, num(s.events) ?? 0,
      num(s.duration_ms) ?? s.last_at - s.started_at, num(s.bounce) ?? 1, source, client, place, str(s.click_id),
      num(s.converted) ?? 0, num(s.conversions) ?? 0, s.revenue === "{}" ? null : str(s.revenue),
    )!.key;
}

/**
 * An event; returns its row id. Its visit is made (started and ended at the event) when
 * missing, unless opts.session is false (an event with no visit).
 */
export function insertEvent(sqlite: Database, e: WideEvent, opts: { session?: boolean } = {}): number {
  const dict = dictOf(sqlite);
  const funnel = ensureFunnelKey(sqlite, e.funnel_id);
  const session = opts.session === false
    ? NO_VISIT
    : insertSession(sqlite, { funnel_id: e.funnel_id, id: e.session_id, anonymous_id: e.anonymous_id, started_at: e.ts, last_at: e.ts, channel: e.channel ?? null, contact_id: e.contact_id ?? null });
  const { client, place, source } = ids(sqlite, dict, e);
  const props = e.props === undefined || e.props === null ? null : dict.propsJson(String(e.props));
  return sqlite
    .query<{ row_id: number }, (string | Uint8Array | number | null)[]>(
      `INSERT INTO events (${e.row_id !== undefined ? "row_id, " : ""}funnel, id, kind, ts, visitor, session, path, url, title, referrer, client, place, source,
        props, contact_id, user_id, revenue_minor, currency, verified, click_id, flags, order_id)
       VALUES (${e.row_id !== undefined ? "?, " : ""}?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING row_id`,
    )
    .get(
      ...(e.row_id !== undefined ? [num(e.row_id)] : []),
      funnel, encodePublicId(e.id), dict.kind(e.type, e.name), e.ts, dict.visitor(funnel, e.anonymous_id), session,
      dict.string(str(e.path)), dict.string(str(e.url)), dict.string(str(e.title)), dict.string(str(e.referrer)),
      client, place, source, props, num(e.contact_id), str(e.user_id), num(e.revenue_minor), str(e.currency),
      e.verified ? 1 : null, str(e.click_id), str(e.flags), str(e.order_id),
    )!.row_id;
}

/** How many events a funnel has. */
export function countEvents(sqlite: Database, funnelId: string): number {
  return sqlite
    .query<{ n: number }, [string]>("SELECT count(*) AS n FROM events WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?)")
    .get(funnelId)!.n;
}

/** The funnel's key (made when new). */
export const keyOf = (sqlite: Database, funnelId: string) => ensureFunnelKey(sqlite, funnelId);

/** The strings id of a value (made when new). */
export const stringId = (sqlite: Database, value: string) => dictOf(sqlite).string(value);

/** A visitor's key in a funnel (made when new). */
export const visitorKey = (sqlite: Database, funnelId: string, anonymousId: string) =>
  dictOf(sqlite).visitor(ensureFunnelKey(sqlite, funnelId), anonymousId);
