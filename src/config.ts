// The only reader of flags and environment. Flags > AUREA_* environment > defaults.
import { accessSync, constants, statSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_MIN_FREE_DISK, parseMinFreeDisk, type MinFreeDisk } from "./ops/disk-space";
import { parseDuration } from "./backup/schedule";
import { parseNetworks, type ProxyTrust } from "./enrich/client-ip";
import { ClickHouseUrlError, isClickHouseUrl, parseClickHouseUrl, type ClickHouseTarget } from "./store/clickhouse/connection";

export interface ServeConfig {
  port: number;
  host: string;
  dataDir: string;
  geoipPath: string | null;
  /** Which reverse proxies' forwarding headers to believe (enrich/client-ip.ts). */
  trustProxy: ProxyTrust;
  allowPrivateWebhooks: boolean;
  /** Requests per minute per IP (and per funnel key) on the ingest endpoint. */
  rateLimitPerMinute: number;
  /** Pending ingest batches above which new requests get 503. */
  queueHighWater: number;
  /** Process batches on a thread of their own (the default); tests process inline. */
  processingThread: boolean;
  /** Threads that run dashboard and read-API queries; 0 runs them on the HTTP thread (tests). */
  readerThreads: number;
  /** A read running longer than this is abandoned and answered with query_timeout. */
  queryTimeoutMs: number;
  /** Scheduled backups (serve --backup-dir); null when off. */
  backup?: { dir: string; everyMs: number; keep: number } | null;
  /** Free disk space under which new batches are refused with 503 (default 256 MB). */
  minFreeDisk?: MinFreeDisk;
  /** Bearer token for GET /metrics; without one, only direct loopback requests get them. */
  metricsToken?: string | null;
  /** Where the world reaches this server (e.g. https://aurea.example), for URLs shown to paste elsewhere; null: the request's origin. */
  publicUrl?: string | null;
  /** Outgoing mail (digests, alerts); null: email features say they are off. */
  mail?: MailConfig | null;
  /** Where events, visits and the visitor → contact links live: null is the embedded SQLite (the default), else a ClickHouse server. */
  eventStore?: ClickHouseTarget | null;
}

export interface MailConfig {
  /** smtp: (STARTTLS when offered) or smtps: (TLS from the first byte). */
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
  pass: string | null;
  from: string;
  /** The URL with the password masked, for logs and the UI. */
  shown: string;
}

export class ConfigError extends Error {}

export interface FlagSpec {
  /** "optional": a bare flag, or one followed by a value (the next argument unless it is a flag). */
  [flag: string]: { env?: string; type: "string" | "number" | "boolean" | "list" | "optional" };
}

export type ParsedFlags = Record<string, string | number | boolean | string[] | undefined> & {
  _: string[];
};

/** Parses `--flag value`, `--flag=value` and boolean `--flag`; unknown flags are errors. */
export function parseFlags(argv: string[], spec: FlagSpec, env: Record<string, string | undefined> = process.env): ParsedFlags {
  const out: ParsedFlags = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      out._.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const def = spec[name];
    if (!def) throw new ConfigError(`unknown flag --${name} (see \`aurea help\`)`);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (def.type === "boolean") {
      out[name] = value === undefined ? true : parseBool(value, `--${name}`);
      continue;
    }
    if (def.type === "optional") {
      if (value === undefined && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) value = argv[++i];
      out[name] = value ?? true;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    }
    if (def.type === "list") {
      const prev = (out[name] as string[] | undefined) ?? [];
      out[name] = [...prev, value];
    } else out[name] = def.type === "number" ? parseNumber(value, `--${name}`) : value;
  }
  for (const [name, def] of Object.entries(spec)) {
    if (out[name] !== undefined || !def.env) continue;
    const raw = env[def.env];
    if (raw === undefined || raw === "") continue;
    if (def.type === "boolean") out[name] = parseBool(raw, def.env);
    else if (def.type === "number") out[name] = parseNumber(raw, def.env);
    else if (def.type === "list") out[name] = raw.split(",").map((s) => s.trim()).filter(Boolean);
    else out[name] = raw;
  }
  return out;
}

function parseBool(raw: string, where: string): boolean {
  const v = raw.toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new ConfigError(`${where}: expected true or false, got "${raw}"`);
}

function parseNumber(raw: string, where: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new ConfigError(`${where}: expected a whole number, got "${raw}"`);
  return n;
}

export const DATA_FLAG: FlagSpec = { data: { env: "AUREA_DATA_DIR", type: "string" } };

export const PUBLIC_URL_FLAG: FlagSpec = { "public-url": { env: "AUREA_PUBLIC_URL", type: "string" } };

