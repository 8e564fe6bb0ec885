// The event pipeline in the browser: build events with identity, session and
// attribution, queue them, send in batches, retry, and hand leftovers to the next load.
import { bounded } from "./queue";
import { clip, flat, log, safe, uuid } from "./util";
import { nextSession, type Session } from "./session";
import { post } from "./transport";
import { createStore } from "./store";
import type { Aurea, AureaOptions, Props, TrackBatch, TrackEvent } from "./types";
import { parseAttribution, type Attribution } from "./attribution";
import { retryDelay } from "./backoff";
import { cleanUrl } from "./redact";
import { reference } from "./checkout";

/** What is kept between pages: anonymous id, user id, session. */
interface Identity {
  a: string;
  u?: string;
  s?: Session;
}

const PER_REQUEST = 50;
// sendBeacon and keepalive fetch each cap a body at 64 KB.
const PER_BEACON = 20;

/** o.apiUrl without a trailing slash. */
export function createClient(o: AureaOptions, onPage: () => void): Omit<Aurea, "variant"> {
  const store = createStore(!o.cookieless);
  const endpoint = o.apiUrl + "/api/track/events";
  const queueKey = "aurea_q_" + o.funnelId;
  const max = o.batchSize || 10;
  const wait = o.flushInterval ?? 2000;
  let queue = bounded(store.get<TrackEvent[]>(queueKey) || []);
  // Events left by an earlier page were unsent because sending failed.
  let failing = queue.length > 0;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: Promise<void> | undefined;
  let pageUrl = "";
  let pageRef = document.referrer;
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  // Read on every use: other tabs of the same site share the visitor and session.
  const identity = () => store.get<Identity>("aurea") || { a: uuid() };
  const keep = (id: Identity) => store.set("aurea", id);
  const save = () => store.set(queueKey, queue[0] ? queue : undefined);
  const later = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(send, ms);
  };
  const body = (events: TrackEvent[]) =>
    JSON.stringify({ funnelId: o.funnelId, key: o.key, sentAt: Date.now(), events } satisfies TrackBatch);
  const url = (u: string) => clip(cleanUrl(u, o.keepParams), 2048);

  function emit(type: TrackEvent["type"], name?: string, props?: Props | null, extra?: Partial<TrackEvent>, landing?: Attribution | null) {
    const id = identity();
    const s = (id.s = nextSession(id.s, Date.now(), landing, uuid));
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
    queue = bounded(queue.concat(ev));
    log(ev);
    if (!failing && !inflight && queue.length >= max) send();
    else timer || later(wait);
  }

  async function send(): Promise<void> {
    timer = clearTimeout(timer)!; // undefined: no timer pending
    if (inflight || !queue[0]) return inflight;
    const batch = queue.slice(0, PER_REQUEST);
    return (inflight = post(endpoint, body(batch)).then(([retry, detail]) => {
      inflight = undefined;
      if ((failing = retry)) {
        const delay = retryDelay(attempt++, detail);
        log("retry in", delay);
        later(delay);
      } else {
        attempt = 0;
        queue = queue.filter((e) => !batch.includes(e));
        if (detail) log("server:", detail);
        if (queue[0]) later(queue.length >= max ? 0 : wait);
      }
      save();
    }));
  }

  // The page may never run again: beacon everything; keep it stored only if the API was failing.
  // pagehide and visibilitychange both come on close: the same queue goes once.
  let left: TrackEvent[] | undefined;
  const leave = safe(() => {
    if (left == queue) return;
    left = queue;
    for (let i = 0; i < queue.length; i += PER_BEACON) {
      const b = body(queue.slice(i, i + PER_BEACON));
      try {
        if (navigator.sendBeacon(endpoint, b)) continue;
      } catch {}
      post(endpoint, b, true);
    }
    if (!failing) queue = [];
    save();
  });

  addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", () => document.hidden && leave());
  addEventListener("online", () => failing && send());
  if (queue[0]) later(0);

  return {
    track: (name, props) => name && emit("track", name, props),
    conversion(name, { revenue, currency, orderId, ...props } = {}) {
      if (orderId != null) props.order_id = orderId;
      if (name) emit("conversion", name, props, typeof revenue == "number" ? { revenue: { amount: revenue, currency: currency || "USD" } } : {});
    },
    identify(userIdOrEmail, traits) {
      const v = userIdOrEmail && clip(userIdOrEmail, 128).trim();
      if (!v) return;
      const t = flat(traits);
      if (v.includes("@")) t.email = v;
      else keep({ ...identity(), u: v });
      emit("identify", undefined, null, { traits: t });
    },
    page() {
      if (pageUrl) pageRef = pageUrl;
      pageUrl = location.href;
      onPage();
      emit("page_view", undefined, null, {}, parseAttribution(location.search));
    },
    reset: () => keep({ a: uuid() }),
    flush: send,
    checkoutReference: () => reference(!o.cookieless && identity()),
  };
}
