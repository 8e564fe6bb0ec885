// aurea funnel steps ID [--file steps.json | --file -]
// Without --file: prints the funnel's steps as JSON (the same shape it accepts).
// With --file: validates and saves them; nothing is saved when any step is wrong.
import { readFileSync } from "node:fs";
import { ConfigError, resolveDataDir, type ParsedFlags } from "../config";
import { openStore } from "../db/open";
import { getFunnel } from "../funnels/store";
import { withEventReaders } from "./event-readers";
import { CHECK_DAYS, type StepCheck } from "../store/journey-reader";
import { getSteps, parseSteps, saveSteps, stepsToJson } from "../funnels/steps-definition";

function readSource(file: string): string {
  try {
    return file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`funnel steps: cannot read ${file === "-" ? "standard input" : file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function funnelSteps(flags: ParsedFlags): Promise<number> {
  const id = flags._[1];
  if (!id) throw new ConfigError("funnel steps: give the funnel id (see `aurea funnel list`)");
  const file = flags.file as string | undefined;
  let parsed: ReturnType<typeof parseSteps> | null = null;
  if (file !== undefined) {
    const text = readSource(file);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`funnel steps: ${file} is not valid JSON: ${(e as Error).message}`);
    }
    parsed = parseSteps(json);
    if (!parsed.ok) {
      console.error(`aurea: funnel steps: ${file} has ${parsed.errors.length} problem${parsed.errors.length > 1 ? "s" : ""}; nothing was saved:`);
      for (const e of parsed.errors) console.error(`  ${e.path}: ${e.message}`);
      return 1;
    }
  }
  const store = openStore(resolveDataDir(flags));
  try {
    if (!getFunnel(store.db, id)) throw new ConfigError(`funnel steps: no funnel with id ${id}`);
    if (parsed?.ok) {
      saveSteps(store.db, id, parsed.value);
      if (!flags.json) {
        console.error(`Saved ${parsed.value.steps.length} steps (${parsed.value.order}, window ${parsed.value.window}) for funnel ${id}.`);
        const steps = parsed.value.steps;
        printCheck(await withEventReaders(flags, store, async (events) => events.journeys.checkSteps(id, steps, Date.now())), steps.map((s) => s.name));
        return 0;
      }
    }
    const def = getSteps(store.db, id);
    if (!def) {
      console.error(`Funnel ${id} has no steps yet. Define them: aurea funnel steps ${id} --file steps.json`);
      return 1;
    }
    console.log(JSON.stringify(stepsToJson(def), null, flags.json ? undefined : 2));
    return 0;
  } finally {
    store.close();
  }
}

/** What each saved pattern matched in the last 30 days; near misses for those that matched nobody. */
function printCheck(checks: StepCheck[] | null, names: string[]): void {
  if (!checks) return;
  const count = (c: { visitors: number; atLeast: boolean }) => `${c.atLeast ? "at least " : ""}${c.visitors} visitor${c.visitors === 1 ? "" : "s"}`;
  checks.forEach((c, i) => {
    if (c.visitors > 0) return console.error(`  ${i + 1}. ${names[i]}: ${count(c)} in the last ${CHECK_DAYS} days`);
    console.error(`  ${i + 1}. ${names[i]}: warning: no visitor matched this in the last ${CHECK_DAYS} days`);
    for (const s of c.suggestions) console.error(`     did you mean ${s.kind} ${JSON.stringify(s.pattern)}? (${s.reason}, ${count(s)})`);
  });
}
