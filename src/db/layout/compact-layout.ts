// The required layout step that moves a database written before the compact layout
// (docs/storage.md) into it. The drizzle migration 0015 renamed the old event-plane
// tables to legacy_* and made the new ones empty; this step copies the legacy rows over,
// phase by phase, each phase in ranges of row ids committed together with the cursor
// (./chunks.ts), so a crash or kill -9 resumes after the last committed range:
//
//   sessions → events (row ids kept; the events' indexes are dropped first and built
//   once at the end, which is faster and leaves them packed) → each visit's client →
//   the journey copy, a day at a time → contact_visitors; each legacy table is dropped
//   in the transaction that ends its last phase, the events' sqlite_sequence moved over
//   first so that row ids are never reused (live cursors, journey_days).
//
// Memory stays bounded: a range's DISTINCTs and the page cache are all it holds.
import type { Database } from "bun:sqlite";
import { copyByRowRanges } from "./chunks";
import { CONTACT_VISITOR_RANGE, EVENT_RANGE, JOURNEY_DAY, NEXT_JOURNEY_DAY, SESSION_CLIENT_RANGE, SESSION_RANGE } from "./compact-sql";
import type { LayoutStep, StepContext } from "./steps";

export const LEGACY_TABLES = ["legacy_events", "legacy_sessions", "legacy_journey_events", "legacy_contact_visitors"];

const PHASES = ["sessions", "events", "indexes", "session-clients", "journey", "contact-visitors", "done"] as const;
type Phase = (typeof PHASES)[number];

interface CompactState {
  phase: Phase;
  /** A row id, or for the journey copy the last (funnel id, day) copied and the rows copied so far. */
  cursor: number | [string, number, number];
  /** Rows per phase, counted once at the start (the legacy tables go away as it runs): for progress. */
  totals: Record<string, number>;
  /** The events' indexes as the migration made them, dropped during the copy. */
  indexes: string[];
}

export interface CompactOptions {
  /** Legacy row ids per transaction. */
  chunk?: number;
  /** Journey days per transaction. */
  days?: number;
  /** After each committed range of any phase (the crash test stops the process here). */
  afterChunk?: () => void;
}

export function compactLayoutStep(opts: CompactOptions = {}): LayoutStep {
  const chunk = opts.chunk ?? 50_000;
  return {
    id: "compact-layout",
    describe: "moving the events, visits and journey copy into the compact layout (integer keys and dictionaries; about 40 s per million events)",
    required: true,
    needed: (sqlite) => legacyRows(sqlite),
    run(sqlite, ctx) {
      let state = (ctx.state as CompactState | null) ?? start(sqlite, ctx);
      const grand = Object.values(state.totals).reduce((a, b) => a + b, 0);
      const doneBefore = (phase: Phase) => PHASES.slice(0, PHASES.indexOf(phase)).reduce((n, p) => n + (state.totals[p] ?? 0), 0);
      // A phase's ranges, saved with the phase; then the next phase, with what ends this one.
      const ranges = (table: string, id: string, statements: string[]) => {
        const offset = doneBefore(state.phase);
        const sub: StepContext = {
          state: typeof state.cursor === "number" ? state.cursor : 0,
          save: (cursor) => ctx.save({ ...state, cursor }),
          progress: (done) => ctx.progress(offset + done, grand),
          log: ctx.log,
        };
        const prepared = statements.map((s) => sqlite.prepare(s));
        copyByRowRanges(sqlite, sub, {
          maxSql: `SELECT max(${id}) AS n FROM ${table}`,
          run: (from, upTo) => prepared.forEach((p) => p.run(from, upTo)),
          chunk,
          afterChunk: opts.afterChunk,
        });
      };
      const next = (finish: () => void = () => {}) => {
        const to = PHASES[PHASES.indexOf(state.phase) + 1];
        sqlite.transaction(() => {
          finish();
          state = { ...state, phase: to, cursor: 0 };
          ctx.save(state);
        }).immediate();
        if (to !== "done") ctx.log(`aurea: storage layout: compact-layout: ${to.replace("-", " ")}`);
      };

      while (state.phase !== "done") {
        switch (state.phase) {
          case "sessions":
            ranges("legacy_sessions", "rowid", SESSION_RANGE);
            next();
            break;
          case "events":
            ranges("legacy_events", "row_id", EVENT_RANGE);
            next(() => {
              keepSequence(sqlite);
              sqlite.exec("DROP TABLE legacy_events");
            });
            break;
          case "indexes":
            // One statement each: a crash redoes only the one it was building.
            for (const sql of state.indexes) sqlite.exec(sql.replace(/^CREATE (UNIQUE )?INDEX /i, "CREATE $1INDEX IF NOT EXISTS "));
            next();
            break;
          case "session-clients":
            ranges("sessions", "key", SESSION_CLIENT_RANGE);
            next(() => sqlite.exec("DROP TABLE legacy_sessions"));
            break;
          case "journey":
            journeyDays(sqlite, ctx, state, opts, (rows) => ctx.progress(doneBefore("journey") + rows, grand));
            next(() => sqlite.exec("DROP TABLE legacy_journey_events"));
            break;
          case "contact-visitors":
            ranges("legacy_contact_visitors", "rowid", CONTACT_VISITOR_RANGE);
            next(() => sqlite.exec("DROP TABLE legacy_contact_visitors"));
            break;
        }
        // A crash test may stop at a phase's end as well.
        opts.afterChunk?.();
      }
      ctx.progress(grand, grand);
      return true;
    },
  };
}

