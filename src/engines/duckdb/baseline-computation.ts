import type { FunctionDefinition } from "../../functions/function-definition.js";
import type { DriftBaseline, FeatureBaseline } from "../../monitoring/drift-baselines.js";
import { binLabels, type FeatureBins, MAX_CATEGORIES, NULL_BIN } from "../../monitoring/feature-bins.js";
import { quoteIdentifier } from "./duckdb-catalog-names.js";
import type { LocalSession } from "./local-session.js";

const DECILES = "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]";
const NUMERIC = new Set(["INT", "BIGINT", "FLOAT", "DOUBLE"]);

function numberOf(value: unknown): number {
  return typeof value === "bigint" ? Number(value) : Number(value);
}

/**
 * A function's drift baseline from a reference query (its training data): each parameter is the
 * query's column of the same name. Numbers are binned by the reference's deciles, text and
 * booleans by its 50 most frequent values. Every query runs through the session, so it is
 * analysed and its reads checked for the session's principal like any statement.
 */
export async function computeBaseline(
  session: LocalSession,
  definition: FunctionDefinition,
  referenceQuery: string,
): Promise<DriftBaseline> {
  // On lines of its own, so that a trailing -- comment in the query ends before the parenthesis.
  const reference = `(\n${referenceQuery.trim().replace(/;+$/, "")}\n) AS reference`;
  const columns = definition.parameters.map((parameter) => quoteIdentifier(parameter.name)).join(", ");
  // Fails naming a parameter the query lacks, before any statistics are computed.
  const [counted] = await session.queryRows(
    `SELECT count(*) AS n FROM (SELECT ${columns} FROM ${reference})`,
  );
  const rowCount = numberOf(counted?.n);
  const features: FeatureBaseline[] = [];
  for (const parameter of definition.parameters) {
    const column = quoteIdentifier(parameter.name);
    let bins: FeatureBins;
    let counts: number[];
    if (NUMERIC.has(parameter.type)) {
      const [row] = await session.queryRows(
        `SELECT quantile_disc(CAST(${column} AS DOUBLE), ${DECILES}) AS edges FROM ${reference}`,
      );
      // Infinite or NaN deciles make no edge: values beyond the finite ones share the outer bins.
      const edges = [...new Set(((row?.edges as unknown[] | null) ?? []).map(numberOf))]
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      bins = { name: parameter.name, kind: "numeric", edges };
      const binExpression = [
        `CASE WHEN ${column} IS NULL THEN ${edges.length + 1}`,
        ...edges.map(
          (edge, index) => `WHEN CAST(${column} AS DOUBLE) < ${edge.toExponential()} THEN ${index}`,
        ),
        `ELSE ${edges.length} END`,
      ].join(" ");
      const rows = await session.queryRows(
        `SELECT ${binExpression} AS bin, count(*) AS n FROM ${reference} GROUP BY ALL`,
      );
      counts = new Array<number>(binLabels(bins).length).fill(0);
      for (const binned of rows) counts[numberOf(binned.bin)] = numberOf(binned.n);
    } else {
      const rows = await session.queryRows(
        `SELECT CAST(${column} AS VARCHAR) AS v, count(*) AS n FROM ${reference} GROUP BY ALL ORDER BY n DESC, v`,
      );
      const present = rows.filter((row) => row.v !== null);
      const categories = present.slice(0, MAX_CATEGORIES).map((row) => String(row.v));
      bins = { name: parameter.name, kind: "categorical", categories };
      const labels = binLabels(bins);
      counts = new Array<number>(labels.length).fill(0);
      present.forEach((row, index) => {
        const bin = index < MAX_CATEGORIES ? index : categories.length;
        counts[bin] = (counts[bin] as number) + numberOf(row.n);
      });
      counts[labels.indexOf(NULL_BIN)] = numberOf(rows.find((row) => row.v === null)?.n ?? 0);
    }
    features.push({ bins, counts });
  }
  return {
    functionName: definition.name,
    referenceQuery,
    rowCount,
    features,
    createdAt: new Date(),
    createdBy: session.principal,
  };
}
