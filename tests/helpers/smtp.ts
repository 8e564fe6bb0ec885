// A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives, parsed
// with mailparser, so tests read a digest the way a mail client would.
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface Received {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  port: number;
  url: string;
  received: Received[];
  /** Makes the next n messages fail at DATA with this reply (e.g. 451 temporary). */
  failNext(n: number, code?: number): void;
  /** Holds every message's reply after DATA until release() (a server that hangs mid-send). */
  stall(): void;
  release(): void;
  /** How many messages were fully transferred (before any stall or reply). */
  dataEnded(): number;
  /** Waits (polling) until at least n messages have arrived. */
  waitFor(n: number, deadlineMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startTestSmtp(opts: { user?: string; pass?: string; refuse?: string[] } = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  let failures = 0;
  let failCode = 451;
  let stalled = false;
  let started = 0;
  const held: (() => void)[] = [];
  const options: SMTPServerOptions = {
    secure: false,
    disabledCommands: opts.user ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !opts.user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (opts.refuse?.includes(address.address)) cb(Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        started++;
        if (stalled) await new Promise<void>((resolve) => held.push(resolve));
        if (failures > 0) {
          failures--;
          return cb(Object.assign(new Error("Try again later"), { responseCode: failCode }));
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          parsed: await simpleParser(raw),
        });
        cb();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  const auth = opts.user ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass ?? "")}@` : "";
  return {
    port,
    url: `smtp://${auth}127.0.0.1:${port}`,
    received,
    stall() {
      stalled = true;
    },
    release() {
      stalled = false;
      for (const r of held.splice(0)) r();
    },
    dataEnded: () => started,
    failNext(n, code = 451) {
      failures = n;
      failCode = code;
    },
    async waitFor(n, deadlineMs = 20_000) {
      const end = Date.now() + deadlineMs;
      while (received.length < n) {
        if (Date.now() > end) throw new Error(`expected ${n} messages, got ${received.length}`);
        await Bun.sleep(25);
      }
      return received;
    },
    close: () => {
      for (const r of held.splice(0)) r();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
