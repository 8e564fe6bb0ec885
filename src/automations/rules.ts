// Automation rules: load and save. The one module that reads and writes `automations`.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/open";
import { automations } from "../db/schema";
import { newWebhookSecret, secretHint } from "./sign";
import type { Action, Condition, RuleChanges, RuleInput, Trigger } from "./rule-schema";

export interface Rule {
  id: string;
  funnelId: string;
  name: string;
  trigger: Trigger;
  conditions: Condition[];
  action: Action;
  secret: string;
  paused: boolean;
  cooldownSeconds: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What the API, the CLI and the dashboard show: everything but the secret. */
export interface RuleView extends Omit<Rule, "secret"> {
  secretHint: string;
}

type Row = typeof automations.$inferSelect;

export function newRuleId(): string {
  return `au_${Buffer.from(crypto.getRandomValues(new Uint8Array(9))).toString("base64url")}`;
}

function toRule(row: Row): Rule {
  return {
    id: row.id,
    funnelId: row.funnelId,
    name: row.name,
    trigger: JSON.parse(row.trigger) as Trigger,
    conditions: JSON.parse(row.conditions) as Condition[],
    action: JSON.parse(row.action) as Action,
    secret: row.secret,
    paused: row.paused,
    cooldownSeconds: row.cooldownSeconds,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toRuleView(rule: Rule): RuleView {
  const { secret, ...rest } = rule;
  return { ...rest, secretHint: secretHint(secret) };
}

export function insertRule(db: Db, funnelId: string, input: RuleInput, now: number): Rule {
  const row = db
    .insert(automations)
    .values({
      id: newRuleId(),
      funnelId,
      name: input.name,
      trigger: JSON.stringify(input.trigger),
      conditions: JSON.stringify(input.conditions),
      action: JSON.stringify(input.action),
      secret: newWebhookSecret(),
      paused: input.paused,
      cooldownSeconds: input.cooldown ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  return toRule(row);
}

export function listRules(db: Db, funnelId: string): Rule[] {
  return db.select().from(automations).where(eq(automations.funnelId, funnelId)).orderBy(asc(automations.createdAt)).all().map(toRule);
}

/** The rules that fire: not paused. */
export function activeRules(db: Db, funnelId: string): Rule[] {
  return db
    .select()
    .from(automations)
    .where(and(eq(automations.funnelId, funnelId), eq(automations.paused, false)))
    .all()
    .map(toRule);
}

export function getRule(db: Db, funnelId: string, id: string): Rule | null {
  const row = db.select().from(automations).where(and(eq(automations.funnelId, funnelId), eq(automations.id, id))).get();
  return row ? toRule(row) : null;
}

/** A rule by id alone (job handlers hold only the id). */
export function getRuleById(db: Db, id: string): Rule | null {
  const row = db.select().from(automations).where(eq(automations.id, id)).get();
  return row ? toRule(row) : null;
}

export function updateRule(db: Db, funnelId: string, id: string, changes: RuleChanges, now: number): Rule | null {
  const set: Partial<Row> = { updatedAt: now };
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.trigger !== undefined) set.trigger = JSON.stringify(changes.trigger);
  if (changes.conditions !== undefined) set.conditions = JSON.stringify(changes.conditions);
  if (changes.action !== undefined) set.action = JSON.stringify(changes.action);
  if (changes.cooldown !== undefined) set.cooldownSeconds = changes.cooldown;
  if (changes.paused !== undefined) set.paused = changes.paused;
  const row = db
    .update(automations)
    .set(set)
    .where(and(eq(automations.funnelId, funnelId), eq(automations.id, id)))
    .returning()
    .get();
  return row ? toRule(row) : null;
}

/** A new signing secret; the old one stops verifying at once. */
export function rotateRuleSecret(db: Db, funnelId: string, id: string, now: number): string | null {
  const secret = newWebhookSecret();
  const row = db
    .update(automations)
    .set({ secret, updatedAt: now })
    .where(and(eq(automations.funnelId, funnelId), eq(automations.id, id)))
    .returning({ id: automations.id })
    .get();
  return row ? secret : null;
}

export function deleteRuleRow(db: Db, funnelId: string, id: string): boolean {
  return (
    db
      .delete(automations)
      .where(and(eq(automations.funnelId, funnelId), eq(automations.id, id)))
      .returning({ id: automations.id })
      .all().length > 0
  );
}
