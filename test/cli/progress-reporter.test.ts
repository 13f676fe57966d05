import { expect, it } from "vitest";
import { ProgressReporter } from "../../src/cli/progress-reporter.js";

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 0;
  return { now: () => time, advance: (ms) => (time += ms) };
}

it("on a terminal, redraws one bar in place with rows/s and the time left", () => {
  const written: string[] = [];
  const time = clock();
  const progress = new ProgressReporter(10_000, "Scoring f", {
    interactive: true,
    write: (text) => written.push(text),
    now: time.now,
  });
  time.advance(1000);
  progress.advance(2500);
  time.advance(50);
  progress.advance(100); // within 100 ms of the last draw: not redrawn
  expect(written).toHaveLength(1);
  expect(written[0]).toMatch(
    /^\rScoring f \[#{8}-{22}\] 25% {2}2,500\/10,000 rows {2}2,500 rows\/s {2}0:03 left/,
  );
  time.advance(2950);
  progress.advance(7400);
  progress.finish();
  expect(written.at(-1)).toBe(
    `\rScoring f [${"#".repeat(30)}] 100%  10,000/10,000 rows  2,500 rows/s  in 0:04\u001b[K\n`,
  );
});

it("elsewhere, writes a plain line every few seconds and one at the end", () => {
  const written: string[] = [];
  const time = clock();
  const progress = new ProgressReporter(1000, "Scoring f", {
    interactive: false,
    write: (text) => written.push(text),
    now: time.now,
  });
  for (let step = 0; step < 10; step += 1) {
    time.advance(1000);
    progress.advance(100);
  }
  progress.finish();
  expect(written).toEqual([
    "Scoring f: 50%  500/1,000 rows  100 rows/s  0:05 left\n",
    "Scoring f: 100%  1,000/1,000 rows  100 rows/s  0:00 left\n",
    "Scoring f: 100%  1,000/1,000 rows  100 rows/s  in 0:10\n",
  ]);
});
