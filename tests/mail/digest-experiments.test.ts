// The digest's "experiments that reached a result" and its visitors-per-day chart: received through a real SMTP
// server, parsed with mailparser, its figures checked against the experiments' results
// read (the JSON API). One experiment reached its sample size (b clearly better), one
// was stopped with a winner in the period, one is still short of its sample: left out.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { localDate } from "../../src/analytics/timezone";
import { parseExperimentInput } from "../../src/experiments/definition";
import { createExperiment, stopExperiment } from "../../src/experiments/store";
import { eventId, createTestFunnel, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { runCli } from "../helpers/process";
import { startTestSmtp, type Received, type TestSmtp } from "../helpers/smtp";

let server: TestServer;
let funnel: TestFunnel;
let smtp: TestSmtp;
let mail: Received;
const now = Date.now();
const period = `${localDate(now - 86_400_000, "UTC")}..${localDate(now, "UTC")}`;

/** n visitors of one experiment's variant, `converting` of whom sign up after exposure. */
function visitors(experiment: string, variant: string, n: number, converting: number, at: number) {
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const anon = `${experiment}-${variant}-${i}`;
    const base = { anonymousId: anon, sessionId: `s-${anon}`, url: "https://shop.example/" };
    events.push({ ...base, id: eventId(), ts: at + i, type: "page_view" });
    events.push({ ...base, id: eventId(), ts: at + i + 1, type: "track", name: "$exposure", props: { experiment, variant } });
    if (i < converting) events.push({ ...base, id: eventId(), ts: at + i + 2, type: "conversion", name: "signup" });
  }
  return events;
}

async function send(events: Record<string, unknown>[]) {
  for (let i = 0; i < events.length; i += 400) {
    const res = await sendEvents(server, { funnelId: funnel.id, events: events.slice(i, i + 400) }, { authorization: `Bearer ${funnel.secretKey}` });
    if (res.status !== 202) throw new Error(`${res.status} ${JSON.stringify(res.json)}`);
  }
}

async function results(key: string) {
  const res = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/experiments/${key}/results`, { headers: { authorization: `Bearer ${funnel.secretKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
  const db = server.ctx.store.db;
  const start = now - 3 * 3_600_000;
  const make = (key: string, mde: number) => createExperiment(db, funnel.id, parseExperimentInput({ key, variants: "a:50,b:50", metric: "conversion:signup", minimumDetectableEffect: mde }), start);
  make("cta", 2); // a 25% base needs ~15 visitors per variant to see +200%
  make("pricing", 0.1);
  make("headline", 0.1); // needs hundreds: not reached
  const t = now - 2 * 3_600_000;
  const events = [
    ...visitors("cta", "a", 40, 10, t), ...visitors("cta", "b", 40, 25, t + 1000),
    ...visitors("pricing", "a", 20, 4, t + 2000), ...visitors("pricing", "b", 20, 8, t + 3000),
    ...visitors("headline", "a", 10, 2, t + 4000), ...visitors("headline", "b", 10, 3, t + 5000),
  ];
  await send(events);
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= events.length, 30_000);
  stopExperiment(db, funnel.id, "pricing", "b", now - 60_000);
  smtp = await startTestSmtp();
  const r = await runCli(["report", "send", "--funnel", funnel.id, "--period", period, "--to", "founder@example.com", "--data", server.dataDir], {
    env: { AUREA_SMTP_URL: smtp.url, AUREA_MAIL_FROM: "reports@example.com" },
  });
  if (r.code !== 0) throw new Error(`report send: ${r.code} ${r.stdout} ${r.stderr}`);
  [mail] = await smtp.waitFor(1);
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  await server?.stop();
});

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

test("experiments that reached a result are in both parts, with the results read's figures", async () => {
  const cta = await results("cta");
  const [a, b] = cta.variants;
  expect([a.visitors, a.conversions, b.visitors, b.conversions]).toEqual([40, 10, 40, 25]);
  expect(b.pValue).toBeLessThan(0.05);
  const lift = b.rate / a.rate - 1;
  const ctaLine = `cta: Sample size reached, b wins: b ${pct(b.rate)} converting against a ${pct(a.rate)} converting (+${pct(lift)}), p = ${b.pValue.toFixed(4)}.`;
  const text = mail.parsed.text ?? "";
  expect(text).toContain("Experiments with a result:");
  expect(text).toContain(`  ${ctaLine}`);

  const pricing = await results("pricing");
  const [pa, pb] = pricing.variants;
  expect([pa.visitors, pa.conversions, pb.visitors, pb.conversions]).toEqual([20, 4, 20, 8]);
  const pricingLine = `pricing: Stopped with b as the winner: b ${pct(pb.rate)} converting against a ${pct(pa.rate)} converting (+${pct(pb.rate / pa.rate - 1)}), p = ${pb.pValue.toFixed(4)}.`;
  expect(text).toContain(`  ${pricingLine}`);

  expect(text).not.toContain("headline:");
  const htmlPart = String(mail.parsed.html);
  expect(htmlPart).toContain("Experiments with a result");
  expect(htmlPart).toContain(`<strong>cta</strong>: ${ctaLine.slice("cta: ".length)}`);
  expect(htmlPart).toContain(`<strong>pricing</strong>: ${pricingLine.slice("pricing: ".length)}`);
  expect(htmlPart).not.toContain("headline");
});

test("a digest without results says nothing about experiments", async () => {
  const other = createTestFunnel(server, { name: "Quiet" });
  const r = await runCli(["report", "send", "--funnel", other.id, "--period", period, "--to", "founder@example.com", "--data", server.dataDir], {
    env: { AUREA_SMTP_URL: smtp.url, AUREA_MAIL_FROM: "reports@example.com" },
  });
  expect(r.code).toBe(0);
  const [, quiet] = await smtp.waitFor(2);
  expect(quiet.parsed.text).not.toContain("Experiments");
  expect(String(quiet.parsed.html)).not.toContain("Experiments");
});

test("the visitors-per-day chart: one bar per day with the read API's visitors of that day, and a text sparkline", async () => {
  const bars = [...String(mail.parsed.html).matchAll(/data-day="([\d-]+)" data-visitors="(\d+)"/g)].map((m) => [m[1], Number(m[2])] as const);
  const [from, to] = period.split("..");
  expect(bars.map((b) => b[0])).toEqual([from, to]);
  let total = 0;
  for (const [day, visitors] of bars) {
    const res = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/stats?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${funnel.secretKey}` } });
    expect(visitors).toBe(((await res.json()) as any).visitors);
    total += visitors;
  }
  expect(total).toBe(140);
  expect(mail.parsed.text).toMatch(new RegExp(`Visitors per day: [▁-█]{2} \\(${from} to ${to}\\)`));
});
