// Server-Sent Events for open dashboards: one stream per tab, scoped to a funnel (and
// the page's filters and time zone). When events for a funnel are committed, each group
// of streams at the same cursor is read once from the database (the source of truth,
// so a resumed stream gets exactly the rows after its Last-Event-ID) and rendered once.
// A push carries at most the rows the timeline shows (its newest 60): in a burst larger
// than that the older rows of the burst are not listed, and a line says so.
// Each stream's unsent bytes are bounded: past the bound it gets a "reload" marker and
// is closed, so a slow tab cannot grow the server's memory.
import { Database } from "bun:sqlite";
import type { Filter } from "../analytics/filters";
import type { DashboardReader } from "../store/dashboard-reader";
import { sqliteDashboardReader } from "../store/sqlite/dashboard/dashboard-reader";
import { liveRows } from "../../views/analytics/live";
import { nowBody } from "../../views/analytics/now";

export interface LiveHubOptions {
  now: () => number;
  /** Wait this long to gather events before reading (coalesces bursts). */
  coalesceMs?: number;
  heartbeatMs?: number;
  /** Unsent bytes per stream beyond which it is told to reload and closed. */
  maxQueuedBytes?: number;
  /** Rows per push at most: the timeline keeps this many (views/assets/analytics.js). */
  maxRows?: number;
  /** Pushes per funnel at most this often (bursts become one read and one push). */
  minIntervalMs?: number;
  /** Told whenever the set of watched funnels changes (the processing thread wants it). */
  onWatchChange?: (funnels: string[]) => void;
  log?: (line: string) => void;
}

interface Stream {
  funnelId: string;
  filters: Filter[];
  filtersKey: string;
  tz: string;
  /** Leave out automatic events (scroll depth, section views, …): the live view's switch. */
  hideAuto: boolean;
  cursor: number;
  controller: ReadableStreamDefaultController<Uint8Array>;
  closed: boolean;
  /** Asked at each heartbeat: false (access taken away) ends the stream; the tab's reconnect then gets 403. */
  allowed?: () => boolean;
  /** Until its first rows are read: flushes leave it out (its cursor is not known yet). */
  starting: boolean;
}

const enc = new TextEncoder();
const MORE_LINE = `<li class="live-row live-more muted">More events arrived at once than the timeline lists; these are the newest.</li>`;

