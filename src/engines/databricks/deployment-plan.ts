import { readFileSync } from "node:fs";
import path from "node:path";
import { ModelSqlError } from "../../errors.js";
import type { FunctionBinding } from "../../functions/function-binding.js";
import { describeCheck } from "../../functions/route-choice.js";
import type { Grant } from "../../governance/grant-store.js";
import { describeModelVersion } from "../../registry/model-registry.js";
import { compileFunctionSql } from "../../sql/compile/compiled-function.js";
import { type MlGraph, readMlGraph } from "../../sql/compile/onnx-ml-nodes.js";
import { DATABRICKS } from "../../sql/dialects/databricks-dialect.js";
import { tokenizeDialect } from "../../sql/dialects/dialect-tokens.js";
import { DUCKDB } from "../../sql/dialects/duckdb-dialect.js";
import { applyEdits } from "../../sql/rewrite/text-edits.js";
import type { Workspace } from "../../workspace.js";
import { checkVersion } from "../duckdb/compiled-routes.js";
import { catalogOfDuckdbDatabase } from "../duckdb/duckdb-catalog-names.js";
import type { LocalSession } from "../duckdb/local-session.js";
import type { DeployedEndpoint } from "./local-ai-query.js";
import { aiQueryCall, returnTypeOf, ucFunctionName } from "./prediction-pushdown.js";
import { databricksName, pushDown } from "./pushdown-rewrite.js";
import { routingOf } from "./serving-endpoint.js";

/** One statement of a deployment, with what it makes. */
export interface DeploymentStatement {
  readonly kind: "function" | "view" | "grant";
  readonly object: string;
  readonly sql: string;
}

/** A serving endpoint's configuration, the body of Databricks' `POST /api/2.0/serving-endpoints`. */
export interface EndpointConfiguration {
  readonly name: string;
  readonly config: {
    readonly served_entities: readonly {
      readonly entity_name: string;
      readonly entity_version: string;
      readonly workload_size: string;
      readonly scale_to_zero_enabled: boolean;
    }[];
  };
  readonly tags: readonly { readonly key: string; readonly value: string }[];
}

export interface DeploymentPlan {
  readonly statements: readonly DeploymentStatement[];
  readonly endpoints: readonly EndpointConfiguration[];
  /** What the plan leaves out, and why. */
  readonly skipped: readonly { readonly object: string; readonly reason: string }[];
  /** What the endpoints will serve once deployed, for the deployment record. */
  readonly deployed: readonly DeployedEndpoint[];
}

/**
 * The Unity Catalog function for a prediction function: same name, the parameters with their
 * SQL types, the function's return type, and a body that calls ai_query on the function's
 * endpoint (prediction-pushdown.ts), or on the compiled route the model compiled to SQL. The
 * comment names the model version deployed.
 */
export function functionDdl(binding: FunctionBinding, compiledGraph?: MlGraph): string {
  const definition = binding.definition;
  const parameters = definition.parameters.map(
    (parameter) => `  ${DATABRICKS.identifier(parameter.name)} ${parameter.type}`,
  );
  const values = definition.parameters.map((parameter) => DATABRICKS.identifier(parameter.name));
  const where = compiledGraph
    ? "compiled to SQL (checked against ONNX Runtime by modelsql)"
    : `on the serving endpoint ${routingOf(definition).endpoint}`;
  const comment = `${definition.description ? `${definition.description} ` : ""}Scores with ${describeModelVersion(binding.version)} (${definition.model}) ${where}; deployed by modelsql.`;
  const body = compiledGraph ? compiledBody(binding, compiledGraph) : aiQueryCall(binding, values);
  return [
    `CREATE OR REPLACE FUNCTION ${ucFunctionName(definition)}(`,
    parameters.join(",\n"),
    `)`,
    `RETURNS ${DATABRICKS.sqlType(returnTypeOf(binding))}`,
    `COMMENT ${DATABRICKS.quoteString(comment)}`,
    `RETURN ${body}`,
  ].join("\n");
}

/**
 * The body of a function on the compiled route: the model compiled to Spark SQL over the
 * function's parameters, with the NULL policy raising NULL_PREDICTION_INPUT as ai_query's does.
 */
