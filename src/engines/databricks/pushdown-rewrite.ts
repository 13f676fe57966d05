import { ModelSqlError } from "../../errors.js";
import type { FunctionBinding } from "../../functions/function-binding.js";
import { DATABRICKS } from "../../sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../../sql/dialects/duckdb-dialect.js";
import { translateSql } from "../../sql/rewrite/dialect-translation.js";
import { catalogOfDuckdbDatabase } from "../duckdb/duckdb-catalog-names.js";
import type { PlannedStatement } from "../duckdb/local-session.js";
import { pushedDownCall } from "./prediction-pushdown.js";
import { routingOf } from "./serving-endpoint.js";

/** How one prediction call is pushed down, for `explain --target databricks`. */
export interface PushedDownRoute {
  readonly function: string;
  readonly route: "uc_function" | "ai_query";
  readonly endpoint: string;
  readonly model: string;
  readonly version: number;
}

export interface PushedDownStatement {
  readonly databricksSql: string;
  readonly routes: readonly PushedDownRoute[];
}

/** A Unity Catalog name as Databricks SQL text: `main.sales.customers`. */
export function databricksName(parts: readonly string[]): string {
  return parts.map((part) => DATABRICKS.identifier(part)).join(".");
}

/**
 * Writes a statement that passed the local checks as Databricks SQL: DuckDB syntax translated,
 * every table and view qualified with the catalog and schema it resolved to here (so the
 * warehouse reads what was checked, whatever its session's current schema), and each
 * prediction call routed to its Unity Catalog function or to ai_query inline.
 */
export function pushDown(planned: PlannedStatement): PushedDownStatement {
  const { statement, text } = planned;
  if (statement.analysis.kind !== "query") {
    throw new ModelSqlError(
      "UNSUPPORTED_STATEMENT",
      `Only queries run on Databricks through modelsql; this is a ${statement.analysis.kind.replaceAll("_", " ")} statement`,
      { hint: "Create views and functions there with `modelsql deploy --target databricks`." },
    );
  }
  const tables = new Map<number, string>();
  const calls = new Map<number, string>();
  for (const entry of statement.resolved) {
    const { reference, location } = entry;
    if (reference.kind === "table" && location && entry.securable) {
      tables.set(
        reference.location,
        databricksName([catalogOfDuckdbDatabase(location.database), location.schema, location.name]),
      );
    }
    if (reference.kind === "function" && entry.definition)
      calls.set(reference.location, entry.definition.name);
  }
  const routes: PushedDownRoute[] = [];
  const databricksSql = translateSql(text, DUCKDB, DATABRICKS, {
    name: (start) => tables.get(start),
    call: (site) => {
      const functionName = calls.get(site.start);
      if (!functionName) return undefined;
      const bound = statement.boundVersions.get(functionName);
      if (!bound?.binding) {
        throw (
          bound?.failure ??
          new ModelSqlError("UNRESOLVED_ROUTINE", `${functionName} has no model version to push down`)
        );
      }
      const binding: FunctionBinding = bound.binding;
      const structForm = site.arguments.length === 1 && binding.definition.parameters.length > 1;
      const routing = routingOf(binding.definition);
      routes.push({
        function: functionName,
        route: routing.route,
        endpoint: routing.endpoint,
        model: binding.version.name,
        version: binding.version.version,
      });
      return pushedDownCall(
        binding,
        site.arguments.map((argument) => argument.text),
        structForm,
      );
    },
  });
  return { databricksSql: databricksSql.trim(), routes };
}
