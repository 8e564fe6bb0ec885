// What bench-scale and bench-memory share: the demo data dir made ready for the
// dashboard (steps, a signed-in owner, a burst funnel), the list of pages,
// and the launch-day burst.
import { openStore } from "../src/db/open";
import { saveSteps } from "../src/funnels/steps-definition";
import { createFunnel, listFunnels, rotateKeys } from "../src/funnels/store";
import { createSession } from "../src/web/auth/sessions";
import { createUser, findUserByEmail } from "../src/web/auth/users";
import { HttpLoad } from "./bench-http-client";
import { BENCH_ORIGIN, FIVE_STEPS, spikeEvents } from "./bench-lib";

/**
 * The demo funnel (`seed-demo --create`'s "Demo funnel"), a 5-step definition on it, a signed-in owner, and a
 * second funnel with a secret key for the burst (so a rerun on the same data dir
 * measures the same demo data).
 */
export async function prepareScale(dataDir: string): Promise<{ funnelId: string; cookie: string; burst: { id: string; secretKey: string } }> {
  const store = openStore(dataDir);
  try {
    const funnelId = store.sqlite.query<{ id: string }, []>("SELECT id FROM funnels WHERE name = 'Demo funnel' LIMIT 1").get()?.id;
    if (!funnelId) throw new Error(`${dataDir}: no events; seed it first`);
    saveSteps(store.db, funnelId, FIVE_STEPS);
    const email = "bench@example.com";
    const user = findUserByEmail(store.db, email) ?? (await createUser(store.db, { email, password: "bench password 123", role: "owner" }));
    const { token } = createSession(store.db, user.id, Date.now());
    const burstId = listFunnels(store.db).find((f) => f.name === "Bench burst")?.id ?? createFunnel(store.db, { name: "Bench burst", url: BENCH_ORIGIN }).funnel.id;
    return { funnelId, cookie: `aurea_session=${token}`, burst: { id: burstId, secretKey: rotateKeys(store.db, burstId)!.secretKey } };
  } finally {
    store.close();
  }
}

export interface ScaleTarget {
  name: string;
  /** After /funnels/ID. */
  path: string;
  htmx: boolean;
  /** The bound in ms; null: printed for context only. */
  target: number | null;
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const PANELS = ["sources", "pages", "locations", "devices", "events"];
export const SCALE_TARGETS: ScaleTarget[] = [
  { name: "overview page (30 days)", path: "?range=30d", htmx: false, target: 200 },
  ...PANELS.map((p) => ({ name: `panel ${p}`, path: `/panels/${p}?range=30d`, htmx: true, target: 100 })),
  { name: "panel chart", path: "/panels/chart?range=30d&metric=visitors", htmx: true, target: 100 },
  { name: "page, source=facebook", path: "?range=30d&source=facebook", htmx: false, target: 500 },
  { name: "page, page=/pricing", path: "?range=30d&page=%2Fpricing", htmx: false, target: 500 },
  { name: "page, device=mobile", path: "?range=30d&device=mobile", htmx: false, target: 500 },
  { name: "panel pages, source=facebook", path: "/panels/pages?range=30d&source=facebook", htmx: true, target: null },
  { name: "5-step funnel report (30 days)", path: "/steps?range=30d", htmx: false, target: 500 },
  { name: "sessions list", path: "/sessions?range=30d", htmx: false, target: 100 },
  { name: "contacts list", path: "/contacts?range=30d", htmx: false, target: 100 },
  { name: "event-property drill-down", path: "/panels/event-props?range=30d&name=purchase", htmx: true, target: 300 },
  { name: "overview page (last 365 days)", path: `?range=custom&from=${isoDay(-364)}&to=${isoDay(0)}`, htmx: false, target: null },
];

/**
 * Closed loop, 64 connections, `seconds` of 10-event batches with the secret key (bench-drain's spike); events
 * accepted. batchEvents (a multiple of 10): larger batches, as a server-side import sends them.
 */
export async function burst(url: string, funnelId: string, secretKey: string, seconds: number, batchEvents = 10): Promise<number> {
  const http = new HttpLoad(url);
  const headers = { "content-type": "application/json", authorization: `Bearer ${secretKey}` };
  let n = 0;
  let accepted = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) {
        const events = Array.from({ length: batchEvents / 10 }, () => spikeEvents(n++)).flat();
        const a = await http.send(HttpLoad.post("/api/track/events", headers, JSON.stringify({ funnelId, events })));
        if (a.status === 202) accepted += events.length;
      }
    }),
  );
  http.close();
  return accepted;
}
