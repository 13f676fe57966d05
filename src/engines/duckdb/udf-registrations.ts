import { readFileSync } from "node:fs";
import path from "node:path";
import { BOOLEAN, type DuckDBConnection, DuckDBScalarFunction, INTEGER, VARCHAR } from "@duckdb/node-api";
import { asModelSqlError, describeCause, ModelSqlError } from "../../errors.js";
import { bindFunction, type FunctionBinding } from "../../functions/function-binding.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import { chooseRoute, type RouteChoice } from "../../functions/route-choice.js";
import type { ModelSessionCache } from "../../models/model-session-cache.js";
import type { OnnxModel } from "../../models/onnx-model.js";
import type { ModelRegistry, ModelVersion } from "../../registry/model-registry.js";
import { resolveModelUri } from "../../registry/model-uri-resolution.js";
import { readMlGraph } from "../../sql/compile/onnx-ml-nodes.js";
import { type CompiledBodies, compiledMacroBodies, NULL_INPUT_FUNCTION } from "./compiled-macro-bodies.js";
import { createCompiledRouteObserver, observedCall } from "./compiled-route-observer.js";
import type { CompiledRoutes } from "./compiled-routes.js";
import { quoteIdentifier } from "./duckdb-catalog-names.js";
import { structParameterName } from "./function-macros.js";
import {
  createPredictionUdf,
  parameterTypesOf,
  returnTypeOf,
  type ScoringHooks,
  udfSignature,
} from "./prediction-udf.js";
import { udfError } from "./udf-errors.js";
import { type CallForm, udfName } from "./udf-names.js";

/** The internal UDFs a function's macro calls, by call form. */
export interface UdfTargets {
  readonly positional: string;
  readonly struct?: string;
  /** On the compiled route: the model compiled to SQL, per call form. */
  readonly compiled?: CompiledBodies;
}

function withoutCompiled(targets: UdfTargets): UdfTargets {
  return { positional: targets.positional, ...(targets.struct ? { struct: targets.struct } : {}) };
}

export const BOUND_VERSION_FUNCTION = "modelsql:bound_version";

/** What a function is bound to for the statement about to run. */
export interface BoundVersion {
  readonly definition: FunctionDefinition;
  readonly binding: FunctionBinding | undefined;
  /** Why the function cannot score in this statement, when it cannot. */
  readonly failure: ModelSqlError | undefined;
  /** The route it scores by, and why (undefined when it cannot score). */
  readonly route: RouteChoice | undefined;
}

/**
 * Keeps each prediction function's UDFs registered on a connection with the model version its
 * URI resolves to now. `refresh` runs before every statement: it resolves every alias and stage
 * once, so all rows of the statement are scored by one version, and re-registers a UDF only
 * when the version (or the definition) changed since the last statement. Registering a name
 * again replaces the function (FINDINGS.md); it never happens while a statement runs.
 */
