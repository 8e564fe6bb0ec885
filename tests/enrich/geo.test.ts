import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Reader } from "maxmind";
import { GEO_ATTRIBUTION, normaliseGeoRecord, openGeo, type GeoInfo, type GeoLookup } from "../../src/enrich/geo.ts";
import { Uint, writeMmdb } from "../helpers/mmdb-writer.ts";

const NONE: GeoInfo = { country: null, region: null, city: null };

// GeoIP2-City records as MaxMind ships them (trimmed).
const london = {
  city: { geoname_id: new Uint(32, 2643743), names: { en: "London", de: "London", ja: "ロンドン" } },
  continent: { code: "EU", geoname_id: new Uint(32, 6255148), names: { en: "Europe" } },
  country: { geoname_id: new Uint(32, 2635167), iso_code: "GB", names: { en: "United Kingdom" } },
  location: { accuracy_radius: new Uint(16, 100), latitude: 51.5142, longitude: -0.0931, time_zone: "Europe/London" },
  registered_country: { geoname_id: new Uint(32, 6252001), iso_code: "US", names: { en: "United States" } },
  subdivisions: [{ geoname_id: new Uint(32, 6269131), iso_code: "ENG", names: { en: "England" } }],
};
const swedenNoCity = {
  country: { iso_code: "SE", names: { en: "Sweden" } },
  subdivisions: [{ iso_code: "AB" }],
};
const anycast = { registered_country: { iso_code: "US", names: { en: "United States" } } };
const berlinV6 = {
  city: { names: { en: "Berlin" } },
  country: { iso_code: "DE", names: { en: "Germany" } },
  subdivisions: [{ iso_code: "BE", names: { en: "Land Berlin" } }],
};

let dir: string;
let cityPath: string;
let flatPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aurea-geo-"));
  cityPath = join(dir, "GeoIP2-City-Test.mmdb");
  writeFileSync(cityPath, writeMmdb(
    [
      { network: "81.2.69.0/24", record: london },
      { network: "89.160.20.112/28", record: swedenNoCity },
      { network: "1.1.1.0/24", record: anycast },
      { network: "2a02:8100::/24", record: berlinV6 },
    ],
    { databaseType: "GeoIP2-City" },
  ));
  flatPath = join(dir, "dbip-city-lite.mmdb");
  writeFileSync(flatPath, writeMmdb(
    [
      { network: "81.2.69.0/24", record: { country_code: "GB", state1: "England", city: "London" } },
      { network: "8.8.8.0/24", record: { country_code: "US" } },
      { network: "5.5.5.0/24", record: { country_code: "ZZ" } },
      { network: "2001:4860::/32", record: { country_code: "us" } },
    ],
    { databaseType: "dbip-city-lite" },
  ));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("normaliseGeoRecord", () => {
  test.each<[string, unknown, GeoInfo]>([
    ["GeoIP2 City", london, { country: "GB", region: "England", city: "London" }],
    ["GeoIP2 subdivision without names → iso_code", swedenNoCity, { country: "SE", region: "AB", city: null }],
    ["registered_country fallback", anycast, { country: "US", region: null, city: null }],
    ["GeoIP2 Country", { country: { iso_code: "FR" } }, { country: "FR", region: null, city: null }],
    ["DB-IP country (flat)", { country_code: "US" }, { country: "US", region: null, city: null }],
    ["DB-IP city (flat)", { country_code: "gb", state1: "England", city: "London" }, { country: "GB", region: "England", city: "London" }],
    ["unknown country ZZ", { country_code: "ZZ" }, NONE],
    ["not a country code", { country_code: "<script>" }, NONE],
    ["empty strings", { country_code: "", city: " " }, NONE],
    ["city without English name", { country: { iso_code: "JP" }, city: { names: { ja: "東京" } } }, { country: "JP", region: null, city: null }],
    ["wrong types everywhere", { country: "GB", subdivisions: "x", city: 5 }, NONE],
    ["empty subdivisions", { country: { iso_code: "NZ" }, subdivisions: [] }, { country: "NZ", region: null, city: null }],
    ["null", null, NONE],
    ["undefined", undefined, NONE],
    ["string", "GB", NONE],
    ["array", [{ country_code: "GB" }], NONE],
  ])("%s", (_label, record, expected) => {
    expect(normaliseGeoRecord(record)).toEqual(expected);
  });

  test("long names are capped", () => {
    expect(normaliseGeoRecord({ country_code: "GB", city: "x".repeat(1000) }).city).toHaveLength(100);
  });
});

