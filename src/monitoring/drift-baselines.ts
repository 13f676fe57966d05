import type { MetadataStore } from "../catalog/metadata-store.js";
import { ModelSqlError } from "../errors.js";
import type { FeatureBins } from "./feature-bins.js";

/** A feature's bins and how many reference rows fell in each. */
export interface FeatureBaseline {
  readonly bins: FeatureBins;
  readonly counts: readonly number[];
}

/** What a function's inputs looked like in its reference data (the training data). */
export interface DriftBaseline {
  readonly functionName: string;
  readonly referenceQuery: string;
  readonly rowCount: number;
  readonly features: readonly FeatureBaseline[];
  readonly createdAt: Date;
  readonly createdBy: string;
}

interface BaselineRow {
  function_name: string;
  reference_query: string;
  row_count: number;
  features_json: string;
  created_at: number;
  created_by: string;
}

/** Drift baselines in the workspace's metadata, one per prediction function (migration 9). */
export class DriftBaselines {
  constructor(private readonly store: MetadataStore) {}

  save(baseline: DriftBaseline): void {
    this.store.writeTransaction(() =>
      this.store.run(
        `INSERT INTO drift_baselines (function_name, reference_query, row_count, features_json, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (function_name) DO UPDATE SET reference_query = excluded.reference_query,
           row_count = excluded.row_count, features_json = excluded.features_json,
           created_at = excluded.created_at, created_by = excluded.created_by`,
        baseline.functionName,
        baseline.referenceQuery,
        baseline.rowCount,
        JSON.stringify(baseline.features),
        baseline.createdAt.getTime(),
        baseline.createdBy,
      ),
    );
  }

  find(functionName: string): DriftBaseline | undefined {
    const row = this.store.get<BaselineRow>(
      "SELECT * FROM drift_baselines WHERE function_name = ?",
      functionName,
    );
    if (!row) return undefined;
    return {
      functionName: row.function_name,
      referenceQuery: row.reference_query,
      rowCount: row.row_count,
      features: JSON.parse(row.features_json) as FeatureBaseline[],
      createdAt: new Date(row.created_at),
      createdBy: row.created_by,
    };
  }

  get(functionName: string): DriftBaseline {
    const found = this.find(functionName);
    if (!found) {
      throw new ModelSqlError("INVALID_PARAMETER_VALUE", `${functionName} has no drift baseline`, {
        hint: `Set one from its training data: modelsql monitor baseline ${functionName} --query "SELECT ... FROM <training table>".`,
      });
    }
    return found;
  }
}
