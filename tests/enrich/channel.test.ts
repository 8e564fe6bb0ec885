import { describe, expect, test } from "bun:test";
import { attributionFromUrl } from "../../src/enrich/attribution.ts";
import { channelFor, type Channel, type ChannelInput } from "../../src/enrich/channel.ts";
import { referrerHost } from "../../src/enrich/referrer.ts";

const input = (over: Partial<ChannelInput>): ChannelInput => ({
  referrerHost: null, utmSource: null, utmMedium: null, utmCampaign: null, clickId: null, ...over,
});

type Case = [label: string, expected: Channel, input: Partial<ChannelInput>];

const cases: Case[] = [
  // Direct
  ["nothing at all", "Direct", {}],
  ["blank strings count as nothing", "Direct", { referrerHost: " ", utmSource: "", utmMedium: "  " }],

  // Cross-network
  ["Performance Max campaign", "Cross-network", { utmSource: "google", utmMedium: "cpc", utmCampaign: "Cross-Network PMax Q3" }],

  // Paid Shopping
  ["Amazon cpc", "Paid Shopping", { utmSource: "amazon", utmMedium: "cpc" }],
  ["Shopping campaign on Google", "Paid Shopping", { utmSource: "google", utmMedium: "cpc", utmCampaign: "Shopping - All Products" }],
  ["eshop campaign", "Paid Shopping", { utmSource: "newsletter-partner", utmMedium: "ppc", utmCampaign: "summer-eshop" }],

  // Paid Search
  ["Google Ads utm", "Paid Search", { utmSource: "google", utmMedium: "cpc", utmCampaign: "brand" }],
  ["Google Ads auto-tagging, referrer google", "Paid Search", { referrerHost: "google.com", clickId: "gclid" }],
  ["gclid without a referrer", "Paid Search", { clickId: "gclid" }],
  ["gbraid (iOS)", "Paid Search", { clickId: "gbraid" }],
  ["Microsoft Ads", "Paid Search", { referrerHost: "bing.com", clickId: "msclkid" }],
  ["bing ppc", "Paid Search", { utmSource: "bing", utmMedium: "ppc" }],
  ["paid_search medium", "Paid Search", { utmSource: "duckduckgo", utmMedium: "paid_search" }],
  ["Google host as source", "Paid Search", { utmSource: "www.google.co.uk", utmMedium: "cpc" }],

  // Paid Social
  ["Meta ads", "Paid Social", { utmSource: "facebook", utmMedium: "paid_social", clickId: "fbclid" }],
  ["fbclid with a paid medium and unknown source", "Paid Social", { utmSource: "meta_ads_q3", utmMedium: "cpc", clickId: "fbclid" }],
  ["Instagram cpc", "Paid Social", { utmSource: "ig", utmMedium: "cpc" }],
  ["LinkedIn sponsored", "Paid Social", { utmSource: "linkedin", utmMedium: "paid" }],
  ["TikTok ttclid alone", "Paid Social", { clickId: "ttclid" }],
  ["TikTok ttclid with tiktok referrer", "Paid Social", { referrerHost: "tiktok.com", clickId: "ttclid" }],
  ["retargeting on facebook", "Paid Social", { utmSource: "fb", utmMedium: "retargeting" }],
  ["Reddit ads", "Paid Social", { utmSource: "reddit", utmMedium: "paidsocial" }],

  // Paid Video
  ["YouTube ads", "Paid Video", { utmSource: "youtube", utmMedium: "cpv" }],
  ["gclid from YouTube", "Paid Video", { referrerHost: "m.youtube.com", clickId: "gclid" }],

  // Display
  ["display medium", "Display", { utmSource: "gdn", utmMedium: "display" }],
  ["banner medium", "Display", { utmSource: "partner-site", utmMedium: "banner" }],
  ["cpm without a known source", "Display", { utmSource: "adroll", utmMedium: "cpm" }],
  ["interstitial", "Display", { utmSource: "admob", utmMedium: "interstitial" }],
  ["dclid", "Display", { clickId: "dclid" }],

  // Paid Other
  ["cpc from an unknown network", "Paid Other", { utmSource: "carbonads", utmMedium: "cpc" }],
  ["paid medium, no source", "Paid Other", { utmMedium: "paid" }],
  ["cpa", "Paid Other", { utmSource: "partner", utmMedium: "cpa" }],

  // Organic Shopping
  ["Etsy referral", "Organic Shopping", { referrerHost: "etsy.com" }],
  ["Amazon product page", "Organic Shopping", { referrerHost: "amazon.de" }],
  ["Google Shopping", "Organic Shopping", { referrerHost: "shopping.google.com" }],
  ["shop campaign", "Organic Shopping", { utmSource: "instagram_bio", utmCampaign: "shop-launch" }],

  // Organic Social
  ["Facebook link shim", "Organic Social", { referrerHost: "l.facebook.com" }],
  ["Facebook mobile", "Organic Social", { referrerHost: "m.facebook.com" }],
  ["Facebook lite shim", "Organic Social", { referrerHost: "lm.facebook.com" }],
  ["fbclid share, no referrer (in-app browser)", "Organic Social", { clickId: "fbclid" }],
  ["Instagram", "Organic Social", { referrerHost: "instagram.com" }],
  ["X via t.co", "Organic Social", { referrerHost: "t.co" }],
  ["x.com", "Organic Social", { referrerHost: "x.com" }],
  ["twitter.com", "Organic Social", { referrerHost: "twitter.com" }],
  ["LinkedIn", "Organic Social", { referrerHost: "linkedin.com" }],
  ["LinkedIn shortener", "Organic Social", { referrerHost: "lnkd.in" }],
  ["Reddit outbound", "Organic Social", { referrerHost: "out.reddit.com" }],
  ["old Reddit", "Organic Social", { referrerHost: "old.reddit.com" }],
  ["Pinterest", "Organic Social", { referrerHost: "pinterest.co.uk" }],
  ["TikTok", "Organic Social", { referrerHost: "tiktok.com" }],
  ["Threads", "Organic Social", { referrerHost: "threads.net" }],
  ["Bluesky", "Organic Social", { referrerHost: "bsky.app" }],
  ["Facebook Android app", "Organic Social", { referrerHost: "com.facebook.katana" }],
  ["utm_source=fb without medium", "Organic Social", { utmSource: "fb" }],
  ["social medium", "Organic Social", { utmSource: "mastodon.social", utmMedium: "social" }],
  ["social-media medium, unknown source", "Organic Social", { utmSource: "my-community", utmMedium: "social-media" }],
  ["utm_source=Twitter (case)", "Organic Social", { utmSource: "Twitter" }],

  // Organic Video
  ["YouTube", "Organic Video", { referrerHost: "youtube.com" }],
  ["youtu.be", "Organic Video", { referrerHost: "youtu.be" }],
  ["Vimeo", "Organic Video", { referrerHost: "player.vimeo.com" }],
  ["video medium", "Organic Video", { utmSource: "webinar-platform", utmMedium: "video" }],
  ["YouTube Android app", "Organic Video", { referrerHost: "com.google.android.youtube" }],

  // Organic Search
  ["Google", "Organic Search", { referrerHost: "google.com" }],
  ["Google UK", "Organic Search", { referrerHost: "google.co.uk" }],
  ["Google Brazil", "Organic Search", { referrerHost: "google.com.br" }],
  ["Bing", "Organic Search", { referrerHost: "bing.com" }],
  ["Bing China", "Organic Search", { referrerHost: "cn.bing.com" }],
  ["DuckDuckGo", "Organic Search", { referrerHost: "duckduckgo.com" }],
  ["Yahoo", "Organic Search", { referrerHost: "search.yahoo.com" }],
  ["Yahoo Japan", "Organic Search", { referrerHost: "search.yahoo.co.jp" }],
  ["Baidu", "Organic Search", { referrerHost: "baidu.com" }],
  ["Yandex", "Organic Search", { referrerHost: "yandex.ru" }],
  ["ya.ru", "Organic Search", { referrerHost: "ya.ru" }],
  ["Ecosia", "Organic Search", { referrerHost: "ecosia.org" }],
  ["Brave Search", "Organic Search", { referrerHost: "search.brave.com" }],
  ["Startpage", "Organic Search", { referrerHost: "startpage.com" }],
  ["Qwant", "Organic Search", { referrerHost: "qwant.com" }],
  ["Google app on Android", "Organic Search", { referrerHost: "com.google.android.googlequicksearchbox" }],
  ["organic medium", "Organic Search", { utmSource: "anything", utmMedium: "organic" }],
  ["utm_source=google only", "Organic Search", { utmSource: "google" }],

  // Email
  ["email medium", "Email", { utmSource: "mailchimp", utmMedium: "email", utmCampaign: "weekly" }],
  ["e-mail medium", "Email", { utmSource: "crm", utmMedium: "e-mail" }],
  ["newsletter medium", "Email", { utmSource: "substack", utmMedium: "newsletter" }],
  ["explicit email medium wins over a social source", "Email", { utmSource: "facebook", utmMedium: "email" }],
  ["newsletter source", "Email", { utmSource: "newsletter" }],
  ["source containing mail", "Email", { utmSource: "Gmail" }],
  ["Gmail web", "Email", { referrerHost: "mail.google.com" }],
  ["Yahoo Mail", "Email", { referrerHost: "mail.yahoo.com" }],
  ["Outlook web", "Email", { referrerHost: "outlook.live.com" }],
  ["Gmail Android app", "Email", { referrerHost: "com.google.android.gm" }],
  ["Klaviyo", "Email", { utmSource: "klaviyo" }],

  // Affiliates, Audio, SMS, Push
  ["affiliate medium", "Affiliates", { utmSource: "partnerstack", utmMedium: "affiliate" }],
  ["affiliate medium with a search source", "Affiliates", { utmSource: "google", utmMedium: "affiliate" }],
  ["podcast audio", "Audio", { utmSource: "spotify", utmMedium: "audio" }],
  ["sms medium", "SMS", { utmSource: "twilio", utmMedium: "sms" }],
  ["sms source", "SMS", { utmSource: "sms" }],
  ["push medium", "Mobile Push Notifications", { utmSource: "onesignal", utmMedium: "web_push" }],
  ["notification medium", "Mobile Push Notifications", { utmSource: "app", utmMedium: "notification" }],
  ["firebase source", "Mobile Push Notifications", { utmSource: "firebase" }],

  // Referral
  ["Hacker News", "Referral", { referrerHost: "news.ycombinator.com" }],
  ["a blog", "Referral", { referrerHost: "blog.example.org" }],
  ["ChatGPT", "Referral", { referrerHost: "chatgpt.com" }],
  ["Slack Android app", "Referral", { referrerHost: "com.slack" }],
  ["Google Docs is not a search", "Referral", { referrerHost: "docs.google.com" }],
  ["a look-alike host is not Google", "Referral", { referrerHost: "google.com.evil.io" }],
  ["brand inside another label is not a match", "Referral", { referrerHost: "notgoogle.com" }],
  ["referral medium", "Referral", { utmSource: "partner-blog", utmMedium: "referral" }],
  ["referral medium wins over a social source", "Referral", { utmSource: "facebook", utmMedium: "referral" }],
  ["campaign only, with a referrer", "Referral", { referrerHost: "producthunt.com", utmCampaign: "launch" }],

  // Unassigned
  ["unknown source and medium", "Unassigned", { utmSource: "qr-poster", utmMedium: "offline" }],
  ["unknown source only", "Unassigned", { utmSource: "flyer", referrerHost: "example.org" }],
  ["campaign only", "Unassigned", { utmCampaign: "launch" }],
  ["unknown click id", "Unassigned", { clickId: "zzclid" }],
  ["prototype key as click id", "Unassigned", { clickId: "__proto__" }],
  ["prototype key as source", "Unassigned", { utmSource: "constructor" }],
];

