import { existsSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { DuckDBTypeId } from "@duckdb/node-api";
import { completeName } from "../../catalog/three-level-name.js";
import { describeCause, ModelSqlError } from "../../errors.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import { findFunction } from "../../functions/function-lookup.js";
import { duckdbTypeName } from "../../functions/sql-types.js";
import type { ModelVersion } from "../../registry/model-registry.js";
import type { Workspace } from "../../workspace.js";
import {
  catalogOfDuckdbDatabase,
  duckdbDatabaseOf,
  quoteIdentifier,
  quoteLiteral,
} from "./duckdb-catalog-names.js";
import type { LocalSession } from "./local-session.js";
import { BOUND_VERSION_FUNCTION } from "./udf-registrations.js";

export interface ScoreRequest {
  /** A function name: three-level, or the last part when only one function has it. */
  readonly functionName: string;
  /** A table or view name, or a .parquet or .csv file. */
  readonly input: string;
  /** A .parquet or .csv file, or a table name. */
  readonly output: string;
  /** Input columns written beside the predictions (default: every column that is not a feature). */
  readonly keep?: readonly string[];
  readonly overwrite: boolean;
  /** Told the row count and what is being scored just before scoring starts. */
  readonly onStart?: (rows: number, label: string) => void;
}

export interface ScoreOutcome {
  readonly rows: number;
  readonly functionName: string;
  readonly modelVersion: number | null;
  readonly output: string;
}

type Target =
  | { readonly kind: "file"; readonly path: string; readonly format: "parquet" | "csv" }
  | { readonly kind: "table"; readonly name: string };

function fileFormat(name: string): "parquet" | "csv" | undefined {
  const extension = path.extname(name).toLowerCase();
  return extension === ".parquet" ? "parquet" : extension === ".csv" ? "csv" : undefined;
}

const TABLE_NAME = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*){0,2}$/;

function checkTableName(name: string, role: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `--${role} '${name}' is neither a .parquet or .csv file nor a table name`,
      {
        hint: "Give a file ending in .parquet or .csv, or a table name such as main.sales.customers.",
      },
    );
  }
  return name;
}

function inputRelation(input: string): string {
  const format = fileFormat(input);
  if (!format) return checkTableName(input, "input");
  const file = path.resolve(input);
  if (!existsSync(file))
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `--input file '${input}' does not exist`);
  // CSV is read as text and typed per parameter (see callArguments): DuckDB's sniffer would
  // otherwise turn Yes/No columns into BOOLEAN and a column with blanks into VARCHAR.
  return format === "parquet"
    ? `read_parquet(${quoteLiteral(file)})`
    : `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true)`;
}

function outputTarget(output: string): Target {
  const format = fileFormat(output);
  return format
    ? { kind: "file", path: path.resolve(output), format }
    : { kind: "table", name: checkTableName(output, "output") };
}

/**
 * How the input's columns feed the function: a column per parameter, named as the parameter or
 * as the model input it feeds (so the raw Telco CSV works as it is), or one STRUCT column with a
 * field per parameter.
 */
function callArguments(
  definition: FunctionDefinition,
  columns: readonly { name: string; isStruct: boolean }[],
  fromText: boolean,
): { args: string; features: Set<string> } {
  const byName = new Map(columns.map((column) => [column.name.toLowerCase(), column.name]));
  const matched = definition.parameters.map(
    (parameter) => byName.get(parameter.name.toLowerCase()) ?? byName.get(parameter.input.toLowerCase()),
  );
  if (matched.every((column) => column !== undefined)) {
    const args = definition.parameters.map((parameter, index) => {
      const column = quoteIdentifier(matched[index] as string);
      // From CSV text: a blank cell is a missing value; anything else must parse as the type.
      return fromText && parameter.type !== "STRING"
        ? `CAST(nullif(trim(${column}), '') AS ${duckdbTypeName(parameter.type)})`
        : column;
    });
    return { args: args.join(", "), features: new Set(matched as string[]) };
  }
  const structs = columns.filter((column) => column.isStruct);
  if (structs.length === 1) {
    const struct = (structs[0] as { name: string }).name;
    return { args: quoteIdentifier(struct), features: new Set([struct]) };
  }
  const missing = definition.parameters
    .filter((_, index) => matched[index] === undefined)
    .map((parameter) => parameter.name);
  throw new ModelSqlError(
    "DATATYPE_MISMATCH",
    `The input has no column for parameter ${missing.join(", ")} of ${definition.name}`,
    {
      hint: "Name the input's columns after the function's parameters or the model's inputs, or give one STRUCT column with a field per parameter.",
    },
  );
}

/**
 * Scores a whole table or file through a prediction function and writes the kept columns, the
 * prediction and the model version. DuckDB streams the input through the UDF chunk by chunk, so
 * memory stays bounded whatever the row count. A file output is written under a temporary name
 * and renamed when complete, so a failed or interrupted run leaves no partial file behind; a
 * table output is created in one transaction.
 */
