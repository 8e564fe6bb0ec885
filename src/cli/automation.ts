// aurea automation list | show | create | pause | resume | delete | test | deliveries
import { readFileSync } from "node:fs";
import { makeRuntime, type AutomationRuntime } from "../automations/runtime";
import { toRuleView, type RuleView } from "../automations/rules";
import { describeTrigger } from "../automations/describe";
import {
  createAutomation, deleteAutomation, deliveryLog, editAutomation, getAutomation, listAutomations, sendTestDelivery,
} from "../automations/service";
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir, type ParsedFlags } from "../config";
import { openStore } from "../db/open";
import { AppError } from "../http/errors";
import type { Command } from "./commands";

const FLAGS = {
  ...DATA_FLAG,
  file: { type: "string" as const },
  json: { type: "boolean" as const },
  "allow-private-webhooks": { env: "AUREA_ALLOW_PRIVATE_WEBHOOKS", type: "boolean" as const },
};

async function withRuntime<T>(flags: ParsedFlags, fn: (rt: AutomationRuntime) => Promise<T> | T): Promise<T> {
  const store = openStore(resolveDataDir(flags));
  try {
    return await fn(makeRuntime(store, { allowPrivate: Boolean(flags["allow-private-webhooks"]) }));
  } catch (e) {
    if (e instanceof AppError) throw new ConfigError(`automation ${flags._[0]}: ${e.message}`);
    throw e;
  } finally {
    store.close();
  }
}

function args(flags: ParsedFlags, count: 1 | 2): [string, string] {
  const [action, funnelId, ruleId] = flags._;
  const usage = count === 1 ? "FUNNEL_ID" : "FUNNEL_ID RULE_ID";
  if (!funnelId || (count === 2 && !ruleId)) throw new ConfigError(`automation ${action}: expected ${usage} (see \`aurea automation list FUNNEL_ID\`)`);
  return [funnelId, ruleId ?? ""];
}

function printRule(r: RuleView): void {
  console.log(`${r.id}  ${r.paused ? "paused " : "active "}  ${r.name}  [${describeTrigger(r.trigger)}] → ${r.action.url}`);
}

const sub: Record<string, (flags: ParsedFlags) => Promise<number>> = {
  async list(flags) {
    const [funnelId] = args(flags, 1);
    return withRuntime(flags, (rt) => {
      const rules = listAutomations(rt, funnelId).map(toRuleView);
      if (flags.json) console.log(JSON.stringify(rules));
      else if (!rules.length) console.log(`No automations yet. Create one: aurea automation create ${funnelId} --file rule.json`);
      else rules.forEach(printRule);
      return 0;
    });
  },
  async show(flags) {
    const [funnelId, ruleId] = args(flags, 2);
    return withRuntime(flags, (rt) => {
      const rule = toRuleView(getAutomation(rt, funnelId, ruleId));
      console.log(flags.json ? JSON.stringify(rule) : JSON.stringify(rule, null, 2));
      return 0;
    });
  },
  async create(flags) {
    const [funnelId] = args(flags, 1);
    if (!flags.file) throw new ConfigError("automation create: --file rule.json is required (use - for standard input)");
    const path = flags.file as string;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path === "-" ? 0 : path, "utf8"));
    } catch (e) {
      throw new ConfigError(`automation create: cannot read JSON from ${path}: ${(e as Error).message}`);
    }
    return withRuntime(flags, async (rt) => {
      const rule = await createAutomation(rt, funnelId, json);
      if (flags.json) console.log(JSON.stringify({ id: rule.id, secret: rule.secret, automation: toRuleView(rule) }));
      else {
        console.log(`Automation "${rule.name}" created. Keep the signing secret now: it is not shown again.`);
        console.log(`  id:      ${rule.id}`);
        console.log(`  secret:  ${rule.secret}`);
      }
      return 0;
    });
  },
  pause: (flags) => setPaused(flags, true),
  resume: (flags) => setPaused(flags, false),
  async delete(flags) {
    const [funnelId, ruleId] = args(flags, 2);
    return withRuntime(flags, (rt) => {
      deleteAutomation(rt, funnelId, ruleId);
      console.log(flags.json ? JSON.stringify({ id: ruleId, deleted: true }) : `Automation ${ruleId} deleted.`);
      return 0;
    });
  },
  async test(flags) {
    const [funnelId, ruleId] = args(flags, 2);
    return withRuntime(flags, (rt) => {
      const deliveryId = sendTestDelivery(rt, funnelId, ruleId);
      if (flags.json) console.log(JSON.stringify({ deliveryId }));
      else console.log(`Test delivery ${deliveryId} queued; the running server sends it within a second or so.`);
      return 0;
    });
  },
  async deliveries(flags) {
    const [funnelId, ruleId] = args(flags, 2);
    return withRuntime(flags, (rt) => {
      const log = deliveryLog(rt, funnelId, ruleId);
      if (flags.json) console.log(JSON.stringify(log));
      else if (!log.length) console.log("No deliveries yet.");
      else {
        for (const d of log) {
          const last = d.last ? `${d.last.statusCode ?? "-"} ${d.last.error ?? ""}`.trim() : "not tried yet";
          console.log(`${new Date(d.createdAt).toISOString()}  ${d.id}  ${d.status.padEnd(9)}  attempts ${d.attempts}  ${last}${d.test ? "  (test)" : ""}`);
        }
      }
      return 0;
    });
  },
};

async function setPaused(flags: ParsedFlags, paused: boolean): Promise<number> {
  const [funnelId, ruleId] = args(flags, 2);
  return withRuntime(flags, async (rt) => {
    const rule = toRuleView(await editAutomation(rt, funnelId, ruleId, { paused }));
    if (flags.json) console.log(JSON.stringify(rule));
    else console.log(`Automation ${rule.id} ${paused ? "paused" : "resumed"}.`);
    return 0;
  });
}

export const automationCommand: Command = {
  summary: "webhook automations: list, create, pause, resume, delete",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const action = flags._[0];
    const fn = action ? sub[action] : undefined;
    if (!fn) throw new ConfigError(`automation: expected ${Object.keys(sub).join(", ")}${action ? `, got "${action}"` : ""}`);
    return fn(flags);
  },
};
