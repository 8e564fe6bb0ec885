// The server's own copy of its GeoIP database (src/enrich/geo-copy.ts), and lookups
// through a mapping of it.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { geoSourceFile, openGeo } from "../../src/enrich/geo.ts";
import { GEO_COPY_DIR, geoCopyPath, placeGeoCopy } from "../../src/enrich/geo-copy.ts";
import { writeMmdb } from "../helpers/mmdb-writer.ts";

const root = mkdtempSync(join(tmpdir(), "aurea-geo-copy-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const country = (code: string) => writeMmdb([{ network: "81.2.69.0/24", record: { country_code: code } }], { databaseType: "GeoIP2-City" });
const noLog = () => {};

test("placed once per version of the source, in the data dir; older copies removed", async () => {
  const dataDir = join(root, "data-1");
  const source = join(root, "city-1.mmdb");
  writeFileSync(source, country("GB"));
  expect(existsSync(geoCopyPath(dataDir, source))).toBe(false);

  const copy = await placeGeoCopy(dataDir, source, noLog);
  expect(copy).not.toBeNull();
  expect(copy!.startsWith(join(dataDir, GEO_COPY_DIR))).toBe(true);
  expect(readFileSync(copy!)).toEqual(readFileSync(source));
  expect(copy).toBe(geoCopyPath(dataDir, source));

  // Again with the same source: the same file, not written again.
  const { ino, mtimeMs } = statSync(copy!);
  expect(await placeGeoCopy(dataDir, source, noLog)).toBe(copy);
  expect(statSync(copy!)).toMatchObject({ ino, mtimeMs });

  // The source replaced (geoipupdate, or a cp over it): a new copy, the old one gone.
  writeFileSync(source, country("FR"));
  utimesSync(source, new Date(), new Date(Date.now() + 5000));
  const next = await placeGeoCopy(dataDir, source, noLog);
  expect(next).not.toBe(copy);
  expect(readdirSync(join(dataDir, GEO_COPY_DIR))).toEqual([next!.slice(next!.lastIndexOf("/") + 1)]);
  const geo = await openGeo(source, { mapped: next });
  expect(geo.lookup("81.2.69.160").country).toBe("FR");
});

test("lookups through the mapped copy: the same answers, lazy or not, and the copy removed under them changes nothing", async () => {
  const dataDir = join(root, "data-2");
  const source = join(root, "city-2.mmdb");
  writeFileSync(source, country("SE"));
  const copy = await placeGeoCopy(dataDir, source, noLog);
  const mapped = await openGeo(source, { mapped: copy });
  const lazy = await openGeo(source, { mapped: copy, lazy: true });
  expect(mapped.source).toBe(`${source} (GeoIP2-City)`);
  expect(mapped.lookup("81.2.69.160")).toEqual({ country: "SE", region: null, city: null });
  rmSync(copy!);
  expect(mapped.lookup("81.2.69.161").country).toBe("SE");
  // The lazy one maps at its first lookup: the copy is gone, so it reads the source.
  expect(lazy.lookup("81.2.69.160").country).toBe("SE");
});

test("the embedded database gets a copy too, named by its content", async () => {
  const dataDir = join(root, "data-3");
  const copy = await placeGeoCopy(dataDir, geoSourceFile(null), noLog);
  expect(copy).toMatch(/dbip-country.*\.mmdb$/);
  const geo = await openGeo(null, { mapped: copy });
  expect(geo.lookup("8.8.8.8").country).toBe("US");
});

test("a copy that cannot be written is said in the log, and the database is read instead", async () => {
  const dataDir = join(root, "data-4");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, GEO_COPY_DIR), "a file where the directory would go");
  const source = join(root, "city-4.mmdb");
  writeFileSync(source, country("DE"));
  const lines: string[] = [];
  expect(await placeGeoCopy(dataDir, source, (l) => lines.push(l))).toBeNull();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("no copy of the GeoIP database");
  expect(existsSync(join(dataDir, GEO_COPY_DIR, "city-4.mmdb.part"))).toBe(false);
  const geo = await openGeo(source, { mapped: null });
  expect(geo.lookup("81.2.69.160").country).toBe("DE");
});
