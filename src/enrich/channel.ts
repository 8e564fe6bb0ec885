export type Channel =
  | "Direct"
  | "Organic Search"
  | "Paid Search"
  | "Organic Social"
  | "Paid Social"
  | "Email"
  | "Affiliates"
  | "Referral"
  | "Display"
  | "Organic Video"
  | "Paid Video"
  | "Organic Shopping"
  | "Paid Shopping"
  | "Paid Other"
  | "SMS"
  | "Audio"
  | "Mobile Push Notifications"
  | "Cross-network"
  | "Unassigned";

export interface ChannelInput {
  referrerHost: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  /** Click id parameter name as produced by attributionFromUrl, e.g. "gclid". */
  clickId: string | null;
}

/**
 * A category of traffic sources. A source (utm_source or referrer host,
 * lowercase, without "www.") belongs to it when it is one of `names`, is or
 * ends in ".<host>" for one of `hosts`, or is a host whose brand label (the
 * label before the TLD part: "google" in "google.co.uk", "facebook" in
 * "lm.facebook.com") is one of `brands` - unless one of its subdomains is in
 * `notSubdomains` (mail.google.com and docs.google.com are not searches).
 * A bare word such as utm_source=google is matched against `brands` too.
 */
interface SourceCategory {
  names: readonly string[];
  hosts: readonly string[];
  brands: readonly string[];
  notSubdomains?: readonly string[];
}

const SEARCH: SourceCategory = {
  names: ["com.google.android.googlequicksearchbox", "com.microsoft.bing", "com.duckduckgo.mobile.android"],
  hosts: ["search.brave.com", "ya.ru", "so.com", "you.com", "duck.com", "search.yahoo.com"],
  brands: [
    "google", "bing", "duckduckgo", "yahoo", "baidu", "yandex", "ecosia", "startpage", "qwant",
    "naver", "seznam", "sogou", "ask", "aol", "kagi", "mojeek", "presearch", "daum", "petalsearch",
    "swisscows", "metager",
  ],
  notSubdomains: [
    "mail", "docs", "drive", "sites", "accounts", "calendar", "meet", "chat", "classroom", "groups",
    "support", "play", "news", "finance", "photos", "analytics", "ads", "business", "cloud",
    "developers", "console", "myaccount", "login", "messenger",
  ],
};

const SOCIAL: SourceCategory = {
  names: [
    "com.facebook.katana", "com.facebook.orca", "com.facebook.lite", "com.instagram.android",
    "com.linkedin.android", "com.reddit.frontpage", "com.twitter.android", "com.zhiliaoapp.musically",
    "com.pinterest", "org.telegram.messenger", "com.whatsapp", "com.snapchat.android", "igshopping",
  ],
  hosts: ["t.co", "t.me", "wa.me", "m.me", "ok.ru", "bsky.app", "threads.net"],
  brands: [
    "facebook", "fb", "instagram", "ig", "twitter", "x", "linkedin", "lnkd", "reddit", "pinterest",
    "tiktok", "threads", "snapchat", "tumblr", "quora", "vk", "weibo", "whatsapp", "telegram",
    "discord", "mastodon", "bsky", "bluesky", "messenger", "line", "wechat", "xing", "meetup",
    "nextdoor", "douban",
  ],
};

const VIDEO: SourceCategory = {
  names: ["yt", "com.google.android.youtube"],
  hosts: [],
  brands: ["youtube", "youtu", "vimeo", "twitch", "dailymotion", "wistia", "rumble", "bilibili", "vidyard", "loom"],
};

const SHOPPING: SourceCategory = {
  names: ["shopping", "google shopping", "igshopping"],
  hosts: ["shopping.google.com", "shop.app", "shopping.yahoo.com"],
  brands: ["amazon", "ebay", "etsy", "walmart", "aliexpress", "alibaba", "shopify", "mercadolibre", "rakuten", "bestbuy", "zalando", "temu"],
};

