import { createHash } from "node:crypto";
import { parseThreeLevelName } from "../../catalog/three-level-name.js";
import type { DatabricksRouting, FunctionDefinition } from "../../functions/function-definition.js";

/**
 * The Model Serving endpoint that answers a function's predictions on Databricks. One endpoint
 * per function, with a stable name, so that moving the function's alias changes which version
 * the endpoint serves (a redeploy) and never a name that queries or UC functions spell.
 */
export function endpointNameOf(definition: FunctionDefinition): string {
  if (definition.databricks?.endpoint) return definition.databricks.endpoint;
  const name = parseThreeLevelName(definition.name, "function");
  const derived = `modelsql-${name.catalog}-${name.schema}-${name.object}`.replace(/[^A-Za-z0-9_-]/g, "-");
  if (derived.length <= 63) return derived;
  // Endpoint names are at most 63 characters: keep a readable prefix and a hash of the rest.
  const hash = createHash("sha256").update(derived).digest("hex").slice(0, 8);
  return `${derived.slice(0, 54)}-${hash}`;
}

export function routingOf(definition: FunctionDefinition): Required<DatabricksRouting> {
  // `route: sql` in the definition means compiled SQL on Databricks too; `auto` keeps the
  // serving endpoint there, since modelsql cannot time a warehouse to choose (README).
  const fallback = definition.route === "sql" ? "sql" : "uc_function";
  return { route: definition.databricks?.route ?? fallback, endpoint: endpointNameOf(definition) };
}