/** --public-url / AUREA_PUBLIC_URL as an origin plus optional path prefix, without a trailing slash. */
export function resolvePublicUrl(flags: ParsedFlags): string | null {
  const raw = flags["public-url"] as string | undefined;
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`--public-url: "${raw}" is not a URL (expected e.g. https://aurea.example)`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new ConfigError(`--public-url: "${raw}" must start with https:// or http://`);
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

export const MAIL_FLAGS: FlagSpec = {
  "smtp-url": { env: "AUREA_SMTP_URL", type: "string" },
  "mail-from": { env: "AUREA_MAIL_FROM", type: "string" },
};

/** --smtp-url smtp[s]://user:pass@host:port and --mail-from, or null when no SMTP URL is set. */
export function resolveMail(flags: ParsedFlags): MailConfig | null {
  const raw = flags["smtp-url"] as string | undefined;
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError("--smtp-url: not a URL (expected smtp://user:pass@host:587 or smtps://user:pass@host:465)");
  }
  if (u.protocol !== "smtp:" && u.protocol !== "smtps:") throw new ConfigError(`--smtp-url: must start with smtp:// or smtps://, got ${u.protocol}//`);
  if (!u.hostname) throw new ConfigError("--smtp-url: the host is missing (smtp://user:pass@host:587)");
  const secure = u.protocol === "smtps:";
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  const user = u.username ? decodeURIComponent(u.username) : null;
  const pass = u.password ? decodeURIComponent(u.password) : null;
  const from = (flags["mail-from"] as string | undefined) ?? (user?.includes("@") ? user : `aurea@${u.hostname}`);
  if (!/^[^\s<>]+@[^\s<>]+$|<[^\s<>]+@[^\s<>]+>\s*$/.test(from)) throw new ConfigError(`--mail-from: "${from}" is not an address (e.g. "Aurea <reports@example.com>")`);
  const shown = `${u.protocol}//${user ? `${encodeURIComponent(user)}${pass ? ":***" : ""}@` : ""}${u.host || u.hostname}`;
  return { secure, host: u.hostname.replace(/^\[|\]$/g, ""), port, user, pass, from, shown };
}

export const SERVE_FLAGS: FlagSpec = {
  ...DATA_FLAG,
  ...PUBLIC_URL_FLAG,
  ...MAIL_FLAGS,
  port: { env: "AUREA_PORT", type: "number" },
  host: { env: "AUREA_HOST", type: "string" },
  geoip: { env: "AUREA_GEOIP_DB", type: "string" },
  "trust-proxy": { env: "AUREA_TRUST_PROXY", type: "optional" },
  "allow-private-webhooks": { env: "AUREA_ALLOW_PRIVATE_WEBHOOKS", type: "boolean" },
  "rate-limit": { env: "AUREA_RATE_LIMIT", type: "number" },
  "queue-high-water": { env: "AUREA_QUEUE_HIGH_WATER", type: "number" },
  "reader-threads": { env: "AUREA_READER_THREADS", type: "number" },
  "query-timeout": { env: "AUREA_QUERY_TIMEOUT", type: "number" },
  "backup-dir": { env: "AUREA_BACKUP_DIR", type: "string" },
  "backup-every": { env: "AUREA_BACKUP_EVERY", type: "string" },
  "backup-keep": { env: "AUREA_BACKUP_KEEP", type: "number" },
  "min-free-disk": { env: "AUREA_MIN_FREE_DISK", type: "string" },
  "metrics-token": { env: "AUREA_METRICS_TOKEN", type: "string" },
  events: { env: "AUREA_EVENTS_URL", type: "string" },
};

/** --events / AUREA_EVENTS_URL: "sqlite" (the default) or clickhouse[s]://user:pass@host:port/database. Errors never echo the value (it may hold a password). */
export function resolveEventStore(flags: ParsedFlags): ClickHouseTarget | null {
  const raw = flags.events as string | undefined;
  if (!raw || raw.trim().toLowerCase() === "sqlite") return null;
  if (!isClickHouseUrl(raw)) throw new ConfigError("--events: expected sqlite or clickhouse://user:pass@host:8123/database (clickhouses:// for TLS)");
  try {
    return parseClickHouseUrl(raw);
  } catch (e) {
    if (e instanceof ClickHouseUrlError) throw new ConfigError(`--events: ${e.message}`);
    throw e;
  }
}

export function resolveDataDir(flags: ParsedFlags): string {
  return resolve((flags.data as string | undefined) ?? "aurea-data");
}

