// nodemailer inside the compiled ./aurea: `mail test` and `report send` reach a real
// SMTP server on 127.0.0.1 (run `bun run build` first when the sources changed).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli } from "../helpers/process";
import { tempDir } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";

const bin = join(ROOT, "aurea");
let smtp: TestSmtp;

beforeAll(async () => {
  if (!existsSync(bin)) {
    const b = Bun.spawnSync(["bun", join(ROOT, "scripts/build.ts")], { stdout: "inherit", stderr: "inherit" });
    if (b.exitCode !== 0) throw new Error("build failed");
  }
  smtp = await startTestSmtp({ user: "ops", pass: "pw-123456" });
}, 180_000);
afterAll(() => smtp?.close());

test("the executable sends a test message and a digest", async () => {
  const env = { AUREA_SMTP_URL: smtp.url, AUREA_MAIL_FROM: "reports@example.com", AUREA_DATA_DIR: tempDir("aurea-mail-exe-") };
  const t = await runCli(["mail", "test", "--to", "ops@example.com"], { bin, env });
  expect(t.stderr).toBe("");
  expect(t.code).toBe(0);
  const created = await runCli(["funnel", "create", "--name", "Exe", "--url", "https://shop.example", "--json"], { bin, env });
  expect(created.code).toBe(0);
  const funnel = JSON.parse(created.stdout);
  const r = await runCli(["report", "send", "--funnel", funnel.id, "--period", "last-month", "--to", "ops@example.com"], { bin, env });
  expect(r.code).toBe(0);
  const [test1, digest] = await smtp.waitFor(2);
  expect(test1.parsed.subject).toBe("Aurea test message");
  expect(digest.parsed.subject).toStartWith("Exe: $0.00 verified, 0 visitors");
  expect(digest.parsed.html).toContain("Monthly report");
  const bad = await runCli(["mail", "test", "--to", "ops@example.com"], { bin, env: { ...env, AUREA_SMTP_URL: smtp.url.replace("pw-123456", "nope") } });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toStartWith("Failed (auth)");
}, 120_000);
