// What a backup costs the server while it ingests: ack latency before and during
// `aurea backup`, and how long the backup takes, on a data directory of --events
// demo events. Drives the built executable; the load generator and the backup run
// on the same machine and take CPU from the server.
// Usage: bun scripts/bench-backup.ts [--events 460000] [--rate 500] [--seconds 10] [--bin ./aurea]
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnServe } from "../tests/helpers/process";
import { HttpLoad } from "./bench-http-client";
import { benchBatch, BENCH_ORIGIN, machineLine, percentile } from "./bench-lib";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const EVENTS = Number(flag("events", "460000"));
const RATE = Number(flag("rate", "500"));
const SECONDS = Number(flag("seconds", "10"));
const bin = flag("bin", join(import.meta.dir, "..", "aurea"));
if (!existsSync(bin)) {
  console.error(`no executable at ${bin}: run \`bun run build\` first`);
  process.exit(1);
}

interface Sample {
  sentAt: number;
  ms: number;
  ok: boolean;
}

/** Fixed rate, open loop; every answer is kept with the time its request was sent. */
async function openLoop(load: HttpLoad, f: { id: string; publicKey: string }, seconds: number): Promise<Sample[]> {
  const total = Math.round(RATE * seconds);
  const requests = Array.from({ length: total }, () => {
    const { body, ua } = benchBatch(f.id, f.publicKey);
    return HttpLoad.post("/api/track/events", { "content-type": "text/plain", origin: BENCH_ORIGIN, "user-agent": ua }, body);
  });
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    for (; sent < due; sent++) {
      const sentAt = performance.now();
      const p: Promise<void> = load.send(requests[sent]).then(
        (a) => void samples.push({ sentAt, ms: a.ms, ok: a.status === 202 }),
        () => void samples.push({ sentAt, ms: NaN, ok: false }),
      );
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
    await Bun.sleep(1);
  }
  await Promise.all(inFlight);
  return samples;
}

function line(label: string, s: Sample[]): string {
  const ok = s.filter((x) => x.ok).map((x) => x.ms);
  return `${label.padEnd(34)} ${String(s.length).padStart(6)} requests | ack p50 ${percentile(ok, 50).toFixed(1)} ms p99 ${percentile(ok, 99).toFixed(1)} ms max ${Math.max(...ok).toFixed(1)} ms | failed ${s.length - ok.length}`;
}

const dataDir = mkdtempSync(join(tmpdir(), "aurea-bench-backup-"));
const backupRoot = mkdtempSync(join(tmpdir(), "aurea-bench-backup-out-"));
try {
  const seeded = Bun.spawnSync([bin, "seed-demo", "--create", "--events", String(EVENTS), "--days", "90", "--data", dataDir, "--json"]);
  if (seeded.exitCode !== 0) throw new Error(`seed-demo failed: ${seeded.stderr}`);
  const f = JSON.parse(Bun.spawnSync([bin, "funnel", "create", "--name", "Bench", "--url", BENCH_ORIGIN, "--data", dataDir, "--json"]).stdout.toString());
  const server = await spawnServe(dataDir, [], bin);
  const load = new HttpLoad(server.url);
  console.log(`bench-backup: ${machineLine()}`);
  console.log(`${EVENTS} demo events, open loop at ${RATE} requests/s (10 events each), ${SECONDS} s per phase\n`);
  try {
    await openLoop(load, f, 3); // warm-up (JIT), not reported
    console.log(line("no backup", await openLoop(load, f, SECONDS)));
    const traffic = openLoop(load, f, SECONDS);
    await Bun.sleep(1000);
    const t0 = performance.now();
    const backup = Bun.spawn([bin, "backup", join(backupRoot, "b"), "--data", dataDir, "--json"], { stdout: "pipe", stderr: "pipe" });
    const out = await new Response(backup.stdout).text();
    const code = await backup.exited;
    const t1 = performance.now();
    const samples = await traffic;
    if (code !== 0) throw new Error(`backup failed: ${await new Response(backup.stderr).text()}`);
    const r = JSON.parse(out) as { events: number; bytes: number };
    console.log(line("sent while `aurea backup` ran", samples.filter((s) => s.sentAt >= t0 && s.sentAt <= t1)));
    console.log(line("whole phase with the backup", samples));
    console.log(`\naurea backup: ${((t1 - t0) / 1000).toFixed(2)} s wall (process start, VACUUM INTO of both files, integrity checks, checksums) for ${r.events} events, ${(r.bytes / 1024 / 1024).toFixed(1)} MB`);
  } finally {
    load.close();
    server.proc.kill("SIGTERM");
    await server.proc.exited;
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(backupRoot, { recursive: true, force: true });
}
