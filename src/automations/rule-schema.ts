// The JSON shape of an automation rule, as the API, the dashboard form and the CLI
// send it: {"name", "trigger", "conditions"?, "action", "cooldown"?, "paused"?}.
import { z } from "zod";
import { parseGlob } from "../funnels/glob";

export const TRIGGER_TYPES = ["event", "conversion", "contact_created", "step_reached", "abandoned"] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const CONDITION_FIELDS = [
  "name", "path", "source", "channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term",
  "utm_content", "country", "device", "browser", "os",
] as const;
export const CONDITION_OPS = ["eq", "neq", "contains"] as const;

// Headers Aurea sets itself; a rule cannot override them.
const RESERVED_HEADERS = new Set([
  "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host", "transfer-encoding",
  "connection", "expect", "upgrade", "te", "trailer", "keep-alive", "proxy-connection",
]);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "90s", "30m", "1h", "2d", "1h30m" → seconds; null when not of that form. */
export function parseDuration(raw: string): number | null {
  const s = raw.trim().toLowerCase();
  if (!/^(\d{1,6}[smhd])+$/.test(s)) return null;
  let total = 0;
  for (const [, n, unit] of s.matchAll(/(\d+)([smhd])/g)) total += Number(n) * DURATION_UNITS[unit];
  return total;
}

export function formatDuration(seconds: number): string {
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

const duration = (min: number, max: number) =>
  z
    .union([z.string(), z.number()], { error: 'must be a duration like "30m", "1h" or "2d" (or a number of seconds)' })
    .transform((v, ctx) => {
      const seconds = typeof v === "number" ? v : parseDuration(v);
      if (seconds === null || !Number.isInteger(seconds)) {
        ctx.addIssue({ code: "custom", message: `"${v}" is not a duration: write e.g. "45s", "30m", "1h" or "2d"` });
        return z.NEVER;
      }
      if (seconds < min || seconds > max) {
        ctx.addIssue({ code: "custom", message: `must be between ${formatDuration(min)} and ${formatDuration(max)}` });
        return z.NEVER;
      }
      return seconds;
    });

const eventName = z
  .string({ error: "must be an event name (globs allowed: \"faq_*\")" })
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .superRefine((name, ctx) => {
    const g = parseGlob(name);
    if (!g.ok) ctx.addIssue({ code: "custom", message: `pattern "${name}" does not parse: ${g.reason}` });
  });

const step = z.number({ error: "must be a step number (1 is the first step)" }).int("must be a whole number").min(1, "must be at least 1").max(20, "must be at most 20");

export const triggerSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("event"), name: eventName }),
    z.strictObject({
      type: z.literal("conversion"),
      verifiedOnly: z.boolean({ error: "must be true or false" }).optional(),
      minRevenue: z.number({ error: "must be a number (in major units, e.g. 49.99)" }).finite().min(0, "must not be negative").optional(),
      currency: z
        .string()
        .regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO 4217 code")
        .transform((c) => c.toUpperCase())
        .optional(),
    }),
    z.strictObject({ type: z.literal("contact_created") }),
    z.strictObject({ type: z.literal("step_reached"), step }),
    z.strictObject({ type: z.literal("abandoned"), step, after: duration(1, 30 * 86400) }),
  ],
  {
    error: (i) =>
      i.code === "invalid_union"
        ? `must be one of ${TRIGGER_TYPES.join(", ")}`
        : `must be an object whose "type" is one of ${TRIGGER_TYPES.join(", ")}`,
  },
);

export type Trigger = z.output<typeof triggerSchema>;

export const conditionSchema = z.strictObject({
  field: z.string({ error: "must be a field name" }).superRefine((f, ctx) => {
    if (f.startsWith("props.") && f.length > 6 && f.length <= 70) return;
    if ((CONDITION_FIELDS as readonly string[]).includes(f)) return;
    ctx.addIssue({ code: "custom", message: `"${f}" is not a condition field: use props.<key> or one of ${CONDITION_FIELDS.join(", ")}` });
  }),
  op: z.enum(CONDITION_OPS, { error: `must be one of ${CONDITION_OPS.join(", ")}` }),
  value: z.union([z.string().max(1024, "must be at most 1024 characters"), z.number().finite(), z.boolean()], {
    error: "must be a string, number or boolean",
  }),
});

export type Condition = z.output<typeof conditionSchema>;

export const actionSchema = z.strictObject({
  type: z.literal("webhook", { error: 'must be "webhook"' }),
  url: z.string({ error: "must be an http(s) URL" }).trim().min(1, "must not be empty").max(2048, "must be at most 2048 characters"),
  headers: z
    .record(z.string(), z.string({ error: "header values must be strings" }).max(4096, "header values must be at most 4096 characters"), {
      error: 'must be an object of header names to values, e.g. {"Authorization": "Bearer …"}',
    })
    .superRefine((h, ctx) => {
      const names = Object.keys(h);
      if (names.length > 20) ctx.addIssue({ code: "custom", message: "must have at most 20 headers" });
      for (const name of names) {
        if (!HEADER_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not a valid header name` });
        else if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is set by Aurea and cannot be overridden` });
        if (/[\r\n\0]/.test(h[name])) ctx.addIssue({ code: "custom", path: [name], message: "must not contain line breaks or NUL" });
      }
    })
    .optional(),
});

export type Action = z.output<typeof actionSchema>;

const ruleFields = {
  name: z.string({ error: "is required (a name for the rule)" }).trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  trigger: triggerSchema,
  conditions: z.array(conditionSchema, { error: "must be an array of conditions" }).max(20, "must have at most 20 conditions"),
  action: actionSchema,
  /** Per visitor: after firing, stay quiet this long. Null = no cooldown. */
  cooldown: duration(1, 365 * 86400).nullable(),
  paused: z.boolean({ error: "must be true or false" }),
};

const ruleKeysHint = "expected name, trigger, conditions, action, cooldown, paused";
const strictError = (i: { code: string; keys?: string[] }) =>
  i.code === "unrecognized_keys" ? `unknown key ${(i.keys ?? []).map((k) => `"${k}"`).join(", ")} (${ruleKeysHint})` : `must be a JSON object (${ruleKeysHint})`;

export const createRuleSchema = z.strictObject(
  {
    ...ruleFields,
    conditions: ruleFields.conditions.default([]),
    cooldown: ruleFields.cooldown.optional(),
    paused: ruleFields.paused.default(false),
  },
  { error: strictError },
);

export const updateRuleSchema = z.strictObject(
  {
    name: ruleFields.name.optional(),
    trigger: ruleFields.trigger.optional(),
    conditions: ruleFields.conditions.optional(),
    action: ruleFields.action.optional(),
    cooldown: ruleFields.cooldown.optional(),
    paused: ruleFields.paused.optional(),
  },
  { error: strictError },
);

export type RuleInput = z.output<typeof createRuleSchema>;
export type RuleChanges = z.output<typeof updateRuleSchema>;
