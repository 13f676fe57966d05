import type { SqlWriter } from "./sql-writer.js";

/**
 * `results[i]` for the largest of `values`, the first on a tie (as ONNX Runtime's ArgMax and
 * its classifiers choose a label): a candidate wins when it is larger than every value before
 * it and no smaller than every value after it.
 */
export function argmax(values: readonly string[], results: readonly string[]): string {
  if (values.length === 1) return results[0] as string;
  const branches = values.slice(0, -1).map((value, index) => {
    const conditions = values.flatMap((other, position) =>
      position === index ? [] : [position < index ? `${value} > ${other}` : `${value} >= ${other}`],
    );
    return `WHEN ${conditions.join(" AND ")} THEN ${results[index]}`;
  });
  return `CASE ${branches.join(" ")} ELSE ${results[values.length - 1]} END`;
}

/** The label of the largest value among `values`, whose classes are `labels` in order. */
export function argmaxLabel(
  sql: SqlWriter,
  values: readonly string[],
  labels: readonly (string | number)[],
): string {
  const results = labels.map((label) => labelLiteral(sql, label));
  return sql.shared(values, (shared) => argmax(shared, results));
}

/** A class label as SQL: integer labels stay integers (a label output is int64), text is quoted. */
export function labelLiteral(sql: SqlWriter, label: string | number): string {
  return typeof label === "number" ? String(label) : sql.text(label);
}

/**
 * A post transform applied to a row of scores, as ONNX Runtime applies it, or undefined when it
 * has no SQL form here.
 */
export function postTransform(
  sql: SqlWriter,
  transform: string,
  scores: readonly string[],
): readonly string[] | undefined {
  switch (transform) {
    case "NONE":
      return scores;
    case "LOGISTIC":
      return scores.map((score) => sql.sigmoid(score));
    case "SOFTMAX":
      // p_i = 1 / Σ_j exp(s_j - s_i): each score appears 2K times, not K² (the shifted form
      // repeats the largest score in every exponent), and a large difference gives exp = inf,
      // so p = 0, its limit, rather than an overflow.
      if (scores.length === 1) return ["1e0"];
      return scores.map(
        (score) =>
          `(1e0 / (${scores.map((other) => (other === score ? "1e0" : `exp((${other}) - (${score}))`)).join(" + ")}))`,
      );
    case "SOFTMAX_ZERO": {
      const largest = scores.length === 1 ? scores[0] : `greatest(${scores.join(", ")})`;
      const exps = scores.map(
        (score) => `CASE WHEN ${score} = 0 THEN 0e0 ELSE exp((${score}) - ${largest}) END`,
      );
      return exps.map((value) => `(${value} / (${exps.join(" + ")}))`);
    }
    default:
      return undefined;
  }
}
