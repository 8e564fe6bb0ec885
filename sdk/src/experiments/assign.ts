// Deterministic assignment: the same visitor always gets the same variant of an
// experiment, on every page and every day, with no server round trip.
export interface ConfigVariant {
  name: string;
  weight: number;
}

export interface ConfigExperiment {
  key: string;
  /** The first is the control. */
  variants: ConfigVariant[];
  status: "running" | "stopped";
  /** Stopped experiments reach the SDK only with a winner. */
  winner: string | null;
  /** Variant name → URL, split-URL mode only (the control's included). */
  splitUrls: Record<string, string>;
}

export interface ExperimentsConfig {
  funnelId: string;
  experiments: ConfigExperiment[];
}

/** 0–99 from a string: FNV-1a, then MurmurHash3's finalizer so nearby ids spread evenly. */
export function bucketOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) % 100;
}

export interface Pick {
  name: string;
  /** Only assigned visitors of running experiments are exposed (and counted). */
  assigned: boolean;
}

/** The variant a visitor sees: by weight when running and there is a visitor; else the winner or the control. */
export function pick(e: ConfigExperiment, visitor: string): Pick {
  if (e.status != "running") return { name: e.winner || e.variants[0].name, assigned: false };
  if (!visitor) return { name: e.variants[0].name, assigned: false };
  let b = bucketOf(e.key + ":" + visitor);
  for (const v of e.variants) {
    if (b < v.weight) return { name: v.name, assigned: true };
    b -= v.weight;
  }
  return { name: e.variants[0].name, assigned: true };
}

/** origin + path without a trailing slash: how split URLs and the current page are compared. */
export function pageKey(url: string): string {
  const u = new URL(url);
  return u.origin + u.pathname.replace(/\/+$/, "");
}

/** Where a visitor on `current` must go to see `target`, keeping the query string and fragment. */
export function redirectTarget(target: string, current: string): string {
  const t = new URL(target);
  const c = new URL(current);
  if (c.search) t.search = c.search;
  t.hash = c.hash;
  return t.href;
}