const EMAIL: SourceCategory = {
  names: ["email", "e-mail", "e_mail", "e mail", "newsletter", "com.google.android.gm", "com.microsoft.office.outlook"],
  hosts: ["outlook.live.com", "outlook.office.com", "outlook.office365.com"],
  brands: ["klaviyo", "convertkit", "brevo", "sendinblue", "beehiiv", "sendgrid", "mailchimp"],
};

const SMS_SOURCES: SourceCategory = { names: ["sms"], hosts: [], brands: [] };
const PUSH_SOURCES: SourceCategory = { names: ["firebase"], hosts: [], brands: [] };

// Medium rules, GA4's regexes and lists (lowercase).
const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const DISPLAY_MEDIUMS = new Set(["display", "banner", "expandable", "interstitial", "cpm"]);
const SHOPPING_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;

/** Channels decided by the medium alone, checked in this order, before sources. */
const MEDIUM_RULES: ReadonlyArray<[test: (m: string) => boolean, channel: Channel]> = [
  [(m) => m === "affiliate" || m === "affiliates", "Affiliates"],
  [(m) => m === "audio", "Audio"],
  [(m) => m === "sms", "SMS"],
  [(m) => ["email", "e-mail", "e_mail", "e mail", "newsletter"].includes(m), "Email"],
  [(m) => m.endsWith("push") || m.includes("mobile") || m.includes("notification"), "Mobile Push Notifications"],
  [(m) => ["social", "social-network", "social-media", "social_media", "sm", "social network", "social media"].includes(m), "Organic Social"],
  [(m) => m.includes("video"), "Organic Video"],
  [(m) => m === "organic", "Organic Search"],
  [(m) => ["referral", "app", "link"].includes(m), "Referral"],
];

/** Source categories for unpaid traffic, in order. Email first: "mail.google.com" is mail. */
const ORGANIC_SOURCE_RULES: ReadonlyArray<[category: SourceCategory, channel: Channel]> = [
  [EMAIL, "Email"],
  [SHOPPING, "Organic Shopping"],
  [SOCIAL, "Organic Social"],
  [VIDEO, "Organic Video"],
  [SEARCH, "Organic Search"],
  [SMS_SOURCES, "SMS"],
  [PUSH_SOURCES, "Mobile Push Notifications"],
];

/** Source categories for paid traffic, in GA4 order. */
const PAID_SOURCE_RULES: ReadonlyArray<[category: SourceCategory, channel: Channel]> = [
  [SHOPPING, "Paid Shopping"],
  [SEARCH, "Paid Search"],
  [SOCIAL, "Paid Social"],
  [VIDEO, "Paid Video"],
];

/**
 * What an ad click id says: the paid channel it implies when the source says
 * nothing, and whether it alone proves a paid click. fbclid does not:
 * Facebook adds it to every outbound link, organic posts included, so without
 * a paid medium it means Organic Social (`organic`).
 */
interface ClickIdRule {
  channel: Channel;
  provesPaid: boolean;
  organic?: Channel;
}

const CLICK_IDS: Readonly<Record<string, ClickIdRule>> = {
  gclid: { channel: "Paid Search", provesPaid: true },
  gbraid: { channel: "Paid Search", provesPaid: true },
  wbraid: { channel: "Paid Search", provesPaid: true },
  msclkid: { channel: "Paid Search", provesPaid: true },
  yclid: { channel: "Paid Search", provesPaid: true },
  dclid: { channel: "Display", provesPaid: true },
  ttclid: { channel: "Paid Social", provesPaid: true },
  li_fat_id: { channel: "Paid Social", provesPaid: true },
  twclid: { channel: "Paid Social", provesPaid: true },
  rdt_cid: { channel: "Paid Social", provesPaid: true },
  sccid: { channel: "Paid Social", provesPaid: true },
  epik: { channel: "Paid Social", provesPaid: false, organic: "Organic Social" },
  fbclid: { channel: "Paid Social", provesPaid: false, organic: "Organic Social" },
};

