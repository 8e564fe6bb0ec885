import { describe, expect, test } from "bun:test";
import { createAurea } from "../../sdk/src/index";

// bun test has no window: what server-side rendering sees.
describe("createAurea without a window", () => {
  test("answers with the do-nothing API and touches no browser global", async () => {
    expect(typeof window).toBe("undefined");
    const aurea = createAurea({ funnelId: "f1", key: "pk_1", apiUrl: "https://aurea.example.com", debug: true });
    expect(aurea.checkoutReference()).toBe("");
    expect(aurea.variant("hero")).toBeNull();
    await aurea.flush();
    expect(() => (aurea.track("signup"), aurea.conversion("purchase", { revenue: 9 }), aurea.identify("a@b.c"), aurea.page(), aurea.reset())).not.toThrow();
  });

  test("missing options do not throw either", () => {
    expect(createAurea(undefined as never).checkoutReference()).toBe("");
  });
});
