// A server killed (SIGKILL) in the middle of sending a digest: after the restart the
// digest is not sent again (it may have arrived), it is marked unknown and logged, and
// the next period goes out normally.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { openStore } from "../../src/db/open";
import { createFunnel } from "../../src/funnels/store";
import { subscribe } from "../../src/reports/subscriptions";
import { tempDir } from "../helpers/server";
import { startTestSmtp } from "../helpers/smtp";
import { openHarness } from "./harness";

const smtp = await startTestSmtp();
afterAll(() => smtp.close());

test("restart in the middle of a send: no second copy", async () => {
  const dir = tempDir("aurea-crash-");
  const setup = openStore(dir);
  const funnelId = createFunnel(setup.db, { name: "Launch", url: "https://shop.example" }, Date.parse("2026-03-01T00:00:00Z")).funnel.id;
  subscribe(setup.sqlite, funnelId, "ana@example.com", "weekly", Date.parse("2026-03-01T00:00:00Z"));
  setup.close();

  const monday = Date.parse("2026-03-23T08:00:00Z");
  smtp.stall();
  const child = Bun.spawn(["bun", join(import.meta.dir, "crash-child.ts"), dir, smtp.url, String(monday), funnelId], { stdout: "pipe", stderr: "inherit" });
  const deadline = Date.now() + 30_000;
  while (smtp.dataEnded() < 1) {
    if (Date.now() > deadline) throw new Error("the child never started sending");
    await Bun.sleep(20);
  }
  child.kill(9);
  await child.exited;
  smtp.release();

  // The restarted server, once the dead process's lease on the job has run out.
  const h = openHarness(dir, smtp.url, monday + 121_000, { funnelId });
  try {
    expect(h.tick()).toBe(0);
    const row = await h.waitStatus("ana@example.com", Date.parse("2026-03-15T23:00:00Z"), "unknown");
    expect(row.attempts).toBe(1);
    expect(h.logs.join("\n")).toContain("was being sent when the server stopped; it may not have arrived and is not sent again");
    await smtp.waitFor(1);
    await Bun.sleep(200);
    // The SMTP server had the whole message when the process died, and kept it once
    // released: the copy arrived although the sender never heard so. Still one copy.
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].raw).toMatch(/^X-Aurea-Period: 2026-03-16\.\.2026-03-22/im);

    h.clock.now = Date.parse("2026-03-30T07:00:00Z");
    expect(h.tick()).toBe(1);
    await smtp.waitFor(2);
    await h.waitStatus("ana@example.com", Date.parse("2026-03-22T23:00:00Z"), "sent");
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1].raw).toMatch(/^X-Aurea-Period: 2026-03-23\.\.2026-03-29/im);
  } finally {
    await h.stop();
  }
}, 120_000);
