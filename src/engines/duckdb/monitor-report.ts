import type { FunctionDefinition } from "../../functions/function-definition.js";
import type { DriftBaseline } from "../../monitoring/drift-baselines.js";
import { binLabels, binOf } from "../../monitoring/feature-bins.js";
import {
  type DriftLevel,
  driftLevel,
  populationStabilityIndex,
} from "../../monitoring/population-stability.js";
import { quoteLiteral } from "./duckdb-catalog-names.js";
import type { LocalSession } from "./local-session.js";

/** Scored rows of one model version in one time bucket. */
export interface ScoringBucket {
  readonly start: Date;
  readonly modelVersion: number | null;
  readonly statements: number;
  readonly rows: number;
  readonly p50LatencyMs: number;
}

export interface PredictionBin {
  readonly label: string;
  /** Scored rows the sample stands for in this bin (each sampled row weighs rows scored / rows sampled). */
  readonly weight: number;
  readonly share: number;
}

export interface FeatureDrift {
  readonly feature: string;
  /** Null while nothing has been scored to compare. */
  readonly psi: number | null;
  readonly level: DriftLevel | "no scored rows";
  readonly bins: readonly { readonly label: string; readonly baseline: number; readonly scored: number }[];
}

/** What `modelsql monitor` and the dashboard show for one function. */
export interface MonitorReport {
  readonly functionName: string;
  readonly since: Date | null;
  readonly scoring: readonly ScoringBucket[];
  readonly sampledRows: number;
  readonly predictions: readonly PredictionBin[];
  /** Absent when the function has no baseline. */
  readonly drift: { readonly baseline: DriftBaseline; readonly features: readonly FeatureDrift[] } | null;
}

const PROBABILITY_BINS = 10;

type ReturnKind = FunctionDefinition["returns"]["kind"];

function numberOf(value: unknown): number {
  return typeof value === "bigint" ? Number(value) : Number(value);
}

/**
 * A prediction's bin: a probability by tenths (0 and 1 in the first and last), a label (or a
 * STRUCT's label) as itself. The function's return kind decides, not the value.
 */
function predictionLabel(prediction: unknown, returns: ReturnKind): string {
  if (prediction !== null && typeof prediction === "object" && "label" in prediction) {
    return String((prediction as { label: unknown }).label);
  }
  if (returns === "probability" && typeof prediction === "number") {
    const bin = Math.min(Math.floor(prediction * PROBABILITY_BINS), PROBABILITY_BINS - 1);
    return `[${(bin / PROBABILITY_BINS).toFixed(1)}, ${((bin + 1) / PROBABILITY_BINS).toFixed(1)}${bin === PROBABILITY_BINS - 1 ? "]" : ")"}`;
  }
  return String(prediction);
}

/**
 * Builds the report from the system tables, through the session: so the principal needs SELECT
 * on system.serving.inference_log and inference_samples, as for any query of them. Only
 * statements that succeeded count. Samples are weighted by the rows each statement scored, so a
 * million-row statement and a one-row invocation count for what they scored.
 */
export async function buildMonitorReport(
  session: LocalSession,
  functionName: string,
  options: { since?: Date; bucket: "hour" | "day"; baseline?: DriftBaseline; returns: ReturnKind },
): Promise<MonitorReport> {
  const where = [
    `l.function_name = ${quoteLiteral(functionName)}`,
    "l.status = 'succeeded'",
    ...(options.since ? [`l.recorded_at >= ${quoteLiteral(options.since.toISOString())}::TIMESTAMP`] : []),
  ].join(" AND ");
  const scoring = (
    await session.queryRows(
      `SELECT date_trunc('${options.bucket}', l.recorded_at) AS start, l.model_version AS version,
              count(*) AS statements, sum(l.rows_scored) AS n, quantile_cont(l.latency_ms, 0.5) AS p50
         FROM system.serving.inference_log AS l WHERE ${where} GROUP BY ALL ORDER BY start, version`,
    )
  ).map((row) => ({
    start: row.start instanceof Date ? row.start : new Date(`${String(row.start).replace(" ", "T")}Z`),
    modelVersion: row.version === null ? null : numberOf(row.version),
    statements: numberOf(row.statements),
    rows: numberOf(row.n),
    p50LatencyMs: numberOf(row.p50),
  }));
  const samples = (
    await session.queryRows(
      `SELECT s.inputs, s.prediction, l.rows_scored / count(*) OVER (PARTITION BY s.log_id) AS weight
         FROM system.serving.inference_samples AS s JOIN system.serving.inference_log AS l ON l.id = s.log_id
        WHERE ${where}`,
    )
  ).map((row) => ({
    inputs: JSON.parse(String(row.inputs)) as Record<string, unknown>,
    prediction: JSON.parse(String(row.prediction)) as unknown,
    weight: numberOf(row.weight),
  }));
  const totalWeight = samples.reduce((sum, sample) => sum + sample.weight, 0);
  const byLabel = new Map<string, number>();
  for (const sample of samples) {
    const label = predictionLabel(sample.prediction, options.returns);
    byLabel.set(label, (byLabel.get(label) ?? 0) + sample.weight);
  }
  const predictions = [...byLabel.entries()]
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([label, weight]) => ({ label, weight, share: totalWeight === 0 ? 0 : weight / totalWeight }));
  const baseline = options.baseline;
  const drift = baseline
    ? {
        baseline,
        features: baseline.features.map((feature) => {
          const labels = binLabels(feature.bins);
          const scored = new Array<number>(labels.length).fill(0);
          for (const sample of samples) {
            const bin = binOf(feature.bins, sample.inputs[feature.bins.name]);
            scored[bin] = (scored[bin] as number) + sample.weight;
          }
          const psi = samples.length === 0 ? null : populationStabilityIndex(feature.counts, scored);
          return {
            feature: feature.bins.name,
            psi,
            level: psi === null ? ("no scored rows" as const) : driftLevel(psi),
            bins: labels.map((label, index) => ({
              label,
              baseline: feature.counts[index] as number,
              scored: scored[index] as number,
            })),
          };
        }),
      }
    : null;
  return {
    functionName,
    since: options.since ?? null,
    scoring,
    sampledRows: samples.length,
    predictions,
    drift,
  };
}