describe("mmdb-writer fixture", () => {
  test("is read by maxmind's Reader with the metadata we wrote", async () => {
    const reader = new Reader(Buffer.from(await Bun.file(cityPath).arrayBuffer()));
    expect(reader.metadata.databaseType).toBe("GeoIP2-City");
    expect(reader.metadata.recordSize).toBe(24);
    expect(reader.metadata.ipVersion).toBe(6);
    expect(reader.metadata.binaryFormatMajorVersion).toBe(2);
    expect(reader.metadata.languages).toEqual(["en"]);
    const rec = reader.get("81.2.69.160") as Record<string, any>;
    expect(rec.city.geoname_id).toBe(2643743);
    expect(rec.location.latitude).toBeCloseTo(51.5142);
    expect(rec.subdivisions[0].names.en).toBe("England");
    expect(reader.get("81.2.70.1")).toBeNull();
  });

  test("more specific networks win; long strings and all value types round-trip", () => {
    const bytes = writeMmdb([
      { network: "10.0.0.0/8", record: { v: "wide" } },
      { network: "10.1.0.0/16", record: { v: "narrow", t: true, f: false, n: -5, d: 1.5, big: 2n ** 70n, arr: [1, "two"], s: "y".repeat(70_000) } },
    ]);
    const reader = new Reader<Record<string, unknown>>(Buffer.from(bytes));
    expect(reader.get("10.2.3.4")).toEqual({ v: "wide" });
    const narrow = reader.get("10.1.3.4")!;
    expect(narrow).toMatchObject({ v: "narrow", t: true, f: false, n: -5, d: 1.5, arr: [1, "two"] });
    expect(narrow.big).toBe(2n ** 70n);
    expect((narrow.s as string).length).toBe(70_000);
  });
});

describe("openGeo on a GeoIP2-City shaped file", () => {
  let geo: GeoLookup;
  beforeAll(async () => {
    geo = await openGeo(cityPath);
  });
  afterAll(() => geo.close());

  test("source names the file and its type", () => {
    expect(geo.source).toBe(`${cityPath} (GeoIP2-City)`);
  });

  test.each<[string | null | undefined, GeoInfo]>([
    ["81.2.69.160", { country: "GB", region: "England", city: "London" }],
    ["81.2.69.1", { country: "GB", region: "England", city: "London" }],
    ["::ffff:81.2.69.160", { country: "GB", region: "England", city: "London" }],
    ["89.160.20.115", { country: "SE", region: "AB", city: null }],
    ["89.160.20.128", NONE],
    ["1.1.1.1", { country: "US", region: null, city: null }],
    ["2a02:8100:1234::1", { country: "DE", region: "Land Berlin", city: "Berlin" }],
    ["2A02:8100::ABCD", { country: "DE", region: "Land Berlin", city: "Berlin" }],
    ["4.4.4.4", NONE],
    // never located, never thrown
    ["127.0.0.1", NONE],
    ["10.1.2.3", NONE],
    ["192.168.1.10", NONE],
    ["172.20.0.5", NONE],
    ["100.64.1.1", NONE],
    ["169.254.0.1", NONE],
    ["::1", NONE],
    ["::", NONE],
    ["fe80::1", NONE],
    ["fe80::1%eth0", NONE],
    ["fd12:3456::1", NONE],
    ["2001:db8::1", NONE],
    ["0.0.0.0", NONE],
    ["255.255.255.255", NONE],
    ["not-an-ip", NONE],
    ["81.2.69.160:443", NONE],
    ["999.1.1.1", NONE],
    ["", NONE],
    [null, NONE],
    [undefined, NONE],
  ])("%p", (ip, expected) => {
    expect(geo.lookup(ip)).toEqual(expected);
  });

  test("repeated lookups are memoized", () => {
    expect(geo.lookup("81.2.69.160")).toBe(geo.lookup("81.2.69.160"));
  });
});

