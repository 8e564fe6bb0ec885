// The one query behind the funnel report: per visitor, the events that could be
// step hits (plus conversions with revenue), in order, with which steps each one
// matches. SQL does the cheap matching (type, path GLOB, name GLOB) as a bit mask;
// TypeScript checks the `where` props. A visitor is a contact when known (events
// of all their anonymous ids are back-filled with contact_id), else an anonymous id.
import type { Database, SQLQueryBindings } from "bun:sqlite";
import { PASSIVE_EVENT_NAMES, propsMatch, stepSqlFilter, targetMatcher, type Step, type StepsDefinition } from "../funnels/steps-definition";
import { sessionWhere, type Filter } from "./filters";
import { EVENT_TYPES as INGEST_EVENT_TYPES } from "../ingest/payload";
import type { JourneyEvent, VisitorJourney } from "./funnel-progress";
import { DAY_MS } from "./timezone";

export const BREAKDOWN_DIMENSIONS = [
  "channel", "referrer", "utm_source", "utm_medium", "utm_campaign", "device", "browser", "country", "landing_page",
] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** A ready-made SQL predicate over the events table (e.g. from the dashboard filters). */
export interface SqlPredicate {
  sql: string;
  params: SQLQueryBindings[];
}

export interface JourneyQuery {
  def: StepsDefinition;
  /** Entries (step 1) in [from, to); later steps are read up to to + window. */
  from: number;
  to: number;
  breakdown?: BreakdownDimension;
  /** Only step-1 hits that satisfy it can start a journey (attribution at entry). */
  entryFilter?: SqlPredicate;
}

/**
 * The dashboard filters as an entry condition: the step-1 event's visit matches them
 * (source, device, entry page, pages viewed, events done …). Visits that started up
 * to a day before the range still count, since the entry may come late in a visit.
 */
export function entryFilterFor(funnelId: string, filters: Filter[], from: number, to: number): SqlPredicate | undefined {
  if (!filters.length) return undefined;
  const w = sessionWhere({ funnelId, filters, from: from - DAY_MS, to });
  return { sql: `session_id IN (SELECT s.id FROM sessions s WHERE ${w.sql})`, params: w.params };
}

export const VISITOR_SQL = "coalesce('c' || contact_id, 'a' || anonymous_id)";

const DIMENSION_SQL: Record<Exclude<BreakdownDimension, "landing_page">, string> = {
  channel: "channel", referrer: "referrer_host", utm_source: "utm_source", utm_medium: "utm_medium",
  utm_campaign: "utm_campaign", device: "device", browser: "browser", country: "country",
};

function stepCondition(step: Step): SqlPredicate {
  const f = stepSqlFilter(step);
  if (f.kind === "conversion") return { sql: "type = 'conversion'", params: [] };
  if (f.kind === "event") return f.literal === undefined ? { sql: "name GLOB ?", params: [f.glob] } : { sql: "name = ?", params: [f.literal] };
  if (f.kind === "page" && f.literals) {
    return { sql: `(type = 'page_view' AND path IN (${f.literals.map(() => "?").join(", ")}))`, params: f.literals };
  }
  if (f.kind === "page" && f.globs.length) {
    return { sql: `(type = 'page_view' AND (${f.globs.map(() => "path GLOB ?").join(" OR ")}))`, params: f.globs };
  }
  return { sql: "0", params: [] };
}

type Cell = string | number | null;

/** The ingest schema's own constant list, inlined into the SQL as literals. */
const EVENT_TYPES = INGEST_EVENT_TYPES;

/**
 * Builds the SQL; params are bound in the order the placeholders appear. One pass
 * over the events of [from, to + window) by the (funnel_id, ts) index, in time order,
 * keeping the events that may be step hits and the conversions with revenue (and,
 * for strict order, every order-breaking event, so gaps between hits can be seen).
 * Which steps an event is a hit for is decided in TypeScript (targetMatcher), with
 * the same rules; SQL only narrows the rows down.
 */
