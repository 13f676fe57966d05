/**
 * The ways a command line names one model version: a models:/ or runs:/ URI, or a models:/ URI
 * without the scheme (`main.ml.churn/2`, `main.ml.churn@champion`, `main.ml.churn/Production`).
 * Returns undefined for a bare model name.
 */
export function modelUriOf(target: string): string | undefined {
  if (target.startsWith("models:/") || target.startsWith("runs:/")) return target;
  if (target.includes("/") || target.includes("@")) return `models:/${target}`;
  return undefined;
}
