// A test-only ClickHouse for the ClickHouse event store: the real engine (chDB, the
// ClickHouse 26.7 that `chdb` ships, in this process) behind the small part of
// ClickHouse's HTTP interface that @clickhouse/client uses, on 127.0.0.1:random.
// Production needs a real ClickHouse server (docs/clickhouse.md); this only lets the
// production client code run end to end against the real engine in tests.
//
// What it answers: GET/HEAD /ping; a query in the body, in the `query` URL param, or
// the param's start with the rest (e.g. INSERT … FORMAT JSONEachRow data) in the body;
// `database`, `default_format`, `query_id`, `param_*` and any other URL param as a
// setting; basic auth, X-ClickHouse-User/-Key or user/password params; errors as
// ClickHouse sends them (status, X-ClickHouse-Exception-Code, "Code: N. DB::Exception:
// … (TYPE) (version …)"). Not: sessions, compression, multipart params, progress
// headers. Requests run one at a time (USE and SET are session state).
//
// chDB allows one data directory per process, so every adapter in a process shares
// one engine (`sharedChdb()`); each adapter gets its own database, created at start
// (like the server image's CLICKHOUSE_DB), so tests in one process do not meet.
import { gunzipSync } from "node:zlib";
import { Session } from "chdb";

let shared: Session | null = null;

/** Where chDB's defaults differ from a ClickHouse server's, the server's (UInt64 in JSON as strings…). */
const SERVER_DEFAULTS: Record<string, string> = { output_format_json_quote_64bit_integers: "1", implicit_select: "0" };

/** The process's one chDB engine (a temp data directory removed at exit), with a server's defaults. */
export function sharedChdb(): Session {
  if (!shared) {
    shared = new Session();
    for (const [k, v] of Object.entries(SERVER_DEFAULTS)) shared.query(`SET ${k} = ${v}`);
  }
  return shared;
}

export interface TestClickHouse {
  /** http://127.0.0.1:port, for @clickhouse/client's `url`. */
  url: string;
  /** clickhouse://user:pass@127.0.0.1:port/database, for `aurea serve --events`. */
  eventsUrl: string;
  port: number;
  database: string;
  username: string;
  password: string;
  /** Stop listening (ClickHouse down); the data stays. */
  stop(): Promise<void>;
  /** Listen again on the same port, over the same data. */
  start(): Promise<void>;
  /** Stop and drop the database. */
  close(): Promise<void>;
}

const VERSION = "26.7.2.1";
/** URL params that are the HTTP interface's own, never settings. */
const NOT_SETTINGS = new Set([
  "query", "database", "default_format", "query_id", "session_id", "session_timeout", "session_check",
  "user", "password", "quota_key", "compress", "decompress", "enable_http_compression", "wait_end_of_query",
  "buffer_size", "role", "http_headers_progress_interval_ms", "send_progress_in_http_headers",
]);
const HTTP_STATUS: Record<number, number> = { 60: 404, 81: 404, 62: 400, 516: 401, 115: 400, 456: 400, 457: 400, 36: 400, 47: 400 };

let chain: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(job: () => Promise<T>): Promise<T> {
  const run = chain.then(job, job);
  chain = run.catch(() => undefined);
  return run;
}

export async function startTestClickHouse(
  opts: { database?: string; username?: string; password?: string } = {},
): Promise<TestClickHouse> {
  const session = sharedChdb();
  const database = opts.database ?? `aurea_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const username = opts.username ?? "aurea";
  const password = opts.password ?? "secret";
  await oneAtATime(() => session.queryAsync(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)}`));

  const handle = (req: Request) => answer(session, req, username, password);
  let server: ReturnType<typeof Bun.serve> | null = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handle });
  const port = server.port!;
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await server?.stop(true);
    server = null;
  };
  return {
    url,
    eventsUrl: `clickhouse://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    port,
    database,
    username,
    password,
    stop,
    async start() {
      server ??= Bun.serve({ hostname: "127.0.0.1", port, fetch: handle });
    },
    async close() {
      await stop();
      await oneAtATime(() => session.queryAsync(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`));
    },
  };
}

