import type { MetadataStore } from "../../catalog/metadata-store.js";
import type { DeployedEndpoint } from "./local-ai-query.js";

interface DeploymentRow {
  function_name: string;
  endpoint: string;
  model_name: string;
  model_version: number;
}

/**
 * Which model version each function's serving endpoint was last deployed to serve. A query
 * written for the warehouse that calls ai_query on such an endpoint runs locally only while
 * the function still resolves to that version, so the laptop and the warehouse agree.
 */
export class DeploymentStore {
  constructor(private readonly store: MetadataStore) {}

  list(): DeployedEndpoint[] {
    return this.store
      .all<DeploymentRow>("SELECT * FROM databricks_deployments ORDER BY function_name")
      .map((row) => ({
        functionName: row.function_name,
        endpoint: row.endpoint,
        modelName: row.model_name,
        version: row.model_version,
      }));
  }

  record(endpoints: readonly DeployedEndpoint[], deployedBy: string): void {
    this.store.writeTransaction(() => {
      for (const endpoint of endpoints) {
        this.store.run(
          `INSERT INTO databricks_deployments (function_name, endpoint, model_name, model_version, deployed_by, deployed_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (function_name) DO UPDATE SET endpoint = excluded.endpoint, model_name = excluded.model_name,
             model_version = excluded.model_version, deployed_by = excluded.deployed_by, deployed_at = excluded.deployed_at`,
          endpoint.functionName,
          endpoint.endpoint,
          endpoint.modelName,
          endpoint.version,
          deployedBy,
          Date.now(),
        );
      }
    });
  }
}
