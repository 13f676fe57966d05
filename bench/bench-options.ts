/** Shared by the benchmarks: numeric command-line options, timing, and JSON output for the suite. */
import { writeFileSync } from "node:fs";

/** `--name N` from the command line, or `fallback`. */
export function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The median of `repeats` runs of `work`, in seconds. */
export async function medianSeconds(
  repeats: number,
  work: () => Promise<unknown> | unknown,
): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < repeats; index += 1) {
    const start = performance.now();
    await work();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

/** The value below which `fraction` of the values fall (nearest rank). */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

/** Sequential timings of `call`, in milliseconds, after `warmup` untimed calls. */
export async function latencies(
  count: number,
  call: () => Promise<unknown>,
  warmup = 100,
): Promise<number[]> {
  for (let index = 0; index < warmup; index += 1) await call();
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times;
}

/** With `--json FILE` on the command line, writes `value` there (bench/suite.ts reads it). */
export function writeJsonResult(value: unknown): void {
  const index = process.argv.indexOf("--json");
  if (index >= 0) writeFileSync(process.argv[index + 1] as string, `${JSON.stringify(value, null, 2)}\n`);
}