async function answer(session: Session, req: Request, username: string, password: string): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === "/ping" || (url.pathname === "/" && req.method !== "POST" && !url.searchParams.has("query"))) {
    return new Response("Ok.\n", { headers: { "content-type": "text/plain; charset=UTF-8" } });
  }
  const queryId = url.searchParams.get("query_id") || crypto.randomUUID();
  const who = credentials(req, url);
  if (who.user !== username || who.password !== password) {
    return failure(queryId, 516, `${who.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)`);
  }
  if ((req.headers.get("content-type") ?? "").startsWith("multipart/")) {
    return failure(queryId, 1, "The test adapter does not read multipart query params. (UNSUPPORTED_METHOD)");
  }
  let body = req.method === "POST" ? new Uint8Array(await req.arrayBuffer()) : new Uint8Array();
  if (req.headers.get("content-encoding") === "gzip") body = gunzipSync(body);
  const bodyText = new TextDecoder().decode(body);
  const head = url.searchParams.get("query");
  const sql = head !== null ? (bodyText ? `${head}\n${bodyText}` : head) : bodyText;
  if (!sql.trim()) return failure(queryId, 62, "Empty query. (SYNTAX_ERROR)");

  const database = url.searchParams.get("database") || "default";
  const format = url.searchParams.get("default_format") || "TabSeparated";
  const params: [string, string][] = [];
  const settings: [string, string][] = [];
  for (const [k, v] of url.searchParams) {
    if (k.startsWith("param_")) params.push([k, v]);
    else if (!NOT_SETTINGS.has(k)) settings.push([k, v]);
  }

  return oneAtATime(async () => {
    try {
      await session.queryAsync(`USE ${quoteIdent(database)}`);
      // A param's value is the client's text as sent; SET param_x = '…' binds it unparsed.
      for (const [k, v] of params) await session.queryAsync(`SET ${quoteIdent(k)} = ${quoteString(v)}`);
      for (const [k, v] of settings) await session.queryAsync(`SET ${quoteIdent(k)} = ${quoteString(v)}`);
      const started = performance.now();
      const result = await session.queryAsync(sql, { format });
      const written = /^\s*INSERT\b/i.test(sql) ? countDataRows(sql) : 0;
      const text = result.text();
      const summary = {
        read_rows: String(result.rowsRead), read_bytes: String(result.bytesRead),
        written_rows: String(written), written_bytes: "0", total_rows_to_read: String(result.rowsRead),
        result_rows: "0", result_bytes: String(text.length),
        elapsed_ns: String(Math.round((performance.now() - started) * 1e6)),
      };
      return new Response(text, {
        headers: {
          "content-type": "text/plain; charset=UTF-8",
          "x-clickhouse-query-id": queryId,
          "x-clickhouse-format": format,
          "x-clickhouse-timezone": "UTC",
          "x-clickhouse-server-display-name": "chdb-test-adapter",
          "x-clickhouse-summary": JSON.stringify(summary),
        },
      });
    } catch (err) {
      const e = err as { clickhouseCode?: number; message?: string };
      const message = String(e.message ?? err).replace(/^Query failed: /, "").replace(/^Code: \d+\. DB::Exception: /, "");
      return failure(queryId, e.clickhouseCode ?? 1000, message);
    } finally {
      for (const [k] of settings) {
        const reset = k in SERVER_DEFAULTS ? SERVER_DEFAULTS[k] : "DEFAULT";
        await session.queryAsync(`SET ${quoteIdent(k)} = ${reset}`).catch(() => undefined);
      }
      await session.queryAsync("USE default").catch(() => undefined);
    }
  });
}

function failure(queryId: string, code: number, message: string): Response {
  return new Response(`Code: ${code}. DB::Exception: ${message} (version ${VERSION} (official build))\n`, {
    status: HTTP_STATUS[code] ?? 500,
    headers: {
      "content-type": "text/plain; charset=UTF-8",
      "x-clickhouse-query-id": queryId,
      "x-clickhouse-exception-code": String(code),
    },
  });
}

function credentials(req: Request, url: URL): { user: string; password: string } {
  const auth = req.headers.get("authorization");
  if (auth?.startsWith("Basic ")) {
    const decoded = atob(auth.slice(6));
    const colon = decoded.indexOf(":");
    return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  const user = req.headers.get("x-clickhouse-user") ?? url.searchParams.get("user") ?? "default";
  return { user, password: req.headers.get("x-clickhouse-key") ?? url.searchParams.get("password") ?? "" };
}

/** Rows of inline data after FORMAT (line formats: one a line). */
function countDataRows(sql: string): number {
  const m = /\bFORMAT\s+\w+\s*\n/i.exec(sql);
  if (!m) return 0;
  return sql.slice(m.index + m[0].length).split("\n").filter((l) => l.trim() !== "").length;
}

function quoteIdent(name: string): string {
  return "`" + name.replace(/\\/g, "\\\\").replace(/`/g, "\\`") + "`";
}

function quoteString(value: string): string {
  return "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
}
