import { isbot } from "isbot";
import { Lru } from "./lru.ts";

const cache = new Lru<string, boolean>(10_000);

/** Real user agents are shorter; a bounded prefix keeps hostile input cheap to check and to cache. */
const MAX_UA_LENGTH = 1024;

/**
 * True for crawlers, scripts (curl, python-requests), headless browsers
 * (HeadlessChrome) and requests with no User-Agent at all, which isbot alone
 * would let through.
 */
export function isBotAgent(ua: string | null | undefined): boolean {
  if (typeof ua !== "string" || ua.trim() === "") return true;
  const key = ua.length > MAX_UA_LENGTH ? ua.slice(0, MAX_UA_LENGTH) : ua;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const bot = isbot(key);
  cache.set(key, bot);
  return bot;
}
