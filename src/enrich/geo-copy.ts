// The server's own copy of its GeoIP database, in the data dir, for the threads to map
// instead of reading it whole into their memory (8 MiB for the embedded database, 60 MiB
// and more for a city database). A mapping costs only the pages lookups touch, and those
// are file pages the kernel can take back.
//
// Why a copy and not the file itself: a mapped file that shrinks under the process
// (`cp new.mmdb GeoLite2-City.mmdb` writes over it in place) kills it with SIGBUS at the
// next lookup. Only the server writes its copy: a new name per source version, written
// beside and renamed into place, never changed after.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";

export const GEO_COPY_DIR = "geoip";

/**
 * Where the copy of `source` goes: its name, size and modification time in the name, so
 * that a replaced file gets a new copy. (The embedded database has no modification time,
 * but its name carries a hash of its content.)
 */
export function geoCopyPath(dataDir: string, source: string, stat = statSync(source)): string {
  return join(dataDir, GEO_COPY_DIR, `${basename(source, ".mmdb")}-${stat.size}-${Math.trunc(stat.mtimeMs)}.mmdb`);
}

/**
 * Makes the copy of `source` unless it is there, and removes copies of other versions.
 * Returns its path, or null (said in the log) when it cannot be written, a full disk for
 * one: the threads then read the database into memory, as without a copy.
 */
export async function placeGeoCopy(dataDir: string, source: string, log: (line: string) => void): Promise<string | null> {
  let copy: string | null = null;
  try {
    const stat = statSync(source);
    copy = geoCopyPath(dataDir, source, stat);
    const dir = join(dataDir, GEO_COPY_DIR);
    mkdirSync(dir, { recursive: true });
    if (!isWhole(copy, stat.size)) {
      const part = `${copy}.part`;
      await Bun.write(part, Bun.file(source));
      if (!isWhole(part, stat.size)) throw new Error("the copy came out short");
      renameSync(part, copy);
    }
    for (const name of readdirSync(dir)) if (join(dir, name) !== copy) rmSync(join(dir, name), { force: true });
    return copy;
  } catch (e) {
    if (copy) removeQuietly(`${copy}.part`);
    log(`geo: no copy of the GeoIP database in ${join(dataDir, GEO_COPY_DIR)} (${(e as Error).message}); each thread reads it into memory instead`);
    return null;
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing there to remove (its directory may not be one)
  }
}

function isWhole(path: string, size: number): boolean {
  return statSync(path, { throwIfNoEntry: false })?.size === size;
}
