// aurea experiment create | list | stop | results: split tests of a funnel.
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir, type ParsedFlags } from "../config";
import { openStore, type Store } from "../db/open";
import { parseExperimentInput } from "../experiments/definition";
import { experimentResults, resultsJson, type ExperimentResults } from "../experiments/results";
import { createExperiment, listExperiments, requireExperiment, stopExperiment, type Experiment } from "../experiments/store";
import { AppError } from "../http/errors";
import type { Command } from "./commands";
import { EVENTS_FLAG, withEventReaders } from "./event-readers";

const FLAGS = {
  ...DATA_FLAG,
  ...EVENTS_FLAG,
  funnel: { type: "string" as const },
  key: { type: "string" as const },
  variants: { type: "string" as const },
  metric: { type: "string" as const },
  secondary: { type: "list" as const },
  "split-url": { type: "list" as const },
  mde: { type: "string" as const },
  winner: { type: "string" as const },
  json: { type: "boolean" as const },
};

async function withStore<T>(flags: ParsedFlags, fn: (store: Store) => T | Promise<T>): Promise<T> {
  const store = openStore(resolveDataDir(flags));
  try {
    return await fn(store);
  } catch (e) {
    if (e instanceof AppError) throw new ConfigError(`experiment ${flags._[0]}: ${e.message}`);
    throw e;
  } finally {
    store.close();
  }
}

function required(flags: ParsedFlags, name: string, example: string): string {
  const v = flags[name];
  if (typeof v !== "string" || !v) throw new ConfigError(`experiment ${flags._[0]}: --${name} ${example} is required`);
  return v;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function describe(e: Experiment): string {
  const variants = e.variants.map((v) => `${v.name}:${v.weight}`).join(",");
  const state = e.status === "running" ? "running" : `stopped${e.winner ? `, winner ${e.winner}` : ", no winner"}`;
  const urls = Object.entries(e.splitUrls).map(([n, u]) => `\n  ${n} → ${u}`).join("");
  return `${e.key}  ${variants}  metric ${e.metric}  (${state}, started ${new Date(e.startedAt).toISOString()})${urls}`;
}

function printResults(r: ExperimentResults): void {
  if (r.srm.alert) console.log(`WARNING: sample ratio mismatch (p = ${r.srm.pValue.toExponential(2)}): visitors are not split as the weights say; fix the cause before trusting these results.`);
  console.log(`${r.key} (${r.status}) on ${r.metric}; revenue in ${r.currency} per exposed visitor`);
  console.log("variant  visitors  conversions  rate (95% interval)          revenue/visitor  P(beats control)  expected loss  p-value");
  for (const v of r.variants) {
    const c = v.vsControl;
    console.log(
      [v.name.padEnd(7), String(v.visitors).padStart(8), String(v.conversions).padStart(11), `${pct(v.rate)} (${pct(v.rateLow)}–${pct(v.rateHigh)})`.padEnd(28), v.revenuePerVisitor.toFixed(2).padStart(15),
        (c ? pct(c.probabilityToBeatControl) : "control").padStart(16), (c ? c.expectedLoss.toPrecision(3) : "").padStart(13), (c ? c.pValue.toFixed(4) : "").padStart(8)].join("  "),
    );
  }
  if (r.sampleSizePerVariant) console.log(`To detect a ${pct(r.minimumDetectableEffect)} lift it needs about ${r.sampleSizePerVariant} visitors per variant. Do not stop earlier on a good day.`);
}

const sub: Record<string, (flags: ParsedFlags) => Promise<number>> = {
  create(flags) {
    const funnelId = required(flags, "funnel", "ID");
    const input = parseExperimentInput({
      key: required(flags, "key", "headline"),
      variants: required(flags, "variants", "a:50,b:50"),
      metric: required(flags, "metric", "step:N|conversion:NAME|revenue"),
      secondaryMetrics: (flags.secondary as string[] | undefined) ?? [],
      splitUrls: flags["split-url"],
      minimumDetectableEffect: flags.mde,
    } as Record<string, unknown>);
    return withStore(flags, (store) => {
      const e = createExperiment(store.db, funnelId, input, Date.now());
      console.log(flags.json ? JSON.stringify(e) : `Experiment started: ${describe(e)}\nOn the page: data-aurea-variant="${e.key}:${e.variants[1].name}" elements, or aurea.variant("${e.key}"). See docs/experiments.md.`);
      return 0;
    });
  },
  list(flags) {
    const funnelId = required(flags, "funnel", "ID");
    return withStore(flags, (store) => {
      const list = typeof flags.key === "string" ? [requireExperiment(store.db, funnelId, flags.key)] : listExperiments(store.db, funnelId);
      if (flags.json) console.log(JSON.stringify(list));
      else if (!list.length) console.log(`No experiments yet. Start one: aurea experiment create --funnel ${funnelId} --key headline --variants a:50,b:50 --metric revenue`);
      else for (const e of list) console.log(describe(e));
      return 0;
    });
  },
  stop(flags) {
    const funnelId = required(flags, "funnel", "ID");
    const key = required(flags, "key", "K");
    const winner = typeof flags.winner === "string" && flags.winner ? flags.winner : null;
    return withStore(flags, (store) => {
      const e = stopExperiment(store.db, funnelId, key, winner, Date.now());
      console.log(flags.json ? JSON.stringify(e) : `Stopped ${e.key}: ${e.winner ? `everyone sees ${e.winner} from now on` : `everyone sees ${e.variants[0].name} (the control)`} (pages pick this up within a minute).`);
      return 0;
    });
  },
  results(flags) {
    const funnelId = required(flags, "funnel", "ID");
    const key = required(flags, "key", "K");
    return withStore(flags, async (store) => {
      const r = await withEventReaders(flags, store, (events) => experimentResults(store.db, events.journeys, { funnelId, key, now: Date.now() }));
      if (flags.json) console.log(JSON.stringify(resultsJson(r)));
      else printResults(r);
      return 0;
    });
  },
};

export const experimentCommand: Command = {
  summary: "split tests: create, list, stop, results (judged on verified revenue)",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const action = flags._[0];
    const fn = action ? sub[action] : undefined;
    if (!fn) throw new ConfigError(`experiment: expected ${Object.keys(sub).join(", ")}${action ? `, got "${action}"` : ""}`);
    return fn(flags);
  },
};
