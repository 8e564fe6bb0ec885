// Sends the queued events in batches: after flushInterval, at once when a batch is full,
// retried with backoff (and Retry-After) while the API is unreachable, again when the
// browser comes back online. What was sent leaves the queue.
import { retryDelay } from "./backoff";
import type { Pipe } from "./pipe";
import { post } from "./transport";

const PER_REQUEST = 50;

/** max: events per request before an early send; wait: longest wait before queued events are sent, ms. */
export function startSender(p: Pipe, max = 10, wait = 2000): void {
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: Promise<void> | undefined;
  const later = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(send, ms);
  };

  async function send(): Promise<void> {
    timer = clearTimeout(timer)!; // undefined: no timer pending
    if (inflight || !p.q[0]) return inflight;
    const batch = p.q.slice(0, PER_REQUEST);
    return (inflight = post(p.url, p.body(batch)).then(([retry, detail]) => {
      inflight = undefined;
      if ((p.f = retry)) {
        const delay = retryDelay(attempt++, detail);
        p.log("retry in", delay);
        later(delay);
      } else {
        attempt = 0;
        p.q = p.q.filter((e) => !batch.includes(e));
        if (detail) p.log("server:", detail);
        if (p.q[0]) later(p.q.length >= max ? 0 : wait);
      }
      p.save();
    }));
  }

  p.k = () => {
    if (!p.f && !inflight && p.q.length >= max) send();
    else timer || later(wait);
  };
  p.s = send;
  addEventListener("online", () => p.f && send());
  // Events queued before the sender started: leftovers of a failing page go at once.
  if (p.q[0]) later(p.f ? 0 : wait);
}
