// Who funnel visitors are and where they came from, for drill-down lists, over
// ClickHouse. Visitor keys come from load-journeys: "c<contact id>" or "a<anonymous id>".
// Contacts' names and first sighting stay in SQLite.
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import type { VisitorEntry, VisitorIdentity } from "../../journey-reader";
import { parseVisitorKey } from "../../sqlite/journeys/visitor-identity";
import { visitorsOf } from "../dashboard/event-rows";
import { num, rows, Sql } from "../dashboard/query";
import { visitsWhere } from "../dashboard/visits-sql";
import { entryOf } from "../../sqlite/journeys/visitor-entry";

/** A key's anonymous ids as SQL: the one id, or every id linked to the contact. */
function idsOf(sql: Sql, funnelId: string, key: string): string {
  const k = parseVisitorKey(key);
  return "contactId" in k ? `(${visitorsOf(sql, funnelId, k.contactId)})` : `(${sql.str(k.anonymousId)})`;
}

export async function visitorIdentities(ch: ClickHouseClient, sqlite: Database, funnelId: string, keys: string[]): Promise<VisitorIdentity[]> {
  const contact = sqlite.query<{ email: string | null; name: string | null }, [number, string]>("SELECT email, name FROM contacts WHERE id = ? AND funnel_id = ?");
  return Promise.all(
    keys.map(async (visitor) => {
      const k = parseVisitorKey(visitor);
      const sql = new Sql();
      const [row] = await rows<{ type: string; name: string; path: string | null; at: unknown; session_id: string; anonymous_id: string }>(
        ch, sql,
        `SELECT type, name, path, toUnixTimestamp64Milli(ts) AS at, session_id, anonymous_id FROM events
         WHERE funnel_id = ${sql.str(funnelId)} AND anonymous_id IN ${idsOf(sql, funnelId, visitor)} ORDER BY ts DESC, row_id DESC LIMIT 1`,
      );
      const c = "contactId" in k ? contact.get(k.contactId, funnelId) : null;
      return {
        visitor,
        contactId: "contactId" in k ? k.contactId : null,
        anonymousId: "anonymousId" in k ? k.anonymousId : (row?.anonymous_id ?? null),
        email: c?.email ?? null,
        contactName: c?.name ?? null,
        lastEvent: row ? { type: row.type, name: row.name, path: row.path, ts: num(row.at), sessionId: row.session_id, anonymousId: row.anonymous_id } : null,
      };
    }),
  );
}

export async function visitorEntries(ch: ClickHouseClient, sqlite: Database, funnelId: string, visitors: { visitor: string; enteredAt: number }[]): Promise<VisitorEntry[]> {
  const contactFirst = sqlite.query<{ first: number | null }, [number, string]>("SELECT first_seen AS first FROM contacts WHERE id = ? AND funnel_id = ?");
  type Visit = { started_at: unknown; channel: string | null; utm_source: string | null; referrer_host: string | null; device: string | null; browser: string | null; os: string | null; country: string | null; city: string | null };
  return Promise.all(
    visitors.map(async ({ visitor, enteredAt }) => {
      const k = parseVisitorKey(visitor);
      const sql = new Sql();
      const visits = await rows<Visit>(
        ch, sql,
        `SELECT started_at, channel, utm_source, referrer_host, device, browser, os, country, city
         FROM ${visitsWhere(sql, funnelId, `anonymous_id IN ${idsOf(sql, funnelId, visitor)}`)} ORDER BY started_at DESC`,
      );
      // The latest visit that started by the entry hit: the visit the entry happened in.
      const row = visits.find((v) => num(v.started_at) <= enteredAt);
      const first = "contactId" in k ? (contactFirst.get(k.contactId, funnelId)?.first ?? null) : visits.length ? num(visits.at(-1)!.started_at) : null;
      return entryOf(row, first);
    }),
  );
}
