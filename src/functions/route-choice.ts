import type { CompiledRouteCheck } from "../registry/compiled-route-store.js";
import type { ScoringRoute } from "./function-definition.js";

/** The local route a function scores by in a statement, and why, as `explain` prints it. */
export interface RouteChoice {
  readonly route: "onnx" | "sql";
  readonly reason: string;
}

/** A measured rate as `1,234,567 rows/s`, or `missing` when it was not measured. */
export const formatRate = (value: number | null, missing = "?") =>
  value === null ? missing : `${Math.round(value).toLocaleString("en-US")} rows/s`;

/** The check's finding in a sentence: why compiled SQL is or is not offered. */
export function describeCheck(check: CompiledRouteCheck): string {
  switch (check.outcome) {
    case "passed":
      return `compiled SQL ${check.reason}`;
    case "failed":
      return `compiled SQL is not offered: ${check.reason}`;
    case "unsupported":
      return `no compiled SQL: ${check.reason.replace(/^\[UNSUPPORTED_FEATURE\] /, "").replace(/ The model scores through its ONNX Runtime UDF instead\.$/, "")}`;
  }
}

/**
 * Chooses between the ONNX UDF and compiled SQL for a function bound to a version:
 * - `onnx`: the UDF.
 * - `sql`: compiled SQL when the version passed its parity check; otherwise the UDF, saying why
 *   (a function never scores through SQL that was not shown equal to ONNX Runtime).
 * - `auto`: compiled SQL when it passed and its measured rows/s beat the UDF's in the same check
 *   (one statement over the sample repeated to 100,000 rows each, planning included, on this
 *   machine's DuckDB); otherwise the UDF.
 */
export function chooseRoute(requested: ScoringRoute, check: CompiledRouteCheck | undefined): RouteChoice {
  if (requested === "onnx") return { route: "onnx", reason: "route: onnx in the definition" };
  if (!check) return { route: "onnx", reason: "the compiled route has not been checked for this version" };
  if (check.outcome !== "passed") {
    const prefix = requested === "sql" ? "route: sql in the definition, but " : "";
    return { route: "onnx", reason: `${prefix}${describeCheck(check)}` };
  }
  if (requested === "sql")
    return { route: "sql", reason: `route: sql in the definition; ${describeCheck(check)}` };
  const timed = `compiled SQL ${formatRate(check.sqlRowsPerSecond)} vs ONNX UDF ${formatRate(check.onnxRowsPerSecond)} over ${check.measuredRows.toLocaleString("en-US")} rows`;
  if (
    check.sqlRowsPerSecond !== null &&
    check.onnxRowsPerSecond !== null &&
    check.sqlRowsPerSecond > check.onnxRowsPerSecond
  )
    return { route: "sql", reason: `route: auto; faster as SQL (${timed}); ${describeCheck(check)}` };
  return { route: "onnx", reason: `route: auto; faster as the ONNX UDF (${timed}); ${describeCheck(check)}` };
}
