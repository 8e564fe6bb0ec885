// The SQLite journey reader: the funnel report's journeys (read from the journey
// copies for whole past days), drill-down lookups, step checks, experiment reads and
// what automations look up, each in its own module here.
import type { Database } from "bun:sqlite";
import type { VisitorJourney } from "../../../analytics/funnel-progress";
import type { OrderRow } from "../../dashboard-views";
import type { Step } from "../../../funnels/steps-definition";
import type {
  ExposedVisitor, JourneyQuery, JourneyReader, LaterEvent, ResultsWindow, StepCheck, SuggestedSteps, VisitorEntry, VisitorIdentity,
} from "../../journey-reader";
import type { RollupRegistry } from "../../rollup-registry";
import { eventsAfterExposure, exposedVisitors, ordersAfterExposure } from "./experiment-data";
import { loadJourneys } from "./load-journeys";
import { journeysStamp } from "./journeys-stamp";
import { checkSteps } from "./steps-check";
import { suggestSteps } from "./steps-suggestion";
import { visitorEntries } from "./visitor-entry";
import { visitorIdentities } from "./visitor-identity";
import { SqliteVisitorLookups } from "./visitor-lookups";

export class SqliteJourneyReader implements JourneyReader {
  private lookups: SqliteVisitorLookups | null = null;

  constructor(
    private sqlite: Database,
    private rollups: RollupRegistry,
  ) {}

  journeys(funnelId: string, q: JourneyQuery): Iterable<VisitorJourney> {
    return loadJourneys(this.sqlite, funnelId, q, this.rollups.journeys);
  }

  journeysStamp(funnelId: string, q: JourneyQuery, now: number): string | null {
    return journeysStamp(this.sqlite, this.rollups.journeys, funnelId, q, now);
  }

  visitorIdentities(funnelId: string, keys: string[]): VisitorIdentity[] {
    return visitorIdentities(this.sqlite, funnelId, keys);
  }

  visitorEntries(funnelId: string, visitors: { visitor: string; enteredAt: number }[]): VisitorEntry[] {
    return visitorEntries(this.sqlite, funnelId, visitors);
  }

  checkSteps(funnelId: string, steps: Step[], now: number): StepCheck[] | null {
    return checkSteps(this.sqlite, funnelId, steps, now);
  }

  suggestSteps(funnelId: string): SuggestedSteps {
    return suggestSteps(this.sqlite, funnelId);
  }

  exposedVisitors(w: ResultsWindow): ExposedVisitor[] {
    return exposedVisitors(this.sqlite, w);
  }

  eventsAfterExposure(w: ResultsWindow): LaterEvent[] {
    return eventsAfterExposure(this.sqlite, w);
  }

  ordersAfterExposure(w: ResultsWindow): OrderRow[] {
    return ordersAfterExposure(this.sqlite, w);
  }

  // What automations look up: statements prepared on first use (reader threads never need them).
  private visitors(): SqliteVisitorLookups {
    return (this.lookups ??= new SqliteVisitorLookups(this.sqlite));
  }

  sessionOf(funnelId: string, sessionId: string) {
    return this.visitors().sessionOf(funnelId, sessionId);
  }

  contactById(id: number | null) {
    return this.visitors().contactById(id);
  }

  contactOfVisitor(funnelId: string, anonymousId: string) {
    return this.visitors().contactOfVisitor(funnelId, anonymousId);
  }

  eventByRowId(rowId: number) {
    return this.visitors().eventByRowId(rowId);
  }

  timelineOf(funnelId: string, anonymousId: string, from: number, to: number) {
    return this.visitors().timelineOf(funnelId, anonymousId, from, to);
  }
}
