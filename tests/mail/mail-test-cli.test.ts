// `aurea mail test` against a real SMTP server on 127.0.0.1: the outcome in one line.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { runCli } from "../helpers/process";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp({ user: "ana", pass: "right-pass", refuse: ["nobody@example.com"] });
});
afterAll(() => smtp.close());

const run = (url: string, to: string, extra: string[] = []) =>
  runCli(["mail", "test", "--to", to, ...extra], { env: { AUREA_SMTP_URL: url, AUREA_MAIL_FROM: "Aurea <reports@example.com>" } });

test("a test message arrives, and the command says the server accepted it", async () => {
  const r = await run(smtp.url, "founder@example.com");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split("\n")).toHaveLength(1);
  expect(r.stdout).toContain("OK: smtp://ana:***@127.0.0.1");
  expect(r.stdout).not.toContain("right-pass");
  const [mail] = await smtp.waitFor(1);
  expect(mail.to).toEqual(["founder@example.com"]);
  expect(mail.parsed.subject).toBe("Aurea test message");
  expect(mail.parsed.from?.text).toContain("reports@example.com");
});

test("a wrong password is an authentication failure", async () => {
  const r = await run(smtp.url.replace("right-pass", "wrong"), "founder@example.com");
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toStartWith("Failed (auth): authentication failed at 127.0.0.1:");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
});

test("a refused recipient is named as such", async () => {
  const r = await run(smtp.url, "nobody@example.com");
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("Failed (recipient)");
  expect(r.stderr).toContain("550");
});

test("nothing listening is a refused connection", async () => {
  const port = smtp.port === 1 ? 2 : 1; // nothing listens on 127.0.0.1:1
  const r = await run(`smtp://127.0.0.1:${port}`, "founder@example.com");
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toStartWith("Failed (connection): connection refused by 127.0.0.1:1");
});

test("smtps:// to a plain server is a TLS failure", async () => {
  const r = await run(smtp.url.replace("smtp://", "smtps://"), "founder@example.com");
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("Failed (tls)");
});

test("without SMTP settings it says what to set", async () => {
  const r = await runCli(["mail", "test", "--to", "a@example.com"], { env: { AUREA_SMTP_URL: "", AUREA_MAIL_FROM: "" } });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("no SMTP server is set: pass --smtp-url");
});
