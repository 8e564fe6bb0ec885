// What demo traffic is made of: sources, devices, places and pages, with weights
// that look like a small SaaS funnel's real traffic.
import { Weighted } from "./random";

export interface Source {
  referrer: string | null;
  utm?: { source: string; medium: string; campaign: string; term?: string; content?: readonly string[] };
  clickId?: string;
  landing: readonly string[];
}

const BLOG = [
  "/blog/funnel-metrics-that-matter",
  "/blog/self-hosted-analytics-guide",
  "/blog/utm-tagging-cheatsheet",
  "/blog/reduce-checkout-abandonment",
  "/blog/plausible-vs-umami-vs-aurea",
  "/blog/cookieless-tracking-explained",
] as const;

export const SOURCES = new Weighted<Source>([
  [24, { referrer: null, landing: ["/", "/", "/", "/pricing", "/features", "/docs"] }],
  [17, { referrer: "https://www.google.com/", landing: [...BLOG, "/", "/", "/pricing"] }],
  [3, { referrer: "https://www.bing.com/", landing: [...BLOG, "/"] }],
  [2, { referrer: "https://duckduckgo.com/", landing: [...BLOG, "/"] }],
  [8, {
    referrer: "https://www.google.com/", clickId: "gclid", landing: ["/lp/analytics", "/pricing"],
    utm: { source: "google", medium: "cpc", campaign: "brand-search", term: "funnel analytics", content: ["text-ad-a", "text-ad-b"] },
  }],
  [3, {
    referrer: "https://www.google.com/", clickId: "gclid", landing: ["/lp/analytics"],
    utm: { source: "google", medium: "cpc", campaign: "competitor-search", term: "plausible alternative" },
  }],
  [9, {
    referrer: "https://l.facebook.com/", clickId: "fbclid", landing: ["/lp/spring-sale", "/pricing"],
    utm: { source: "facebook", medium: "paid_social", campaign: "spring-sale", content: ["video-a", "carousel-b", "static-c"] },
  }],
  [3, {
    referrer: "https://l.instagram.com/", clickId: "fbclid", landing: ["/lp/spring-sale"],
    utm: { source: "instagram", medium: "paid_social", campaign: "spring-sale", content: ["story-a", "reel-b"] },
  }],
  [4, { referrer: "https://t.co/", landing: ["/", ...BLOG] }],
  [3, { referrer: "https://www.linkedin.com/", landing: ["/", "/blog/funnel-metrics-that-matter"] }],
  [3, { referrer: "https://www.reddit.com/", landing: ["/", "/blog/plausible-vs-umami-vs-aurea"] }],
  [6, {
    referrer: null, landing: [...BLOG, "/pricing"],
    utm: { source: "newsletter", medium: "email", campaign: "weekly-digest", content: ["header-link", "footer-link"] },
  }],
  [4, { referrer: "https://www.producthunt.com/", landing: ["/"] }],
  [3, { referrer: "https://news.ycombinator.com/", landing: ["/", "/blog/self-hosted-analytics-guide"] }],
  [2, { referrer: "https://indiehackers.com/", landing: ["/", "/pricing"], utm: { source: "partner-blog", medium: "affiliate", campaign: "partners" } }],
  [2, { referrer: "https://github.com/", landing: ["/docs", "/"] }],
  [1, { referrer: "https://www.youtube.com/", landing: ["/", "/features"] }],
]);

export interface Device {
  browser: string;
  version: string;
  os: string;
  device: "desktop" | "mobile" | "tablet";
  screen: [number, number];
}