// Labels that form the "TLD part" of a host: generic second levels and any two-letter ccTLD.
const TLD_LIKE = new Set(["com", "co", "org", "net", "edu", "gov", "ac", "ne", "or", "go", "gob", "info", "biz", "io", "app"]);

function isTldLike(label: string): boolean {
  return TLD_LIKE.has(label) || /^[a-z]{2}$/.test(label);
}

function inCategory(source: string, cat: SourceCategory): boolean {
  if (cat.names.includes(source)) return true;
  if (!source.includes(".")) return cat.brands.includes(source);
  for (const host of cat.hosts) {
    if (source === host || source.endsWith("." + host)) return true;
  }
  const labels = source.split(".");
  // Drop at most two TLD-like labels, keeping the brand: google.co.uk → google.
  let end = labels.length;
  while (end > 1 && labels.length - end < 2 && isTldLike(labels[end - 1])) end--;
  if (end === labels.length) return false;
  const brand = labels[end - 1];
  if (!cat.brands.includes(brand)) return false;
  const subdomains = labels.slice(0, end - 1);
  return !subdomains.some((s) => cat.notSubdomains?.includes(s));
}

function norm(s: string | null): string | null {
  if (s === null) return null;
  let t = s.trim().toLowerCase();
  if (t.startsWith("www.")) t = t.slice(4);
  return t === "" ? null : t;
}

/**
 * The channel of a visit, modelled on GA4's default channel grouping:
 * https://support.google.com/analytics/answer/9756891
 *
 * The source is utm_source, else the referrer host. Differences from GA4,
 * on purpose:
 * - an explicit utm_medium wins over the source lists for unpaid traffic
 *   (utm_source=facebook&utm_medium=email is Email, not Organic Social);
 * - a source containing "mail" (gmail, mail.yahoo.com, mailchimp) is Email;
 * - ad click ids stand in for GA4's Ads integration: gclid/msclkid → Paid
 *   Search, ttclid → Paid Social; fbclid is Paid Social with a paid medium,
 *   else Organic Social;
 * - a referrer with no UTM source/medium is Referral unless its host is a
 *   known search/social/video/shopping/email source; UTM tags that match no
 *   rule are Unassigned; Direct needs no referrer, no UTM tag at all (a lone
 *   utm_campaign is Unassigned) and no click id.
 */
export function channelFor(input: ChannelInput): Channel {
  const referrer = norm(input.referrerHost);
  const utmSource = norm(input.utmSource);
  const medium = norm(input.utmMedium);
  const campaign = norm(input.utmCampaign);
  const clickName = norm(input.clickId);
  const click = clickName !== null && Object.hasOwn(CLICK_IDS, clickName) ? CLICK_IDS[clickName] : undefined;
  const source = utmSource ?? referrer;

  if (source === null && medium === null && campaign === null && clickName === null) return "Direct";
  if (campaign?.includes("cross-network")) return "Cross-network";

  const shoppingCampaign = campaign !== null && SHOPPING_CAMPAIGN.test(campaign);
  const paid = (medium !== null && PAID_MEDIUM.test(medium)) || click?.provesPaid === true;
  if (paid) {
    if (shoppingCampaign) return "Paid Shopping";
    if (source !== null) {
      for (const [cat, channel] of PAID_SOURCE_RULES) if (inCategory(source, cat)) return channel;
    }
  }
  if (medium !== null && DISPLAY_MEDIUMS.has(medium)) return "Display";
  if (paid) return click?.channel ?? "Paid Other";

  if (medium !== null) {
    for (const [test, channel] of MEDIUM_RULES) if (test(medium)) return channel;
  }
  if (shoppingCampaign) return "Organic Shopping";
  if (source !== null) {
    if (source.includes("mail")) return "Email";
    for (const [cat, channel] of ORGANIC_SOURCE_RULES) if (inCategory(source, cat)) return channel;
  }
  if (click?.organic) return click.organic;
  if (utmSource === null && medium === null && referrer !== null) return "Referral";
  return "Unassigned";
}
