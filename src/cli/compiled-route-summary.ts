import { describeCheck, formatRate } from "../functions/route-choice.js";
import type { CompiledRouteCheck } from "../registry/compiled-route-store.js";

const rate = (value: number | null) => formatRate(value, "not timed");

/** One line on a version's compiled route, for register, describe and compile. */
export function compiledRouteSummary(check: CompiledRouteCheck | undefined, target: string): string {
  if (!check) return `not checked yet (run \`modelsql models compile ${target}\`)`;
  const timing =
    check.measuredRows > 0
      ? `; timed over ${check.measuredRows.toLocaleString("en-US")} rows: compiled SQL ${rate(check.sqlRowsPerSecond)}, ONNX UDF ${rate(check.onnxRowsPerSecond)}`
      : "";
  return `${check.outcome}: ${describeCheck(check)}${timing}`;
}