describe("openGeo on a flat DB-IP shaped file", () => {
  test.each<[string, GeoInfo]>([
    ["81.2.69.160", { country: "GB", region: "England", city: "London" }],
    ["8.8.8.8", { country: "US", region: null, city: null }],
    ["5.5.5.5", NONE],
    ["2001:4860:4860::8888", { country: "US", region: null, city: null }],
  ])("%s", async (ip, expected) => {
    const geo = await openGeo(flatPath);
    expect(geo.lookup(ip)).toEqual(expected);
    geo.close();
  });
});

describe("openGeo errors", () => {
  test("missing file", async () => {
    await expect(openGeo(join(dir, "nope.mmdb"))).rejects.toThrow(/not found/);
  });

  test("gzip file", async () => {
    const path = join(dir, "GeoLite2-City.mmdb.gz");
    writeFileSync(path, gzipSync(await Bun.file(cityPath).bytes()));
    await expect(openGeo(path)).rejects.toThrow(/gzip/);
  });

  test("not a MaxMind DB", async () => {
    const path = join(dir, "junk.mmdb");
    writeFileSync(path, "this is not a database");
    await expect(openGeo(path)).rejects.toThrow(/not a valid MaxMind DB/);
  });

  test("lookups after close return nulls", async () => {
    const geo = await openGeo(cityPath);
    geo.close();
    expect(geo.lookup("81.2.69.160")).toEqual(NONE);
  });
});

describe("embedded DB-IP country database", () => {
  let geo: GeoLookup;
  beforeAll(async () => {
    geo = await openGeo(null);
  });
  afterAll(() => geo.close());

  test.each<[string, GeoInfo]>([
    ["8.8.8.8", { country: "US", region: null, city: null }],
    ["81.2.69.160", { country: "GB", region: null, city: null }],
    ["192.168.0.1", NONE],
  ])("%s", (ip, expected) => {
    expect(geo.lookup(ip)).toEqual(expected);
  });

  test("source and attribution", () => {
    expect(geo.source).toContain("DB-IP");
    expect(GEO_ATTRIBUTION).toEqual({ text: "IP Geolocation by DB-IP", href: "https://db-ip.com" });
  });
});

describe("openGeo lazy (the HTTP thread of a server with a processing thread)", () => {
  test("checks the file at once: a bad file still fails the start", async () => {
    await expect(openGeo(join(dir, "nope.mmdb"), { lazy: true })).rejects.toThrow(/not found/);
    const junk = join(dir, "junk-lazy.mmdb");
    writeFileSync(junk, "this is not a database");
    await expect(openGeo(junk, { lazy: true })).rejects.toThrow(/not a valid MaxMind DB/);
  });

  test("names the database and answers as an eager one, reading the file at the first lookup", async () => {
    const path = join(dir, "lazy-copy.mmdb");
    writeFileSync(path, await Bun.file(cityPath).bytes());
    const lazy = await openGeo(path, { lazy: true });
    expect(lazy.source).toBe(`${path} (GeoIP2-City)`);
    // Replaced after the check: the first lookup reads what is there now.
    writeFileSync(path, writeMmdb([{ network: "81.2.69.0/24", record: { country_code: "FR" } }], { databaseType: "GeoIP2-City" }));
    expect(lazy.lookup("81.2.69.160")).toEqual({ country: "FR", region: null, city: null });
    expect(lazy.lookup("10.1.2.3")).toEqual(NONE);
    lazy.close();
    expect(lazy.lookup("81.2.69.160")).toEqual(NONE);
  });

  test("a file gone before the first lookup gives no locations, and does not throw", async () => {
    const path = join(dir, "lazy-gone.mmdb");
    writeFileSync(path, await Bun.file(cityPath).bytes());
    const lazy = await openGeo(path, { lazy: true });
    rmSync(path);
    expect(lazy.lookup("81.2.69.160")).toEqual(NONE);
  });

  test("the embedded database", async () => {
    const lazy = await openGeo(null, { lazy: true });
    expect(lazy.lookup("8.8.8.8")).toEqual({ country: "US", region: null, city: null });
    lazy.close();
  });
});
