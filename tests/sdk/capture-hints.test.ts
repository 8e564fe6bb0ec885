// What the register dialog promises, what the SDK sends, what the docs and the demo
// data show: one description (src/funnels/capture.ts), checked against the others.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DemoGenerator } from "../../src/demo/generate";
import { CAPTURE_OPTIONS } from "../../src/funnels/capture";
import { registerForm } from "../../views/pages/register";

const ROOT = join(import.meta.dir, "../..");
// Section views are sent by the code the funnel's script carries (sdk/src/sections.ts).
const sdkSource = ["sdk/src/autocapture.ts", "sdk/src/sections.ts"].map((f) => readFileSync(join(ROOT, f), "utf8")).join("\n");
const sdkReadme = readFileSync(join(ROOT, "sdk/README.md"), "utf8");

/** The keys of the object literal the SDK sends with `name`. */
function sdkProps(name: string): string[] {
  const call = sdkSource.match(new RegExp(`track\\("${name}",\\s*\\{([\\s\\S]*?)\\}\\)`));
  if (!call) throw new Error(`the SDK never sends ${name}`);
  return [...call[1].matchAll(/(?:^|[{,])\s*(\w+):/g)].map((m) => m[1]);
}

const withProps = CAPTURE_OPTIONS.filter((o) => o.event && o.props.length);

test.each(withProps.map((o) => [o.event!, o.props] as const))("the SDK sends %s with %p", (event, props) => {
  expect(sdkProps(event)).toEqual(props);
});

test.each(withProps.map((o) => [o.event!, o.props] as const))("sdk/README.md lists %s with %p", (event, props) => {
  const row = sdkReadme.split("\n").find((l) => l.startsWith(`| \`${event}\``));
  expect(row).toBeDefined();
  for (const p of props) expect(row).toContain(`\`${p}\``);
});

test("marked clicks arrive under their data-aurea-event name, and the dialog says so", () => {
  expect(sdkSource).toContain('aurea.track(attr(el, "data-aurea-event")!');
  const form = registerForm({ csrfToken: "t" }).toString();
  expect(form).toContain("arrives as that name");
  expect(form).toContain("outbound_click with the link&#39;s host and path");
  expect(form).not.toContain("element_click");
  expect(form).not.toContain("target URL");
});

test("the demo data's automatic events look like the SDK's", () => {
  const byEvent = new Map(withProps.map((o) => [o.event!, o.props]));
  const seen = new Set<string>();
  const generator = new DemoGenerator({ events: 6000, days: 7, now: Date.UTC(2026, 0, 10), seed: 3 });
  for (const visit of generator.visits()) {
    for (const e of visit.events) {
      expect(e.name).not.toBe("element_click");
      const props = byEvent.get(e.name);
      if (!props || !e.props) continue;
      seen.add(e.name);
      for (const key of Object.keys(JSON.parse(e.props))) expect(props).toContain(key);
    }
  }
  expect([...seen].sort()).toEqual(["form_submit", "outbound_click", "scroll_depth"]);
});
