import { ModelSqlError } from "../../errors.js";
import { caretSnippet, positionOf, type SqlToken, tokenize } from "../sql-tokens.js";
import { utf8OffsetConverter } from "../utf8-offsets.js";
import { type GovernanceStatement, parseGovernanceStatement } from "./governance-statements.js";
import { collectReferences, type NameReference } from "./query-references.js";

/** A parsed query tree from DuckDB, or DuckDB's parser error with the offset it points at. */
export type QueryParse =
  | { readonly ok: true; readonly tree: unknown }
  | {
      readonly ok: false;
      readonly message: string;
      readonly offset: number | undefined;
      readonly unsupported?: boolean;
    };

/** DuckDB's parser for one query text (`json_serialize_sql`), supplied by the engine. */
export type QueryParser = (query: string) => Promise<QueryParse>;

/** A name written in a statement's header (CREATE VIEW main.ml.v), with each part's token. */
export interface WrittenName {
  readonly parts: readonly SqlToken[];
}

export type AnalysedStatement =
  | { readonly kind: "query"; readonly references: readonly NameReference[] }
  | {
      readonly kind: "create_view" | "create_table";
      readonly target: WrittenName;
      readonly orReplace: boolean;
      readonly ifNotExists: boolean;
      /** Where the query after AS starts in the statement text. */
      readonly queryOffset: number;
      readonly references: readonly NameReference[];
    }
  | {
      readonly kind: "create_schema";
      readonly target: WrittenName;
      readonly ifNotExists: boolean;
      readonly references: readonly NameReference[];
    }
  | { readonly kind: "use"; readonly target: WrittenName; readonly references: readonly NameReference[] }
  | {
      readonly kind: "drop_view";
      readonly target: WrittenName;
      readonly ifExists: boolean;
      readonly references: readonly NameReference[];
    }
  | { readonly kind: "describe"; readonly target: WrittenName; readonly references: readonly NameReference[] }
  | {
      readonly kind: "show_views";
      readonly schema: WrittenName | undefined;
      readonly references: readonly NameReference[];
    }
  | {
      readonly kind: "governance";
      readonly statement: GovernanceStatement;
      readonly references: readonly NameReference[];
    };

const QUERY_STARTS = new Set(["select", "with", "values", "from", "table", "("]);

function word(token: SqlToken | undefined): string {
  return token && token.kind === "word"
    ? token.text.toLowerCase()
    : token?.kind === "symbol"
      ? token.text
      : "";
}

export function syntaxError(
  statement: string,
  offset: number,
  message: string,
  statementOffsetInScript = 0,
  script = statement,
): ModelSqlError {
  const position = positionOf(script, statementOffsetInScript + offset);
  return new ModelSqlError(
    "PARSE_SYNTAX_ERROR",
    `${message} (line ${position.line}, column ${position.column})`,
    {
      position,
      snippet: caretSnippet(script, position),
      hint: "Fix the SQL near the caret.",
    },
  );
}

/** Skips `IF NOT EXISTS` at tokens[index] when it is there. */
function afterIfNotExists(tokens: readonly SqlToken[], index: number): number {
  const words = [0, 1, 2].map((step) => word(tokens[index + step]));
  return words.join(" ") === "if not exists" ? index + 3 : index;
}

/** Reads a dotted name starting at tokens[index]; returns it and the index after it. */
function readName(
  tokens: readonly SqlToken[],
  index: number,
): { name: WrittenName; next: number } | undefined {
  const parts: SqlToken[] = [];
  let at = index;
  for (;;) {
    const token = tokens[at];
    if (!token || (token.kind !== "word" && token.kind !== "quoted")) return undefined;
    parts.push(token);
    at += 1;
    if (tokens[at]?.kind === "symbol" && tokens[at]?.text === ".") at += 1;
    else break;
  }
  return parts.length <= 3 ? { name: { parts }, next: at } : undefined;
}

function unsupported(statement: string): ModelSqlError {
  const first = tokenize(statement)[0]?.text ?? "";
  return new ModelSqlError(
    "UNSUPPORTED_STATEMENT",
    `modelsql cannot check a statement starting '${first.toUpperCase()}' and does not run it`,
    {
      hint: "Supported: queries (SELECT, WITH, VALUES, FROM), CREATE [OR REPLACE] TABLE|VIEW ... AS <query>, CREATE SCHEMA, USE, DROP VIEW, DESCRIBE, SHOW VIEWS, GRANT, REVOKE and SHOW GRANTS.",
    },
  );
}

