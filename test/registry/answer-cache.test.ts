import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AnswerCache } from "../../src/registry/mlflow/answer-cache.js";

/** The short-lived cache of MLflow's answers (where an alias points), on a fake clock. */
describe("answers from the MLflow server kept for a while", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-27T00:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("asks once within the cache time, and again once it has passed", async () => {
    const cache = new AnswerCache(5000);
    let asked = 0;
    const load = async () => ++asked;
    expect(await cache.get("alias main.ml.churn champion", load)).toBe(1);
    vi.setSystemTime(Date.now() + 4999);
    expect(await cache.get("alias main.ml.churn champion", load)).toBe(1);
    vi.setSystemTime(Date.now() + 2);
    expect(await cache.get("alias main.ml.churn champion", load)).toBe(2);
    expect(asked).toBe(2);
  });

  it("keeps nothing with a cache time of 0", async () => {
    const cache = new AnswerCache(0);
    let asked = 0;
    await cache.get("k", async () => ++asked);
    await cache.get("k", async () => ++asked);
    expect(asked).toBe(2);
  });

  it("never keeps a failure: the next call asks again", async () => {
    const cache = new AnswerCache(60_000);
    await expect(cache.get("k", async () => Promise.reject(new Error("server down")))).rejects.toThrow(
      "server down",
    );
    expect(await cache.get("k", async () => "answered")).toBe("answered");
  });

  it("keys are separate, and clear() forgets every answer", async () => {
    const cache = new AnswerCache(60_000);
    expect(await cache.get("a", async () => 1)).toBe(1);
    expect(await cache.get("b", async () => 2)).toBe(2);
    cache.clear();
    expect(await cache.get("a", async () => 3)).toBe(3);
  });
});
