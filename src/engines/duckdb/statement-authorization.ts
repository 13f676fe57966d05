import { completeName } from "../../catalog/three-level-name.js";
import { ModelSqlError } from "../../errors.js";
import { type Authorizer, accessChecks, type RequiredPrivilege } from "../../governance/authorization.js";
import type { Securable } from "../../governance/securables.js";
import { SYSTEM_CATALOG } from "../../monitoring/system-catalog.js";
import { isArtifactReference, parseModelUri } from "../../registry/model-uri.js";
import type { AnalysedStatement, WrittenName } from "../../sql/analyse/statement-analysis.js";
import type { ResolvedReference } from "./reference-resolution.js";

/** Table functions any principal may call: they read nothing outside the statement. */
const SAFE_TABLE_FUNCTIONS = new Set(["range", "generate_series", "unnest", "values"]);

export interface AuthorizationContext {
  readonly principal: string;
  readonly workspaceOwner: string;
  readonly authorizer: Authorizer;
  /** Unity Catalog `catalog.schema` of the session's current schema. */
  readonly currentSchema: string;
  /** Built-in functions that read the catalog's metadata (pg_get_viewdef, ...): owner only. */
  readonly metadataFunctions: ReadonlySet<string>;
  /** Whether a CREATE statement's target exists already (replacing it takes MANAGE on it). */
  readonly targetExists: (name: string) => boolean;
  /** The resolved references of a view's body, for checking them with its owner's rights. */
  readonly viewBody: (view: ResolvedReference) => Promise<readonly ResolvedReference[]>;
}

function refuseSystemCatalogWrites(statement: AnalysedStatement, currentSchema: string): void {
  let written: string | undefined;
  if (statement.kind === "create_table" || statement.kind === "create_view" || statement.kind === "drop_view")
    written = targetName(statement.target, currentSchema);
  else if (statement.kind === "create_schema") written = schemaName(statement.target, currentSchema);
  if (written?.split(".")[0] === SYSTEM_CATALOG) {
    throw new ModelSqlError(
      "INSUFFICIENT_PERMISSIONS",
      `The catalog system holds tables modelsql keeps (the inference log); no statement may change ${written}`,
      { hint: "Create tables and views in another catalog; read the system tables with SELECT." },
    );
  }
}

/** The three-level name a CREATE statement's target gets, in Unity Catalog's terms. */
export function targetName(target: WrittenName, currentSchema: string): string {
  return completeName(writtenParts(target), 3, currentSchema);
}

/** The schema a statement names (CREATE SCHEMA, USE, SHOW VIEWS IN), completed. */
export function schemaName(target: WrittenName | undefined, currentSchema: string): string {
  return target ? completeName(writtenParts(target), 2, currentSchema) : currentSchema;
}

function writtenParts(target: WrittenName): string[] {
  return target.parts.map((token) => token.text);
}

function schemaOf(name: string): Securable {
  return { type: "SCHEMA", name: name.split(".").slice(0, 2).join(".") };
}

/**
 * The privileges a statement needs before it may run, for the principal running it: SELECT on
 * what it reads (USE CATALOG and USE SCHEMA on the way), EXECUTE on the prediction functions it
 * calls, CREATE on where it creates. A view is read with SELECT on the view alone; what the view
 * reads is checked for its owner, as Unity Catalog runs views with their owner's rights, and so
 * is the model behind a function. Anything that cannot be checked is refused here.
 */
