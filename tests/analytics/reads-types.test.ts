// The registry's types flow to every call site: a read's name fixes its arguments and
// its result. The checks below are compile-time (`bunx tsc --noEmit -p .` covers tests/):
// each @ts-expect-error fails the typecheck if the types stop being enforced.
import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { FunnelCardStats } from "../../src/store/dashboard-views";
import { InlineReads, type Reads } from "../../src/analytics/reads/run";
import { openStore } from "../../src/db/open";
import { createFunnel } from "../../src/funnels/store";
import { tempDir } from "../helpers/server";

export async function typeChecks(reads: Reads): Promise<void> {
  const cards: Map<string, FunnelCardStats> = await reads.run("dashboard.funnelCards", { now: 1 });
  const page = await reads.run("api.events", { funnelId: "f", limit: 10, before: null });
  const ids: string[] = page.events.map((e) => e.id);
  // @ts-expect-error an unknown read
  await reads.run("dashboard.nothing", {});
  // @ts-expect-error a missing argument
  await reads.run("dashboard.funnelCards", {});
  // @ts-expect-error an argument of the wrong type
  await reads.run("api.events", { funnelId: 1, limit: 10, before: null });
  // @ts-expect-error the result is typed, not unknown
  const wrong: number = page.events;
  void [cards, ids, wrong];
}

test("a read returns what its registry entry returns", async () => {
  const dir = tempDir("aurea-reads-types-");
  const store = openStore(dir);
  try {
    const id = createFunnel(store.db, { name: "Types", url: "https://shop.example" }).funnel.id;
    const reads = new InlineReads(store.sqlite);
    const cards = await reads.run("dashboard.funnelCards", { now: Date.now() });
    expect(cards).toBeInstanceOf(Map);
    expect(cards.get(id)?.visitors ?? 0).toBe(0);
    expect(await reads.run("api.events", { funnelId: id, limit: 10, before: null })).toEqual({ events: [], next: null });
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