function compiledBody(binding: FunctionBinding, graph: MlGraph): string {
  const name = binding.definition.name;
  return compileFunctionSql(binding, graph, DATABRICKS, {
    argument: (index) => DATABRICKS.identifier(binding.inputs[index]?.parameter.name as string),
    failOnNull: (parameter) =>
      `raise_error(${DATABRICKS.quoteString(`[NULL_PREDICTION_INPUT] ${name} got NULL for parameter ${parameter}, and its definition says on_null: fail`)})`,
  });
}

/**
 * The graph a function on the compiled route deploys, once its version has passed the parity
 * check (made now if it was not recorded); a version that did not pass cannot deploy that way.
 */
async function compiledGraphFor(workspace: Workspace, binding: FunctionBinding): Promise<MlGraph> {
  const check = await checkVersion(workspace.compiledRoutes, binding.version);
  if (check.outcome !== "passed") {
    throw new ModelSqlError(
      "UNSUPPORTED_FEATURE",
      `${binding.definition.name} cannot deploy as compiled SQL: ${describeCheck(check)}`,
      {
        hint: "Deploy it through a serving endpoint instead: set databricks.route to uc_function or ai_query.",
      },
    );
  }
  return readMlGraph(readFileSync(path.join(binding.version.artifactDirectory, binding.version.onnxFile)));
}

function endpointConfiguration(binding: FunctionBinding): EndpointConfiguration {
  const definition = binding.definition;
  return {
    name: routingOf(definition).endpoint,
    config: {
      served_entities: [
        {
          entity_name: binding.version.name,
          entity_version: String(binding.version.version),
          workload_size: "Small",
          scale_to_zero_enabled: true,
        },
      ],
    },
    tags: [
      { key: "modelsql.function", value: definition.name },
      { key: "modelsql.model_uri", value: definition.model },
      { key: "modelsql.returns", value: DATABRICKS.sqlType(returnTypeOf(binding)) },
    ],
  };
}

/**
 * A stored view's SQL with DuckDB's database names turned back into Unity Catalog catalogs
 * (`"main_db".sales.t` is `main.sales.t`), so it can be analysed as a user's statement. Only
 * a name token followed by a dot is a catalog here; strings and other tokens stay as stored.
 */
function withCatalogNames(sql: string): string {
  const tokens = tokenizeDialect(sql, DUCKDB);
  const edits = tokens.flatMap((token, index) => {
    const next = tokens[index + 1];
    const isName = token.kind === "word" || token.kind === "identifier";
    if (!isName || next?.text !== "." || next.start !== token.end) return [];
    const catalog = catalogOfDuckdbDatabase(token.value);
    return catalog === token.value ? [] : [{ start: token.start, end: token.end, replacement: catalog }];
  });
  return applyEdits(sql, edits).text;
}

const SECURABLE_KEYWORD: Record<string, string | undefined> = {
  CATALOG: "CATALOG",
  SCHEMA: "SCHEMA",
  TABLE: "TABLE",
  FUNCTION: "FUNCTION",
};

function grantDdl(
  grant: Grant,
  isView: boolean,
  principalName: (local: string) => string,
): string | undefined {
  const keyword = isView ? "VIEW" : SECURABLE_KEYWORD[grant.securable.type];
  if (!keyword) return undefined;
  return `GRANT ${grant.privilege} ON ${keyword} ${databricksName(grant.securable.name.split("."))} TO ${DATABRICKS.quoteIdentifier(principalName(grant.principal))}`;
}

/**
 * Everything `modelsql deploy --target databricks` makes real in Unity Catalog, in the order it
 * must run: each prediction function (bound to the version its URI resolves to now), each view
 * (its query pushed down as a query would be), then the grants. Tables are data, which lives in
 * the warehouse already; their grants are deployed. Only the workspace owner deploys.
 */
