// Fake but plausible visits: who came from where, what they clicked, who paid.
// Pure: the same options and seed give the same visits.
import { channelFor } from "../enrich/channel";
import { referrerHost } from "../enrich/referrer";
import {
  CTA_TEXTS, DEVICES, EMAIL_DOMAINS, FAQ_QUESTIONS, FIRST_NAMES, LAST_NAMES, nextPage, PLACES, PLANS, SOURCES, TITLES,
  type Device, type Place, type Source,
} from "./catalog";
import { Random, Weighted } from "./random";

const DAY = 86_400_000;
export const DEMO_ORIGIN = "https://demo.aurea.dev";

export interface DemoEvent {
  id: string;
  type: "page_view" | "track" | "conversion" | "identify";
  name: string;
  ts: number;
  path: string;
  url: string;
  title: string;
  referrer: string | null;
  referrerHost: string | null;
  props: string | null;
  revenueMinor: number | null;
  currency: string | null;
  verified: boolean;
  userId: string | null;
}

export interface Visitor {
  anonymousId: string;
  device: Device;
  place: Place;
  email: string | null;
}

export interface DemoVisit {
  visitor: Visitor;
  sessionId: string;
  channel: string;
  referrerHost: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null; term: string | null; content: string | null };
  clickId: string | null;
  events: DemoEvent[];
  /** Set when the visitor says who they are during this visit. */
  identify: { email: string; name: string } | null;
}

export interface GenerateOptions {
  events: number;
  days: number;
  now: number;
  seed?: number;
}

const HOURS = new Weighted<number>(
  [1, 1, 1, 1, 1.5, 2, 3, 4, 5, 6, 6.5, 7, 7.5, 8, 9, 9.5, 9.5, 9, 8, 7, 6, 4.5, 3, 2].map((w, h) => [w, h] as const),
);

export class DemoGenerator {
  private rng: Random;
  private pool: Visitor[] = [];
  private emails: string[] = [];

  constructor(private opts: GenerateOptions) {
    this.rng = new Random(opts.seed ?? 42);
  }

  /** Visits day by day, each day's in start order, until about `events` events are made. */
  *visits(): Generator<DemoVisit> {
    const { days, now } = this.opts;
    const firstDay = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
    const weights = Array.from({ length: days }, (_, i) => {
      const dayStart = firstDay + i * DAY;
      const weekday = new Date(dayStart).getUTCDay();
      const growth = 0.55 + 0.45 * (days > 1 ? i / (days - 1) : 1);
      const weekend = weekday === 0 || weekday === 6 ? 0.72 : 1;
      const todayShare = Math.min(1, Math.max(0.02, (now - dayStart) / DAY));
      return growth * weekend * (0.9 + this.rng.next() * 0.2) * todayShare;
    });
    const total = weights.reduce((a, b) => a + b, 0);
    let made = 0;
    for (let i = 0; i < days && made < this.opts.events; i++) {
      const dayStart = firstDay + i * DAY;
      const budget = Math.max(1, Math.round((this.opts.events * weights[i]) / total));
      const today: DemoVisit[] = [];
      const newcomers: Visitor[] = [];
      let dayEvents = 0;
      while (dayEvents < budget && made + dayEvents < this.opts.events) {
        const start = this.startTime(dayStart, now);
        const returning = this.pool.length > 0 && this.rng.chance(0.28);
        const visitor = returning ? this.returningVisitor() : this.newVisitor(start);
        if (!returning) newcomers.push(visitor);
        const visit = this.visit(visitor, start, returning);
        if (!visit.events.length) continue;
        today.push(visit);
        dayEvents += visit.events.length;
      }
      today.sort((a, b) => a.events[0].ts - b.events[0].ts);
      for (const v of today) yield v;
      made += dayEvents;
      for (const v of newcomers) this.pool.push(v);
    }
  }

  private startTime(dayStart: number, now: number): number {
    for (let tries = 0; tries < 20; tries++) {
      const t = dayStart + HOURS.pick(this.rng) * 3_600_000 + Math.floor(this.rng.next() * 3_600_000);
      if (t < now - 60_000) return t;
    }
    return Math.max(dayStart, now - 120_000);
  }

  private newVisitor(start: number): Visitor {
    return { anonymousId: this.uuid(start), device: DEVICES.pick(this.rng), place: PLACES.pick(this.rng), email: null };
  }

  /** Recent visitors come back more often than old ones. */
  private returningVisitor(): Visitor {
    const n = this.pool.length;
    const back = Math.floor(n * this.rng.next() ** 3);
    return this.pool[n - 1 - back];
  }

