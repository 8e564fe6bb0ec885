// The section-view rule, shared by section_view (autocapture.ts) and split-test
// exposures (experiments/chunk.ts): an element counts as seen once at least half of it
// is in view.
export function halfVisible(seen: (el: Element) => void): IntersectionObserver {
  return new IntersectionObserver(
    (entries) => {
      for (const en of entries) if (en.intersectionRatio >= 0.49) seen(en.target);
    },
    { threshold: 0.5 },
  );
}
