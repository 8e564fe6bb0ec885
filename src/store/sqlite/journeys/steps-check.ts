// The check run when steps are saved: how many visitors each step's pattern matched in
// the last 30 days and, for a pattern that matched nobody, near misses that exist.
// Bounded: each step reads at most MAX_EVENTS_READ matching events, found through the
// (funnel, kind, path, ts) index (kinds and paths resolved to dictionary ids first);
// near misses come from index seeks over the distinct paths and names. The match
// itself is the report's own (targetMatcher), on the dictionaries' text.
import type { Database, SQLQueryBindings } from "bun:sqlite";
import { ANY_CONVERSION, propsMatch, stepSqlFilter, targetMatcher, type Step } from "../../../funnels/steps-definition";
import { EVENT_TYPES } from "../../../ingest/payload";
import { distinctEventNames } from "../dashboard/event-names";
import { nearMisses, type Existing } from "../../../analytics/steps-near-miss";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";
import { CHECK_DAYS, type StepCheck } from "../../journey-reader";
import { funnelKey } from "../layout";
import { CellReads, type CandidateRow, type Cell } from "./steps-check-reads";

/** Matching events read per step: past it, the count is a lower bound ("at least"). */
export const MAX_EVENTS_READ = 2000;
const MAX_DISTINCT_PATHS = 2000;
const MAX_DISTINCT_NAMES = 500;

interface Row {
  visitor: number;
  type: string;
  name: string;
  path: string | null;
  props: string | null;
}

export class StepsChecker {
  private existing: Existing | null = null;
  private readonly from: number;
  private readonly to: number;
  /** The funnel's key; null (matches nothing) when it recorded nothing. */
  private readonly key: number | null;
  private readonly reads: CellReads;
  private kindTexts = new Map<number, { type: string; name: string }>();
  private pathTexts = new Map<number, string>();

  constructor(
    private sqlite: Database,
    private funnelId: string,
    now: number,
  ) {
    this.from = now - CHECK_DAYS * DAY_MS;
    this.to = now + HOUR_MS;
    this.key = funnelKey(sqlite, funnelId);
    this.reads = new CellReads(sqlite, this.key);
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
    const seen = new Set<number>();
    let atLeast = false;
    for (const query of this.queries(step)) {
      const rows = query.all();
      if (rows.length >= MAX_EVENTS_READ) atLeast = true;
      for (const r of rows) {
        if (!match(r.type, r.name, r.path)) continue;
        if (step.where && !propsMatch(r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null, step.where)) continue;
        seen.add(r.visitor);
      }
    }
    return { visitors: seen.size, atLeast };
  }

  /** How SQLite runs each of the step's queries (EXPLAIN QUERY PLAN), for tests and benches. */
  queryPlans(step: Step): string[] {
    return this.queries(step).map((q) => q.plan());
  }

  /**
   * Candidate rows, each of the step's lookups (a page step's globs are one each) read
   * cell by cell in the previous index's order (steps-check-reads.ts), then their kind
   * and path turned into text for the exact match.
   */
  private queries(step: Step): { all(): Row[]; plan(): string }[] {
    const f = stepSqlFilter(step);
    const withProps = !!step.where;
    const text = (rows: CandidateRow[]): Row[] =>
      rows.map((r) => {
        const k = this.kindText(r.kind);
        return { visitor: r.visitor, type: k.type, name: k.name, path: r.path === null ? null : this.pathText(r.path), props: r.props };
      });
    const query = (cells: Cell[]) => ({
      all: () => text(this.reads.read(cells, this.from, this.to, MAX_EVENTS_READ, withProps)),
      plan: () => {
        const { sql, params } = this.reads.cellSql(cells[0], withProps);
        return this.sqlite
          .query<{ detail: string }, SQLQueryBindings[]>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params, this.from, this.to, MAX_EVENTS_READ)
          .map((r) => r.detail)
          .join("; ");
      },
    });
    const some = (cells: Cell[]) => (cells.length ? [query(cells)] : []);
    const types = EVENT_TYPES.map(() => "?").join(", ");
    if (f.kind === "none") return [];
    if (f.kind === "conversion") return some(this.reads.kinds("type = 'conversion'").flatMap((k) => this.reads.cellsOfKind(k)));
    if (f.kind === "event") {
      const named = this.reads.kinds(`type IN (${types}) AND ${f.literal !== undefined ? "name = ?" : "name GLOB ?"}`, [...EVENT_TYPES, f.literal ?? f.glob]);
      return some(named.flatMap((k) => this.reads.cellsOfKind(k)));
    }
    // Page views: nearly always named page_view; the SDK or a sender may name them otherwise.
    const pageViews = this.reads.kinds("type = 'page_view'");
    if (f.literals) {
      const paths = this.reads.literalPaths(f.literals);
      return some(pageViews.flatMap((kind) => paths.map((path) => ({ kind, path }))));
    }
    return f.globs.flatMap((glob) => some(pageViews.flatMap((k) => this.reads.cellsOfKind(k, glob))));
  }

  private kindText(id: number): { type: string; name: string } {
    let k = this.kindTexts.get(id);
    if (!k) this.kindTexts.set(id, (k = this.sqlite.query<{ type: string; name: string }, [number]>("SELECT type, name FROM kinds WHERE id = ?").get(id)!));
    return k;
  }

  private pathText(id: number): string {
    let v = this.pathTexts.get(id);
    if (v === undefined) this.pathTexts.set(id, (v = this.sqlite.query<{ value: string }, [number]>("SELECT value FROM strings WHERE id = ?").get(id)!.value));
    return v;
  }

  /** The distinct paths of page views (one index seek each, per page-view kind) and event names. */
  private existingValues(): Existing {
    if (this.existing) return this.existing;
    const kinds = this.sqlite.query<{ id: number }, []>("SELECT id FROM kinds WHERE type = 'page_view' ORDER BY name").all();
    const next = this.sqlite.query<{ path: number | null }, [number | null, number, number]>(
      "SELECT min(path) AS path FROM events INDEXED BY events_funnel_kind WHERE funnel = ? AND kind = ? AND path > ?",
    );
    const text = this.sqlite.query<{ value: string }, [number]>("SELECT value FROM strings WHERE id = ?");
    const paths = new Set<string>();
    for (const { id } of kinds) {
      for (let after = 0; paths.size < MAX_DISTINCT_PATHS; ) {
        const path = next.get(this.key, id, after)?.path;
        if (path === null || path === undefined) break;
        const value = text.get(path)?.value;
        if (value !== undefined) paths.add(value);
        after = path;
      }
    }
    const names = new Set<string>();
    for (const type of EVENT_TYPES) if (type !== "page_view") for (const n of distinctEventNames(this.sqlite, this.funnelId, type, MAX_DISTINCT_NAMES)) names.add(n);
    this.existing = { paths: [...paths].sort(), names: [...names] };
    return this.existing;
  }
}

/** Null when the funnel recorded nothing in the window: there is nothing to check against. */
export function checkSteps(sqlite: Database, funnelId: string, steps: Step[], now: number): StepCheck[] | null {
  const any = sqlite
    .query<{ one: number }, [number | null, number, number]>("SELECT 1 AS one FROM events INDEXED BY events_funnel_ts WHERE funnel = ? AND ts >= ? AND ts < ? LIMIT 1")
    .get(funnelKey(sqlite, funnelId), now - CHECK_DAYS * DAY_MS, now + HOUR_MS);
  return any ? new StepsChecker(sqlite, funnelId, now).check(steps) : null;
}
