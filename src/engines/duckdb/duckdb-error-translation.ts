import type { DuckDBConnection } from "@duckdb/node-api";
import { type ErrorClass, ModelSqlError, type SqlPosition } from "../../errors.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import { duckdbTypeName } from "../../functions/sql-types.js";
import type { NameReference } from "../../sql/analyse/query-references.js";
import { caretSnippet } from "../../sql/sql-tokens.js";
import { indexOfUtf8Offset } from "../../sql/utf8-offsets.js";
import { castableTypeText, describeGivenType, splitTopLevel, structFields } from "./duckdb-type-text.js";
import { carriedError } from "./udf-errors.js";
import { parseUdfName } from "./udf-names.js";

/** What the translator knows about the statement DuckDB failed on. */
export interface FailedStatement {
  /** The text DuckDB ran (after rewriting). */
  readonly executedText: string;
  /** Maps an offset in executedText to the position in what the user wrote. */
  readonly positionOf: (executedOffset: number) => SqlPosition;
  /** Maps an offset in the statement as written to one in executedText. */
  readonly executedOffsetOf: (statementOffset: number) => number;
  /** The user's text, for the caret snippet. */
  readonly userText: string;
  readonly references: readonly NameReference[];
  readonly functions: ReadonlyMap<string, FunctionDefinition>;
  /** DuckDB itself, to ask which implicit casts exist. */
  readonly connection: DuckDBConnection;
}

/** The offset DuckDB's `LINE n: ...` and caret lines point at, in the executed text. */
function caretOffset(message: string, executed: string): number | undefined {
  const match = /LINE (\d+): (.*)\n( *)\^/.exec(message);
  if (!match) return undefined;
  const lineNumber = Number(match[1]);
  let shown = match[2] as string;
  // DuckDB places the caret by UTF-8 bytes of the line it shows.
  let caretBytes = (match[3] as string).length - `LINE ${lineNumber}: `.length;
  if (shown.startsWith("...")) {
    shown = shown.slice(3);
    caretBytes -= 3;
  }
  if (shown.endsWith("...")) shown = shown.slice(0, -3);
  const lines = executed.split("\n");
  const line = lines[lineNumber - 1] ?? "";
  const at = line.indexOf(shown);
  if (at < 0) return undefined;
  const lineStart = lines.slice(0, lineNumber - 1).reduce((sum, text) => sum + text.length + 1, 0);
  return lineStart + at + indexOfUtf8Offset(line.slice(at), Math.max(0, caretBytes));
}

function withPosition(
  errorClass: ErrorClass,
  detail: string,
  failed: FailedStatement,
  offset: number | undefined,
  hint: string | undefined,
  cause: unknown,
): ModelSqlError {
  const position = offset === undefined ? undefined : failed.positionOf(offset);
  const where = position ? ` (line ${position.line}, column ${position.column})` : "";
  return new ModelSqlError(errorClass, `${detail.replace(/[.!]$/, "")}${where}`, {
    ...(hint ? { hint } : {}),
    ...(position ? { position, snippet: caretSnippet(failed.userText, position) } : {}),
    cause,
  });
}

/**
 * Where the one call of a function is, in executed-text offsets, when DuckDB's message has no
 * caret (errors raised inside a macro's expansion have none). Undefined if it is called twice.
 */
function onlyCallOf(definition: FunctionDefinition, failed: FailedStatement): number | undefined {
  const object = definition.name.split(".").pop();
  const calls = failed.references.filter(
    (reference) => reference.kind === "function" && reference.name.toLowerCase() === object,
  );
  return calls.length === 1 ? failed.executedOffsetOf((calls[0] as NameReference).location) : undefined;
}

/** The functions called in the statement with one argument (the STRUCT form). */
function structFormCalls(failed: FailedStatement): FunctionDefinition[] {
  const called = new Set(
    failed.references
      .filter((reference) => reference.kind === "function" && reference.argumentCount === 1)
      .map((reference) => reference.name.toLowerCase()),
  );
  return [...failed.functions.values()].filter(
    (definition) =>
      definition.parameters.length > 1 && called.has(definition.name.split(".").pop() as string),
  );
}

/**
 * The STRUCT form's macro extracts each text field to hash it, so a missing field or a
 * non-STRUCT argument fails there, in DuckDB's words, before the UDF's own type check.
 */
