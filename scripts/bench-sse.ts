// Live dashboards under load: N open SSE streams (default 200) held while events flow
// in at R/s (default 1,000), for S seconds (default 60), against `aurea serve` in a
// child process (processing on its own thread, as in production). Prints the server's
// RSS growth and CPU, and event-to-screen latency (ingest POST → the row in a stream)
// p50/p99, measured on a sample of the streams. The load generator and the stream
// readers run in this process on the same machine and take CPU from the server.
//   bun scripts/bench-sse.ts [--streams 200] [--rate 1000] [--seconds 60]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineLine, percentile } from "./bench-lib";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const STREAMS = arg("streams", 200);
const RATE = arg("rate", 1000);
const SECONDS = arg("seconds", 60);
const SAMPLED = Math.min(STREAMS, 10);
const ROOT = join(import.meta.dir, "..");
const main = join(ROOT, "src/main.ts");
const dir = mkdtempSync(join(tmpdir(), "aurea-bench-sse-"));
const run = (args: string[], stdin?: string) => {
  const r = Bun.spawnSync(["bun", main, ...args, "--data", dir], { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin) });
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  return r.stdout.toString();
};

const funnel = JSON.parse(run(["funnel", "create", "--name", "Bench", "--url", "https://shop.example", "--json"]));
run(["user", "create", "--email", "bench@example.com", "--role", "owner", "--password-stdin"], "bench password 123");
const server = Bun.spawn(["bun", main, "serve", "--host", "127.0.0.1", "--port", "0", "--data", dir], { stdout: "pipe", stderr: "inherit", env: { ...process.env, AUREA_RATE_LIMIT: "0" } });
let out = "";
const rd = server.stdout.getReader();
while (!out.includes("listening on")) out += new TextDecoder().decode((await rd.read()).value);
const url = out.match(/listening on (http:\/\/\S+)/)![1];

const procStat = () => {
  const f = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
  const rss = Number(readFileSync(`/proc/${server.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)![1]) * 1024;
  return { cpuTicks: Number(f[11]) + Number(f[12]), rss };
};

// One event first, so the overview has a history; then sign in.
const post = (events: object[]) =>
  fetch(`${url}/api/track/events`, { method: "POST", headers: { authorization: `Bearer ${funnel.secretKey}`, "content-type": "application/json" }, body: JSON.stringify({ funnelId: funnel.id, events }) });
await post([{ id: Bun.randomUUIDv7(), type: "page_view", anonymousId: "seed", url: "https://shop.example/" }]);
const login = await fetch(`${url}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=bench%40example.com&password=bench+password+123" });
const cookie = login.headers.get("set-cookie")!.split(";")[0];

const sentAt = new Map<string, number>();
const latencies: number[] = [];
let bytes = 0;
let reloads = 0;
const reloadWhy = new Map<string, number>();
const controllers: AbortController[] = [];
let t0 = performance.now();
async function openStream(i: number) {
  const ac = new AbortController();
  controllers.push(ac);
  const res = await fetch(`${url}/funnels/${funnel.id}/live/stream`, { headers: { cookie }, signal: ac.signal });
  if (res.status !== 200) throw new Error(`stream ${i}: ${res.status}`);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  (async () => {
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        bytes += r.value.byteLength;
        if (i >= SAMPLED) continue;
        const text = dec.decode(r.value, { stream: true });
        const why = text.match(/event: reload\ndata: ([^\n]*)/)?.[1];
        if (why) {
          reloads++;
          reloadWhy.set(`${why} after ${((performance.now() - t0) / 1000).toFixed(1)}s`, 1);
        }
        const now = performance.now();
        for (const m of text.matchAll(/>(b_\d+)</g)) {
          const t = sentAt.get(m[1]);
          if (t !== undefined) latencies.push(now - t);
        }
      }
    } catch {}
  })();
}
for (let i = 0; i < STREAMS; i++) await openStream(i);
await Bun.sleep(1000);

const before = procStat();
t0 = performance.now();
let seq = 0;
let sent = 0;
const perTick = Math.max(1, Math.round(RATE / 100));
// Ten-millisecond ticks of RATE/100 events each, as one batch.
while (performance.now() - t0 < SECONDS * 1000) {
  const tickStart = performance.now();
  const events = Array.from({ length: perTick }, () => {
    const name = `b_${seq++}`;
    sentAt.set(name, performance.now());
    return { id: Bun.randomUUIDv7(), type: "track", name, anonymousId: `v${seq % 500}`, url: "https://shop.example/pricing" };
  });
  post(events).then((r) => r.status === 202 && (sent += events.length));
  const wait = 10 - (performance.now() - tickStart);
  if (wait > 0) await Bun.sleep(wait);
}
await Bun.sleep(2000);
const after = procStat();
const wall = (performance.now() - t0) / 1000;
const hz = 100; // USER_HZ on Linux
console.log(`bench-sse: ${machineLine()} (shared machine: other work was running)`);
console.log(`server: bun src/main.ts serve (processing thread), ${STREAMS} streams open, ${RATE} events/s offered for ${SECONDS}s; load generator and readers in this process`);
console.log(`events accepted: ${sent} (${(sent / SECONDS).toFixed(0)}/s); bytes streamed to all tabs: ${(bytes / 2 ** 20).toFixed(1)} MiB; reload markers seen (sampled streams): ${reloads} ${[...reloadWhy.keys()].join("; ")}`);
console.log(`server RSS: ${(before.rss / 2 ** 20).toFixed(1)} MiB → ${(after.rss / 2 ** 20).toFixed(1)} MiB (growth ${((after.rss - before.rss) / 2 ** 20).toFixed(1)} MiB)`);
console.log(`server CPU: ${(((after.cpuTicks - before.cpuTicks) / hz / wall) * 100).toFixed(0)}% of one core (all its threads), over ${wall.toFixed(0)}s`);
console.log(`event-to-stream latency (${latencies.length} samples on ${SAMPLED} streams): p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`);
for (const c of controllers) c.abort();
server.kill("SIGTERM");
await server.exited;
rmSync(dir, { recursive: true, force: true });