export function journeySql(funnelId: string, q: JourneyQuery): { sql: string; params: SQLQueryBindings[] } {
  const { def } = q;
  const conds = def.steps.map(stepCondition);
  const any = (cs: SqlPredicate[]) => ({ sql: cs.length ? cs.map((c) => `(${c.sql})`).join(" OR ") : "0", params: cs.flatMap((c) => c.params) });
  const whereSteps = any(conds.filter((_, i) => def.steps[i].where));
  const strict = def.order === "strict";
  const passive = { sql: `type IN ('page_view', 'conversion') OR (type = 'track' AND name NOT IN (${PASSIVE_EVENT_NAMES.map(() => "?").join(", ")}))`, params: [...PASSIVE_EVENT_NAMES] };

  // Fewer strings to hand to JavaScript: the type as a number, the name only when it
  // is not just the type (page views), the anonymous id only when there is no contact.
  const cols: string[] = [
    "contact_id", "CASE WHEN contact_id IS NULL THEN anonymous_id END", "ts",
    `CASE type ${EVENT_TYPES.map((t, i) => `WHEN '${t}' THEN ${i}`).join(" ")} ELSE -1 END`, "NULLIF(name, type)", "path",
    "CASE WHEN type = 'conversion' THEN revenue_minor END", "currency",
  ];
  const params: SQLQueryBindings[] = [];
  // Props are only read (and parsed) for events that may be hits of a step with `where`.
  cols.push(whereSteps.sql !== "0" ? `CASE WHEN ${whereSteps.sql} THEN props END` : "NULL");
  params.push(...whereSteps.params);
  cols.push(q.breakdown === "landing_page" ? "session_id" : q.breakdown ? DIMENSION_SQL[q.breakdown] : "NULL");
  cols.push(q.entryFilter ? `CASE WHEN ${q.entryFilter.sql} THEN 1 ELSE 0 END` : "1");
  params.push(...(q.entryFilter?.params ?? []));
  cols.push(strict ? `CASE WHEN ${passive.sql} THEN 1 ELSE 0 END` : "0");
  if (strict) params.push(...passive.params);

  const keep = any([...conds, { sql: "type = 'conversion' AND revenue_minor IS NOT NULL", params: [] }, ...(strict ? [passive] : [])]);
  params.push(funnelId, q.from, q.to + def.windowMs, ...keep.params);
  const sql = `SELECT ${cols.join(", ")}
FROM events WHERE funnel_id = ? AND ts >= ? AND ts < ? AND (${keep.sql})
ORDER BY ts, row_id`;
  return { sql, params };
}

const C = { contact: 0, anon: 1, ts: 2, type: 3, name: 4, path: 5, revenue: 6, currency: 7, props: 8, dim: 9, ok: 10, brk: 11 } as const;

export function loadJourneys(sqlite: Database, funnelId: string, q: JourneyQuery): VisitorJourney[] {
  const { sql, params } = journeySql(funnelId, q);
  const rows = sqlite.query<Cell[], SQLQueryBindings[]>(sql).values(...params) as Cell[][];
  const steps = q.def.steps;
  const targets = steps.map(targetMatcher);
  const strict = q.def.order === "strict";
  const landing = q.breakdown === "landing_page" ? landingPages(sqlite, funnelId, q.from, q.to) : null;

  // Rows come in time order; group them per visitor (a contact, else an anonymous id).
  // Two maps keyed by the raw ids spare building a key string per row.
  type Open = VisitorJourney & { order: number };
  const byContact = new Map<number, Open>();
  const byAnon = new Map<string, Open>();
  for (const r of rows) {
    const contact = r[C.contact] as number | null;
    let j = contact !== null ? byContact.get(contact) : byAnon.get(r[C.anon] as string);
    if (!j) {
      j = { visitor: contact !== null ? `c${contact}` : `a${r[C.anon]}`, events: [], order: 0 };
      if (contact !== null) byContact.set(contact, j);
      else byAnon.set(r[C.anon] as string, j);
    }
    if (strict) j.order += r[C.brk] as number;
    const type = EVENT_TYPES[r[C.type] as number] ?? "";
    const name = (r[C.name] as string | null) ?? type;
    const path = r[C.path] as string | null;
    let matches = 0;
    let props: Record<string, unknown> | null | undefined;
    for (let i = 0; i < targets.length; i++) {
      if (!targets[i](type, name, path)) continue;
      if (steps[i].where) {
        if (props === undefined) props = parseProps(r[C.props] as string | null);
        if (!propsMatch(props, steps[i].where)) continue;
      }
      matches |= 1 << i;
    }
    if (!r[C.ok]) matches &= ~1;
    const revenueMinor = r[C.revenue] as number | null;
    if (!matches && revenueMinor === null) continue; // e.g. strict mode's other actions: counted, not kept
    const dim = matches & 1 ? (landing ? (landing.get(r[C.dim] as string) ?? null) : (r[C.dim] as string | null)) : null;
    j.events.push({
      ts: r[C.ts] as number,
      matches,
      breaks: r[C.brk] === 1,
      order: j.order,
      revenue: revenueMinor !== null && r[C.currency] ? { currency: r[C.currency] as string, minor: revenueMinor } : null,
      dim,
    });
  }
  const out: VisitorJourney[] = [];
  for (const j of byContact.values()) if (j.events.length) out.push({ visitor: j.visitor, events: j.events });
  for (const j of byAnon.values()) if (j.events.length) out.push({ visitor: j.visitor, events: j.events });
  return out;
}

function parseProps(raw: string | null): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Entry pages of the visits that may hold an entry: started up to a day before the range. */
function landingPages(sqlite: Database, funnelId: string, from: number, to: number): Map<string, string | null> {
  const rows = sqlite
    .query("SELECT id, entry_path FROM sessions WHERE funnel_id = ? AND started_at >= ? AND started_at < ?")
    .values(funnelId, from - DAY_MS, to) as [string, string | null][];
  return new Map(rows);
}
