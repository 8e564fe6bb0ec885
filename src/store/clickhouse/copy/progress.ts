// One phase's progress as a line at most every interval (rows done / total, percentage,
// rate since this run started), and a last line when the phase ends.
export class ProgressLine {
  private started = performance.now();
  private lastPrinted = 0;
  private doneThisRun = 0;

  constructor(
    private label: string,
    private done: number,
    private total: number,
    private print: (line: string) => void,
    private intervalMs = 2000,
  ) {}

  add(rows: number): void {
    this.done += rows;
    this.doneThisRun += rows;
    const now = performance.now();
    if (now - this.lastPrinted >= this.intervalMs && now - this.started >= this.intervalMs) {
      this.lastPrinted = now;
      this.print(this.line(now));
    }
  }

  finish(): void {
    this.print(`${this.line(performance.now())} — done`);
  }

  private line(now: number): string {
    const pct = this.total ? (100 * this.done) / this.total : 100;
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? Math.round(this.doneThisRun / secs) : 0;
    const n = (x: number) => x.toLocaleString("en-US");
    return `${this.label}: ${n(this.done)} / ${n(this.total)} (${pct.toFixed(1)} %), ${n(rate)} rows/s, ${secs.toFixed(1)} s`;
  }
}