export const DEVICES = new Weighted<Device>([
  [28, { browser: "Chrome", version: "126", os: "Windows", device: "desktop", screen: [1920, 1080] }],
  [14, { browser: "Chrome", version: "126", os: "macOS", device: "desktop", screen: [1512, 982] }],
  [10, { browser: "Safari", version: "17", os: "macOS", device: "desktop", screen: [1440, 900] }],
  [5, { browser: "Firefox", version: "127", os: "Windows", device: "desktop", screen: [1536, 864] }],
  [5, { browser: "Edge", version: "126", os: "Windows", device: "desktop", screen: [1920, 1080] }],
  [2, { browser: "Firefox", version: "127", os: "Linux", device: "desktop", screen: [2560, 1440] }],
  [2, { browser: "Chrome", version: "125", os: "ChromeOS", device: "desktop", screen: [1366, 768] }],
  [16, { browser: "Mobile Safari", version: "17", os: "iOS", device: "mobile", screen: [390, 844] }],
  [12, { browser: "Chrome", version: "126", os: "Android", device: "mobile", screen: [412, 915] }],
  [3, { browser: "Samsung Internet", version: "25", os: "Android", device: "mobile", screen: [360, 780] }],
  [3, { browser: "Mobile Safari", version: "17", os: "iOS", device: "tablet", screen: [820, 1180] }],
]);

export interface Place {
  country: string;
  region: string;
  city: string;
  language: string;
  timezone: string;
  currency: "USD" | "EUR" | "GBP";
}

const place = (country: string, region: string, city: string, language: string, timezone: string, currency: Place["currency"] = "USD"): Place =>
  ({ country, region, city, language, timezone, currency });

export const PLACES = new Weighted<Place>([
  [10, place("US", "California", "San Francisco", "en-US", "America/Los_Angeles")],
  [6, place("US", "California", "Los Angeles", "en-US", "America/Los_Angeles")],
  [7, place("US", "New York", "New York", "en-US", "America/New_York")],
  [4, place("US", "Texas", "Austin", "en-US", "America/Chicago")],
  [3, place("US", "Washington", "Seattle", "en-US", "America/Los_Angeles")],
  [3, place("US", "Illinois", "Chicago", "en-US", "America/Chicago")],
  [7, place("GB", "England", "London", "en-GB", "Europe/London", "GBP")],
  [2, place("GB", "England", "Manchester", "en-GB", "Europe/London", "GBP")],
  [5, place("DE", "Berlin", "Berlin", "de-DE", "Europe/Berlin", "EUR")],
  [3, place("DE", "Bavaria", "Munich", "de-DE", "Europe/Berlin", "EUR")],
  [1, place("DE", "Hamburg", "Hamburg", "de-DE", "Europe/Berlin", "EUR")],
  [6, place("FR", "Île-de-France", "Paris", "fr-FR", "Europe/Paris", "EUR")],
  [3, place("CA", "Ontario", "Toronto", "en-CA", "America/Toronto")],
  [2, place("CA", "British Columbia", "Vancouver", "en-CA", "America/Vancouver")],
  [3, place("IN", "Karnataka", "Bengaluru", "en-IN", "Asia/Kolkata")],
  [2, place("IN", "Maharashtra", "Mumbai", "en-IN", "Asia/Kolkata")],
  [4, place("NL", "North Holland", "Amsterdam", "nl-NL", "Europe/Amsterdam", "EUR")],
  [4, place("BR", "São Paulo", "São Paulo", "pt-BR", "America/Sao_Paulo")],
  [3, place("ES", "Madrid", "Madrid", "es-ES", "Europe/Madrid", "EUR")],
  [3, place("AU", "New South Wales", "Sydney", "en-AU", "Australia/Sydney")],
  [2, place("SE", "Stockholm", "Stockholm", "sv-SE", "Europe/Stockholm", "EUR")],
  [2, place("JP", "Tokyo", "Tokyo", "ja-JP", "Asia/Tokyo")],
  [2, place("PL", "Mazovia", "Warsaw", "pl-PL", "Europe/Warsaw", "EUR")],
  [2, place("IT", "Lombardy", "Milan", "it-IT", "Europe/Rome", "EUR")],
  [1, place("IE", "Leinster", "Dublin", "en-IE", "Europe/Dublin", "EUR")],
  [1, place("CH", "Zurich", "Zurich", "de-CH", "Europe/Zurich", "EUR")],
  [1, place("SG", "Singapore", "Singapore", "en-SG", "Asia/Singapore")],
  [1, place("MX", "Mexico City", "Mexico City", "es-MX", "America/Mexico_City")],
]);

