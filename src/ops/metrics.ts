// A small Prometheus registry: counters and histograms kept in memory (an increment is
// a Map lookup, cheap enough for the ingest path), gauges read when scraped, and the
// text exposition format (version 0.0.4). A thread keeps a registry of its own and
// hands its increments to the HTTP thread's (takeDeltas / addDeltas).

type Labels = Record<string, string>;

export interface MetricDeltas {
  counters: [name: string, key: string, value: number][];
  histograms: [name: string, counts: number[], sum: number, count: number][];
}

export class Counter {
  readonly values = new Map<string, number>();
  private taken = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels?: Labels, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /** Increments since the last call, for another thread's registry. */
  takeDeltas(): [string, number][] {
    const out: [string, number][] = [];
    for (const [key, v] of this.values) {
      const d = v - (this.taken.get(key) ?? 0);
      if (d) out.push([key, d]);
      this.taken.set(key, v);
    }
    return out;
  }

  addRaw(key: string, by: number): void {
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
}

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  private taken = { counts: [] as number[], sum: 0, count: 0 };
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) {
        this.counts[i]++;
        return;
      }
    }
  }

  /** Times fn in seconds. */
  time<T>(fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.observe((performance.now() - start) / 1000);
    }
  }

  takeDeltas(): [number[], number, number] {
    const counts = this.counts.map((c, i) => c - (this.taken.counts[i] ?? 0));
    const out: [number[], number, number] = [counts, this.sum - this.taken.sum, this.count - this.taken.count];
    this.taken = { counts: [...this.counts], sum: this.sum, count: this.count };
    return out;
  }

  add(counts: number[], sum: number, count: number): void {
    counts.forEach((c, i) => (this.counts[i] += c));
    this.sum += sum;
    this.count += count;
  }
}

/** A value read when scraped: one number, or one per label set. */
export type GaugeRead = () => number | [Labels, number][];

export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Registry {
  private counters = new Map<string, Counter>();
  private histograms = new Map<string, Histogram>();
  private gauges = new Map<string, { help: string; read: GaugeRead }>();

  counter(name: string, help: string): Counter {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = new Counter(name, help)));
    return c;
  }

  histogram(name: string, help: string, buckets = LATENCY_BUCKETS): Histogram {
    let h = this.histograms.get(name);
    if (!h) this.histograms.set(name, (h = new Histogram(name, help, buckets)));
    return h;
  }

  gauge(name: string, help: string, read: GaugeRead): void {
    this.gauges.set(name, { help, read });
  }

  takeDeltas(): MetricDeltas {
    const out: MetricDeltas = { counters: [], histograms: [] };
    for (const c of this.counters.values()) for (const [key, d] of c.takeDeltas()) out.counters.push([c.name, key, d]);
    for (const h of this.histograms.values()) {
      const [counts, sum, count] = h.takeDeltas();
      if (count) out.histograms.push([h.name, counts, sum, count]);
    }
    return out;
  }

  /** Adds another registry's increments; metrics it names must be declared here too. */
  addDeltas(d: MetricDeltas): void {
    for (const [name, key, by] of d.counters) this.counters.get(name)?.addRaw(key, by);
    for (const [name, counts, sum, count] of d.histograms) this.histograms.get(name)?.add(counts, sum, count);
  }

  /** The text exposition format. A gauge that fails to read is left out, never fails the scrape. */
  render(): string {
    const lines: string[] = [];
    for (const c of this.counters.values()) {
      lines.push(`# HELP ${c.name} ${escapeHelp(c.help)}`, `# TYPE ${c.name} counter`);
      if (!c.values.size) lines.push(`${c.name} 0`);
      for (const [key, v] of c.values) lines.push(`${c.name}${key} ${v}`);
    }
    for (const h of this.histograms.values()) {
      lines.push(`# HELP ${h.name} ${escapeHelp(h.help)}`, `# TYPE ${h.name} histogram`);
      let cumulative = 0;
      h.buckets.forEach((b, i) => {
        cumulative += h.counts[i];
        lines.push(`${h.name}_bucket{le="${b}"} ${cumulative}`);
      });
      lines.push(`${h.name}_bucket{le="+Inf"} ${h.count}`, `${h.name}_sum ${h.sum}`, `${h.name}_count ${h.count}`);
    }
    for (const [name, g] of this.gauges) {
      let value: ReturnType<GaugeRead>;
      try {
        value = g.read();
      } catch {
        continue;
      }
      lines.push(`# HELP ${name} ${escapeHelp(g.help)}`, `# TYPE ${name} gauge`);
      if (typeof value === "number") lines.push(`${name} ${formatNumber(value)}`);
      else for (const [labels, v] of value) lines.push(`${name}${labelKey(labels)} ${formatNumber(v)}`);
    }
    return lines.join("\n") + "\n";
  }
}

function labelKey(labels?: Labels): string {
  if (!labels) return "";
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k])}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}