/** Validates everything before anything is created on disk. */
export function serveConfig(flags: ParsedFlags): ServeConfig {
  const port = (flags.port as number | undefined) ?? 8080;
  if (port < 0 || port > 65535) throw new ConfigError(`--port: ${port} is not a port number (0-65535)`);
  const dataDir = resolveDataDir(flags);
  try {
    const st = statSync(dataDir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new ConfigError(`--data: ${dataDir} exists and is not a directory`);
    if (st) accessSync(dataDir, constants.W_OK | constants.R_OK);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`--data: ${dataDir} is not readable and writable`);
  }
  let geoipPath: string | null = null;
  if (flags.geoip) {
    geoipPath = resolve(flags.geoip as string);
    try {
      accessSync(geoipPath, constants.R_OK);
      if (!statSync(geoipPath).isFile()) throw new Error();
    } catch {
      throw new ConfigError(`--geoip: cannot read ${geoipPath}`);
    }
  }
  const readerThreads = (flags["reader-threads"] as number | undefined) ?? 1;
  if (readerThreads < 1 || readerThreads > 8) throw new ConfigError(`--reader-threads: expected 1 to 8, got ${readerThreads}`);
  const queryTimeout = (flags["query-timeout"] as number | undefined) ?? 10;
  if (queryTimeout < 1 || queryTimeout > 3600) throw new ConfigError(`--query-timeout: expected 1 to 3600 seconds, got ${queryTimeout}`);
  return {
    port,
    host: (flags.host as string | undefined) ?? "0.0.0.0",
    dataDir,
    geoipPath,
    trustProxy: parseProxyTrust(flags["trust-proxy"]),
    allowPrivateWebhooks: Boolean(flags["allow-private-webhooks"]),
    rateLimitPerMinute: (flags["rate-limit"] as number | undefined) ?? 6000,
    queueHighWater: (flags["queue-high-water"] as number | undefined) ?? 20000,
    processingThread: true,
    readerThreads,
    queryTimeoutMs: queryTimeout * 1000,
    backup: backupConfig(flags, dataDir),
    minFreeDisk: minFreeDiskFlag(flags["min-free-disk"]),
    metricsToken: metricsTokenFlag(flags["metrics-token"]),
    publicUrl: resolvePublicUrl(flags),
    mail: resolveMail(flags),
    eventStore: resolveEventStore(flags),
  };
}

function minFreeDiskFlag(raw: ParsedFlags[string]): MinFreeDisk {
  if (raw === undefined) return DEFAULT_MIN_FREE_DISK;
  const floor = parseMinFreeDisk(String(raw));
  if (!floor) throw new ConfigError(`--min-free-disk: expected a size like 256MB, 2GB or 5%, got "${raw}"`);
  return floor;
}

function metricsTokenFlag(raw: ParsedFlags[string]): string | null {
  if (raw === undefined) return null;
  const token = String(raw);
  if (token.length < 16) throw new ConfigError("--metrics-token: use at least 16 characters (e.g. `openssl rand -hex 16`)");
  return token;
}

/**
 * --trust-proxy: bare (or true/1) one hop, a number of hops, or a list of the
 * proxies' networks; off when absent, 0 or false.
 */
export function parseProxyTrust(raw: ParsedFlags[string]): ProxyTrust {
  if (raw === undefined || raw === false) return false;
  if (raw === true) return 1;
  const s = String(raw).trim().toLowerCase();
  if (["true", "yes", "on"].includes(s)) return 1;
  if (["false", "no", "off"].includes(s)) return false;
  if (/^\d+$/.test(s)) {
    const hops = Number(s);
    if (hops > 20) throw new ConfigError(`--trust-proxy: ${hops} hops is not plausible (expected 1-20, or proxy CIDRs)`);
    return hops === 0 ? false : hops;
  }
  try {
    return { networks: parseNetworks(String(raw)) };
  } catch (e) {
    throw new ConfigError(`--trust-proxy: ${(e as Error).message}`);
  }
}

function backupConfig(flags: ParsedFlags, dataDir: string): ServeConfig["backup"] {
  const dir = flags["backup-dir"] as string | undefined;
  if (!dir) {
    if (flags["backup-every"] !== undefined || flags["backup-keep"] !== undefined) {
      throw new ConfigError("--backup-every and --backup-keep need --backup-dir");
    }
    return null;
  }
  const every = (flags["backup-every"] as string | undefined) ?? "6h";
  const everyMs = parseDuration(every);
  if (everyMs === null) throw new ConfigError(`--backup-every: expected a duration like 6h, 30m or 1d, got "${every}"`);
  const keep = (flags["backup-keep"] as number | undefined) ?? 7;
  if (keep < 1) throw new ConfigError("--backup-keep: keep at least 1 backup");
  const resolved = resolve(dir);
  if (resolved === dataDir) throw new ConfigError("--backup-dir: must not be the data directory");
  return { dir: resolved, everyMs, keep };
}
