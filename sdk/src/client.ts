// The event recorder in the browser: build events with identity, session and
// attribution and queue them (pipe.ts); the sender (sender.ts) sends them in batches
// with retries. On close the queue goes by beacon, and what could not be sent is
// stored for the next page.
import { bounded } from "./queue";
import { clip, flat, log, safe, uuid } from "./util";
import { nextSession, type Session } from "./session";
import { createStore } from "./store";
import type { Aurea, AureaOptions, Props, TrackBatch, TrackEvent } from "./types";
import { parseAttribution } from "./attribution";
import { cleanUrl } from "./redact";
import { reference } from "./checkout";
import type { Pipe } from "./pipe";

/** What is kept between pages: anonymous id, user id, session. */
interface Identity {
  a: string;
  u?: string;
  s?: Session;
}

// sendBeacon and keepalive fetch each cap a body at 64 KB.
const PER_BEACON = 20;

export type Client = Omit<Aurea, "variant"> & { p: Pipe };

/** o.apiUrl without a trailing slash. */
export function createClient(o: AureaOptions, onPage: () => void): Client {
  const store = createStore(!o.cookieless);
  const queueKey = "aurea_q_" + o.funnelId;
  const stored = bounded(store.get<TrackEvent[]>(queueKey) || []);
  const p: Pipe = {
    q: stored,
    // Events left by an earlier page were unsent because sending failed.
    f: !!stored[0],
    url: o.apiUrl + "/api/track/events",
    body: (events) => JSON.stringify({ funnelId: o.funnelId, key: o.key, sentAt: Date.now(), events } satisfies TrackBatch),
    save: () => store.set(queueKey, p.q[0] ? p.q : undefined),
    log,
  };
  let pageUrl = "";
  let pageRef = document.referrer;
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  // Read on every use: other tabs of the same site share the visitor and session.
  const identity = () => store.get<Identity>("aurea") || { a: uuid() };
  const keep = (id: Identity) => store.set("aurea", id);
  const url = (u: string) => clip(cleanUrl(u, o.keepParams), 2048);

  // A page view's landing campaign may start a new session.
  function emit(type: TrackEvent["type"], extra?: Partial<TrackEvent> | false, name?: string, props?: Props | null) {
    const id = identity();
    const s = (id.s = nextSession(id.s, Date.now(), type == "page_view" && parseAttribution(location.search), uuid));
    keep(id);
    const ev: TrackEvent = {
      id: uuid(),
      type,
      name: name && clip(name, 200),
      ts: Date.now(),
      url: url(location.href),
      title: clip(document.title),
      referrer: url(pageRef),
      screen: { w: screen.width, h: screen.height },
      language: navigator.language,
      timezone,
      userId: id.u,
      // The landing campaign rides on every event of the session.
      props: flat(props, { ...s.a }),
      ...extra,
    };
    if (!o.cookieless) (ev.anonymousId = id.a), (ev.sessionId = s.i);
    p.q = bounded(p.q.concat(ev));
    log(ev);
    p.k?.();
  }

  // The page may never run again: beacon everything; keep it stored only if the API was failing.
  // pagehide and visibilitychange both come on close: the same queue goes once.
  let left: TrackEvent[] | undefined;
  const leave = safe(() => {
    if (left == p.q) return;
    left = p.q;
    for (let i = 0; i < p.q.length; ) {
      const b = p.body(p.q.slice(i, (i += PER_BEACON)));
      try {
        if (navigator.sendBeacon(p.url, b)) continue;
      } catch {}
      fetch(p.url, { method: "POST", body: b, keepalive: true }).catch(log);
    }
    if (!p.f) p.q = [];
    p.save();
  });

  addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", () => document.hidden && leave());

  return {
    track: (name, props) => name && emit("track", {}, name, props),
    conversion(name, { revenue, currency, orderId, ...props } = {}) {
      if (orderId != null) props.order_id = orderId;
      if (name) emit("conversion", typeof revenue == "number" && { revenue: { amount: revenue, currency: currency || "USD" } }, name, props);
    },
    identify(userIdOrEmail, traits) {
      const v = userIdOrEmail && clip(userIdOrEmail, 128).trim();
      if (!v) return;
      const t = flat(traits);
      if (v.includes("@")) t.email = v;
      else keep({ ...identity(), u: v });
      emit("identify", { traits: t });
    },
    page() {
      if (pageUrl) pageRef = pageUrl;
      pageUrl = location.href;
      onPage();
      emit("page_view");
    },
    reset: () => keep({ a: uuid() }),
    // Before the sender is attached (the script tag's chunk loading) there is nothing to wait for.
    flush: async () => p.s?.(),
    checkoutReference: () => reference(!o.cookieless && identity()),
    p,
  };
}
