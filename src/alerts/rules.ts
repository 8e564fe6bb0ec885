// Alert rules: what to watch on a funnel (or the server it runs on) and whom to mail.
// The one module that touches alert_rules. Durations read like automations' ("30m",
// "1d"), with the same parser.
import type { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { formatDuration, parseDuration } from "../automations/rule-schema";
import { normaliseAddress } from "../reports/subscriptions";

export const ALERT_KINDS = ["sale", "conversion_drop", "traffic_spike", "webhook_failures", "parked_batches", "disk_low"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Each kind's settings with their defaults. */
const PARAMS = {
  /** each: one mail per verified sale; daily: yesterday's verified sales at 09:00. */
  sale: z.strictObject({ mode: z.enum(["each", "daily"]).default("each") }),
  /** Today's conversion rate so far vs the same weekday's average over 4 weeks, at the same time of day. */
  conversion_drop: z.strictObject({ percent: z.number().min(1).max(100).default(50), minVisits: z.number().int().min(1).default(30) }),
  /** Visitors in the last hour vs the same hour of the same weekday over 4 weeks. */
  traffic_spike: z.strictObject({ percent: z.number().min(1).max(100_000).default(200), minVisitors: z.number().int().min(1).default(30) }),
  /** Webhook deliveries of the funnel's automations that failed for good. */
  webhook_failures: z.strictObject({ min: z.number().int().min(1).default(1) }),
  /** Ingest batches parked after failing (server-wide). */
  parked_batches: z.strictObject({ min: z.number().int().min(1).default(1) }),
  /** Free space where the data directory is. */
  disk_low: z.strictObject({ freeMb: z.number().int().min(1).default(1024) }),
} satisfies Record<AlertKind, z.ZodType>;

const DEFAULT_WINDOW: Record<AlertKind, number> = {
  sale: 0,
  conversion_drop: 86_400,
  traffic_spike: 6 * 3600,
  webhook_failures: 3600,
  parked_batches: 86_400,
  disk_low: 86_400,
};

export type AlertParams = { [K in AlertKind]: z.output<(typeof PARAMS)[K]> };

export interface AlertRule<K extends AlertKind = AlertKind> {
  id: string;
  funnelId: string;
  kind: K;
  params: AlertParams[K];
  recipients: string[];
  windowSeconds: number;
  createdAt: number;
}

export class AlertInputError extends Error {}

export interface AlertInput {
  kind: string;
  params?: Record<string, unknown>;
  recipients: string[];
  window?: string;
}

export function validateAlert(input: AlertInput): Omit<AlertRule, "id" | "funnelId" | "createdAt"> {
  if (!(ALERT_KINDS as readonly string[]).includes(input.kind)) throw new AlertInputError(`kind: expected one of ${ALERT_KINDS.join(", ")}, got "${input.kind}"`);
  const kind = input.kind as AlertKind;
  const parsed = PARAMS[kind].safeParse(input.params ?? {});
  if (!parsed.success) throw new AlertInputError(parsed.error.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`).join("; "));
  if (!input.recipients.length) throw new AlertInputError("recipients: give at least one address");
  let recipients: string[];
  try {
    recipients = [...new Set(input.recipients.map(normaliseAddress))];
  } catch (e) {
    throw new AlertInputError(`recipients: ${(e as Error).message}`);
  }
  let windowSeconds = DEFAULT_WINDOW[kind];
  if (input.window !== undefined) {
    const w = parseDuration(input.window);
    if (w === null || w < 60 || w > 30 * 86_400) throw new AlertInputError(`window: "${input.window}" is not a duration from 1m to 30d (e.g. "1h", "1d")`);
    windowSeconds = w;
  }
  return { kind, params: parsed.data, recipients, windowSeconds };
}

interface Row {
  id: string;
  funnelId: string;
  kind: AlertKind;
  params: string;
  recipients: string;
  windowSeconds: number;
  createdAt: number;
}

const COLUMNS = "id, funnel_id AS funnelId, kind, params, recipients, window_seconds AS windowSeconds, created_at AS createdAt";
const toRule = (r: Row): AlertRule => ({ ...r, params: JSON.parse(r.params), recipients: JSON.parse(r.recipients) });

export function addAlert(sqlite: Database, funnelId: string, input: AlertInput, now: number): AlertRule {
  const v = validateAlert(input);
  const id = `al_${randomBytes(6).toString("base64url")}`;
  sqlite
    .query("INSERT INTO alert_rules (id, funnel_id, kind, params, recipients, window_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(id, funnelId, v.kind, JSON.stringify(v.params), JSON.stringify(v.recipients), v.windowSeconds, now);
  return { id, funnelId, createdAt: now, ...v };
}

export function removeAlert(sqlite: Database, funnelId: string, id: string): boolean {
  return sqlite.transaction(() => {
    sqlite.query("DELETE FROM alert_firings WHERE rule_id = ?").run(id);
    return sqlite.query("DELETE FROM alert_rules WHERE id = ? AND funnel_id = ?").run(id, funnelId).changes > 0;
  })();
}

export function listAlerts(sqlite: Database, funnelId?: string): AlertRule[] {
  const rows = funnelId
    ? sqlite.query<Row, [string]>(`SELECT ${COLUMNS} FROM alert_rules WHERE funnel_id = ? ORDER BY created_at, id`).all(funnelId)
    : sqlite.query<Row, []>(`SELECT ${COLUMNS} FROM alert_rules ORDER BY created_at, id`).all();
  return rows.map(toRule);
}

export function getAlert(sqlite: Database, id: string): AlertRule | null {
  const r = sqlite.query<Row, [string]>(`SELECT ${COLUMNS} FROM alert_rules WHERE id = ?`).get(id);
  return r ? toRule(r) : null;
}

export function describeWindow(seconds: number): string {
  return seconds ? `at most once per ${formatDuration(seconds)}` : "once per sale";
}