/** The first run: counts for the progress, and the events' indexes out of the way of the copy. */
function start(sqlite: Database, ctx: StepContext): CompactState {
  const max = (sql: string) => sqlite.query<{ n: number | null }, []>(sql).get()?.n ?? 0;
  const state: CompactState = {
    phase: "sessions",
    cursor: 0,
    totals: {
      sessions: max("SELECT max(rowid) AS n FROM legacy_sessions"),
      events: max("SELECT max(row_id) AS n FROM legacy_events"),
      "session-clients": max("SELECT max(rowid) AS n FROM legacy_sessions"),
      journey: max("SELECT count(*) AS n FROM legacy_journey_events"),
      "contact-visitors": max("SELECT max(rowid) AS n FROM legacy_contact_visitors"),
    },
    indexes: sqlite
      .query<{ sql: string }, []>("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name")
      .all()
      .map((r) => r.sql),
  };
  sqlite.transaction(() => {
    for (const sql of state.indexes) sqlite.exec(`DROP INDEX IF EXISTS ${indexName(sql)}`);
    ctx.save(state);
  }).immediate();
  ctx.log("aurea: storage layout: compact-layout: sessions");
  return state;
}

/** The journey copy by (funnel, day), its primary key's prefix: a few days per transaction. */
function journeyDays(sqlite: Database, ctx: StepContext, state: CompactState, opts: CompactOptions, progress: (rows: number) => void): void {
  const next = sqlite.prepare<{ funnelId: string; day: number }, [string, number]>(NEXT_JOURNEY_DAY);
  const copy = sqlite.prepare(JOURNEY_DAY);
  const days = opts.days ?? 8;
  let [funnelId, day, rows] = Array.isArray(state.cursor) ? state.cursor : ["", -1, 0];
  for (;;) {
    const batch: [string, number][] = [];
    for (let d = next.get(funnelId, day); d && batch.length < days; d = next.get(d.funnelId, d.day)) batch.push([d.funnelId, d.day]);
    if (!batch.length) return;
    sqlite.transaction(() => {
      for (const [f, d] of batch) rows += copy.run(f, d).changes;
      [funnelId, day] = batch.at(-1)!;
      ctx.save({ ...state, cursor: [funnelId, day, rows] });
    }).immediate();
    progress(rows);
    opts.afterChunk?.();
  }
}

/** Row ids are never reused: the new events table continues from the legacy one's high-water mark. */
function keepSequence(sqlite: Database): void {
  const seq = (name: string) => sqlite.query<{ seq: number }, [string]>("SELECT seq FROM sqlite_sequence WHERE name = ?").get(name)?.seq;
  const legacy = seq("legacy_events") ?? 0;
  const current = seq("events");
  if (current === undefined) {
    if (legacy > 0) sqlite.query("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)").run(legacy);
  } else if (legacy > current) {
    sqlite.query("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events'").run(legacy);
  }
}

function indexName(sql: string): string {
  const m = /^CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?("[^"]+"|`[^`]+`|\S+)/i.exec(sql);
  if (!m) throw new Error(`not an index: ${sql}`);
  return m[1];
}

/**
 * True when legacy tables hold rows to move. Empty ones (a database created by this
 * release runs the migration that renames them too) are dropped here: nothing to convert.
 */
function legacyRows(sqlite: Database): boolean {
  const present = sqlite
    .query<{ name: string }, []>(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN (${LEGACY_TABLES.map((t) => `'${t}'`).join(", ")})`)
    .all()
    .map((r) => r.name);
  const full = present.filter((t) => sqlite.query(`SELECT 1 FROM ${t} LIMIT 1`).get() !== null);
  if (full.length) return true;
  if (present.length) {
    sqlite.transaction(() => {
      keepSequence(sqlite);
      for (const t of present) sqlite.exec(`DROP TABLE ${t}`);
    }).immediate();
  }
  return false;
}
