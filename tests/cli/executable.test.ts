// The compiled ./aurea, moved to an empty directory: migrations, SDK and GeoIP data
// must all be inside it.
import { beforeAll, expect, test } from "bun:test";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli, spawnServe } from "../helpers/process";
import { tempDir } from "../helpers/server";

const built = join(ROOT, "aurea");
let bin: string;
let dir: string;

beforeAll(async () => {
  if (!existsSync(built)) {
    const b = Bun.spawnSync(["bun", join(ROOT, "scripts/build.ts")], { stdout: "inherit", stderr: "inherit" });
    if (b.exitCode !== 0) throw new Error("build failed");
  }
  dir = tempDir("aurea-exe-");
  bin = join(dir, "aurea");
  copyFileSync(built, bin);
  Bun.spawnSync(["chmod", "+x", bin]);
}, 120_000);

test("runs from another directory with nothing beside it", async () => {
  const version = await runCli(["version"], { bin });
  expect(version.code).toBe(0);
  const created = Bun.spawnSync([bin, "funnel", "create", "--name", "Exe", "--url", "https://shop.example", "--json"], { cwd: dir });
  expect(created.exitCode).toBe(0);
  expect(existsSync(join(dir, "aurea-data", "aurea.db"))).toBe(true);
  const f = JSON.parse(created.stdout.toString());

  const server = await spawnServe(join(dir, "aurea-data"), [], bin);
  try {
    const sdk = await fetch(`${server.url}/sdk.js`);
    expect(sdk.status).toBe(200);
    expect(sdk.headers.get("content-type")).toContain("javascript");
    // The capture chunk the core names (sender, clicks, forms, scroll) is embedded too.
    const captureUrl = (await sdk.text()).match(/\/sdk-capture\.js\?v=[0-9a-f]+/)![0];
    const capture = await fetch(server.url + captureUrl);
    expect(capture.status).toBe(200);
    expect(capture.headers.get("cache-control")).toContain("immutable");
    expect(await capture.text()).toContain('"outbound_click"');
    // The split-test chunk is embedded like sdk.js, and the per-funnel script answers.
    const chunk = await fetch(`${server.url}/sdk-experiments.js`);
    expect(chunk.status).toBe(200);
    expect(await chunk.text()).toContain("$exposure");
    // The per-funnel script also carries the section-view code, embedded in the executable.
    const funnelScript = await (await fetch(`${server.url}/api/sdk/${f.id}/experiments.js`)).text();
    expect(funnelScript).toContain("data-aurea-ready");
    expect(funnelScript).toContain('"section_view"');
    const id = crypto.randomUUID();
    const r = await fetch(`${server.url}/api/track/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${f.secretKey}` },
      body: JSON.stringify({ funnelId: f.id, events: [{ id, type: "page_view", anonymousId: "x", ip: "8.8.8.8", url: "https://shop.example/" }] }),
    });
    expect(r.status).toBe(202);
    let event: any;
    for (let i = 0; i < 100 && !event; i++) {
      const res = await fetch(`${server.url}/api/v1/funnels/${f.id}/events`, { headers: { authorization: `Bearer ${f.secretKey}` } });
      event = (await res.json()).events.find((e: any) => e.id === id);
      if (!event) await Bun.sleep(50);
    }
    expect(event.country).toBe("US");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  } finally {
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
  }
}, 120_000);