describe("channelFor", () => {
  test.each(cases)("%s → %s", (_label, expected, over) => {
    expect(channelFor(input(over))).toBe(expected);
  });
});

describe("channelFor on real landings", () => {
  const page = (query: string) => `https://www.myfunnel.com/landing${query}`;
  test.each<[string, Channel, string | null, string]>([
    ["typed URL", "Direct", null, page("")],
    ["Google organic", "Organic Search", "https://www.google.com/", page("")],
    ["Google Ads", "Paid Search", "https://www.google.com/", page("?gclid=Cj0KCQjw&gad_source=1")],
    ["Facebook post", "Organic Social", "https://l.facebook.com/", page("?fbclid=IwAR2F4")],
    ["Facebook ad", "Paid Social", "https://l.facebook.com/", page("?utm_source=facebook&utm_medium=paid&utm_campaign=q3&fbclid=IwAR2F4")],
    ["Mailchimp newsletter opened in Gmail", "Email", "https://mail.google.com/", page("?utm_source=Weekly+Digest&utm_medium=EMAIL&utm_campaign=w23")],
    ["Hacker News", "Referral", "https://news.ycombinator.com/item?id=1", page("")],
    ["internal navigation", "Direct", "https://myfunnel.com/pricing", page("")],
    ["Gmail Android app", "Email", "android-app://com.google.android.gm/", page("")],
  ])("%s → %s", (_label, expected, referrer, url) => {
    const a = attributionFromUrl(url);
    const channel = channelFor({
      referrerHost: referrerHost(referrer, url),
      utmSource: a.utmSource,
      utmMedium: a.utmMedium,
      utmCampaign: a.utmCampaign,
      clickId: a.clickId,
    });
    expect(channel).toBe(expected);
  });
});
