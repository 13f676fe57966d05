import { describe, expect, it } from "vitest";
import { binLabels, binOf } from "../../src/monitoring/feature-bins.js";
import { driftLevel, populationStabilityIndex } from "../../src/monitoring/population-stability.js";

describe("the population stability index", () => {
  it("matches a hand-computed case: 50/50 moving to 25/75", () => {
    // (0.25 - 0.5) ln(0.25/0.5) + (0.75 - 0.5) ln(0.75/0.5) = 0.17329 + 0.10137
    expect(populationStabilityIndex([50, 50], [25, 75])).toBeCloseTo(0.274653, 6);
    expect(populationStabilityIndex([10, 30, 60], [1, 3, 6])).toBeCloseTo(0, 12);
  });

  it("floors an empty bin's share at 0.0001 rather than reach infinity", () => {
    // (0.5 - 1) ln(0.5/1) + (0.5 - 0.0001) ln(0.5/0.0001)
    expect(populationStabilityIndex([100, 0], [50, 50])).toBeCloseTo(0.346574 + 0.4999 * Math.log(5000), 6);
  });

  it("reads as stable below 0.1, moderate to 0.25, significant above", () => {
    expect([0.05, 0.1, 0.25, 0.2747].map(driftLevel)).toEqual([
      "stable",
      "moderate",
      "moderate",
      "significant",
    ]);
  });

  it("refuses bins that do not line up", () => {
    expect(() => populationStabilityIndex([1, 2], [1, 2, 3])).toThrow(/same bins/);
  });
});

describe("feature bins", () => {
  const tenure = { name: "tenure", kind: "numeric", edges: [6, 29, 55] } as const;
  const contract = {
    name: "contract",
    kind: "categorical",
    categories: ["Month-to-month", "Two year"],
  } as const;

  it("numbers go by the edges, a value on an edge above it, NULL in its own bin", () => {
    expect(binLabels(tenure)).toEqual(["< 6", "[6, 29)", "[29, 55)", ">= 55", "NULL"]);
    expect([0, 5.9, 6, 28, 29, 55, 72, null, 10n].map((value) => binOf(tenure, value))).toEqual([
      0, 0, 1, 1, 2, 3, 3, 4, 1,
    ]);
  });

  it("text goes by the baseline's categories; anything else is other", () => {
    expect(binLabels(contract)).toEqual(["Month-to-month", "Two year", "other", "NULL"]);
    expect(["Two year", "One year", null, "Month-to-month"].map((value) => binOf(contract, value))).toEqual([
      1, 2, 3, 0,
    ]);
  });
});
