// aurea alert add | list | remove: email alerts on a funnel (sales, conversion drops,
// traffic spikes, failing webhooks, parked batches, low disk). The server checks them.
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir, type ParsedFlags } from "../config";
import { openStore } from "../db/open";
import { getFunnel } from "../funnels/store";
import { recentFirings } from "../alerts/firings";
import { addAlert, AlertInputError, ALERT_KINDS, describeWindow, listAlerts, removeAlert } from "../alerts/rules";
import type { Command } from "./commands";

const FLAGS = {
  ...DATA_FLAG,
  funnel: { type: "string" as const },
  kind: { type: "string" as const },
  to: { type: "list" as const },
  window: { type: "string" as const },
  mode: { type: "string" as const },
  percent: { type: "number" as const },
  min: { type: "number" as const },
  "free-mb": { type: "number" as const },
  json: { type: "boolean" as const },
};

function paramsOf(flags: ParsedFlags): Record<string, unknown> {
  const kind = flags.kind as string;
  const p: Record<string, unknown> = {};
  if (flags.mode !== undefined) p.mode = flags.mode;
  if (flags.percent !== undefined) p.percent = flags.percent;
  if (flags.min !== undefined) p[kind === "conversion_drop" ? "minVisits" : kind === "traffic_spike" ? "minVisitors" : "min"] = flags.min;
  if (flags["free-mb"] !== undefined) p.freeMb = flags["free-mb"];
  return p;
}

export const alertCommand: Command = {
  summary: "alert add | list | remove: email alerts (sales, drops, spikes, failures, disk)",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const action = flags._[0];
    const funnelId = flags.funnel as string | undefined;
    if (!funnelId) throw new ConfigError(`alert ${action ?? ""}: --funnel ID is required`.replace("  ", " "));
    const store = openStore(resolveDataDir(flags));
    try {
      if (!getFunnel(store.db, funnelId)) throw new ConfigError(`alert: there is no funnel ${funnelId}`);
      if (action === "add") {
        try {
          const rule = addAlert(store.sqlite, funnelId, { kind: String(flags.kind ?? ""), params: paramsOf(flags), recipients: ((flags.to as string[]) ?? []).flatMap((s) => s.split(",")), window: flags.window as string | undefined }, Date.now());
          console.log(flags.json ? JSON.stringify(rule) : `Alert ${rule.id} (${rule.kind}) mails ${rule.recipients.join(", ")}, ${describeWindow(rule.windowSeconds)}.`);
          return 0;
        } catch (e) {
          if (e instanceof AlertInputError) throw new ConfigError(`alert add: ${e.message} (kinds: ${ALERT_KINDS.join(", ")})`);
          throw e;
        }
      }
      if (action === "list") {
        const rules = listAlerts(store.sqlite, funnelId);
        if (flags.json) console.log(JSON.stringify(rules.map((r) => ({ ...r, lastFired: recentFirings(store.sqlite, r.id, 5) }))));
        else if (!rules.length) console.log(`No alerts on funnel ${funnelId}. Add one: aurea alert add --funnel ${funnelId} --kind sale --to you@example.com`);
        else for (const r of rules) console.log(`${r.id}  ${r.kind.padEnd(16)} ${JSON.stringify(r.params)}  → ${r.recipients.join(", ")}  (${describeWindow(r.windowSeconds)})`);
        return 0;
      }
      if (action === "remove") {
        const id = flags._[1];
        if (!id) throw new ConfigError("alert remove: give the alert's id (aurea alert list shows them)");
        if (!removeAlert(store.sqlite, funnelId, id)) throw new ConfigError(`alert remove: funnel ${funnelId} has no alert ${id}`);
        console.log(`Alert ${id} removed.`);
        return 0;
      }
      throw new ConfigError(`alert: expected add, list or remove${action ? `, got "${action}"` : ""}`);
    } finally {
      store.close();
    }
  },
};
