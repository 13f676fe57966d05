import { ModelSqlError } from "../../errors.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import type { NameReference } from "../../sql/analyse/query-references.js";

/**
 * Checks on the prediction function calls of a statement that DuckDB's binder cannot make:
 * - The internal UDFs (`"modelsql:..."`) are not for statements to call: their text arguments
 *   come with hashes the UDF trusts, which only the function's macro computes.
 * - No volatile function (random(), uuid(), nextval(), ...) inside a prediction call's
 *   arguments: the macro reads each text argument twice, for its value and for its hash, and a
 *   volatile argument would give the two from different draws. Computed in a subquery first,
 *   the value is drawn once.
 * `volatile` is DuckDB's own list (duckdb_functions() with stability VOLATILE).
 */
export function checkPredictionCalls(
  references: readonly NameReference[],
  definitions: readonly FunctionDefinition[],
  volatile: ReadonlySet<string>,
  /** For SQL modelsql writes itself, which reads the bound version through an internal UDF. */
  options: { allowInternal?: boolean } = {},
): void {
  const predictionNames = new Set(
    definitions.map((definition) => definition.name.split(".").pop() as string),
  );
  for (const reference of references) {
    if (reference.kind !== "function") continue;
    const name = reference.name.toLowerCase();
    if (name.startsWith("modelsql:") && !options.allowInternal) {
      throw new ModelSqlError(
        "UNRESOLVED_ROUTINE",
        `${reference.name} is internal to modelsql and cannot be called`,
        {
          hint: "Call the prediction function by its own name.",
        },
      );
    }
    const enclosingPrediction = reference.enclosingFunctions.find((enclosing) =>
      predictionNames.has(enclosing),
    );
    if (enclosingPrediction && volatile.has(name)) {
      throw new ModelSqlError(
        "UNSUPPORTED_STATEMENT",
        `${name}() is volatile and cannot stand inside the arguments of prediction function ${enclosingPrediction}`,
        {
          hint: `Compute it in a subquery first: SELECT ${enclosingPrediction}(x) FROM (SELECT ${name}() ... AS x ...).`,
        },
      );
    }
  }
}
