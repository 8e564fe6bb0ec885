// The check run when steps are saved: how many visitors each step's pattern matched in
// the last 30 days and, for a pattern that matched nobody, near misses that exist.
// Bounded: each step reads at most MAX_EVENTS_READ matching events, found through the
// (funnel_id, type, name, path, ts) index; near misses come from index seeks over the
// distinct paths and names. The match itself is the report's own (targetMatcher).
import type { Database } from "bun:sqlite";
import { ANY_CONVERSION, propsMatch, stepSqlFilter, targetMatcher, type Step } from "../../../funnels/steps-definition";
import { EVENT_TYPES } from "../../../ingest/payload";
import { distinctEventNames } from "../dashboard/event-names";
import { nearMisses, type Existing } from "../../../analytics/steps-near-miss";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";
import { CHECK_DAYS, type StepCheck } from "../../journey-reader";

/** Matching events read per step: past it, the count is a lower bound ("at least"). */
export const MAX_EVENTS_READ = 2000;
const MAX_DISTINCT_PATHS = 2000;
const MAX_DISTINCT_NAMES = 500;

interface Row {
  anonymous_id: string;
  type: string;
  name: string;
  path: string | null;
  props: string | null;
}

export class StepsChecker {
  private existing: Existing | null = null;
  private readonly from: number;
  private readonly to: number;

  constructor(
    private sqlite: Database,
    private funnelId: string,
    now: number,
  ) {
    this.from = now - CHECK_DAYS * DAY_MS;
    this.to = now + HOUR_MS;
  }

  check(steps: Step[]): StepCheck[] {
    return steps.map((step) => {
      const { visitors, atLeast } = this.count(step);
      if (visitors > 0 || (step.page === undefined && step.event === undefined) || step.event === ANY_CONVERSION) return { visitors, atLeast, suggestions: [] };
      const kind = step.page !== undefined ? "page" : "event";
      const misses = nearMisses(kind, (step.page ?? step.event)!, this.existingValues());
      const suggestions = misses
        .map((m) => ({ ...m, ...this.count({ name: step.name, [m.kind]: m.pattern, where: step.where }) }))
        .filter((m) => m.visitors > 0);
      return { visitors, atLeast, suggestions };
    });
  }

  /** Distinct visitors with an event matching the step (its `where` included) in the window. */
  count(step: Step): { visitors: number; atLeast: boolean } {
    const match = targetMatcher(step);
    const seen = new Set<string>();
    let atLeast = false;
    for (const query of this.queries(step)) {
      const rows = query.all();
      if (rows.length >= MAX_EVENTS_READ) atLeast = true;
      for (const r of rows) {
        if (!match(r.type, r.name, r.path)) continue;
        if (step.where && !propsMatch(r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null, step.where)) continue;
        seen.add(r.anonymous_id);
      }
    }
    return { visitors: seen.size, atLeast };
  }

  /** How SQLite runs each of the step's queries (EXPLAIN QUERY PLAN), for tests and benches. */
  queryPlans(step: Step): string[] {
    return this.queries(step).map((q) => q.plan());
  }

  /** Candidate rows in SQL (index range on type, name, path); the exact match is checked after. */
  private queries(step: Step): { all(): Row[]; plan(): string }[] {
    const f = stepSqlFilter(step);
    const cols = `anonymous_id, type, name, path, ${step.where ? "props" : "NULL AS props"}`;
    const base = `SELECT ${cols} FROM events INDEXED BY events_funnel_type_name WHERE funnel_id = ?`;
    const window = "AND ts >= ? AND ts < ? LIMIT ?";
    const run = (sql: string, ...params: string[]) => ({
      all: () => this.sqlite.query<Row, (string | number)[]>(sql).all(this.funnelId, ...params, this.from, this.to, MAX_EVENTS_READ),
      plan: () =>
        this.sqlite
          .query<{ detail: string }, (string | number)[]>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(this.funnelId, ...params, this.from, this.to, MAX_EVENTS_READ)
          .map((r) => r.detail)
          .join("; "),
    });
    if (f.kind === "conversion") return [run(`${base} AND type = 'conversion' ${window}`)];
    if (f.kind === "none") return [];
    if (f.kind === "event") {
      const types = EVENT_TYPES.map(() => "?").join(", ");
      const name = f.literal !== undefined ? "name = ?" : "name GLOB ?";
      return [run(`${base} AND type IN (${types}) AND ${name} ${window}`, ...EVENT_TYPES, f.literal ?? f.glob)];
    }
    // Page views: nearly always named page_view; the SDK or a sender may name them otherwise.
    const names = distinctEventNames(this.sqlite, this.funnelId, "page_view", MAX_DISTINCT_NAMES);
    if (!names.length) return [];
    const nameIn = `name IN (${names.map(() => "?").join(", ")})`;
    if (f.literals) return [run(`${base} AND type = 'page_view' AND ${nameIn} AND path IN (${f.literals.map(() => "?").join(", ")}) ${window}`, ...names, ...f.literals)];
    return f.globs.map((glob) => run(`${base} AND type = 'page_view' AND ${nameIn} AND path GLOB ? ${window}`, ...names, glob));
  }

  private existingValues(): Existing {
    if (this.existing) return this.existing;
    const next = this.sqlite.query<{ path: string | null }, [string, string, string]>(
      "SELECT min(path) AS path FROM events INDEXED BY events_funnel_type_name WHERE funnel_id = ? AND type = 'page_view' AND name = ? AND path > ?",
    );
    const paths = new Set<string>();
    for (const name of distinctEventNames(this.sqlite, this.funnelId, "page_view", MAX_DISTINCT_NAMES)) {
      for (let after = ""; paths.size < MAX_DISTINCT_PATHS; ) {
        const path = next.get(this.funnelId, name, after)?.path;
        if (path === null || path === undefined) break;
        paths.add(path);
        after = path;
      }
    }
    const names = new Set<string>();
    for (const type of EVENT_TYPES) if (type !== "page_view") for (const n of distinctEventNames(this.sqlite, this.funnelId, type, MAX_DISTINCT_NAMES)) names.add(n);
    this.existing = { paths: [...paths], names: [...names] };
    return this.existing;
  }
}

/** Null when the funnel recorded nothing in the window: there is nothing to check against. */
export function checkSteps(sqlite: Database, funnelId: string, steps: Step[], now: number): StepCheck[] | null {
  const any = sqlite
    .query<{ one: number }, [string, number, number]>("SELECT 1 AS one FROM events INDEXED BY events_funnel_ts WHERE funnel_id = ? AND ts >= ? AND ts < ? LIMIT 1")
    .get(funnelId, now - CHECK_DAYS * DAY_MS, now + HOUR_MS);
  return any ? new StepsChecker(sqlite, funnelId, now).check(steps) : null;
}
