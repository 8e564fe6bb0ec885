// One queued batch → a processed batch for the event writer (src/store/event-writer.ts):
// parsed, URLs made private, enriched by pure functions, bots dropped. Also records on
// the funnel what processing learns about it (bots dropped, its first event).
import type { Database } from "bun:sqlite";
import type { GeoInfo } from "../enrich/geo";
import { Lru } from "../enrich/lru";
import { privateUrl } from "../enrich/url-privacy";
import { visitorHash } from "../enrich/visitor-hash";
import type { BatchRow } from "../ingest/group-commit";
import type { QueuedEvent } from "../ingest/validate";
import type { PaymentFact } from "../payments/payment";
import { PAYMENT_KEY_KIND } from "../payments/record";
import type { ProcessedBatch, ProcessedEvent } from "../store/event-writer";
import { orderIdOf, safeEventId } from "../store/order-ids";
import { contactKeyOf } from "./contact-key";
import { enrichEvent, enrichRequest, type RequestFacts } from "./enrich-event";
import { DailySalts } from "./salts";
import type { StoredEvent } from "./stored-event";

/** A queue row as the accept path wrote it, with its id. */
export interface QueuedBatch extends BatchRow {
  id: number;
}

export interface PreparedBatch {
  batch: ProcessedBatch;
  bots: number;
}

export class BatchProcessor {
  private salts: DailySalts;
  private addBots;
  private markFirstEvent;
  private selectKeptParams;
  /** Funnels whose first event is already recorded: spares an update per batch. */
  private started = new Set<string>();
  private privateUrls = new Lru<string, string>(20_000);

  constructor(
    sqlite: Database,
    private lookupGeo: (ip: string | null) => GeoInfo,
  ) {
    this.salts = new DailySalts(sqlite);
    this.addBots = sqlite.prepare("UPDATE funnels SET bots_dropped = bots_dropped + ? WHERE id = ?");
    this.markFirstEvent = sqlite.prepare("UPDATE funnels SET first_event_at = ? WHERE id = ? AND first_event_at IS NULL");
    this.selectKeptParams = sqlite.prepare<{ keptParams: string }, [string]>("SELECT kept_params AS keptParams FROM funnels WHERE id = ?");
  }

  /** After a rollback, what was recorded on funnels may not exist: record it again. */
  forget(): void {
    this.started.clear();
  }

  prepare(batch: QueuedBatch): PreparedBatch {
    const { funnelId, receivedAt } = batch;
    if (batch.keyKind === PAYMENT_KEY_KIND) {
      return { batch: { kind: "payments", funnelId, receivedAt, facts: JSON.parse(batch.payload) as PaymentFact[] }, bots: 0 };
    }
    const facts: RequestFacts = { keyKind: batch.keyKind === "secret" ? "secret" : "public", ip: batch.ip, userAgent: batch.userAgent };
    const queued = JSON.parse(batch.payload) as QueuedEvent[];
    const request = facts.keyKind === "public" ? enrichRequest(facts, this.lookupGeo) : undefined;
    const keptParams = this.selectKeptParams.get(funnelId)?.keptParams ?? "[]";
    const kept = JSON.parse(keptParams) as string[];
    // A site has few distinct URLs and referrers, sent many times: made private once each.
    const privateOf = (url: string | undefined) => {
      if (!url) return url;
      const key = `${keptParams}\u0000${url}`;
      let done = this.privateUrls.get(key);
      if (done === undefined) this.privateUrls.set(key, (done = privateUrl(url, kept)));
      return done;
    };
    const events: ProcessedEvent[] = [];
    let bots = 0;
    for (const e of queued) {
      // Not every sender runs the SDK, which strips these first.
      e.url = privateOf(e.url);
      e.referrer = privateOf(e.referrer);
      const en = enrichEvent(e, facts, this.lookupGeo, request);
      if (en === "bot") {
        bots++;
        continue;
      }
      events.push({ event: e, en, id: safeEventId(e.id), name: e.name ?? e.type, orderId: orderIdOf(e), contactKey: contactKeyOf(e) });
    }
    const cookielessVisitor = (ip: string | null, ua: string | null) => visitorHash(this.salts.forTime(receivedAt), funnelId, ip ?? "", ua ?? "");
    return { batch: { kind: "events", funnelId, receivedAt, events, cookielessVisitor }, bots };
  }

  /** Records bots dropped per batch and each funnel's first stored event; inside the run's transaction. */
  record(prepared: PreparedBatch[], written: StoredEvent[]): void {
    for (const p of prepared) if (p.bots) this.addBots.run(p.bots, p.batch.funnelId);
    for (const e of written) {
      if (this.started.has(e.funnelId)) continue;
      this.markFirstEvent.run(e.ts, e.funnelId);
      this.started.add(e.funnelId);
    }
  }
}