export class UdfRegistrations {
  private readonly registered = new Map<
    string,
    { key: string; shape: string; targets: UdfTargets; bound: BoundVersion }
  >();

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly registry: ModelRegistry,
    private readonly sessions: ModelSessionCache,
    private readonly hooks: ScoringHooks,
    private readonly routes: CompiledRoutes,
  ) {
    this.registerBoundVersionFunction();
    this.registerNullInputFunction();
  }

  /** `"modelsql:null_prediction_input"(function, parameter)`: fails as the UDF does on a NULL under on_null: fail. */
  private registerNullInputFunction(): void {
    this.connection.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: NULL_INPUT_FUNCTION,
        returnType: BOOLEAN,
        parameterTypes: [VARCHAR, VARCHAR],
        specialHandling: true,
        volatile: true,
        mainFunction: (_info, chunk) => {
          const functionName = String(chunk.getColumnVector(0).getItem(0));
          const parameter = chunk.getColumnVector(1).getItem(0);
          throw udfError(
            parameter === null
              ? new ModelSqlError(
                  "NULL_PREDICTION_INPUT",
                  `${functionName} got a NULL STRUCT argument, and its definition says on_null: fail`,
                  {
                    hint: "Filter such rows out (WHERE <argument> IS NOT NULL), or define the function with on_null: return_null.",
                  },
                )
              : new ModelSqlError(
                  "NULL_PREDICTION_INPUT",
                  `${functionName} got NULL for parameter ${parameter}, and its definition says on_null: fail`,
                  {
                    hint: `Filter such rows out (WHERE ${parameter} IS NOT NULL), or define the function with on_null: return_null.`,
                  },
                ),
          );
        },
      }),
    );
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
            output.setItem(row, bound && !bound.version.artifactReference ? bound.version.version : null);
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

  /** The UDF names each function's macro must call now. */
  targets(functionName: string): UdfTargets | undefined {
    return this.registered.get(functionName)?.targets;
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
      const shape = JSON.stringify(definition);
      const key = `${shape}|${version ? `${version.version}|${version.artifactHash}` : failure?.message}`;
      const previous = this.registered.get(definition.name);
      if (previous?.key === key) continue;
      let binding: FunctionBinding | undefined;
      let targets: UdfTargets | undefined;
      let route: RouteChoice | undefined;
      if (version) {
        try {
          binding = bindFunction(definition, version);
          targets = this.register(binding, this.sessions.sessionFor(version));
          route = await this.chooseRoute(binding);
          if (route.route === "sql") {
            try {
              targets = { ...targets, compiled: this.compiledBodies(binding) };
            } catch (error) {
              route = {
                route: "onnx",
                reason: `the compiled SQL could not be built: ${describeCause(error)}`,
              };
            }
          }
        } catch (error) {
          binding = undefined;
          route = undefined;
          failure = asModelSqlError(error);
        }
      }
      if (!targets) {
        // Keep the UDFs registered for this definition, which now fail with the reason (they
        // check before each chunk), or register placeholders that do only that.
        // Compiled SQL is dropped: it would score with the version it was compiled for.
        targets =
          previous && previous.shape === shape
            ? withoutCompiled(previous.targets)
            : this.registerFailing(definition);
      }
      this.registered.set(definition.name, {
        key,
        shape,
        targets,
        bound: { definition, binding, failure, route },
      });
    }
    for (const name of [...this.registered.keys()]) {
      if (!definitions.some((definition) => definition.name === name)) this.registered.delete(name);
    }
  }

  /** The route for a bound function; a check that cannot run leaves the function on the UDF, saying why. */
  private async chooseRoute(binding: FunctionBinding): Promise<RouteChoice> {
    const requested = binding.definition.route ?? "auto";
    if (requested === "onnx") return chooseRoute(requested, undefined);
    try {
      return chooseRoute(requested, await this.routes.checkFor(binding.version));
    } catch (error) {
      return { route: "onnx", reason: `the compiled route could not be checked: ${describeCause(error)}` };
    }
  }

  /** The compiled SQL per call form, each passed through an observer UDF for the inference log. */
  private compiledBodies(binding: FunctionBinding): CompiledBodies {
    const file = path.join(binding.version.artifactDirectory, binding.version.onnxFile);
    const structParameter = structParameterName(binding.definition);
    const bodies = compiledMacroBodies(binding, readMlGraph(readFileSync(file)), structParameter);
    const observe = (form: CallForm, compiled: string, argumentsSql: readonly string[]) => {
      const observer = createCompiledRouteObserver(binding, form, this.hooks);
      this.connection.registerScalarFunction(observer.udf);
      return observedCall(observer.name, compiled, argumentsSql);
    };
    const positional = observe(
      "positional",
      bodies.positional,
      binding.definition.parameters.map((parameter) => quoteIdentifier(parameter.name)),
    );
    if (bodies.struct === undefined) return { positional };
    return { positional, struct: observe("struct", bodies.struct, [quoteIdentifier(structParameter)]) };
  }

  private failureOf(functionName: string): () => Error | undefined {
    return () => this.registered.get(functionName)?.bound.failure;
  }

  private register(binding: FunctionBinding, model: OnnxModel): UdfTargets {
    const failure = this.failureOf(binding.definition.name);
    const positional = createPredictionUdf(binding, model, "positional", this.hooks, failure);
    this.connection.registerScalarFunction(positional.udf);
    if (binding.definition.parameters.length === 1) return { positional: positional.name };
    const struct = createPredictionUdf(binding, model, "struct", this.hooks, failure);
    this.connection.registerScalarFunction(struct.udf);
    return { positional: positional.name, struct: struct.name };
  }

  /**
   * Placeholders for a function whose model cannot be resolved or bound in this process yet: they
   * fail the statements that call the function, with the reason, and no other statement. The
   * return type is a guess (a BIGINT label) for label and struct returns; when the function binds
   * to a version with another signature, its UDFs get new names and the macro follows.
   */
  private registerFailing(definition: FunctionDefinition): UdfTargets {
    const inputs = definition.parameters.map((parameter) => ({ parameter }));
    const pseudoBinding = { definition, inputs, labelType: "BIGINT" } as unknown as FunctionBinding;
    const returnType = returnTypeOf(pseudoBinding);
    const failure = this.failureOf(definition.name);
    const forms: CallForm[] = definition.parameters.length > 1 ? ["positional", "struct"] : ["positional"];
    const names = forms.map((form) => {
      const parameterTypes = parameterTypesOf(pseudoBinding, form);
      const name = udfName(definition.name, form, udfSignature(returnType, parameterTypes));
      this.connection.registerScalarFunction(
        DuckDBScalarFunction.create({
          name,
          returnType,
          parameterTypes,
          specialHandling: true,
          mainFunction: () => {
            throw udfError(failure() ?? new Error(`${definition.name} cannot score`));
          },
        }),
      );
      return name;
    });
    return { positional: names[0] as string, ...(names[1] ? { struct: names[1] } : {}) };
  }
}
