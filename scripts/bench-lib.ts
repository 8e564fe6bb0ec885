// Shared by the scripts/bench-* figures: the machine line, percentiles and realistic ingest batches.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseSteps } from "../src/funnels/steps-definition";

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Bun ${Bun.version}, ${process.platform}-${process.arch}`;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const BENCH_ORIGIN = "https://shop.example";
const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0",
];
const LANDINGS = [
  ["https://shop.example/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring", "https://l.facebook.com/"],
  ["https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=abc", "https://www.google.com/"],
  ["https://shop.example/?utm_source=newsletter&utm_medium=email", ""],
  ["https://shop.example/", "https://www.google.co.uk/"],
  ["https://shop.example/blog/launch", "https://news.ycombinator.com/"],
  ["https://shop.example/", ""],
];
const PATHS = ["/pricing", "/features", "/faq", "/checkout", "/blog/launch"];

// Ids as the SDK makes them: time-ordered (UUIDv7) event ids, visitors in order of arrival.
let seq = 0;
export function benchBatch(funnelId: string, key: string): { body: string; ua: string } {
  const visitor = `bench-${process.pid}-${seq++}`;
  const [landing, referrer] = LANDINGS[seq % LANDINGS.length];
  const now = Date.now();
  const events: object[] = [{ id: Bun.randomUUIDv7(), type: "page_view", anonymousId: visitor, url: landing, referrer, title: "Home", ts: now, screen: { w: 1440, h: 900 }, language: "en-US", timezone: "Europe/Berlin" }];
  for (let i = 1; i < 10; i++) {
    const path = PATHS[(seq + i) % PATHS.length];
    if (i % 3 === 0) events.push({ id: Bun.randomUUIDv7(), type: "track", name: "scroll_depth", anonymousId: visitor, url: `https://shop.example${path}`, props: { depth: 50 }, ts: now + i });
    else if (i === 9 && seq % 5 === 0) events.push({ id: Bun.randomUUIDv7(), type: "conversion", name: "purchase", anonymousId: visitor, url: "https://shop.example/thank-you", revenue: { amount: 49, currency: "USD" }, ts: now + i });
    else events.push({ id: Bun.randomUUIDv7(), type: "page_view", anonymousId: visitor, url: `https://shop.example${path}`, referrer: landing, ts: now + i });
  }
  return { body: JSON.stringify({ funnelId, key, sentAt: now, events }), ua: UAS[seq % UAS.length] };
}

export const SPIKE_VISITORS = 5_000;
export const SPIKE_SESSIONS = 8_000;
const CAMPAIGNS = ["utm_source=facebook&utm_medium=paid_social&utm_campaign=spring", "utm_source=google&utm_medium=cpc&utm_campaign=brand", "utm_source=newsletter&utm_medium=email&utm_campaign=dec"];

/**
 * The launch-day spike of issue 11: request n's 10 page views with UTM, sent with the
 * secret key on behalf of one of 5,000 visitors in one of 8,000 sessions.
 */
export function spikeEvents(n: number): object[] {
  const session = (n * 7919) % SPIKE_SESSIONS;
  const visitor = session % SPIKE_VISITORS;
  const ua = UAS[visitor % UAS.length];
  const ip = `198.51.${(visitor >> 8) % 256}.${visitor % 256}`;
  const now = Date.now();
  return Array.from({ length: 10 }, (_, i) => ({
    id: Bun.randomUUIDv7(), type: "page_view", anonymousId: `v${visitor}`, sessionId: `s${session}`, ts: now + i,
    url: `${BENCH_ORIGIN}${PATHS[(n + i) % PATHS.length]}?${CAMPAIGNS[session % CAMPAIGNS.length]}`,
    referrer: "https://www.google.com/", userAgent: ua, ip,
  }));
}

/**
 * The server's memory from /proc/PID/status, in MiB: resident now (VmRSS), its peak so
 * far (VmHWM), and the resident split: anonymous (heaps, SQLite page caches) and file
 * pages (the executable, SQLite's mmap of the database).
 */
export function readRss(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024, anon: kb("RssAnon") / 1024, file: kb("RssFile") / 1024 };
}

/** Samples a process's RSS every `ms` until stopped; returns the peak seen and the kernel's VmHWM. */
export function sampleRss(pid: number, ms = 100): { stop(): { peak: number; hwm: number; last: number; peakAnon: number; peakFile: number; peakAfterMs: number } } {
  const started = performance.now();
  let peakAfterMs = 0;
  let peak = 0;
  let last = 0;
  let hwm = 0;
  let peakAnon = 0;
  let peakFile = 0;
  const take = () => {
    try {
      const r = readRss(pid);
      last = r.rss;
      hwm = r.hwm;
      if (r.rss > peak) peakAfterMs = performance.now() - started;
      peak = Math.max(peak, r.rss);
      peakAnon = Math.max(peakAnon, r.anon);
      peakFile = Math.max(peakFile, r.file);
    } catch {
      // the process has exited
    }
  };
  take();
  const timer = setInterval(take, ms);
  return {
    stop() {
      take();
      clearInterval(timer);
      return { peak, hwm, last, peakAnon, peakFile, peakAfterMs };
    },
  };
}

export const mib = (v: number) => `${v.toFixed(0)} MiB`;

/** The 5-step report the funnel benches time: landing to purchase on the demo traffic. */
const fiveSteps = parseSteps({
  window: "7d",
  steps: [
    { name: "Landing", page: "/" },
    { name: "Pricing", page: "/pricing*" },
    { name: "Checkout page", page: "/checkout" },
    { name: "Checkout started", event: "checkout_initiated" },
    { name: "Purchase", event: "purchase" },
  ],
});
if (!fiveSteps.ok) throw new Error(JSON.stringify(fiveSteps.errors));
export const FIVE_STEPS = fiveSteps.value;
