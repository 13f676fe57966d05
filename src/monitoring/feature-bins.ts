/**
 * How a feature's values are put in bins, the same way for its baseline and for what was scored:
 * a number by the baseline's deciles (values equal to an edge go above it), text or a boolean by
 * the baseline's categories (the 50 most frequent; anything else is "other"). NULL has its own
 * bin either way.
 */
export type FeatureBins =
  | { readonly name: string; readonly kind: "numeric"; readonly edges: readonly number[] }
  | { readonly name: string; readonly kind: "categorical"; readonly categories: readonly string[] };

export const MAX_CATEGORIES = 50;
export const NULL_BIN = "NULL";
export const OTHER_BIN = "other";

/** The bins' labels, in order: `< e1`, `[e1, e2)`, ..., `>= en`, NULL; or categories, other, NULL. */
export function binLabels(bins: FeatureBins): string[] {
  if (bins.kind === "categorical") return [...bins.categories, OTHER_BIN, NULL_BIN];
  const { edges } = bins;
  if (edges.length === 0) return ["all", NULL_BIN];
  return [
    `< ${edges[0]}`,
    ...edges.slice(1).map((edge, index) => `[${edges[index]}, ${edge})`),
    `>= ${edges[edges.length - 1]}`,
    NULL_BIN,
  ];
}

/** Which bin a value falls in (an index into binLabels). */
export function binOf(bins: FeatureBins, value: unknown): number {
  const labels = bins.kind === "categorical" ? bins.categories.length + 2 : bins.edges.length + 2;
  if (value === null || value === undefined) return labels - 1;
  if (bins.kind === "categorical") {
    const index = bins.categories.indexOf(String(value));
    return index < 0 ? bins.categories.length : index;
  }
  const number = typeof value === "bigint" ? Number(value) : Number(value);
  let bin = 0;
  while (bin < bins.edges.length && number >= (bins.edges[bin] as number)) bin += 1;
  return bin;
}
