// Experiments: create, list, read, stop. The one module that reads and writes the
// experiments table.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { experiments } from "../db/schema";
import { getSteps } from "../funnels/steps-definition";
import { getFunnel } from "../funnels/store";
import { Conflict, InvalidInput, NotFound } from "../http/errors";
import { parseMetric, type ExperimentInput, type Variant } from "./definition";

export type ExperimentStatus = "running" | "stopped";

export interface Experiment {
  funnelId: string;
  key: string;
  variants: Variant[];
  metric: string;
  secondaryMetrics: string[];
  splitUrls: Record<string, string>;
  status: ExperimentStatus;
  winner: string | null;
  minimumDetectableEffect: number;
  startedAt: number;
  stoppedAt: number | null;
}

type Row = typeof experiments.$inferSelect;

function toExperiment(r: Row): Experiment {
  return {
    funnelId: r.funnelId,
    key: r.key,
    variants: JSON.parse(r.variants) as Variant[],
    metric: r.metric,
    secondaryMetrics: JSON.parse(r.secondaryMetrics) as string[],
    splitUrls: JSON.parse(r.splitUrls) as Record<string, string>,
    status: r.status as ExperimentStatus,
    winner: r.winner,
    minimumDetectableEffect: r.minimumDetectableEffect,
    startedAt: r.startedAt,
    stoppedAt: r.stoppedAt,
  };
}

function requireFunnel(db: Db, funnelId: string): void {
  if (!getFunnel(db, funnelId)) throw new NotFound("funnel_not_found", `there is no funnel ${funnelId}`);
}

/** A step metric must name a step the funnel has. */
function checkMetricAgainstSteps(db: Db, funnelId: string, metrics: string[]): void {
  for (const text of metrics) {
    const m = parseMetric(text);
    if (m.kind !== "step") continue;
    const count = getSteps(db, funnelId)?.steps.length ?? 0;
    if (m.step > count) throw new InvalidInput("invalid_metric", `metric ${text}: the funnel has ${count ? `${count} steps` : "no steps defined"}; define them first or pick another metric`);
  }
}

export function createExperiment(db: Db, funnelId: string, input: ExperimentInput, now: number): Experiment {
  requireFunnel(db, funnelId);
  checkMetricAgainstSteps(db, funnelId, [input.metric, ...input.secondaryMetrics]);
  const row: Row = {
    funnelId,
    key: input.key,
    variants: JSON.stringify(input.variants),
    metric: input.metric,
    secondaryMetrics: JSON.stringify(input.secondaryMetrics),
    splitUrls: JSON.stringify(input.splitUrls),
    status: "running",
    winner: null,
    minimumDetectableEffect: input.minimumDetectableEffect,
    startedAt: now,
    stoppedAt: null,
  };
  const inserted = db.insert(experiments).values(row).onConflictDoNothing().returning().all();
  if (!inserted.length) throw new Conflict("experiment_exists", `funnel ${funnelId} already has an experiment "${input.key}"; pick another key`);
  return toExperiment(inserted[0]);
}

export function listExperiments(db: Db, funnelId: string): Experiment[] {
  return db.select().from(experiments).where(eq(experiments.funnelId, funnelId)).orderBy(asc(experiments.startedAt), asc(experiments.key)).all().map(toExperiment);
}

export function getExperiment(db: Db, funnelId: string, key: string): Experiment | null {
  const row = db.select().from(experiments).where(and(eq(experiments.funnelId, funnelId), eq(experiments.key, key))).get();
  return row ? toExperiment(row) : null;
}

/** The experiment, or a 404 naming what is missing. */
export function requireExperiment(db: Db, funnelId: string, key: string): Experiment {
  const e = getExperiment(db, funnelId, key);
  if (!e) {
    requireFunnel(db, funnelId);
    throw new NotFound("experiment_not_found", `funnel ${funnelId} has no experiment "${key}"`);
  }
  return e;
}

/** Stops it with a winner (everyone sees it from now on) or without (everyone sees the control). */
export function stopExperiment(db: Db, funnelId: string, key: string, winner: string | null, now: number): Experiment {
  const e = requireExperiment(db, funnelId, key);
  if (winner !== null && !e.variants.some((v) => v.name === winner)) throw new InvalidInput("invalid_winner", `winner: "${winner}" is not one of the variants (${e.variants.map((v) => v.name).join(", ")})`);
  if (e.status === "stopped") {
    if (e.winner === winner) return e;
    throw new Conflict("experiment_stopped", `experiment "${key}" was already stopped${e.winner ? ` with winner ${e.winner}` : " without a winner"}`);
  }
  const row = db
    .update(experiments)
    .set({ status: "stopped", winner, stoppedAt: now })
    .where(and(eq(experiments.funnelId, funnelId), eq(experiments.key, key)))
    .returning()
    .get();
  return toExperiment(row!);
}
