import { ModelSqlError } from "../../errors.js";
import type { FunctionBinding } from "../../functions/function-binding.js";
import { DATABRICKS } from "../../sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../../sql/dialects/duckdb-dialect.js";
import { type CallSite, type Translation, translateSql } from "../../sql/rewrite/dialect-translation.js";
import { catalogOfDuckdbDatabase } from "../duckdb/duckdb-catalog-names.js";
import type { PlannedStatement } from "../duckdb/local-session.js";
import { pushedDownCall } from "./prediction-pushdown.js";
import { routingOf } from "./serving-endpoint.js";

/** How one prediction call is pushed down, for `explain --target databricks`. */
export interface PushedDownRoute {
  readonly function: string;
  readonly route: "uc_function" | "ai_query" | "sql";
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
    strictFunctions: true,
    dropComments: true,
    name: (start) => tables.get(start),
    call: (site, translation) => {
      const functionName = calls.get(site.start);
      if (!functionName) return undefined;
      // `features.predict_churn()` is DuckDB's method-call form, predict_churn(features); only a
      // name written as the function's own (qualified or not) is sent.
      const written = site.nameParts.map((part) => part.toLowerCase());
      const own = functionName.split(".").slice(-written.length);
      if (own.length !== written.length || own.some((part, index) => part !== written[index])) {
        throw translation.unsupported(
          site.start,
          `The method-call form ${site.nameParts.join(".")}()`,
          "Pass the value as the first argument instead.",
        );
      }
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
      return pushedDownCall(binding, argumentsInOrder(binding, site, translation), structForm);
    },
  });
  // Spark substitutes `${...}` in the raw text before parsing; strings are written so they
  // hold none, and anything else that does is refused.
  if (databricksSql.includes("${")) {
    throw new ModelSqlError("UNSUPPORTED_FEATURE", "A name containing '${' cannot be sent to Databricks", {
      hint: "Databricks would read it as a variable to substitute; rename it.",
    });
  }
  return { databricksSql: databricksSql.trim(), routes };
}

/**
 * The arguments of a prediction call in parameter order. DuckDB lets a call name them
 * (`predict_churn(tenure := 5, gender := 'Female', ...)`), which the function's macro matches
 * by name; a UC function call and the ai_query request take them by position.
 */
function argumentsInOrder(binding: FunctionBinding, site: CallSite, translation: Translation): string[] {
  if (site.arguments.every((argument) => !argument.name))
    return site.arguments.map((argument) => argument.text);
  const byName = new Map(site.arguments.map((argument) => [argument.name?.toLowerCase(), argument.text]));
  const parameters = binding.definition.parameters;
  const complete =
    site.arguments.every((argument) => argument.name) &&
    byName.size === parameters.length &&
    parameters.every((parameter) => byName.has(parameter.name.toLowerCase()));
  if (!complete) {
    throw translation.unsupported(
      site.start,
      `A call of ${binding.definition.name} that names only some of its arguments`,
      "Name every argument, or none.",
    );
  }
  return parameters.map((parameter) => byName.get(parameter.name.toLowerCase()) as string);
}
