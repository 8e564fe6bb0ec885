// Settings → Data size: what this funnel's data takes on disk now, and what it will take
// at the current rate once its retention window is full. Loaded into <section id="data-size">.
import type { FunnelDataSize } from "../../src/store/sqlite/data-size";
import { html, type SafeHtml } from "../html";

export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");

export function dataSizeCard(s: FunnelDataSize): SafeHtml {
  const kept = s.retentionDays === null ? html`a year of data (no retention is set: everything is kept, so it keeps growing)` : html`the ${count(s.retentionDays)} days it keeps`;
  return html`<header class="card-head"><h2>Data size</h2></header>
    <div class="card-body">
      <dl class="facts">
        <div><dt>This funnel now</dt>
        <dd data-size-bytes="${s.bytes}">about <strong>${formatBytes(s.bytes)}</strong> for ${count(s.events)} events (${count(s.bytesPerEvent)} bytes each, indexes and rollups included)</dd></div>
        <div><dt>At the current rate</dt>
        <dd data-projected-bytes="${s.projectedBytes}">${count(s.eventsPerDay)} events a day: <strong>${formatBytes(s.projectedBytes)}</strong> for ${kept}</dd></div>
        <div><dt>Database file</dt>
        <dd>${formatBytes(s.fileBytes)}${s.freeBytes ? html`, of which ${formatBytes(s.freeBytes)} is free space ${s.givesSpaceBack ? "given back after the next retention pass" : "kept inside the file for new data"}` : ""}</dd></div>
      </dl>
      <p class="hint">Events past the retention are deleted once a day${s.givesSpaceBack ? " and their space goes back to the disk" : html`; their space is reused, and goes back to the disk once Aurea could compact the file at a start (it needs about twice the file's size free)`}. Sizes are shared out between funnels by their number of events.</p>
    </div>`;
}
