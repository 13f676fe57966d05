import { parseThreeLevelName } from "../../catalog/three-level-name.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import { duckdbDatabaseOf, quoteIdentifier, quoteLiteral } from "./duckdb-catalog-names.js";
import type { UdfTargets } from "./udf-registrations.js";

/** The DuckDB database, schema and macro name a function lives at. */
export function macroLocation(definition: FunctionDefinition): {
  database: string;
  schema: string;
  name: string;
} {
  const name = parseThreeLevelName(definition.name, "function");
  return { database: duckdbDatabaseOf(name.catalog), schema: name.schema, name: name.object };
}

/** The STRUCT call form's macro parameter: `features`, unless a parameter already has that name. */
export function structParameterName(definition: FunctionDefinition): string {
  const taken = new Set(definition.parameters.map((parameter) => parameter.name.toLowerCase()));
  let candidate = "features";
  while (taken.has(candidate)) candidate = `${candidate}_struct`;
  return candidate;
}

/**
 * A call's body on its route. On the compiled route the UDF call stays in a branch that never
 * runs (DuckDB drops it when planning): binding it still checks the arguments' types exactly as
 * on the ONNX route, with the same errors, and the CASE takes the UDF's return type.
 */
function routed(udfCall: string, compiled: string | undefined): string {
  return compiled === undefined ? udfCall : `CASE WHEN false THEN ${udfCall} ELSE ${compiled} END`;
}

/**
 * The macro that gives a prediction function its three-level name in DuckDB. It has two
 * overloads, told apart by argument count: the positional form passes the arguments to the
 * positional UDF; the one-argument form passes a STRUCT to the struct UDF, which DuckDB casts
 * to the declared field types by field name (any field order). A one-parameter function has
 * the positional form only, since the two would have the same arity.
 */
export function macroBody(definition: FunctionDefinition, targets: UdfTargets): string {
  const names = definition.parameters.map((parameter) => quoteIdentifier(parameter.name));
  const text = definition.parameters.filter((parameter) => parameter.type === "STRING");
  // Text values travel with DuckDB's hash of their text, the key of the UDF's string cache. The
  // cast matters: hash() of an ENUM hashes its position in the ENUM, not its text.
  const positionalHashes = text
    .map((parameter) => `, hash(CAST(${quoteIdentifier(parameter.name)} AS VARCHAR))`)
    .join("");
  const parameters = names.join(", ");
  const positionalCall = `${quoteIdentifier(targets.positional)}(${parameters}${positionalHashes})`;
  const positional = `(${parameters}) AS ${routed(positionalCall, targets.compiled?.positional)}`;
  if (definition.parameters.length === 1 || !targets.struct) return positional;
  const struct = quoteIdentifier(structParameterName(definition));
  const structHashes = text
    .map((parameter) => `, hash(CAST(struct_extract(${struct}, ${quoteLiteral(parameter.name)}) AS VARCHAR))`)
    .join("");
  const structCall = `${quoteIdentifier(targets.struct)}(${struct}${structHashes})`;
  return `${positional}, (${struct}) AS ${routed(structCall, targets.compiled?.struct)}`;
}

export function createMacroSql(definition: FunctionDefinition, targets: UdfTargets): string[] {
  const location = macroLocation(definition);
  const schema = `${quoteIdentifier(location.database)}.${quoteIdentifier(location.schema)}`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE OR REPLACE MACRO ${schema}.${quoteIdentifier(location.name)}${macroBody(definition, targets)}`,
  ];
}