export async function scoreTable(
  session: LocalSession,
  workspace: Workspace,
  request: ScoreRequest,
): Promise<ScoreOutcome> {
  const definition = findFunction(workspace, request.functionName);
  const relation = inputRelation(request.input);
  const target = outputTarget(request.output);
  if (target.kind === "file" && existsSync(target.path) && !request.overwrite) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `--output '${request.output}' exists`, {
      hint: "Pass --overwrite to replace it.",
    });
  }
  const { result } = await session.execute(`SELECT * FROM ${relation} LIMIT 0`);
  const columns = result
    .columnNames()
    .map((name, index) => ({ name, isStruct: result.columnTypeId(index) === DuckDBTypeId.STRUCT }));
  const { args, features } = callArguments(definition, columns, fileFormat(request.input) === "csv");
  const keep = request.keep ?? columns.map((column) => column.name).filter((name) => !features.has(name));
  for (const name of keep) {
    if (!columns.some((column) => column.name === name)) {
      throw new ModelSqlError(
        "INVALID_PARAMETER_VALUE",
        `--columns names '${name}', which the input does not have (its columns: ${columns.map((column) => column.name).join(", ")})`,
      );
    }
  }
  const functionSql = definition.name.split(".").map(quoteIdentifier).join(".");
  const query = `SELECT ${[...keep.map(quoteIdentifier), `${functionSql}(${args}) AS prediction`, `${quoteIdentifier(BOUND_VERSION_FUNCTION)}(${quoteLiteral(definition.name)}) AS model_version`].join(", ")} FROM ${relation}`;
  const counted = await session.queryRows(`SELECT count(*) AS n FROM ${relation}`);
  const rows = Number(counted[0]?.n ?? 0);
  request.onStart?.(rows, `Scoring ${definition.name}`);
  // One DuckDB thread for the scoring statement. Scoring is bound by the one JS thread that runs
  // the model, so a second DuckDB thread gains nothing (5M rows took 24 s either way), but with
  // two threads DuckDB buffers batches to keep the output in input order and peak memory grew
  // from 224 MiB at 1M rows to 303 MiB at 5M; with one it grew from 203 to 229 MiB.
  const threads = await session.connection.runAndReadAll("SELECT current_setting('threads') AS threads");
  const before = Number(threads.getRowObjects()[0]?.threads);
  await session.connection.run("SET threads = 1");
  try {
    return await writeScores(session, definition, query, rows, target, request);
  } finally {
    await session.connection.run(`SET threads = ${before}`);
  }
}

async function writeScores(
  session: LocalSession,
  definition: FunctionDefinition,
  query: string,
  rows: number,
  target: Target,
  request: ScoreRequest,
): Promise<ScoreOutcome> {
  if (target.kind === "table") {
    const parts = target.name.split(".");
    const [catalog, schema] = (await session
      .queryRows("SELECT current_database() AS c, current_schema() AS s")
      .then((found) => [found[0]?.c, found[0]?.s])) as [string, string];
    const fullName = completeName(parts, 3, `${catalogOfDuckdbDatabase(catalog)}.${schema}`);
    const recordOwner = await session.authorizeTableCreation(fullName);
    const name = (
      parts.length === 3 ? [duckdbDatabaseOf((parts[0] as string).toLowerCase()), ...parts.slice(1)] : parts
    )
      .map(quoteIdentifier)
      .join(".");
    const create = request.overwrite ? "CREATE OR REPLACE TABLE" : "CREATE TABLE";
    const statement = await session.runWrapped(query, (executed) => `${create} ${name} AS ${executed}`);
    recordOwner();
    return {
      rows,
      functionName: definition.name,
      modelVersion: scoredVersion(statement.boundVersions.get(definition.name)?.binding?.version),
      output: target.name,
    };
  }
  const partial = path.join(
    path.dirname(target.path),
    `.${path.basename(target.path)}.partial-${process.pid}`,
  );
  const removePartial = () => rmSync(partial, { force: true });
  // However the process ends (a signal handled or not), a partial output file does not stay.
  process.once("exit", removePartial);
  try {
    const options = target.format === "parquet" ? "FORMAT parquet" : "FORMAT csv, HEADER true";
    const statement = await session.runWrapped(
      query,
      (executed) => `COPY (${executed}) TO ${quoteLiteral(partial)} (${options})`,
    );
    renameSync(partial, target.path);
    return {
      rows,
      functionName: definition.name,
      modelVersion: scoredVersion(statement.boundVersions.get(definition.name)?.binding?.version),
      output: target.path,
    };
  } catch (error) {
    removePartial();
    if (error instanceof ModelSqlError) throw error;
    throw new ModelSqlError(
      "SQL_EXECUTION_ERROR",
      `Writing ${request.output} failed: ${describeCause(error)}`,
      { cause: error },
    );
  } finally {
    process.off("exit", removePartial);
  }
}

/** The version number that scored; null for a run's or logged model's artifact, which has none. */
function scoredVersion(version: ModelVersion | undefined): number | null {
  return version && !version.artifactReference ? version.version : null;
}
