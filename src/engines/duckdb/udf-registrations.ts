import { DOUBLE, type DuckDBConnection, DuckDBScalarFunction, INTEGER, VARCHAR } from "@duckdb/node-api";
import { asModelSqlError, describeCause, type ModelSqlError } from "../../errors.js";
import { bindFunction, type FunctionBinding } from "../../functions/function-binding.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import type { ModelSessionCache } from "../../models/model-session-cache.js";
import type { ModelRegistry, ModelVersion } from "../../registry/model-registry.js";
import { resolveModelUri } from "../../registry/model-uri-resolution.js";
import { createPredictionUdf, parameterTypesOf, type ScoringHooks } from "./prediction-udf.js";
import { positionalUdfName, structUdfName } from "./udf-names.js";

export const BOUND_VERSION_FUNCTION = "modelsql:bound_version";

/** What a function is bound to for the statement about to run. */
export interface BoundVersion {
  readonly definition: FunctionDefinition;
  readonly binding: FunctionBinding | undefined;
  /** Why the function cannot score in this statement, when it cannot. */
  readonly failure: ModelSqlError | undefined;
}

/**
 * Keeps each prediction function's UDFs registered on a connection with the model version its
 * URI resolves to now. `refresh` runs before every statement: it resolves every alias and stage
 * once, so all rows of the statement are scored by one version, and re-registers a UDF only
 * when the version (or the definition) changed since the last statement. Registering a name
 * again replaces the function (FINDINGS.md); it never happens while a statement runs.
 */
export class UdfRegistrations {
  private readonly registered = new Map<string, { key: string; bound: BoundVersion }>();

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly registry: ModelRegistry,
    private readonly sessions: ModelSessionCache,
    private readonly hooks: ScoringHooks,
  ) {
    this.registerBoundVersionFunction();
  }

  /**
   * `"modelsql:bound_version"('main.ml.predict_churn')`: the version the function scores with in
   * the running statement (NULL if it cannot score), so that batch scoring can write it beside
   * each prediction. Bindings change only between statements, so every row agrees.
   */
  private registerBoundVersionFunction(): void {
    this.connection.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: BOUND_VERSION_FUNCTION,
        returnType: INTEGER,
        parameterTypes: [VARCHAR],
        specialHandling: true,
        mainFunction: (_info, chunk, output) => {
          const names = chunk.getColumnVector(0);
          for (let row = 0; row < chunk.rowCount; row += 1) {
            const name = names.getItem(row);
            const bound = typeof name === "string" ? this.registered.get(name)?.bound.binding : undefined;
            output.setItem(row, bound ? bound.version.version : null);
          }
          output.flush();
        },
      }),
    );
  }

  /** The bindings in force for the current statement, by function name. */
  get current(): ReadonlyMap<string, BoundVersion> {
    return new Map([...this.registered].map(([name, entry]) => [name, entry.bound]));
  }

  async refresh(definitions: readonly FunctionDefinition[]): Promise<void> {
    for (const definition of definitions) {
      let version: ModelVersion | undefined;
      let failure: ModelSqlError | undefined;
      try {
        version = await resolveModelUri(this.registry, definition.model);
      } catch (error) {
        failure = asModelSqlError(error);
      }
      const key = `${JSON.stringify(definition)}|${version ? `${version.version}|${version.artifactHash}` : failure?.message}`;
      if (this.registered.get(definition.name)?.key === key) continue;
      let binding: FunctionBinding | undefined;
      if (version) {
        try {
          binding = bindFunction(definition, version);
          const model = this.sessions.sessionFor(version);
          this.connection.registerScalarFunction(
            createPredictionUdf(binding, model, "positional", this.hooks),
          );
          if (definition.parameters.length > 1) {
            this.connection.registerScalarFunction(createPredictionUdf(binding, model, "struct", this.hooks));
          }
        } catch (error) {
          binding = undefined;
          failure = asModelSqlError(error);
        }
      }
      if (failure) this.registerFailing(definition, failure);
      this.registered.set(definition.name, { key, bound: { definition, binding, failure } });
    }
    for (const name of [...this.registered.keys()]) {
      if (!definitions.some((definition) => definition.name === name)) this.registered.delete(name);
    }
  }

  /**
   * A function whose model cannot be resolved or bound fails only the statements that call it,
   * with the reason, rather than every statement in the session.
   */
  private registerFailing(definition: FunctionDefinition, failure: ModelSqlError): void {
    const pseudoBinding = {
      inputs: definition.parameters.map((parameter) => ({ parameter })),
    } as unknown as FunctionBinding;
    const forms: ("positional" | "struct")[] =
      definition.parameters.length > 1 ? ["positional", "struct"] : ["positional"];
    for (const form of forms) {
      this.connection.registerScalarFunction(
        DuckDBScalarFunction.create({
          name: form === "positional" ? positionalUdfName(definition.name) : structUdfName(definition.name),
          returnType: DOUBLE,
          parameterTypes: parameterTypesOf(pseudoBinding, form),
          specialHandling: true,
          mainFunction: () => {
            throw new Error(describeCause(failure));
          },
        }),
      );
    }
  }
}
