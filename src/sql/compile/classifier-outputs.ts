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
  return argmax(
    values,
    // Integer labels stay integers (a label output is int64), text labels are quoted.
    labels.map((label) => (typeof label === "number" ? String(label) : sql.text(label))),
  );
}

/**
 * A post transform applied to a row of scores, as ONNX Runtime applies it (SOFTMAX shifted by
 * the largest score, for the same rounding), or undefined when it has no SQL form here.
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
    case "SOFTMAX_ZERO": {
      const largest = scores.length === 1 ? scores[0] : `greatest(${scores.join(", ")})`;
      const exps = scores.map((score) =>
        transform === "SOFTMAX_ZERO"
          ? `CASE WHEN ${score} = 0 THEN 0e0 ELSE exp((${score}) - ${largest}) END`
          : `exp((${score}) - ${largest})`,
      );
      return exps.map((value) => `(${value} / (${exps.join(" + ")}))`);
    }
    default:
      return undefined;
  }
}