function structFormError(
  raw: string,
  failed: FailedStatement,
): { definition: FunctionDefinition; detail: string } | undefined {
  const missing = /Could not find key "([^"]+)" in struct[\s\S]*?(?:Candidate Entries: (.*))?$/m.exec(raw);
  const notStruct =
    /Cannot extract field '([^']+)' from expression "([^"]*)" because it is not a struct/.exec(raw);
  // A literal that is no STRUCT at all fails struct_extract's own overload resolution.
  const notStructType = /argument types 'struct_extract\((.+), STRING_LITERAL\)'/.exec(raw);
  const field = (missing?.[1] ?? notStruct?.[1])?.toLowerCase();
  if (!field && !notStructType) return undefined;
  const candidates = structFormCalls(failed).filter(
    (definition) =>
      !field || definition.parameters.some((parameter) => parameter.name.toLowerCase() === field),
  );
  if (candidates.length !== 1) return undefined;
  const definition = candidates[0] as FunctionDefinition;
  const parameter = definition.parameters.find((candidate) => candidate.name.toLowerCase() === field);
  if (notStruct || notStructType) {
    const given = notStruct ? notStruct[2] : describeGivenType(notStructType?.[1] ?? "?");
    return {
      definition,
      detail: `${definition.name} takes one STRUCT argument or ${definition.parameters.length} arguments; the argument (${given}) is not a STRUCT`,
    };
  }
  const fields = missing?.[2] ? `; its fields: ${missing[2].replaceAll('"', "")}` : "";
  return {
    definition,
    detail: `${definition.name}'s STRUCT argument has no field ${parameter?.name} (parameter ${parameter?.name} expects ${parameter?.type})${fields}`,
  };
}

async function castsImplicitly(connection: DuckDBConnection, from: string, to: string): Promise<boolean> {
  try {
    const reader = await connection.runAndReadAll(
      `SELECT can_cast_implicitly(NULL::${from}, NULL::${to}) AS ok`,
    );
    return reader.getRowObjects()[0]?.ok === true;
  } catch {
    return false;
  }
}

async function mismatchDetail(
  definition: FunctionDefinition,
  form: "positional" | "struct",
  givenText: string,
  connection: DuckDBConnection,
): Promise<string> {
  const given = splitTopLevel(givenText);
  const name = definition.name;
  if (form === "struct") {
    const fields = structFields(given[0] ?? "");
    if (!fields)
      return `${name} takes one STRUCT argument or ${definition.parameters.length} arguments; the argument is ${describeGivenType(given[0] ?? "?")}`;
    for (const parameter of definition.parameters) {
      const field = fields.find((candidate) => candidate.name.toLowerCase() === parameter.name.toLowerCase());
      if (!field)
        return `${name}'s STRUCT argument has no field ${parameter.name} (parameter ${parameter.name} expects ${parameter.type}); its fields: ${fields.map((candidate) => candidate.name).join(", ")}`;
      if (
        !(await castsImplicitly(connection, castableTypeText(field.type), duckdbTypeName(parameter.type)))
      ) {
        return `${name}'s parameter ${parameter.name} expects ${parameter.type}, but the STRUCT field ${field.name} is ${field.type}`;
      }
    }
    const extra = fields.filter(
      (field) =>
        !definition.parameters.some((parameter) => parameter.name.toLowerCase() === field.name.toLowerCase()),
    );
    if (extra.length > 0)
      return `${name}'s STRUCT argument has field ${extra.map((field) => field.name).join(", ")}, which is not a parameter of ${name}`;
    return `${name}'s STRUCT argument does not match its parameters`;
  }
  for (const [index, parameter] of definition.parameters.entries()) {
    const type = given[index] ?? "?";
    if (!(await castsImplicitly(connection, castableTypeText(type), duckdbTypeName(parameter.type)))) {
      return `${name}'s parameter ${parameter.name} (argument ${index + 1}) expects ${parameter.type}, but got ${describeGivenType(type)}`;
    }
  }
  return `${name}'s arguments (${given.join(", ")}) do not match its parameters`;
}

/**
 * Turns a DuckDB error into a ModelSqlError with a class, the user's names (Unity Catalog's
 * `main`, the function's own name rather than its internal UDF), and a position in the text the
 * user wrote. Errors the engine raised for modelsql keep their class.
 */
