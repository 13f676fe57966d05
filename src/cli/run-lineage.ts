import type { ModelVersion, RunLineage } from "../registry/model-registry.js";
import type { Workspace } from "../workspace.js";

/** The run behind a version, where the registry tracks runs; a lookup that fails leaves the id alone. */
export async function lineageOf(
  workspace: Workspace,
  version: ModelVersion,
): Promise<RunLineage | undefined> {
  if (!version.runId || !workspace.registry.runLineage) return undefined;
  return workspace.registry.runLineage(version.runId).catch(() => undefined);
}

/** The run line: its id, and where the registry tracks runs, its name, parameters and metrics. */
export function describeRun(version: ModelVersion, lineage: RunLineage | undefined): string | null {
  if (!lineage) return version.runId;
  const list = (entries: [string, string | number][]) =>
    entries.map(([key, value]) => `${key}=${value}`).join(", ");
  const about = [lineage.runName, lineage.experimentId ? `experiment ${lineage.experimentId}` : undefined]
    .filter((part) => part)
    .join(", ");
  return [
    `${lineage.runId}${about ? ` (${about})` : ""}`,
    `params: ${list(Object.entries(lineage.params)) || "none"}`,
    `metrics: ${list(Object.entries(lineage.metrics)) || "none"}`,
  ].join("; ");
}
