// What the script tag's core leaves on window._aureaX (the same object as window.aurea)
// for the code it loads later: the capture chunk (sdk/src/capture-chunk.ts), the
// funnel's script with the section views (sdk/src/sections.ts) and the experiments
// chunk. The chunk and the core may come from different releases for up to an hour
// (the core is cached that long), so these names only ever gain members.
import type { ExperimentsConfig } from "./experiments/assign";
import type { Pipe } from "./pipe";
import type { Aurea, CaptureOptions } from "./types";

export interface Hook extends Aurea {
  /** The capture options; absent when nothing is recorded (no key, no consent). */
  o?: CaptureOptions;
  /** The sections capture is on. */
  s?: boolean;
  /** The URL of the last page view (or of the page when the core started). */
  u?: string;
  /** Clicks and submits seen before the capture chunk ran; 0 once it ran or failed. */
  b?: Event[] | 0;
  /** The recorded events' queue, for the chunk's sender. */
  p?: Pipe;
  /** The funnel's experiments, set by its script for the experiments chunk. */
  c?: ExperimentsConfig;
}

export const hook = () => (window as unknown as { _aureaX?: Hook })._aureaX;