/** One SSE message; multi-line data becomes several data: lines. */
export function sseMessage(event: string, data: string, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\ndata: ${data.replace(/\r?\n/g, "\ndata: ")}\n\n`;
}

export class LiveHub {
  private streams = new Map<string, Set<Stream>>();
  readonly funnels = new Set<string>();
  private dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;
  private heartbeat: ReturnType<typeof setInterval>;
  private o: Required<Omit<LiveHubOptions, "onWatchChange" | "log">> & Pick<LiveHubOptions, "onWatchChange" | "log">;

  private dashboard: DashboardReader;
  private flushing: Promise<void> = Promise.resolve();

  /** `events`: the dashboard reader, or a SQLite connection to read through one. */
  constructor(events: DashboardReader | Database, options: LiveHubOptions) {
    this.dashboard = events instanceof Database ? sqliteDashboardReader(events) : events;
    this.o = { coalesceMs: 25, heartbeatMs: 15_000, maxQueuedBytes: 512 * 1024, maxRows: 60, minIntervalMs: 100, ...options };
    this.heartbeat = setInterval(() => this.beat(), this.o.heartbeatMs);
    this.heartbeat.unref?.();
  }

  get size(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.size;
    return n;
  }

  /** An SSE response for one tab; `cursor`: the last row id it has (Last-Event-ID). */
  open(funnelId: string, filters: Filter[], tz: string, cursor: number | null, headers: Record<string, string>, hideAuto = false, allowed?: () => boolean): Response {
    let stream: Stream;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          stream = { funnelId, filters, filtersKey: JSON.stringify(filters), tz, hideAuto, cursor: cursor ?? 0, controller, closed: false, allowed, starting: true };
          let set = this.streams.get(funnelId);
          if (!set) {
            this.streams.set(funnelId, (set = new Set()));
            this.funnels.add(funnelId);
            this.o.onWatchChange?.([...this.funnels]);
          }
          set.add(stream);
          this.write(stream, enc.encode(`retry: 2000\n\n`));
          void this.begin(stream, cursor);
        },
        cancel: () => this.remove(stream),
      },
      { highWaterMark: this.o.maxQueuedBytes, size: (chunk) => chunk?.byteLength ?? 0 },
    );
    return new Response(body, {
      headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  }

  /** Events for these funnels were committed. */
  notify(funnelIds: Iterable<string>): void {
    for (const id of funnelIds) if (this.streams.has(id)) this.dirty.add(id);
    if (this.dirty.size && !this.timer) {
      const wait = Math.max(this.o.coalesceMs, this.lastFlush + this.o.minIntervalMs - performance.now());
      this.timer = setTimeout(() => this.flush(), wait);
    }
  }

  /** Closes every stream (server stopping; tests cutting connections). */
  closeAll(funnelId?: string): void {
    for (const [id, set] of this.streams) if (!funnelId || id === funnelId) for (const s of set) this.end(s);
  }

  stop(): void {
    clearInterval(this.heartbeat);
    if (this.timer) clearTimeout(this.timer);
    this.closeAll();
  }

  /** A new stream's first rows: whatever arrived since its cursor (between page and stream, or while away). */
  private async begin(stream: Stream, cursor: number | null): Promise<void> {
    try {
      stream.cursor = cursor ?? (await this.dashboard.liveCursor());
      if (cursor !== null) await this.catchUp(stream.funnelId, [stream]);
      stream.starting = false;
      await this.sendNow(stream.funnelId, [stream]);
    } catch (e) {
      stream.starting = false;
      this.o.log?.(`live: opening a stream of funnel ${stream.funnelId} failed: ${(e as Error).message}`);
    }
  }

  // Reads may answer with promises (the ClickHouse store): one flush at a time, so a
  // stream's cursor never moves under a read still running.
  private flush(): void {
    this.timer = null;
    this.flushing = this.flushing.then(() => this.flushOnce());
  }

  private async flushOnce(): Promise<void> {
    this.lastFlush = performance.now();
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const set = this.streams.get(id);
      if (!set) continue;
      const ready = [...set].filter((s) => !s.starting);
      try {
        await this.catchUp(id, ready);
        await this.sendNow(id, ready);
      } catch (e) {
        this.o.log?.(`live: reading funnel ${id} failed: ${(e as Error).message}`);
      }
    }
  }

  /** Reads once per group of streams at the same cursor, filters and zone; sends the rows. */
  private async catchUp(funnelId: string, streams: Stream[]): Promise<void> {
    const groups = new Map<string, Stream[]>();
    for (const s of streams) {
      const key = `${s.cursor}|${s.tz}|${s.hideAuto}|${s.filtersKey}`;
      const g = groups.get(key);
      if (g) g.push(s);
      else groups.set(key, [s]);
    }
    const now = this.o.now();
    for (const group of groups.values()) {
      const { cursor, filters, tz, hideAuto } = group[0];
      const live = await this.dashboard.live({ funnelId, filters, after: cursor, now, limit: this.o.maxRows + 1, hideAuto });
      const more = live.events.length > this.o.maxRows;
      if (more) live.events.length = this.o.maxRows; // newest first: keep the newest
      if (live.events.length) {
        const rows = String(liveRows(funnelId, live.events, tz, now, true)) + (more ? MORE_LINE : "");
        const chunk = enc.encode(sseMessage("rows", rows, live.cursor));
        for (const s of group) this.write(s, chunk);
      }
      for (const s of group) s.cursor = live.cursor;
    }
  }

  private async sendNow(funnelId: string, streams: Stream[]): Promise<void> {
    if (!streams.length) return;
    const byZone = new Map<string, Uint8Array>();
    const data = await this.dashboard.liveNow({ funnelId, now: this.o.now() });
    for (const s of streams) {
      let chunk = byZone.get(s.tz);
      if (!chunk) byZone.set(s.tz, (chunk = enc.encode(sseMessage("now", String(nowBody(data, s.tz))))));
      this.write(s, chunk);
    }
  }

  private beat(): void {
    const ping = enc.encode(": heartbeat\n\n");
    for (const [id, set] of this.streams) {
      for (const s of set) {
        if (s.allowed && !s.allowed()) this.end(s);
        else this.write(s, ping);
      }
      if (!set.size) continue;
      // visitors leave the five-minute window as time passes
      this.sendNow(id, [...set].filter((s) => !s.starting)).catch((e) => this.o.log?.(`live: refreshing funnel ${id} failed: ${(e as Error).message}`));
    }
  }

  private write(s: Stream, chunk: Uint8Array): void {
    if (s.closed) return;
    if ((s.controller.desiredSize ?? 0) < chunk.byteLength) return this.reload(s, "the connection is too slow");
    try {
      s.controller.enqueue(chunk);
    } catch {
      this.remove(s);
    }
  }

  private reload(s: Stream, why: string): void {
    if (s.closed) return;
    try {
      // Past the bound, but small: the one message the tab still needs.
      s.controller.enqueue(enc.encode(sseMessage("reload", why)));
    } catch {}
    this.end(s);
  }

  private end(s: Stream): void {
    if (s.closed) return;
    try {
      s.controller.close();
    } catch {}
    this.remove(s);
  }

  private remove(s: Stream | undefined): void {
    if (!s) return;
    s.closed = true;
    const set = this.streams.get(s.funnelId);
    if (!set?.delete(s) || set.size) return;
    this.streams.delete(s.funnelId);
    this.funnels.delete(s.funnelId);
    this.o.onWatchChange?.([...this.funnels]);
  }
}
