// One POST of a batch, and what to do next: done, retry (with the server's hint), or drop.
import type { TrackResponse } from "./types";
import { PREFIX } from "./util";

/**
 * keepalive: the request may outlive the page (a beacon's fallback). Resolves to
 * [retry, detail]: a network error, 429 or 5xx is kept and retried later (detail: the
 * Retry-After header); anything else is final (detail: what the server said about a
 * dropped batch or rejected events, "" when all went in).
 */
export async function post(url: string, body: string, keepalive?: boolean): Promise<[boolean, string | null | undefined]> {
  let res: Response | undefined;
  try {
    // A string body goes as text/plain: a "simple" request, so no CORS preflight.
    res = await fetch(url, { method: "POST", body, keepalive });
  } catch {}
  const status = res ? res.status : 0;
  if (!status || status == 429 || status > 499) return [true, res?.headers.get("Retry-After")];
  // A 4xx is final: the batch is dropped. Debug mode logs the server's explanation.
  let json: Partial<TrackResponse> & { error?: { message?: string } } = {};
  try {
    json = await res!.json();
  } catch {}
  // A wrong key or origin loses every event: say what to fix even without debug mode.
  if (status == 401 || status == 403) console.warn(PREFIX, json.error?.message);
  return [false, res!.ok && !json.rejected?.length ? "" : status + " " + JSON.stringify(json)];
}
