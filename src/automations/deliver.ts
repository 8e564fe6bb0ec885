// One attempt at delivering a webhook: sign, POST, classify the answer. Redirects are
// followed by hand (same host only, at most 3, each hop checked against SSRF again),
// the whole attempt has one timeout, and at most SNIPPET_BYTES of the answer are read.
import { parseRetryAfter } from "./backoff";
import { SNIPPET_BYTES } from "./deliveries";
import { webhookHeaders } from "./sign";
import { checkWebhookTarget, hostOf, parseWebhookUrl, UnsafeUrlError, type Lookup } from "./ssrf";

export const USER_AGENT = "Aurea-Webhooks/1";
export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

export interface WebhookMessage {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The webhook-id: the same on every attempt of one delivery. */
  id: string;
  secret: string;
}

export interface SendOptions {
  allowPrivate: boolean;
  timeoutMs?: number;
  /** Aborts the attempt (the server is stopping). */
  signal?: AbortSignal;
  lookup?: Lookup;
  now?: () => number;
}

/** delivered: 2xx. retry: network error, timeout, 429, 5xx. failed: anything else; not retried. */
export type Verdict = "delivered" | "retry" | "failed";

export interface SendResult {
  verdict: Verdict;
  statusCode: number | null;
  latencyMs: number;
  snippet: string | null;
  error: string | null;
  retryAfterMs: number | null;
  /** The caller's signal fired: the attempt was cut short, not judged. */
  aborted: boolean;
}

export async function sendWebhook(msg: WebhookMessage, options: SendOptions): Promise<SendResult> {
  const now = options.now ?? Date.now;
  const started = performance.now();
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const result = (verdict: Verdict, fields: Partial<SendResult>): SendResult => ({
    verdict, statusCode: null, snippet: null, error: null, retryAfterMs: null, aborted: false,
    latencyMs: Math.round(performance.now() - started), ...fields,
  });

  const timestamp = Math.floor(now() / 1000);
  // The rule's own headers first; ours replace any of the same name (the schema refuses
  // those anyway), except a user agent the rule chose.
  const headers = new Headers(msg.headers);
  if (!headers.has("user-agent")) headers.set("user-agent", USER_AGENT);
  headers.set("content-type", "application/json");
  for (const [name, value] of Object.entries(webhookHeaders(msg.secret, msg.id, timestamp, msg.body))) headers.set(name, value);
  let url: URL;
  try {
    url = parseWebhookUrl(msg.url);
  } catch (e) {
    return result("failed", { error: (e as Error).message });
  }
  const firstHost = hostOf(url);

  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      await checkWebhookTarget(url, options.allowPrivate, options.lookup);
      res = await fetch(url, { method: "POST", headers, body: msg.body, redirect: "manual", signal });
    } catch (e) {
      if (e instanceof UnsafeUrlError) return result("failed", { error: `refused: ${e.message}` });
      if (options.signal?.aborted) return result("retry", { error: "aborted: server stopping", aborted: true });
      if (timeout.aborted) return result("retry", { error: `timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` });
      return result("retry", { error: networkError(e) });
    }
    const latencyMs = Math.round(performance.now() - started);
    const status = res.status;

    if (status >= 300 && status < 400 && res.headers.get("location")) {
      await res.body?.cancel().catch(() => {});
      const location = res.headers.get("location")!;
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return result("failed", { statusCode: status, latencyMs, error: `redirect to an unreadable location "${location.slice(0, 200)}"` });
      }
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        return result("failed", { statusCode: status, latencyMs, error: `redirect to a ${next.protocol} URL not followed` });
      }
      if (hostOf(next) !== firstHost) {
        return result("failed", { statusCode: status, latencyMs, error: `redirect to another host (${hostOf(next)}) not followed` });
      }
      if (hop + 1 > MAX_REDIRECTS) return result("failed", { statusCode: status, latencyMs, error: `more than ${MAX_REDIRECTS} redirects` });
      url = next;
      continue;
    }

    const snippet = await readSnippet(res, signal);
    const base = { statusCode: status, latencyMs, snippet };
    if (status >= 200 && status < 300) return result("delivered", base);
    if (status === 429 || status >= 500) {
      return result("retry", { ...base, error: `HTTP ${status}`, retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), now()) });
    }
    return result("failed", { ...base, error: `HTTP ${status}` });
  }
}

/** The first SNIPPET_BYTES of the body as text; the rest is never read. */
async function readSnippet(res: Response, signal: AbortSignal): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES && !signal.aborted) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still leaves the status code, which is what counts.
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES);
  // Drop a UTF-8 sequence cut in half at the end rather than show a replacement character.
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/\uFFFD$/, "") || null;
}

function networkError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const message = (err.message ?? String(e)).replace(/\s*Is the computer able to access the url\?/, "");
  return err.code && !message.startsWith(err.code) ? `${err.code}: ${message}` : message;
}