  private visit(visitor: Visitor, start: number, returning: boolean): DemoVisit {
    const rng = this.rng;
    const source: Source = returning && rng.chance(0.5) ? { referrer: null, landing: ["/", "/pricing", "/docs"] } : SOURCES.pick(rng);
    const utm = {
      source: source.utm?.source ?? null,
      medium: source.utm?.medium ?? null,
      campaign: source.utm?.campaign ?? null,
      term: source.utm?.term ?? null,
      content: source.utm?.content ? rng.pick(source.utm.content) : null,
    };
    const landing = rng.pick(source.landing);
    const refHost = referrerHost(source.referrer, DEMO_ORIGIN + landing);
    const visit: DemoVisit = {
      visitor, sessionId: `s_${Math.floor(start).toString(36)}${rng.hex8()}`, referrerHost: refHost, utm, clickId: source.clickId ?? null, events: [], identify: null,
      channel: channelFor({ referrerHost: refHost, utmSource: utm.source, utmMedium: utm.medium, utmCampaign: utm.campaign, clickId: source.clickId ?? null }),
    };
    const query = utm.source
      ? "?" + new URLSearchParams(Object.entries({ utm_source: utm.source, utm_medium: utm.medium, utm_campaign: utm.campaign, utm_term: utm.term, utm_content: utm.content })
          .filter((e): e is [string, string] => e[1] !== null)).toString() + (source.clickId ? `&${source.clickId}=${rng.hex(12)}` : "")
      : "";

    let t = start;
    let path: string | null = landing;
    let previousUrl: string | null = source.referrer;
    let plan: { plan: string; monthly: number; yearly: boolean } | null = null;
    for (let views = 0; path && views < 12; views++) {
      const url = DEMO_ORIGIN + path + (views === 0 ? query : "");
      // Later pages are referred by the previous one, on the same site: no external referrer host.
      const page = { path, url, title: TITLES[path] ?? "Blog · Aurea", referrer: previousUrl, referrerHost: views === 0 ? refHost : null };
      const add = (type: DemoEvent["type"], name: string, props: Record<string, string | number> | null, extra: Partial<DemoEvent> = {}) => {
        visit.events.push({
          id: this.uuid(t), type, name, ts: t, ...page,
          props: props ? JSON.stringify(props) : null, revenueMinor: null, currency: null, verified: false, userId: null, ...extra,
        });
        t += rng.int(2_000, 40_000);
      };
      add("page_view", "page_view", null);
      const isBlog = path.startsWith("/blog/");
      if (rng.chance(isBlog ? 0.7 : 0.3)) add("track", "scroll_depth", { depth: rng.pick([25, 50, 75, 100]) });
      if (path === "/pricing") {
        if (rng.chance(0.25)) add("track", "faq_opened", { question: rng.pick(FAQ_QUESTIONS) });
        // <button data-aurea-event="cta_clicked" data-aurea-prop-label="…">: the SDK sends the element's own name.
        if (rng.chance(0.3)) add("track", "cta_clicked", { label: rng.pick(CTA_TEXTS) });
      } else if (path === "/checkout") {
        const p = PLANS.pick(rng);
        plan = { ...p, yearly: rng.chance(0.3) };
        if (rng.chance(0.85)) add("track", "checkout_initiated", { plan: plan.plan, billing: plan.yearly ? "yearly" : "monthly" });
        if (rng.chance(0.6)) {
          add("track", "form_submit", { form_id: "checkout", form_action: "/checkout", fields: 4 });
          this.identifyIn(visit, add);
        }
      } else if (path === "/thank-you" && plan) {
        this.identifyIn(visit, add);
        const amount = plan.monthly * (plan.yearly ? 10 : 1);
        const verified = rng.chance(0.7);
        add("conversion", "purchase", { plan: plan.plan, billing: plan.yearly ? "yearly" : "monthly" }, {
          revenueMinor: amount * 100, currency: visitor.place.currency, verified, userId: verified ? `u_${rng.hex(8)}` : null,
        });
      } else if (path === "/signup" && rng.chance(0.5)) {
        add("track", "form_submit", { form_id: "signup", form_action: "/signup", fields: 3 });
        this.identifyIn(visit, add);
        add("conversion", "signup", null);
      } else if (isBlog && rng.chance(0.04)) {
        add("track", "form_submit", { form_id: "newsletter", form_action: "/subscribe", fields: 1 });
        this.identifyIn(visit, add);
      } else if (path === "/docs" && rng.chance(0.12)) {
        add("track", "outbound_click", { host: "github.com", path: "/aurea-analytics/aurea" });
      }
      t += rng.int(5_000, 150_000);
      previousUrl = url;
      path = nextPage(path, (w) => w.pick(rng));
      if (t > this.opts.now) break;
    }
    return visit;
  }

  /** The visitor tells us who they are; some come back on another device as someone we know. */
  private identifyIn(visit: DemoVisit, add: (type: DemoEvent["type"], name: string, props: null) => void): void {
    const v = visit.visitor;
    if (!v.email) {
      v.email = this.emails.length > 20 && this.rng.chance(0.1) ? this.rng.pick(this.emails) : this.newEmail();
    }
    if (visit.identify) return;
    const name = v.email.split("@")[0].replace(/\d+/g, "").split(".").map((s) => s[0].toUpperCase() + s.slice(1)).join(" ");
    visit.identify = { email: v.email, name };
    add("identify", "identify", null);
  }

  private newEmail(): string {
    const first = this.rng.pick(FIRST_NAMES).toLowerCase();
    const last = this.rng.pick(LAST_NAMES).toLowerCase().replace(/[^a-z]/g, "");
    const email = `${first}.${last}${this.rng.int(1, 9999)}@${this.rng.pick(EMAIL_DOMAINS)}`;
    this.emails.push(email);
    return email;
  }

  /** UUID v7 when given a time (ordered, like a real SDK's ids), else v4-shaped random. */
  private uuid(ts?: number): string {
    const head = ts !== undefined ? Math.floor(ts).toString(16).padStart(12, "0") : this.rng.hex(12);
    const a = this.rng.hex8();
    const b = this.rng.hex8();
    const variant = "89ab"[parseInt(a[3], 16) & 3];
    return `${head.slice(0, 8)}-${head.slice(8, 12)}-${ts !== undefined ? 7 : 4}${a.slice(0, 3)}-${variant}${a.slice(4, 7)}-${a[7]}${b}${a.slice(0, 3)}`;
  }
}
