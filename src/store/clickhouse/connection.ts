// Where the ClickHouse event store lives: `clickhouse://user:pass@host:8123/db` (HTTP)
// or `clickhouses://…` / `https://…` (TLS, port 8443 by default), as `@clickhouse/client`
// config. The password never leaves this module except inside the client: every log
// line, health answer and error shows `shown`, with the password masked.
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";

export interface ClickHouseTarget {
  /** http(s)://host:port of the server's HTTP interface. */
  url: string;
  username: string;
  password: string;
  database: string;
  /** The URL as it may be printed: the password replaced by ***. */
  shown: string;
}

export class ClickHouseUrlError extends Error {}

const SCHEMES: Record<string, { protocol: "http:" | "https:"; port: number }> = {
  "clickhouse:": { protocol: "http:", port: 8123 },
  "http:": { protocol: "http:", port: 8123 },
  "clickhouses:": { protocol: "https:", port: 8443 },
  "https:": { protocol: "https:", port: 8443 },
};

/** Whether an --events value names ClickHouse (anything else is an error, except "sqlite"). */
export function isClickHouseUrl(raw: string): boolean {
  return /^(clickhouses?|https?):\/\//i.test(raw.trim());
}

export function parseClickHouseUrl(raw: string): ClickHouseTarget {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    // The raw text may hold a password: never echo it.
    throw new ClickHouseUrlError("not a URL (expected clickhouse://user:pass@host:8123/database)");
  }
  const scheme = SCHEMES[u.protocol.toLowerCase()];
  if (!scheme) throw new ClickHouseUrlError(`${u.protocol}// is not a ClickHouse URL (expected clickhouse://, clickhouses://, http:// or https://)`);
  if (!u.hostname) throw new ClickHouseUrlError("the host is missing (clickhouse://user:pass@host:8123/database)");
  const username = u.username ? decodeURIComponent(u.username) : "default";
  const password = u.password ? decodeURIComponent(u.password) : "";
  const database = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, "")) || "aurea";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new ClickHouseUrlError(`database name "${database}": use letters, digits and _`);
  const port = u.port ? Number(u.port) : scheme.port;
  const url = `${scheme.protocol}//${u.hostname}:${port}`;
  const shown = `${u.protocol}//${u.username ? `${encodeURIComponent(username)}${password ? ":***" : ""}@` : ""}${u.hostname}:${port}/${database}`;
  return { url, username, password, database, shown };
}

/** Replaces the password wherever it appears in a message (errors from the client, the server). */
export function maskSecret(message: string, target: ClickHouseTarget): string {
  if (!target.password) return message;
  return message.split(target.password).join("***").split(encodeURIComponent(target.password)).join("***");
}

export interface ConnectOptions {
  /** No database parameter: for CREATE DATABASE before it exists. */
  noDatabase?: boolean;
  /** Per request (ms): a server that stopped answering fails the run instead of holding it. */
  requestTimeoutMs?: number;
}

export function connectClickHouse(target: ClickHouseTarget, opts: ConnectOptions = {}): ClickHouseClient {
  return createClient({
    url: target.url,
    username: target.username,
    password: target.password,
    database: opts.noDatabase ? undefined : target.database,
    application: "aurea",
    // Failures reach the caller (and /healthz) masked; the client would log them unmasked.
    log: { level: ClickHouseLogLevel.OFF },
    request_timeout: opts.requestTimeoutMs ?? 30_000,
    max_open_connections: 4,
    clickhouse_settings: {
      // Dates and times travel as UTC; 64-bit integers as JSON numbers (row ids < 2^53).
      date_time_output_format: "simple",
      output_format_json_quote_64bit_integers: 0,
    },
  });
}