/** Where a statement sits in the script the user wrote, for error positions. */
export interface ScriptContext {
  readonly script: string;
  readonly offset: number;
}

async function analyseQuery(
  text: string,
  offset: number,
  parse: QueryParser,
  context: ScriptContext,
): Promise<NameReference[]> {
  const query = text.slice(offset);
  const parsed = await parse(query);
  // DuckDB's offsets count UTF-8 bytes.
  const indexOf = utf8OffsetConverter(query);
  if (!parsed.ok && parsed.unsupported) {
    throw new ModelSqlError(
      "UNSUPPORTED_STATEMENT",
      `DuckDB parses this query but cannot hand it over for checking (${parsed.message}); it is not run`,
      {
        hint: "Write it without PIVOT/UNPIVOT or similar statements inside the query.",
      },
    );
  }
  if (!parsed.ok) {
    throw syntaxError(
      text,
      offset + indexOf(parsed.offset ?? 0),
      parsed.message,
      context.offset,
      context.script,
    );
  }
  return collectReferences(parsed.tree).map((reference) => ({
    ...reference,
    location: indexOf(reference.location) + offset,
  }));
}

/**
 * Finds a statement's kind and every name it references. What cannot be analysed is refused,
 * never run unchecked: the query parts are parsed by DuckDB itself; only the few statement
 * headers around them are read here.
 */
export async function analyseStatement(
  text: string,
  parse: QueryParser,
  context: ScriptContext = { script: text, offset: 0 },
): Promise<AnalysedStatement> {
  const tokens = tokenize(text);
  const first = word(tokens[0]);
  const governance = parseGovernanceStatement(tokens);
  if (governance) return { kind: "governance", statement: governance, references: [] };
  if (QUERY_STARTS.has(first))
    return { kind: "query", references: await analyseQuery(text, 0, parse, context) };
  if (first === "drop" && word(tokens[1]) === "view") {
    const ifExists = word(tokens[2]) === "if" && word(tokens[3]) === "exists";
    const read = readName(tokens, ifExists ? 4 : 2);
    if (!read || read.next !== tokens.length) throw unsupported(text);
    return { kind: "drop_view", target: read.name, ifExists, references: [] };
  }
  if (first === "describe" || first === "desc") {
    const start = ["table", "view"].includes(word(tokens[1])) ? 2 : 1;
    const read = readName(tokens, start);
    if (!read || read.next !== tokens.length) throw unsupported(text);
    return { kind: "describe", target: read.name, references: [] };
  }
  if (first === "show" && word(tokens[1]) === "views") {
    if (tokens.length === 2) return { kind: "show_views", schema: undefined, references: [] };
    if (!["in", "from"].includes(word(tokens[2]))) throw unsupported(text);
    const read = readName(tokens, 3);
    if (!read || read.next !== tokens.length || read.name.parts.length > 2) throw unsupported(text);
    return { kind: "show_views", schema: read.name, references: [] };
  }
  if (first === "use") {
    const read = readName(tokens, 1);
    if (!read || read.next !== tokens.length) throw unsupported(text);
    return { kind: "use", target: read.name, references: [] };
  }
  if (first !== "create") throw unsupported(text);
  let index = 1;
  const orReplace = word(tokens[index]) === "or" && word(tokens[index + 1]) === "replace";
  if (orReplace) index += 2;
  const objectKind = word(tokens[index]);
  index += 1;
  const afterFlag = afterIfNotExists(tokens, index);
  const ifNotExists = afterFlag !== index;
  index = afterFlag;
  if (objectKind === "schema") {
    const read = readName(tokens, index);
    if (orReplace || !read || read.next !== tokens.length || read.name.parts.length > 2)
      throw unsupported(text);
    return { kind: "create_schema", target: read.name, ifNotExists, references: [] };
  }
  if (objectKind !== "table" && objectKind !== "view") throw unsupported(text);
  const read = readName(tokens, index);
  if (!read) throw unsupported(text);
  index = read.next;
  const as = tokens[index];
  if (word(as) !== "as" || !as) throw unsupported(text);
  const queryOffset = as.end;
  return {
    kind: objectKind === "view" ? "create_view" : "create_table",
    target: read.name,
    orReplace,
    ifNotExists,
    queryOffset,
    references: await analyseQuery(text, queryOffset, parse, context),
  };
}
