// Per visitor, the events that could be step hits (plus conversions with revenue), in
// time order, with the steps each one is a hit for, over ClickHouse: the rows come from
// one query (./journey-sql.ts); here `where` props are checked, rows grouped per visitor
// (the contact when known, else the anonymous id) and put in time order. Visitors with no
// step-1 hit in [from, to) are left out: they cannot enter the funnel.
import type { ClickHouseClient } from "@clickhouse/client";
import type { JourneyEvent, VisitorJourney } from "../../../analytics/funnel-progress";
import { propsMatch, type Step } from "../../../funnels/steps-definition";
import type { JourneyQuery } from "../../journey-reader";
import { num, rows, Sql } from "../dashboard/query";
import { journeyRowsSql } from "./journey-sql";

interface Row {
  contact: unknown;
  anon: string;
  at: unknown;
  rid: unknown;
  mask: unknown;
  minor: unknown;
  cur: string | null;
  props?: string | null;
  dim?: string | null;
  brk?: unknown;
}

interface Hit {
  ts: number;
  rowId: number;
  mask: number;
  minor: number | null;
  currency: string | null;
  dim: string | null;
  brk: boolean;
}

export async function loadJourneys(ch: ClickHouseClient, funnelId: string, q: JourneyQuery): Promise<VisitorJourney[]> {
  const sql = new Sql();
  const { query } = journeyRowsSql(sql, funnelId, q);
  const wheres = q.def.steps.flatMap((s, i) => (s.where ? [{ bit: 1 << i, where: s.where }] : []));
  const byVisitor = new Map<string, Hit[]>();
  for (const r of await rows<Row>(ch, sql, query)) {
    let mask = num(r.mask);
    if (mask && wheres.length) {
      const props = parseProps(r.props ?? null);
      for (const w of wheres) if (mask & w.bit && !propsMatch(props, w.where as Step["where"])) mask &= ~w.bit;
    }
    const key = r.contact === null || r.contact === undefined ? `a${r.anon}` : `c${num(r.contact)}`;
    const hit: Hit = { ts: num(r.at), rowId: num(r.rid), mask, minor: r.minor === null ? null : num(r.minor), currency: r.cur, dim: r.dim ?? null, brk: num(r.brk) === 1 };
    const list = byVisitor.get(key);
    if (list) list.push(hit);
    else byVisitor.set(key, [hit]);
  }
  const out: VisitorJourney[] = [];
  for (const [visitor, hits] of byVisitor) {
    const events = journeyEvents(hits, q, Boolean(q.breakdown));
    if (events) out.push({ visitor, events });
  }
  return out;
}

function journeyEvents(hits: Hit[], q: JourneyQuery, withDim: boolean): JourneyEvent[] | null {
  if (!hits.some((h) => h.mask & 1 && h.ts >= q.from && h.ts < q.to)) return null;
  hits.sort((a, b) => a.ts - b.ts || a.rowId - b.rowId);
  const events: JourneyEvent[] = [];
  let order = 0;
  for (const h of hits) {
    if (h.brk) order++;
    if (!h.mask && h.minor === null) continue; // e.g. strict mode's other actions: counted, not kept
    events.push({
      ts: h.ts,
      matches: h.mask,
      breaks: h.brk,
      order,
      revenue: h.minor !== null && h.currency ? { currency: h.currency, minor: h.minor } : null,
      dim: withDim && h.mask & 1 ? h.dim : null,
    });
  }
  return events;
}

function parseProps(raw: string | null): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
}