export async function translateDuckdbError(error: unknown, failed: FailedStatement): Promise<ModelSqlError> {
  const raw = error instanceof Error ? error.message : String(error);
  const carried = carriedError(raw, error);
  if (carried) return carried;
  const message = raw.replaceAll('"main_db"', "main").replaceAll("main_db.", "main.");
  const offset = caretOffset(raw, failed.executedText);
  const firstLine = (message.split("\n")[0] ?? message).replace(/^[A-Za-z ]+ Error: /, "");

  const noMatch =
    /No function matches the given name and argument types '([^(]+)\(([\s\S]*)\)'\. You might/.exec(raw);
  const udf = noMatch ? parseUdfName(noMatch[1] as string) : undefined;
  const definition = udf ? failed.functions.get(udf.functionName) : undefined;
  if (noMatch && udf && definition) {
    const detail = await mismatchDetail(definition, udf.form, noMatch[2] as string, failed.connection);
    const at = offset ?? onlyCallOf(definition, failed);
    return withPosition(
      "DATATYPE_MISMATCH",
      detail,
      failed,
      at,
      "Cast the argument to the parameter's type, or pass a column of that type.",
      error,
    );
  }

  const structError = structFormError(raw, failed);
  if (structError) {
    const at = offset ?? onlyCallOf(structError.definition, failed);
    return withPosition(
      "DATATYPE_MISMATCH",
      structError.detail,
      failed,
      at,
      "Pass a STRUCT with one field per parameter (see `modelsql functions describe`).",
      error,
    );
  }

  const macro = /Macro (\w+)\(\) does not support the supplied arguments/.exec(raw);
  if (macro) {
    const macroName = (macro[1] as string).toLowerCase();
    const candidates = [...failed.functions.values()].filter(
      (candidate) => candidate.name.split(".").pop() === macroName,
    );
    const target = candidates.length === 1 ? candidates[0] : undefined;
    if (target) {
      const at = offset ?? onlyCallOf(target, failed);
      const callAt = failed.references.find(
        (reference) =>
          reference.kind === "function" &&
          reference.name.toLowerCase() === macroName &&
          failed.executedOffsetOf(reference.location) === at,
      );
      const given = callAt?.argumentCount;
      const expected =
        target.parameters.length > 1
          ? `${target.parameters.length} arguments (${target.parameters.map((parameter) => parameter.name).join(", ")}) or one STRUCT with those fields`
          : `1 argument (${target.parameters[0]?.name})`;
      return withPosition(
        "WRONG_NUM_ARGS",
        `${target.name} takes ${expected}${given === undefined ? "" : `, but ${given} ${given === 1 ? "was" : "were"} given`}`,
        failed,
        at,
        undefined,
        error,
      );
    }
  }

  if (/^Parser Error/.test(raw))
    return withPosition(
      "PARSE_SYNTAX_ERROR",
      firstLine,
      failed,
      offset,
      "Fix the SQL near the caret.",
      error,
    );
  if (
    /(Scalar Function|Table Function|Function|Macro Function|Aggregate Function) with name .* does not exist/.test(
      raw,
    )
  ) {
    return withPosition(
      "UNRESOLVED_ROUTINE",
      firstLine,
      failed,
      offset,
      "See `modelsql functions list`; unqualified names resolve in the current schema, then the search path.",
      error,
    );
  }
  if (/^Catalog Error: Table with name .* does not exist/.test(raw)) {
    return withPosition(
      "TABLE_OR_VIEW_NOT_FOUND",
      firstLine,
      failed,
      offset,
      "Check the name, the current schema and the search path.",
      error,
    );
  }
  if (/Referenced column .* not found|Referenced table .* not found|column .* not found/i.test(raw)) {
    return withPosition("UNRESOLVED_COLUMN", firstLine, failed, offset, undefined, error);
  }
  if (/^INTERRUPT Error|Interrupted/.test(raw))
    return new ModelSqlError("OPERATION_CANCELLED", "The statement was cancelled", { cause: error });
  return withPosition(
    "SQL_EXECUTION_ERROR",
    message.split("\n\nLINE")[0]?.trim() ?? message,
    failed,
    offset,
    undefined,
    error,
  );
}
