// The per-event enrichment steps, composed. Pure but for the geo lookup, which is passed in.
import { attributionFromUrl, hasCampaign, type Attribution } from "../enrich/attribution";
import { isBotAgent } from "../enrich/bot";
import { Lru } from "../enrich/lru";
import { channelFor } from "../enrich/channel";
import type { GeoInfo } from "../enrich/geo";
import { referrerHost } from "../enrich/referrer";
import { pathOf } from "../enrich/url";
import { parseUserAgent, type UaInfo } from "../enrich/user-agent";
import type { QueuedEvent } from "../ingest/validate";
import { toMinorUnits } from "./money";

export interface RequestFacts {
  keyKind: "public" | "secret";
  ip: string | null;
  userAgent: string | null;
}

export interface Enriched {
  ip: string | null;
  userAgent: string | null;
  ua: UaInfo;
  geo: GeoInfo;
  path: string | null;
  referrerHost: string | null;
  /** Campaign facts this event itself carries (its URL, else the SDK's props). */
  attribution: Attribution;
  channel: string;
  revenueMinor: number | null;
  currency: string | null;
  verified: boolean;
  /** Sent with the secret key: from the founder's backend, or on behalf of a visitor. */
  bySecretKey: boolean;
}

export type DropReason = "bot";

const NO_UA: UaInfo = { browser: null, browserVersion: null, os: null, device: "other" };
const UTM_PROPS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;

// A site has few distinct URLs and the SDK sends each many times: parse each once.
interface ParsedUrl {
  attribution: Attribution;
  path: string | null;
  /** The channel of this URL's own attribution, per referrer host. */
  channels: Map<string | null, string>;
}
const parsedUrls = new Lru<string, ParsedUrl>(20_000);

function parseUrl(url: string | undefined): ParsedUrl {
  const key = url ?? "";
  let parsed = parsedUrls.get(key);
  if (!parsed) {
    parsed = { attribution: attributionFromUrl(url ?? null), path: pathOf(url ?? null), channels: new Map() };
    parsedUrls.set(key, parsed);
  }
  return parsed;
}

const referrerHosts = new Lru<string, string | null>(20_000);

function referrerHostOf(referrer: string | undefined, url: string | undefined): string | null {
  if (!referrer) return referrerHost(referrer ?? null, url ?? null);
  const key = `${referrer}\u0000${url ?? ""}`;
  let host = referrerHosts.get(key);
  if (host === undefined) referrerHosts.set(key, (host = referrerHost(referrer, url ?? null)));
  return host;
}

function channelOf(url: ParsedUrl, attribution: Attribution, refHost: string | null): string {
  if (attribution !== url.attribution || url.channels.size > 16) return channelFor({ referrerHost: refHost, ...attribution });
  let channel = url.channels.get(refHost);
  if (channel === undefined) url.channels.set(refHost, (channel = channelFor({ referrerHost: refHost, ...attribution })));
  return channel;
}

/** What an event's own user agent and IP say (secret key: a backend speaking for a visitor). */
interface SpokenFor {
  userAgent: string | null;
  geoIp: string | null;
  lookupGeo: (ip: string | null) => GeoInfo;
  bot: boolean;
  ua: UaInfo;
  geo: GeoInfo;
}
// A backend sends a visitor's events together, with the same user agent and IP: enriched once.
let lastSpokenFor: SpokenFor | null = null;

function spokenFor(userAgent: string | null, geoIp: string | null, lookupGeo: (ip: string | null) => GeoInfo): SpokenFor {
  const last = lastSpokenFor;
  if (last && last.userAgent === userAgent && last.geoIp === geoIp && last.lookupGeo === lookupGeo) return last;
  const bot = userAgent !== null && isBotAgent(userAgent);
  lastSpokenFor = { userAgent, geoIp, lookupGeo, bot, ua: userAgent ? parseUserAgent(userAgent) : NO_UA, geo: lookupGeo(geoIp) };
  return lastSpokenFor;
}

/** The SDK repeats the landing attribution in props; the URL wins when it has any. */
function attributionOf(e: QueuedEvent, fromUrl: Attribution): Attribution {
  if (hasCampaign(fromUrl) || !e.props) return fromUrl;
  const p = e.props;
  const str = (k: string) => (typeof p[k] === "string" && p[k] !== "" ? String(p[k]).slice(0, 200) : null);
  const [utmSource, utmMedium, utmCampaign, utmTerm, utmContent] = UTM_PROPS.map(str);
  return { utmSource, utmMedium, utmCampaign, utmTerm, utmContent, clickId: str("click_id") };
}

/** What a public key's request tells about every event in it: computed once per batch. */
export interface RequestEnrichment {
  bot: boolean;
  ua: UaInfo;
  geo: GeoInfo;
}

export function enrichRequest(facts: RequestFacts, lookupGeo: (ip: string | null) => GeoInfo): RequestEnrichment {
  return {
    bot: isBotAgent(facts.userAgent),
    ua: facts.userAgent ? parseUserAgent(facts.userAgent) : NO_UA,
    geo: lookupGeo(facts.ip),
  };
}

export function enrichEvent(
  e: QueuedEvent,
  facts: RequestFacts,
  lookupGeo: (ip: string | null) => GeoInfo,
  request?: RequestEnrichment,
): Enriched | DropReason {
  // A secret key may speak for a visitor (ip, userAgent); a server call without a
  // user agent is not a bot, it is a server. A public key's events all share the request's.
  const shared = facts.keyKind === "public" ? (request ?? enrichRequest(facts, lookupGeo)) : null;
  const userAgent = shared ? facts.userAgent : (e.userAgent ?? null);
  const ip = shared ? facts.ip : (e.ip ?? facts.ip);
  const own = shared ? null : spokenFor(userAgent, e.ip ? ip : null, lookupGeo);
  if (shared ? shared.bot : own!.bot) return "bot";
  const url = parseUrl(e.url);
  const attribution = attributionOf(e, url.attribution);
  const refHost = referrerHostOf(e.referrer, e.url);
  const revenueMinor = e.revenue ? toMinorUnits(e.revenue.amount, e.revenue.currency) : null;
  return {
    ip,
    userAgent,
    ua: shared ? shared.ua : own!.ua,
    geo: shared ? shared.geo : own!.geo,
    path: url.path,
    referrerHost: refHost,
    attribution,
    channel: channelOf(url, attribution, refHost),
    revenueMinor,
    currency: e.revenue?.currency ?? null,
    verified: facts.keyKind === "secret" && e.type === "conversion",
    bySecretKey: facts.keyKind === "secret",
  };
}
