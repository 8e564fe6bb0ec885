// Free space on the data directory's filesystem, against the floor below which new
// batches are refused (`--min-free-disk`). One statfs per second at most, whatever the
// request rate: the answer is cached.
import { statfsSync } from "node:fs";

export type MinFreeDisk = { bytes: number } | { percent: number };

export const DEFAULT_MIN_FREE_DISK: MinFreeDisk = { bytes: 256 * 1024 * 1024 };

const UNITS: Record<string, number> = { "": 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** "256MB", "1.5GB", "5%", "0" (off). Units are powers of 1024. Null when unreadable. */
export function parseMinFreeDisk(raw: string): MinFreeDisk | null {
  const m = raw.trim().toUpperCase().match(/^(\d+(?:\.\d+)?)\s*(%|B|KB|MB|GB|TB)?$/);
  if (!m) return null;
  const n = Number(m[1]);
  if (m[2] === "%") return n <= 50 ? { percent: n } : null;
  return { bytes: Math.round(n * UNITS[m[2] ?? ""]) };
}

export function describeMinFreeDisk(floor: MinFreeDisk): string {
  return "percent" in floor ? `${floor.percent}%` : `${Math.round(floor.bytes / 1024 ** 2)} MB`;
}

export interface DiskReading {
  freeBytes: number;
  totalBytes: number;
  floorBytes: number;
}

const CACHE_MS = 1000;

export class DiskSpace {
  private reading: DiskReading | null = null;
  private readAt = -Infinity;

  private refusing = false;

  constructor(
    private dir: string,
    private floor: MinFreeDisk,
    private now: () => number = Date.now,
    private log: (line: string) => void = () => {},
  ) {}

  /** Null when the filesystem cannot be asked (then nothing is refused on its account). */
  read(): DiskReading | null {
    const now = this.now();
    if (now - this.readAt < CACHE_MS) return this.reading;
    this.readAt = now;
    try {
      const s = statfsSync(this.dir);
      const totalBytes = s.blocks * s.bsize;
      const floorBytes = "percent" in this.floor ? Math.round((totalBytes * this.floor.percent) / 100) : this.floor.bytes;
      this.reading = { freeBytes: s.bavail * s.bsize, totalBytes, floorBytes };
    } catch {
      this.reading = null;
    }
    return this.reading;
  }

  /** Whether new batches are refused; the operator is told once when that starts and ends. */
  belowFloor(): boolean {
    const r = this.read();
    const below = r !== null && r.freeBytes < r.floorBytes;
    if (below !== this.refusing) {
      this.refusing = below;
      const mb = (n: number) => `${Math.round(n / 1024 ** 2)} MB`;
      this.log(below
        ? `ingest: the disk is full for new batches: ${mb(r!.freeBytes)} free is under the floor of ${mb(r!.floorBytes)} (--min-free-disk); answering 503 storage_full until space returns`
        : "ingest: disk space is back above the floor; accepting new batches again");
    }
    return below;
  }
}
