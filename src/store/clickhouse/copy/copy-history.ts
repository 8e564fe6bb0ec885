// Copies a data directory's SQLite event history into ClickHouse (`aurea events migrate`):
// the visitor → contact links, then the events in row-id order, a chunk per insert in
// the rows the writer sends (visits are folded by ClickHouse from the events, as for
// live writes). Resumable: after each acknowledged chunk its cursor is saved in
// ClickHouse (copy-cursor.ts); a killed copy resumes there, and the chunk that may have
// landed without its cursor is sent again with the same deduplication token, which the
// server drops (events, and the visits and event ids their views feed).
import type { Database } from "bun:sqlite";
import type { ClickHouseLink } from "../link";
import { DEDUP, dedupToken } from "../writer/send";
import { CopyCursor, type CopyPhase, type CopyState } from "./copy-cursor";
import { ProgressLine } from "./progress";
import { SqliteHistory } from "./sqlite-history";

export interface CopyOptions {
  /** Names the data directory in the cursor table: one history per source. */
  source: string;
  /** Rows per insert on a first run (a resumed one keeps its own). */
  chunk: number;
  print: (line: string) => void;
  progressEveryMs?: number;
}

export interface CopyResult {
  events: number;
  links: number;
  resumed: boolean;
  ms: number;
}

/** ClickHouse holds events this copy did not write: copying would mix two histories. */
export class CopyRefused extends Error {}

interface Phase<Row> {
  name: CopyPhase;
  label: string;
  count(after: number, until: number): number;
  next(after: number, until: number, limit: number): { rows: Row[]; last: number } | null;
  send(rows: Row[]): Promise<void>;
}

export async function copyHistory(sqlite: Database, link: ClickHouseLink, opts: CopyOptions): Promise<CopyResult> {
  const started = performance.now();
  const history = new SqliteHistory(sqlite);
  const cursor = new CopyCursor(link.client, opts.source);
  const states = await link.guard(async () => {
    await link.ensureSchema();
    await cursor.ensureTable();
    return cursor.load();
  });
  if (!states.size) await refuseIfHolding(link, cursor);
  const ends = history.ends();
  const client = link.client;
  let resumed = false;

  const runPhase = async <Row>(p: Phase<Row>, end: number): Promise<number> => {
    const before = states.get(p.name);
    const state: CopyState = !before
      ? { cursor: 0, until: end, chunk: opts.chunk }
      : before.cursor < before.until
        ? before // resume: the same end and chunks as the run that was stopped
        : { ...before, until: Math.max(end, before.until) };
    if (before && before.cursor < before.until) {
      resumed = true;
      opts.print(`${p.label}: resuming after ${before.cursor} (chunks of ${before.chunk} rows)`);
    }
    await link.guard(() => cursor.save(p.name, state));
    const progress = new ProgressLine(p.label, p.count(0, state.cursor), p.count(0, state.until), opts.print, opts.progressEveryMs);
    let copied = 0;
    let chunk = p.next(state.cursor, state.until, state.chunk);
    while (chunk) {
      const sending = link.guard(() => p.send(chunk!.rows));
      // Read the next chunk from SQLite while ClickHouse takes this one.
      const upcoming = p.next(chunk.last, state.until, state.chunk);
      await sending;
      state.cursor = chunk.last;
      await link.guard(() => cursor.save(p.name, state));
      copied += chunk.rows.length;
      progress.add(chunk.rows.length);
      chunk = upcoming;
    }
    if (state.cursor < state.until) {
      state.cursor = state.until; // rows deleted since the copy began (retention): nothing left below the end
      await link.guard(() => cursor.save(p.name, state));
    }
    progress.finish();
    return copied;
  };

  const links = await runPhase(
    {
      name: "visitor_contacts",
      label: "visitor → contact links",
      count: (a, u) => history.countLinks(a, u),
      next: (a, u, n) => history.linkChunk(a, u, n),
      // Keyed by (funnel, visitor) in a ReplacingMergeTree: a link sent twice is the same row.
      send: async (rows) => void (await client.insert({ table: "visitor_contacts", values: rows, format: "JSONEachRow" })),
    },
    ends.links,
  );
  if (resumed) await link.guard(() => client.command({ query: "OPTIMIZE TABLE visitor_contacts FINAL" }));
  const events = await runPhase(
    {
      name: "events",
      label: "events",
      count: (a, u) => history.countEvents(a, u),
      next: (a, u, n) => history.eventChunk(a, u, n),
      send: async (rows) => {
        const token = dedupToken("copy-events", rows.map((r) => `${r.funnel_id}:${r.id}`));
        await client.insert({ table: "events", values: rows, format: "JSONEachRow", clickhouse_settings: { ...DEDUP, insert_deduplication_token: token } });
      },
    },
    ends.events,
  );
  link.acknowledged();
  return { events, links, resumed, ms: performance.now() - started };
}

async function refuseIfHolding(link: ClickHouseLink, cursor: CopyCursor): Promise<void> {
  const [held, others] = await link.guard(async () => {
    const rs = await link.client.query({ query: "SELECT count() AS n FROM events", format: "JSONEachRow" });
    return [Number((await rs.json<{ n: number | string }>())[0].n), await cursor.sources()] as const;
  });
  if (held > 0) {
    const from = others.length ? ` (copied from ${others.join(", ")})` : " (written by a server started with --events)";
    throw new CopyRefused(
      `${link.target.shown} already holds ${held.toLocaleString("en-US")} events${from}: events migrate copies a history into a database that has none. ` +
        "Give a new database in the URL's path, or drop this one's tables first.",
    );
  }
}
