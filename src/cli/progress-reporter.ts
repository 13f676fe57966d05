import { writeSync } from "node:fs";

/**
 * Progress of a long scoring run on standard error: a bar redrawn in place on a terminal, plain
 * lines every few seconds otherwise (logs, CI). Called from inside DuckDB's UDF callback, where
 * the event loop does not run, so it writes synchronously.
 */
export class ProgressReporter {
  private done = 0;
  private readonly started: number;
  private lastDrawn = 0;
  private readonly interactive: boolean;
  private readonly write: (text: string) => void;

  constructor(
    private readonly total: number,
    private readonly label: string,
    options: { interactive?: boolean; write?: (text: string) => void; now?: () => number } = {},
  ) {
    this.interactive = options.interactive ?? process.stderr.isTTY === true;
    this.write = options.write ?? ((text) => writeSync(2, text));
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  private readonly now: () => number;

  advance(rows: number): void {
    this.done += rows;
    const now = this.now();
    if (now - this.lastDrawn < (this.interactive ? 100 : 5000)) return;
    this.lastDrawn = now;
    this.draw(now, false);
  }

  finish(): void {
    this.draw(this.now(), true);
  }

  private draw(now: number, final: boolean): void {
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const left = rate > 0 ? Math.max(0, (this.total - this.done) / rate) : 0;
    const numbers = `${this.done.toLocaleString("en-US")}/${this.total.toLocaleString("en-US")} rows  ${Math.round(rate).toLocaleString("en-US")} rows/s`;
    const timing = final ? `in ${formatDuration(seconds)}` : `${formatDuration(left)} left`;
    if (this.interactive) {
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
      this.write(
        `\r${this.label} ${bar} ${Math.floor(fraction * 100)}%  ${numbers}  ${timing}\u001b[K${final ? "\n" : ""}`,
      );
    } else {
      this.write(`${this.label}: ${Math.floor(fraction * 100)}%  ${numbers}  ${timing}\n`);
    }
  }
}

function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  return `${minutes}:${String(whole % 60).padStart(2, "0")}`;
}