export async function planDeployment(
  session: LocalSession,
  workspace: Workspace,
  options: { principalName?: (local: string) => string } = {},
): Promise<DeploymentPlan> {
  if (session.principal !== workspace.owner) {
    throw new ModelSqlError(
      "INSUFFICIENT_PERMISSIONS",
      `User '${session.principal}' may not deploy the workspace; only its owner '${workspace.owner}' may`,
      { hint: "Run deploy as the workspace owner." },
    );
  }
  const principalName = options.principalName ?? ((local: string) => local);
  const statements: DeploymentStatement[] = [];
  const endpoints: EndpointConfiguration[] = [];
  const skipped: { object: string; reason: string }[] = [];
  const deployed: DeployedEndpoint[] = [];
  for (const [name, bound] of await session.currentBindings()) {
    if (!bound.binding) {
      skipped.push({
        object: name,
        reason: bound.failure?.message.split("\n")[0] ?? "it has no model version",
      });
      continue;
    }
    if (routingOf(bound.definition).route === "sql") {
      // No endpoint: the warehouse itself computes the model.
      const graph = await compiledGraphFor(workspace, bound.binding);
      statements.push({ kind: "function", object: name, sql: functionDdl(bound.binding, graph) });
      continue;
    }
    if (bound.binding.version.artifactReference) {
      skipped.push({
        object: name,
        reason: `it scores with ${bound.binding.version.name}, which no registered model version stands for, and a serving endpoint serves registered versions (register it, or use route: sql)`,
      });
      continue;
    }
    statements.push({ kind: "function", object: name, sql: functionDdl(bound.binding) });
    endpoints.push(endpointConfiguration(bound.binding));
    deployed.push({
      endpoint: routingOf(bound.definition).endpoint,
      functionName: name,
      modelName: bound.binding.version.name,
      version: bound.binding.version.version,
    });
  }
  const endpointOwners = new Map<string, string>();
  for (const entry of deployed) {
    const other = endpointOwners.get(entry.endpoint);
    if (other) {
      throw new ModelSqlError(
        "INVALID_PARAMETER_VALUE",
        `Functions ${other} and ${entry.functionName} both name the serving endpoint '${entry.endpoint}'`,
        {
          hint: "An endpoint serves one function's model version; give each function its own (databricks.endpoint).",
        },
      );
    }
    endpointOwners.set(entry.endpoint, entry.functionName);
  }
  const views = await session.views();
  const viewStatements = new Map<string, { sql: string; reads: string[] }>();
  for (const view of views) {
    const [created] = await session.plan(withCatalogNames(view.sql), { enforce: false });
    const analysis = created?.statement.analysis;
    if (!created || analysis?.kind !== "create_view") {
      skipped.push({ object: view.name, reason: "modelsql could not read the view's definition" });
      continue;
    }
    const body = created.text.slice(analysis.queryOffset).replace(/;\s*$/, "");
    const [query] = await session.plan(body, { enforce: false });
    const planned = query as NonNullable<typeof query>;
    const pushed = pushDown(planned);
    viewStatements.set(view.name, {
      sql: `CREATE OR REPLACE VIEW ${databricksName(view.name.split("."))} AS\n${pushed.databricksSql}`,
      reads: planned.statement.resolved.flatMap((entry) =>
        entry.isView && entry.securable ? [entry.securable.name] : [],
      ),
    });
  }
  // A view that reads another view is created after it.
  const created = new Set<string>();
  const create = (name: string, path: readonly string[]) => {
    const view = viewStatements.get(name);
    if (!view || created.has(name) || path.includes(name)) return;
    for (const read of view.reads) create(read, [...path, name]);
    created.add(name);
    statements.push({ kind: "view", object: name, sql: view.sql });
  };
  for (const name of viewStatements.keys()) create(name, []);
  const viewNames = new Set(views.map((view) => view.name));
  for (const grant of workspace.grants.all()) {
    const sql = grantDdl(grant, viewNames.has(grant.securable.name), principalName);
    const object = `${grant.privilege} on ${grant.securable.type} ${grant.securable.name} to ${grant.principal}`;
    if (sql) statements.push({ kind: "grant", object, sql });
    else {
      skipped.push({
        object,
        reason:
          "Unity Catalog grants on registered models are managed on the model (Catalog Explorer or the REST API), not with SQL this tool can check",
      });
    }
  }
  return { statements, endpoints, skipped, deployed };
}
