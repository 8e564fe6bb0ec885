// The funnel report's journey rows over ClickHouse: one pass over the funnel's events in
// [from, to + window), keeping each event that may be a step hit (or a conversion, for
// revenue; in strict order every order-breaking event), with its steps as a bit mask.
// Step patterns become RE2 regexes from the same glob parse as the TypeScript matcher
// (src/funnels/glob.ts), so both agree; `where` props are checked in TypeScript.
import { DAY_MS } from "../../../analytics/timezone";
import { parseGlob, globToRegExp } from "../../../funnels/glob";
import { ANY_CONVERSION, PASSIVE_EVENT_NAMES, stepSqlFilter, type Step } from "../../../funnels/steps-definition";
import type { BreakdownDimension, JourneyQuery } from "../../journey-reader";
import { contactJoin } from "../dashboard/event-rows";
import type { Sql } from "../dashboard/query";
import { visitRows } from "../dashboard/visits-sql";

const DIMENSION_COLUMNS: Record<Exclude<BreakdownDimension, "landing_page">, string> = {
  channel: "channel", referrer: "referrer_host", utm_source: "utm_source", utm_medium: "utm_medium",
  utm_campaign: "utm_campaign", device: "device", browser: "browser", country: "country",
};

/** Whether an event (alias e) is a hit for the step, its `where` aside. */
export function stepMatch(sql: Sql, step: Step): string {
  const f = stepSqlFilter(step);
  if (f.kind === "conversion" || step.event === ANY_CONVERSION) return "e.type = 'conversion'";
  if (f.kind === "none") return "0";
  const g = parseGlob(step.page ?? step.event ?? "");
  if (!g.ok) return "0";
  if (f.kind === "event") return f.literal !== undefined ? `e.name = ${sql.str(f.literal)}` : `match(e.name, ${sql.str(globToRegExp(g.tokens).source)})`;
  if (f.literals) return `e.type = 'page_view' AND e.path IN ${sql.bind(f.literals, "Array(String)")}`;
  // Page globs also match with a trailing slash when they end in plain text (as the TypeScript matcher does).
  const suffix = f.globs.length > 1 ? "/?" : "";
  return `e.type = 'page_view' AND e.path IS NOT NULL AND match(assumeNotNull(e.path), ${sql.str(globToRegExp(g.tokens, suffix).source)})`;
}

/** Page views, conversions and custom events other than the passive auto-captures. */
function breaking(sql: Sql): string {
  return `(e.type IN ('page_view', 'conversion') OR (e.type = 'track' AND e.name NOT IN ${sql.bind([...PASSIVE_EVENT_NAMES], "Array(String)")}))`;
}

export interface JourneyRowColumns {
  props: boolean;
  dim: boolean;
  brk: boolean;
}

/** Columns: contact, anon, at, rid, mask, minor, currency, [props], [dim], [brk]. */
export function journeyRowsSql(sql: Sql, funnelId: string, q: JourneyQuery): { query: string; columns: JourneyRowColumns } {
  const { def } = q;
  const matches = def.steps.map((s) => stepMatch(sql, s));
  const entry = q.filters?.length
    ? ` AND e.session_id IN (SELECT id FROM ${visitRows(sql, { funnelId, filters: q.filters, from: q.from - DAY_MS, to: q.to })})`
    : "";
  const bits = matches.map((m, i) => `if((${m})${i === 0 ? entry : ""}, ${1 << i}, 0)`).join(" + ");
  const whereSteps = matches.filter((_, i) => def.steps[i].where).map((m) => `(${m})`);
  const columns: JourneyRowColumns = { props: whereSteps.length > 0, dim: Boolean(q.breakdown), brk: def.order === "strict" };
  const cols = [
    "coalesce(e.contact_id, nullIf(vc.contact, 0)) AS contact", "e.anonymous_id AS anon", "toUnixTimestamp64Milli(e.ts) AS at", "e.row_id AS rid",
    `${bits} AS mask`,
    "if(e.type = 'conversion', e.revenue_minor, NULL) AS minor",
    "if(e.type = 'conversion' AND e.revenue_minor IS NOT NULL, e.currency, NULL) AS cur",
  ];
  let landing = "";
  if (columns.props) cols.push(`if(${whereSteps.join(" OR ")}, e.props, NULL) AS props`);
  if (q.breakdown) {
    // The entry page of the visit, for visits that started up to a day before the range (as the filters).
    const value = q.breakdown === "landing_page" ? "lp.entry_path" : `e.${DIMENSION_COLUMNS[q.breakdown]}`;
    cols.push(`if(${matches[0]}, ${value}, NULL) AS dim`);
    if (q.breakdown === "landing_page") {
      landing = `LEFT JOIN (SELECT id, entry_path FROM ${visitRows(sql, { funnelId, filters: [], from: q.from - DAY_MS, to: q.to })}) AS lp ON lp.id = e.session_id`;
    }
  }
  if (columns.brk) cols.push(`toUInt8(${breaking(sql)}) AS brk`);
  const keep = [...matches.map((m) => `(${m})`), def.order === "strict" ? breaking(sql) : "e.type = 'conversion'"].join(" OR ");
  const query = `SELECT ${cols.join(", ")}
    FROM events AS e ${contactJoin(sql, funnelId)} ${landing}
    WHERE e.funnel_id = ${sql.str(funnelId)} AND e.ts >= ${sql.ms(q.from)} AND e.ts < ${sql.ms(q.to + def.windowMs)} AND (${keep})`;
  return { query, columns };
}
