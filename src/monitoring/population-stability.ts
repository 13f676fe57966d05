/**
 * The population stability index of a feature: how far its distribution now (`actual`) has
 * moved from the baseline (`expected`), over the same bins:
 *
 *   PSI = Σ (a_i − e_i) · ln(a_i / e_i)
 *
 * with a_i, e_i each bin's share. A bin empty on one side would make the term infinite; as is
 * common, shares are floored at 0.0001 first. Read as: below 0.1 stable, 0.1 to 0.25 a moderate
 * shift, above 0.25 a significant one.
 */
export const PSI_SHARE_FLOOR = 1e-4;

export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) throw new Error("PSI needs the same bins on both sides");
  const share = (counts: readonly number[]) => {
    const total = counts.reduce((sum, count) => sum + count, 0);
    return counts.map((count) => Math.max(total === 0 ? 0 : count / total, PSI_SHARE_FLOOR));
  };
  const e = share(expected);
  const a = share(actual);
  return e.reduce((sum, eShare, index) => {
    const aShare = a[index] as number;
    return sum + (aShare - eShare) * Math.log(aShare / eShare);
  }, 0);
}

export type DriftLevel = "stable" | "moderate" | "significant";

export function driftLevel(psi: number): DriftLevel {
  if (psi < 0.1) return "stable";
  if (psi <= 0.25) return "moderate";
  return "significant";
}
