// Which visit an event joins, with the same rules as the SQLite writer
// (../../session-rules.ts, ../../sqlite/writer/sessions.ts), over visits remembered in
// memory and those the run's lookups loaded. The visits themselves are folded by
// ClickHouse from the events (schema-v1.ts): nothing here writes a visit row.
import { Lru } from "../../../enrich/lru";
import type { Attribution } from "../../../enrich/attribution";
import { isBrowsing, newSessionId, SESSION_IDLE_MS } from "../../session-rules";
import type { VisitState } from "./lookups";

const key = (funnelId: string, id: string) => `${funnelId}\u0000${id}`;

export class VisitBook {
  // Only this writer adds to visits, so recent ones are remembered instead of re-read;
  // forget() drops them when a run is not acknowledged.
  private byVisitor = new Lru<string, VisitState>(50_000);
  private byId = new Lru<string, VisitState>(50_000);

  /** Keys (funnel + visitor / visit id) not remembered: what the run's lookups must load. */
  missingVisitor(funnelId: string, anonymousId: string): boolean {
    return this.byVisitor.get(key(funnelId, anonymousId)) === undefined;
  }
  missingId(funnelId: string, sessionId: string): boolean {
    return this.byId.get(key(funnelId, sessionId)) === undefined;
  }

  /** What the lookups found (a visitor's latest visit, visits by id). */
  learn(funnelId: string, v: VisitState): void {
    this.remember(funnelId, v);
  }

  byClientId(funnelId: string, sessionId: string): VisitState | null {
    return this.byId.get(key(funnelId, sessionId)) ?? null;
  }

  lastOf(funnelId: string, anonymousId: string): VisitState | null {
    return this.byVisitor.get(key(funnelId, anonymousId)) ?? null;
  }

  /**
   * The visit an event joins: the client's id when sent; otherwise the visitor's latest
   * visit if it was active within 30 minutes and no new campaign lands.
   */
  resolve(funnelId: string, anonymousId: string, clientSessionId: string | undefined, ts: number, a: Attribution): { id: string; existing: VisitState | null } {
    if (clientSessionId) return { id: clientSessionId, existing: this.byClientId(funnelId, clientSessionId) };
    const last = this.lastOf(funnelId, anonymousId);
    const newCampaign = a.utmSource !== null && (a.utmSource !== last?.utmSource || a.utmCampaign !== last?.utmCampaign);
    if (last && ts - last.lastAt <= SESSION_IDLE_MS && ts >= last.startedAt - SESSION_IDLE_MS && !newCampaign) return { id: last.id, existing: last };
    return { id: newSessionId(), existing: null };
  }

  /** A visit opened by this event. */
  open(funnelId: string, v: VisitState): void {
    this.remember(funnelId, v);
  }

  /**
   * An event joined a known visit: a browsing one stretches it, and a page view before
   * its start becomes its entry (as the SQLite writer's fold, ../../sqlite/writer/sessions.ts).
   */
  fold(funnelId: string, v: VisitState, e: { ts: number; type: string; path: string | null; bySecretKey: boolean }): void {
    const browsing = isBrowsing(e.type, e.bySecretKey);
    const entry = e.type === "page_view" && e.ts < v.startedAt;
    if (!browsing && !entry) return;
    this.remember(funnelId, {
      ...v,
      entryPath: entry ? e.path : v.entryPath,
      lastAt: browsing ? Math.max(v.lastAt, e.ts) : v.lastAt,
      startedAt: browsing ? Math.min(v.startedAt, e.ts) : v.startedAt,
    });
  }

  forget(): void {
    this.byVisitor = new Lru(50_000);
    this.byId = new Lru(50_000);
  }

  private remember(funnelId: string, v: VisitState): void {
    this.byId.set(key(funnelId, v.id), v);
    const k = key(funnelId, v.anonymousId);
    const latest = this.byVisitor.get(k);
    if (!latest || latest.id === v.id || latest.lastAt <= v.lastAt) this.byVisitor.set(k, v);
  }
}

export { newSessionId };
