import { describe, expect, it } from "vitest";
import { StatementObservations } from "../../src/monitoring/statement-observations.js";

/** A seeded generator (mulberry32), so the sample is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sample = (row: number) => ({ inputs: { row }, prediction: row });

describe("what a statement's functions scored", () => {
  it("counts every scored row and keeps at most the sample size, each row once", () => {
    const observations = new StatementObservations(10, seeded(1));
    for (let chunk = 0; chunk < 5; chunk += 1) {
      observations.offer(
        "f",
        Int32Array.from({ length: 2048 }, (_, i) => i),
        (row) => sample(chunk * 2048 + row),
      );
    }
    const observed = observations.of("f");
    expect(observed?.rowsScored).toBe(10_240);
    expect(observed?.samples).toHaveLength(10);
    expect(new Set(observed?.samples.map((kept) => kept.prediction)).size).toBe(10);
  });

  it("keeps every row while there are fewer than the sample size, and only the scored ones", () => {
    const observations = new StatementObservations(100);
    observations.offer("f", [1, 3, 5], sample);
    expect(observations.of("f")?.samples.map((kept) => kept.prediction)).toEqual([1, 3, 5]);
    expect(observations.of("g")).toBeUndefined();
  });

  it("samples uniformly over the whole statement: late rows are kept as often as early ones", () => {
    // 2000 statements of 10,000 rows, a sample of 10 each: every row is kept with chance 1/1000.
    const random = seeded(7);
    let firstHalf = 0;
    let secondHalf = 0;
    for (let statement = 0; statement < 2000; statement += 1) {
      const observations = new StatementObservations(10, random);
      observations.offer(
        "f",
        Int32Array.from({ length: 10_000 }, (_, i) => i),
        sample,
      );
      for (const kept of observations.of("f")?.samples ?? []) {
        if ((kept.prediction as number) < 5000) firstHalf += 1;
        else secondHalf += 1;
      }
    }
    // 20,000 kept rows: each half expects 10,000 (standard deviation about 71).
    expect(firstHalf + secondHalf).toBe(20_000);
    expect(Math.abs(firstHalf - secondHalf)).toBeLessThan(600);
  });
});
