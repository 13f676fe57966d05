import { ModelSqlError } from "../errors.js";

/** MLflow's legacy model version stages, in MLflow's canonical spelling. */
export const MODEL_STAGES = ["None", "Staging", "Production", "Archived"] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** The stages whose versions `--archive-existing` may archive (MLflow's "active" stages). */
export const ACTIVE_STAGES: readonly ModelStage[] = ["Staging", "Production"];

/** MLflow matches stage names case-insensitively and stores the canonical spelling. */
export function canonicalStage(text: string): ModelStage {
  const found = MODEL_STAGES.find((stage) => stage.toLowerCase() === text.toLowerCase());
  if (!found) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `Invalid model version stage: '${text}'. Value must be one of ${MODEL_STAGES.join(", ")}.`,
    );
  }
  return found;
}
