// The writer's side of the dictionaries (strings, kinds, clients, places, sources,
// visitors): a value's id, inserted when new. Rows are never updated or deleted by the
// writer, so an id once seen stays right: each dictionary keeps a bounded cache, and a
// batch costs no lookup for values seen before. The one exception is an id inserted in
// a transaction that then rolls back: forget() drops every cache (the writer calls it
// from rolledBack()).
//
// clients, places and sources may hold NULLs, which UNIQUE treats as distinct: this
// writer is the only one inserting, and looks a combination up with IS first.
import type { Database, Statement } from "bun:sqlite";
import { encodePublicId } from "./public-id";

type Value = string | number | null;
type Arg = Value | Uint8Array;

/**
 * One dictionary: a cache in front of a SELECT, then an INSERT … RETURNING id. The cache
 * is a Map emptied when full (cheaper per hit than an LRU's re-insertion; a dictionary's
 * working set is small next to the bound, so a reset costs a few lookups).
 */
class Interned<Args extends Arg[]> {
  private cache = new Map<string, number>();
  // The previous combination asked for: events of one visit come one after the other.
  private last: Args | null = null;
  private lastId = 0;

  constructor(
    private find: Statement<{ id: number }, Args>,
    private insert: Statement<{ id: number }, Args>,
    private size: number,
  ) {}

  id(key: string, args: Args): number {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const id = (this.find.get(...args) ?? this.insert.get(...args)!).id;
    if (this.cache.size >= this.size) this.cache.clear();
    this.cache.set(key, id);
    return id;
  }

  /** For combinations: the same as the previous call costs a few comparisons, no key. */
  idOf(args: Args): number {
    const last = this.last;
    if (last && last.length === args.length && last.every((v, i) => v === args[i])) return this.lastId;
    let key = "";
    for (const v of args) key += v === null ? "\u0001\u0000" : `${v}\u0000`;
    this.lastId = this.id(key, args);
    this.last = args;
    return this.lastId;
  }

  forget(): void {
    this.cache = new Map();
    this.last = null;
  }
}

export interface ClientFields {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  device: string | null;
  screenW: number | null;
  screenH: number | null;
  language: string | null;
  timezone: string | null;
}

export interface PlaceFields {
  country: string | null;
  region: string | null;
  city: string | null;
}

export interface SourceFields {
  channel: string | null;
  referrerHost: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
}

/** Props JSON of up to this many bytes goes to strings (it repeats); longer stays inline. */
export const SHORT_PROPS_BYTES = 64;

const SEP = "\u0000";

function interned(db: Database, table: string, columns: string[], size: number): Interned<Value[]> {
  const where = columns.map((c) => `${c} IS ?`).join(" AND ");
  return new Interned<Value[]>(
    db.prepare<{ id: number }, Value[]>(`SELECT id FROM ${table} WHERE ${where} LIMIT 1`),
    db.prepare<{ id: number }, Value[]>(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) RETURNING id`),
    size,
  );
}

export class Dictionaries {
  private strings: Interned<[string]>;
  private kinds: Interned<[string, string]>;
  private clients: Interned<Value[]>;
  private places: Interned<Value[]>;
  private sources: Interned<Value[]>;
  private visitors: Interned<[number, string | Uint8Array]>;

  constructor(db: Database) {
    // strings.value and kinds are UNIQUE: = finds them through their index.
    this.strings = new Interned(
      db.prepare<{ id: number }, [string]>("SELECT id FROM strings WHERE value = ?"),
      db.prepare<{ id: number }, [string]>("INSERT INTO strings (value) VALUES (?) RETURNING id"),
      100_000,
    );
    this.kinds = new Interned(
      db.prepare<{ id: number }, [string, string]>("SELECT id FROM kinds WHERE type = ? AND name = ?"),
      db.prepare<{ id: number }, [string, string]>("INSERT INTO kinds (type, name) VALUES (?, ?) RETURNING id"),
      10_000,
    );
    this.clients = interned(db, "clients", ["browser", "browser_version", "os", "device", "screen_w", "screen_h", "language", "timezone"], 20_000);
    this.places = interned(db, "places", ["country", "region", "city"], 20_000);
    this.sources = interned(db, "sources", ["channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"], 20_000);
    this.visitors = new Interned(
      db.prepare<{ id: number }, [number, string | Uint8Array]>("SELECT key AS id FROM visitors WHERE funnel = ? AND public_id = ?"),
      db.prepare<{ id: number }, [number, string | Uint8Array]>("INSERT INTO visitors (funnel, public_id) VALUES (?, ?) RETURNING key AS id"),
      100_000,
    );
  }

  string(value: string): number;
  string(value: string | null | undefined): number | null;
  string(value: string | null | undefined): number | null {
    return value === null || value === undefined ? null : this.strings.id(value, [value]);
  }

  kind(type: string, name: string): number {
    return this.kinds.id(type + SEP + name, [type, name]);
  }

  /** An event's props as stored: a strings id for short JSON, the JSON inline otherwise. */
  props(props: Record<string, unknown> | null | undefined): number | string | null {
    return props ? this.propsJson(JSON.stringify(props)) : null;
  }

  /** The same for props already as JSON text. */
  propsJson(json: string | null): number | string | null {
    if (json === null) return null;
    // Bytes ≥ characters: only a string near the limit needs counting.
    return json.length <= SHORT_PROPS_BYTES && (json.length * 3 <= SHORT_PROPS_BYTES || Buffer.byteLength(json) <= SHORT_PROPS_BYTES)
      ? this.strings.id(json, [json])
      : json;
  }

  client(c: ClientFields): number {
    const args = [c.browser, c.browserVersion, c.os, c.device, c.screenW, c.screenH, c.language, c.timezone];
    return this.clients.idOf(args);
  }

  place(p: PlaceFields): number {
    const args = [p.country, p.region, p.city];
    return this.places.idOf(args);
  }

  source(s: SourceFields): number {
    const args = [s.channel, s.referrerHost, s.utmSource, s.utmMedium, s.utmCampaign, s.utmTerm, s.utmContent];
    return this.sources.idOf(args);
  }

  /** A visitor's key in a funnel, from the public (anonymous) id. */
  visitor(funnel: number, publicId: string): number {
    return this.visitors.id(funnel + SEP + publicId, [funnel, encodePublicId(publicId)]);
  }

  forget(): void {
    for (const d of [this.strings, this.kinds, this.clients, this.places, this.sources, this.visitors]) d.forget();
  }
}