export const TITLES: Record<string, string> = {
  "/": "Aurea: funnel analytics you own",
  "/features": "Features · Aurea",
  "/pricing": "Pricing · Aurea",
  "/checkout": "Checkout · Aurea",
  "/thank-you": "Thank you! · Aurea",
  "/signup": "Create your account · Aurea",
  "/lp/spring-sale": "Spring sale: 30% off · Aurea",
  "/lp/analytics": "Self-hosted funnel analytics · Aurea",
  "/docs": "Docs · Aurea",
  "/about": "About · Aurea",
  "/blog": "Blog · Aurea",
  "/blog/funnel-metrics-that-matter": "Funnel metrics that matter",
  "/blog/self-hosted-analytics-guide": "A guide to self-hosted analytics",
  "/blog/utm-tagging-cheatsheet": "The UTM tagging cheatsheet",
  "/blog/reduce-checkout-abandonment": "Reduce checkout abandonment",
  "/blog/plausible-vs-umami-vs-aurea": "Plausible vs Umami vs Aurea",
  "/blog/cookieless-tracking-explained": "Cookieless tracking, explained",
};

const EXIT = "";

/** Where a visitor goes next from each page ("" = leaves). */
const FLOWS: Record<string, Weighted<string>> = {
  "/": new Weighted([[20, "/features"], [30, "/pricing"], [10, "/blog"], [5, "/docs"], [5, "/about"], [5, "/signup"], [25, EXIT]]),
  "/features": new Weighted([[40, "/pricing"], [10, "/"], [10, "/docs"], [5, "/signup"], [35, EXIT]]),
  "/pricing": new Weighted([[16, "/checkout"], [10, "/features"], [5, "/"], [6, "/signup"], [63, EXIT]]),
  "/checkout": new Weighted([[45, "/thank-you"], [10, "/pricing"], [45, EXIT]]),
  "/thank-you": new Weighted([[15, "/docs"], [5, "/"], [80, EXIT]]),
  "/signup": new Weighted([[15, "/pricing"], [5, "/"], [80, EXIT]]),
  "/lp/spring-sale": new Weighted([[30, "/pricing"], [10, "/checkout"], [10, "/"], [50, EXIT]]),
  "/lp/analytics": new Weighted([[30, "/pricing"], [10, "/checkout"], [15, "/features"], [45, EXIT]]),
  "/docs": new Weighted([[10, "/"], [10, "/pricing"], [80, EXIT]]),
  "/about": new Weighted([[20, "/"], [15, "/pricing"], [65, EXIT]]),
  "/blog": new Weighted([...BLOG.map((p) => [10, p] as const), [40, EXIT]]),
  blog: new Weighted([...BLOG.map((p) => [2.5, p] as const), [15, "/"], [10, "/pricing"], [60, EXIT]]),
};

export function nextPage(path: string, pick: (w: Weighted<string>) => string): string | null {
  const flow = FLOWS[path] ?? FLOWS.blog;
  const next = pick(flow);
  return next === EXIT ? null : next;
}

export const PLANS = new Weighted<{ plan: string; monthly: number }>([
  [50, { plan: "starter", monthly: 19 }],
  [38, { plan: "pro", monthly: 49 }],
  [12, { plan: "team", monthly: 149 }],
]);

export const FAQ_QUESTIONS = ["Can I self-host?", "Is there a free trial?", "How is revenue verified?", "Do you use cookies?", "Can I export my data?"];
export const CTA_TEXTS = ["Start free trial", "Choose Pro", "Talk to sales", "See the demo"];
export const FIRST_NAMES = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Ken", "Barbara", "Dennis", "Frances", "Radia", "Tim", "Hedy", "Donald", "Sophie", "Jean", "Katherine"];
export const LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Thompson", "Liskov", "Ritchie", "Allen", "Perlman", "Berners-Lee", "Lamarr", "Knuth", "Wilson", "Bartik", "Johnson"];
export const EMAIL_DOMAINS = ["gmail.com", "outlook.com", "proton.me", "fastmail.com", "acme.io", "example.org", "startup.dev"];
