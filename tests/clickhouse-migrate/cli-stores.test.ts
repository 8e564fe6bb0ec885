// CLI commands that read events read the store --events / AUREA_EVENTS_URL names, as the
// server does; seed-demo, which writes SQLite's tables, refuses when ClickHouse is named.
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { runCli } from "../helpers/process";
import { tempDirsRemovedAfterAll } from "../helpers/server";
import { startTestSmtp } from "../helpers/smtp";

const tempDir = tempDirsRemovedAfterAll();

let ch: TestClickHouse | null = null;
afterAll(() => ch?.close());

test("funnel steps' check, experiment results and report send read ClickHouse with --events; seed-demo refuses it; failures are masked", async () => {
  ch = await startTestClickHouse({ password: "pw-for-cli-77" });
  const dataDir = tempDir();
  const seeded = await runCli(["seed-demo", "--create", "--events", "3000", "--days", "10", "--seed", "5", "--json", "--data", dataDir]);
  expect(seeded.code).toBe(0);
  const funnelId = JSON.parse(seeded.stdout).funnelId as string;
  expect((await runCli(["events", "migrate", "--to", ch.eventsUrl, "--data", dataDir])).code).toBe(0);

  const steps = join(dataDir, "steps.json");
  writeFileSync(steps, JSON.stringify({ window: "1d", steps: [{ name: "Landing", page: "/*" }, { name: "Pricing", page: "/pricing" }, { name: "Typo", page: "/pricng" }] }));
  const onSqlite = await runCli(["funnel", "steps", funnelId, "--file", steps, "--data", dataDir]);
  const onClickHouse = await runCli(["funnel", "steps", funnelId, "--file", steps, "--data", dataDir], { env: { AUREA_EVENTS_URL: ch.eventsUrl } });
  expect([onSqlite.code, onClickHouse.code]).toEqual([0, 0]);
  expect(onSqlite.stderr).toMatch(/2\. Pricing: (at least )?\d+ visitors in the last 30 days/);
  expect(onClickHouse.stderr).toBe(onSqlite.stderr);

  const down = await runCli(["funnel", "steps", funnelId, "--file", steps, "--data", dataDir, "--events", "clickhouse://aurea:hidden-pw-1@127.0.0.1:1/aurea"]);
  expect(down.code).toBe(2);
  expect(down.stderr).toContain("reading events from ClickHouse at clickhouse://aurea:***@127.0.0.1:1/aurea failed");
  expect(down.stdout + down.stderr).not.toContain("hidden-pw-1");

  const made = await runCli(["experiment", "create", "--funnel", funnelId, "--key", "headline", "--variants", "a:50,b:50", "--metric", "revenue", "--data", dataDir]);
  expect(made.code).toBe(0);
  const results = (env: Record<string, string>) => runCli(["experiment", "results", "--funnel", funnelId, "--key", "headline", "--json", "--data", dataDir], { env });
  const [a, b] = await Promise.all([results({}), results({ AUREA_EVENTS_URL: ch.eventsUrl })]);
  expect([a.code, b.code, b.stderr]).toEqual([0, 0, ""]);
  expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout));

  // The digest, emailed from either store: the same text.
  const smtp = await startTestSmtp();
  try {
    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    const send = (env: Record<string, string>) =>
      runCli(["report", "send", "--funnel", funnelId, "--period", `${day(7)}..${day(1)}`, "--to", "founder@example.com", "--data", dataDir, "--json"], {
        env: { AUREA_SMTP_URL: smtp.url, AUREA_MAIL_FROM: "Aurea <reports@example.com>", ...env },
      });
    expect((await send({})).code).toBe(0);
    const [fromSqlite] = await smtp.waitFor(1);
    expect((await send({ AUREA_EVENTS_URL: ch.eventsUrl })).code).toBe(0);
    const fromClickHouse = (await smtp.waitFor(2))[1];
    expect(fromSqlite.parsed.text).toMatch(/visitors/i);
    expect(fromClickHouse.parsed.text).toBe(fromSqlite.parsed.text!);
    const unreachable = await send({ AUREA_EVENTS_URL: "clickhouse://aurea:hidden-pw-2@127.0.0.1:1/aurea" });
    expect(unreachable.code).toBe(2); // it read ClickHouse, not SQLite
    expect(unreachable.stderr).toContain("clickhouse://aurea:***@127.0.0.1:1/aurea");
    expect(unreachable.stdout + unreachable.stderr).not.toContain("hidden-pw-2");
  } finally {
    await smtp.close();
  }

  const seed = await runCli(["seed-demo", "--funnel", funnelId, "--events", "10", "--data", dataDir], { env: { AUREA_EVENTS_URL: ch.eventsUrl } });
  expect(seed.code).toBe(2);
  expect(seed.stderr).toContain("seed-demo works on the SQLite event store only");
  expect(seed.stderr).toContain("aurea events migrate");
  expect(seed.stdout + seed.stderr).not.toContain(ch.password);
}, 180_000);
