// One POST of a batch, and what to do next: done, retry (with the server's hint), or drop.
import type { TrackResponse } from "./types";
import { PREFIX } from "./util";

export interface Outcome {
  /** Network error, 429 or 5xx: keep the events and retry later. */
  retry?: boolean;
  retryAfter?: string | null;
  /** What the server said about a dropped batch or rejected events. */
  message?: string;
}

/** keepalive: the request may outlive the page (a beacon's fallback). */
export async function post(url: string, body: string, keepalive?: boolean): Promise<Outcome> {
  let res: Response | undefined;
  try {
    // A string body goes as text/plain: a "simple" request, so no CORS preflight.
    res = await fetch(url, { method: "POST", body, keepalive });
  } catch {}
  if (!res || res.status == 429 || res.status >= 500) return { retry: true, retryAfter: res?.headers.get("Retry-After") };
  // A 4xx is final: the batch is dropped. Debug mode logs the server's explanation.
  let json: Partial<TrackResponse> = {};
  try {
    json = await res.json();
  } catch {}
  // A wrong key or origin loses every event: say what to fix even without debug mode.
  if (res.status == 401 || res.status == 403) console.warn(PREFIX, (json as { error?: { message?: string } }).error?.message);
  return res.ok && !json.rejected?.length ? {} : { message: res.status + " " + JSON.stringify(json) };
}