export async function requiredPrivileges(
  statement: AnalysedStatement,
  resolved: readonly ResolvedReference[],
  context: AuthorizationContext,
): Promise<RequiredPrivilege[]> {
  const checks = await readChecks(context.principal, resolved, context, new Set(), "read by the statement");
  const { principal } = context;
  refuseSystemCatalogWrites(statement, context.currentSchema);
  if (statement.kind === "create_table" || statement.kind === "create_view") {
    const name = targetName(statement.target, context.currentSchema);
    checks.push(...accessChecks(principal, "CREATE TABLE", schemaOf(name), `creates ${name}`));
    checks.push({
      principal,
      privilege: "CREATE TABLE",
      securable: schemaOf(name),
      reason: `creates ${name}`,
    });
    if (context.targetExists(name)) {
      checks.push({
        principal,
        privilege: "MANAGE",
        securable: { type: "TABLE", name },
        reason: `replaces ${name}`,
      });
    }
  } else if (statement.kind === "create_schema") {
    const catalog = schemaName(statement.target, context.currentSchema).split(".")[0] as string;
    checks.push({
      principal,
      privilege: "CREATE SCHEMA",
      securable: { type: "CATALOG", name: catalog },
      reason: "creates a schema",
    });
  } else if (statement.kind === "drop_view") {
    const name = targetName(statement.target, context.currentSchema);
    // Dropping what does not exist changes nothing (IF EXISTS) or fails in DuckDB.
    if (context.targetExists(name))
      checks.push(...accessChecks(principal, "MANAGE", { type: "TABLE", name }, `drops ${name}`));
  } else if (statement.kind === "describe") {
    const name = targetName(statement.target, context.currentSchema);
    checks.push(...accessChecks(principal, "SELECT", { type: "TABLE", name }, `describes ${name}`));
  } else if (statement.kind === "show_views") {
    const name = schemaName(statement.schema, context.currentSchema);
    checks.push(...accessChecks(principal, "USE SCHEMA", { type: "SCHEMA", name }, "lists its views"));
  } else if (statement.kind === "use") {
    const name = schemaName(statement.target, context.currentSchema);
    checks.push(...accessChecks(principal, "USE SCHEMA", { type: "SCHEMA", name }, "USE"));
  }
  return checks;
}

async function readChecks(
  principal: string,
  resolved: readonly ResolvedReference[],
  context: AuthorizationContext,
  viewsSeen: Set<string>,
  reason: string,
): Promise<RequiredPrivilege[]> {
  const checks: RequiredPrivilege[] = [];
  const privileged = principal === context.workspaceOwner;
  for (const entry of resolved) {
    const { reference } = entry;
    if (reference.kind === "table") {
      if (entry.unresolved || !entry.securable) {
        if (privileged) continue;
        throw new ModelSqlError(
          "TABLE_OR_VIEW_NOT_FOUND",
          `The table or view ${[reference.catalog, reference.schema, reference.name].filter((part) => part !== "").join(".")} cannot be found`,
          {
            hint: "Check the name, the current schema and the search path.",
          },
        );
      }
      checks.push(...accessChecks(principal, "SELECT", entry.securable, reason));
      if (entry.isView && !viewsSeen.has(entry.securable.name)) {
        viewsSeen.add(entry.securable.name);
        const owner = context.authorizer.ownerOf(entry.securable);
        const body = await context.viewBody(entry);
        checks.push(
          ...(await readChecks(
            owner,
            body,
            context,
            viewsSeen,
            `view ${entry.securable.name} runs as its owner ${owner}`,
          )),
        );
      }
    } else if (reference.kind === "function" && entry.definition && entry.securable) {
      checks.push(...accessChecks(principal, "EXECUTE", entry.securable, reason));
      const owner = context.authorizer.ownerOf(entry.securable);
      const model = parseModelUri(entry.definition.model);
      if (isArtifactReference(model)) {
        // A run's or logged model's artifact is no securable, so no grant can cover it: only the
        // workspace owner, who may read everything, may put one behind a function.
        if (owner !== context.workspaceOwner) {
          throw new ModelSqlError(
            "INSUFFICIENT_PERMISSIONS",
            `Function ${entry.definition.name} scores with ${entry.definition.model}, which no registered model version stands for, and its owner ${owner} is not the workspace owner`,
            {
              hint: "Register the model in MLflow and bind the function to models:/<name>@<alias>, so EXECUTE on the model governs it.",
            },
          );
        }
      } else {
        checks.push(
          ...accessChecks(
            owner,
            "EXECUTE",
            { type: "MODEL", name: model.name },
            `function ${entry.definition.name} scores with it as its owner ${owner}`,
          ),
        );
      }
    } else if (
      reference.kind === "function" &&
      !entry.definition &&
      !privileged &&
      context.metadataFunctions.has(reference.name.toLowerCase())
    ) {
      throw new ModelSqlError(
        "INSUFFICIENT_PERMISSIONS",
        `User '${principal}' may not call ${reference.name.toLowerCase()}(): it reads the catalog's metadata`,
        {
          hint: "Use DESCRIBE and SHOW VIEWS, which check privileges.",
        },
      );
    } else if (
      reference.kind === "table_function" &&
      !privileged &&
      !SAFE_TABLE_FUNCTIONS.has(reference.name.toLowerCase())
    ) {
      throw new ModelSqlError(
        "INSUFFICIENT_PERMISSIONS",
        `User '${principal}' may not call the table function ${reference.name.toLowerCase()}: only the workspace owner reads outside the catalog`,
        {
          hint: "Read tables and views of the catalog instead.",
        },
      );
    }
  }
  return checks;
}
