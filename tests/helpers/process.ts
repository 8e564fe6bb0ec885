// Aurea as a child process (`bun src/main.ts` or the built executable), for tests
// that need a real process: signals, kill -9, the CLI.
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "../..");

export function aureaCommand(bin?: string): string[] {
  return bin ? [bin] : ["bun", join(ROOT, "src/main.ts")];
}

export interface Spawned {
  proc: ReturnType<typeof Bun.spawn>;
  url: string;
  output: () => string;
}

/** Starts `aurea serve` on 127.0.0.1 with a random port and waits for its URL. */
export async function spawnServe(dataDir: string, extra: string[] = [], bin?: string): Promise<Spawned> {
  const proc = Bun.spawn([...aureaCommand(bin), "serve", "--host", "127.0.0.1", "--port", "0", "--data", dataDir, ...extra], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, AUREA_RATE_LIMIT: "0" },
  });
  let out = "";
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { done, value } = await reader.read();
    if (done) break;
    out += decoder.decode(value);
    const m = out.match(/listening on (http:\/\/[^\s]+)/);
    if (m) {
      // keep draining so the child never blocks on a full pipe
      (async () => {
        for (;;) {
          const r = await reader.read();
          if (r.done) break;
          out += decoder.decode(r.value);
        }
      })();
      return { proc, url: m[1], output: () => out };
    }
  }
  proc.kill(9);
  throw new Error(`aurea serve did not start: ${out}${await new Response(proc.stderr).text()}`);
}

export async function runCli(args: string[], opts: { stdin?: string; bin?: string; env?: Record<string, string> } = {}) {
  const proc = Bun.spawn([...aureaCommand(opts.bin), ...args], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    env: { ...process.env, ...opts.env },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}
