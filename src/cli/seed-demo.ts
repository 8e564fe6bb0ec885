// aurea seed-demo --funnel ID | --create [--events N] [--days D] [--seed S] [--json]
// Fills a funnel with realistic demo traffic, written straight into the tables.
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir } from "../config";
import { openStore } from "../db/open";
import { seedDemo } from "../store/sqlite/demo-seed";
import { DEMO_ORIGIN } from "../demo/generate";
import { demoSteps } from "../demo/steps";
import { getSteps, saveSteps } from "../funnels/steps-definition";
import { createFunnel, getFunnel } from "../funnels/store";
import type { Command } from "./commands";
import { refuseClickHouse } from "./event-readers";

const FLAGS = {
  ...DATA_FLAG,
  funnel: { type: "string" as const },
  create: { type: "boolean" as const },
  name: { type: "string" as const },
  events: { type: "number" as const },
  days: { type: "number" as const },
  seed: { type: "number" as const },
  json: { type: "boolean" as const },
};

const MAX_EVENTS = 50_000_000;
const MAX_DAYS = 3660;

export const seedDemoCommand: Command = {
  summary: "fill a funnel with realistic demo traffic (for trying the dashboard)",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    if (flags._.length) throw new ConfigError(`seed-demo takes no arguments, got "${flags._[0]}"`);
    if (!flags.funnel === !flags.create) throw new ConfigError("seed-demo: give --funnel ID (an existing funnel) or --create (a new demo funnel)");
    const events = (flags.events as number | undefined) ?? 100_000;
    const days = (flags.days as number | undefined) ?? 90;
    if (events < 1 || events > MAX_EVENTS) throw new ConfigError(`--events: expected 1 to ${MAX_EVENTS.toLocaleString("en-US")}, got ${events}`);
    if (days < 1 || days > MAX_DAYS) throw new ConfigError(`--days: expected 1 to ${MAX_DAYS}, got ${days}`);
    // Its --events is a count: only the environment can name ClickHouse here.
    refuseClickHouse(process.env.AUREA_EVENTS_URL, "seed-demo", "Seed a SQLite data directory (without --events), then copy it: aurea events migrate --to clickhouse://….");
    const store = openStore(resolveDataDir(flags));
    try {
      let funnelId = flags.funnel as string | undefined;
      let keys: { publicKey: string; secretKey: string } | null = null;
      if (funnelId) {
        if (!getFunnel(store.db, funnelId)) throw new ConfigError(`seed-demo: no funnel with id ${funnelId} (see \`aurea funnel list\`)`);
      } else {
        const made = createFunnel(store.db, { name: (flags.name as string | undefined) ?? "Demo funnel", url: DEMO_ORIGIN });
        funnelId = made.funnel.id;
        keys = { publicKey: made.publicKey, secretKey: made.secretKey };
      }
      // A fresh seed each run unless given, so seeding a funnel twice adds new visits.
      const seed = (flags.seed as number | undefined) ?? Math.floor(Math.random() * 2 ** 31);
      const r = seedDemo(store.sqlite, funnelId, { events, days, now: Date.now(), seed });
      // Steps the founder already defined stay as they are.
      const stepsAdded = !getSteps(store.db, funnelId) && saveSteps(store.db, funnelId, demoSteps());
      if (flags.json) console.log(JSON.stringify({ ...r, stepsAdded, ...(keys ?? {}) }));
      else {
        console.log(
          `Seeded funnel ${r.funnelId}: ${r.events.toLocaleString("en-US")} events, ${r.sessions.toLocaleString("en-US")} visits, ` +
            `${r.visitors.toLocaleString("en-US")} visitors, ${r.contacts.toLocaleString("en-US")} contacts over ${days} days ` +
            `in ${((r.ms + r.rollupMs) / 1000).toFixed(1)} s (rows ${(r.ms / 1000).toFixed(1)} s, dashboard rollups ${(r.rollupMs / 1000).toFixed(1)} s).`,
        );
        if (stepsAdded) console.log(`  steps: ${demoSteps().steps.map((s) => s.name).join(" → ")} (the Steps tab)`);
        if (keys) console.log(`  public key: ${keys.publicKey}\n  secret key: ${keys.secretKey}   (shown once)`);
        console.log(`  open /funnels/${r.funnelId} in the dashboard`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
