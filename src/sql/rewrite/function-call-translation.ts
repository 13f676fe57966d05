import type { DialectToken } from "../dialects/dialect-tokens.js";
import type { SqlType } from "../dialects/sql-type.js";
import { isGroup, isSymbol, isWord, type SqlNode, type TokenGroup } from "../dialects/token-tree.js";
import type { RuleResult, TranslatedArgument, Translation } from "./dialect-translation.js";
import { isNotACall, SHARED_FUNCTIONS } from "./shared-functions.js";

/** A call being translated: its name as written, the group of its arguments, the translated arguments. */
interface Call {
  readonly written: string;
  readonly start: number;
  readonly group: TokenGroup;
  readonly args: readonly TranslatedArgument[];
}

type CallTranslator = (t: Translation, call: Call) => string;

const renamed =
  (name: string): CallTranslator =>
  (_t, call) =>
    `${name}(${call.args.map((arg) => arg.text).join(", ")})`;

const refused =
  (hint: string): CallTranslator =>
  (t, call) => {
    throw t.unsupported(call.start, `The function ${call.written}()`, hint);
  };

function arity(t: Translation, call: Call, counts: readonly number[]): void {
  if (!counts.includes(call.args.length)) {
    throw t.unsupported(call.start, `${call.written}() with ${call.args.length} arguments`);
  }
}

/** A string literal argument's value (struct keys, date units), or undefined. */
function literal(arg: TranslatedArgument | undefined): string | undefined {
  const node = arg?.nodes.length === 1 ? (arg.nodes[0] as SqlNode) : undefined;
  return node && node.kind === "string" ? node.value : undefined;
}

/** The lambdas of transform/filter must take one parameter: the index parameter differs (0 vs 1). */
function singleParameterLambdas(t: Translation, call: Call): void {
  for (const arg of call.args) {
    const [first, second, third] = arg.nodes;
    if (isGroup(first, "(") && isSymbol(second, "-") && isSymbol(third, ">") && first.children.length > 1) {
      throw t.unsupported(
        first.start,
        `A lambda with an index parameter in ${call.written}()`,
        "The index counts from 0 in Databricks and from 1 in DuckDB; use a one-parameter lambda.",
      );
    }
  }
}

/** Spark's struct(a, b AS c): fields named by alias, by column name, or col1, col2, ... */
function sparkStruct(t: Translation, call: Call): string {
  return t.to.sqlStruct(
    call.args.map((arg, position) => {
      const nodes = arg.nodes;
      const asAt = nodes.length >= 3 ? nodes.length - 2 : -1;
      if (asAt > 0 && isWord(nodes[asAt], "AS")) {
        const alias = nodes[asAt + 1] as DialectToken;
        return { name: alias.value, value: t.render(nodes.slice(0, asAt)) };
      }
      const isColumn = nodes.every((node, i) =>
        i % 2 === 0 ? node.kind === "word" || node.kind === "identifier" : isSymbol(node, "."),
      );
      const name = isColumn ? (nodes[nodes.length - 1] as DialectToken).value : `col${position + 1}`;
      return { name, value: arg.text };
    }),
  );
}

function pairs(t: Translation, call: Call): { key: string; value: string }[] {
  if (call.args.length % 2 !== 0)
    throw t.unsupported(call.start, `${call.written}() with an odd number of arguments`);
  const entries: { key: string; value: string }[] = [];
  for (let i = 0; i < call.args.length; i += 2) {
    entries.push({
      key: (call.args[i] as TranslatedArgument).text,
      value: (call.args[i + 1] as TranslatedArgument).text,
    });
  }
  return entries;
}

/** Functions written in Databricks SQL, read for DuckDB. Checked against DuckDB 1.5.6. */
const FROM_DATABRICKS: Record<string, CallTranslator> = {
  named_struct: (t, call) => {
    const entries = pairs(t, call);
    return t.to.sqlStruct(
      entries.map((entry, i) => {
        const key = literal(call.args[i * 2]);
        if (key === undefined) {
          throw t.unsupported(call.start, "named_struct() with a field name that is not a string literal");
        }
        return { name: key, value: entry.value };
      }),
    );
  },
  struct: sparkStruct,
  array: (t, call) => t.to.sqlArray(call.args.map((arg) => arg.text)),
  map: (t, call) => t.to.sqlMap(pairs(t, call)),
  nvl: (t, call) => {
    arity(t, call, [2]);
    return renamed("coalesce")(t, call);
  },
  // size() of a MAP has no DuckDB spelling that also takes lists; len(map) fails to bind, loudly.
  size: renamed("len"),
  transform: (t, call) => {
    singleParameterLambdas(t, call);
    return renamed("list_transform")(t, call);
  },
  filter: (t, call) => {
    singleParameterLambdas(t, call);
    return renamed("list_filter")(t, call);
  },
  explode: renamed("unnest"),
  regexp_like: renamed("regexp_matches"),
  rlike: renamed("regexp_matches"),
  // Spark's one-argument log() is the natural logarithm; DuckDB's is base 10.
  log: (t, call) => (call.args.length === 1 ? renamed("ln")(t, call) : renamed("log")(t, call)),
  // Spark's concat() is NULL when any argument is NULL, as DuckDB's || is; DuckDB's concat() skips NULLs.
  concat: (_t, call) => `(${call.args.map((arg) => arg.text).join(" || ")})`,
  datediff: (t, call) => {
    arity(t, call, [2]);
    const [end, start] = call.args as [TranslatedArgument, TranslatedArgument];
    return `date_diff('day', ${start.text}, ${end.text})`;
  },
  current_timestamp: (t, call) => {
    arity(t, call, [0]);
    return "current_timestamp";
  },
  rand: (t, call) => {
    arity(t, call, [0]);
    return "random()";
  },
  // element_at is 1-based for arrays and takes a key for maps, as DuckDB's subscript does.
  element_at: (t, call) => {
    arity(t, call, [2]);
    const [value, at] = call.args as [TranslatedArgument, TranslatedArgument];
    return `(${value.text})[${at.text}]`;
  },
  collect_list: (t, call) => {
    arity(t, call, [1]);
    const value = (call.args[0] as TranslatedArgument).text;
    // collect_list skips NULLs; DuckDB's list() keeps them.
    return `list(${value}) FILTER (WHERE ${value} IS NOT NULL)`;
  },
  collect_set: (t, call) => {
    arity(t, call, [1]);
    const value = (call.args[0] as TranslatedArgument).text;
    return `list(DISTINCT ${value}) FILTER (WHERE ${value} IS NOT NULL)`;
  },
  date_format: refused(
    "Format patterns differ (Java's in Databricks, strftime's in DuckDB); format in the client.",
  ),
  from_unixtime: refused("Format patterns differ; use CAST(to_timestamp(x) AS STRING) patterns per engine."),
  unix_timestamp: refused("Format patterns differ between the engines."),
  to_date: (t, call) => {
    if (call.args.length !== 1) {
      throw t.unsupported(
        call.start,
        "to_date() with a format",
        "Format patterns differ between the engines.",
      );
    }
    return `CAST(${(call.args[0] as TranslatedArgument).text} AS DATE)`;
  },
  aggregate: refused("Write the fold as list_reduce in DuckDB; the start value and finish function differ."),
  reduce: refused("Write the fold per engine; the start value and finish function differ."),
  ai_query: refused(
    "Only an endpoint of one of this workspace's functions runs locally (see `modelsql deploy --dry-run`).",
  ),
};

/** Functions written in DuckDB SQL, written for Databricks. Checked with pyspark's parser. */
const FROM_DUCKDB: Record<string, CallTranslator> = {
  struct_pack: (t, call) =>
    t.to.sqlStruct(
      call.args.map((arg) => {
        if (!arg.name) throw t.unsupported(call.start, "struct_pack() with an unnamed field");
        return { name: arg.name, value: arg.text };
      }),
    ),
  // MAP(keys, values) from two lists; MAP {k: v} literals are construct-translation.ts's.
  map: (t, call) => {
    arity(t, call, [0, 2]);
    return call.args.length === 0 ? t.to.sqlMap([]) : renamed("map_from_arrays")(t, call);
  },
  array: refused(
    "DuckDB's ARRAY(subquery) has no Databricks form; collect the subquery's rows with an aggregate.",
  ),
  list_value: (t, call) => t.to.sqlArray(call.args.map((arg) => arg.text)),
  list_transform: (t, call) => {
    singleParameterLambdas(t, call);
    return renamed("transform")(t, call);
  },
  array_transform: (t, call) => FROM_DUCKDB.list_transform?.(t, call) as string,
  apply: (t, call) => FROM_DUCKDB.list_transform?.(t, call) as string,
  list_filter: (t, call) => {
    singleParameterLambdas(t, call);
    return renamed("filter")(t, call);
  },
  array_filter: (t, call) => FROM_DUCKDB.list_filter?.(t, call) as string,
  // len() and array_length() of a list; len() of a string would fail to bind in Databricks, loudly.
  len: renamed("size"),
  array_length: (t, call) => {
    arity(t, call, [1]);
    return renamed("size")(t, call);
  },
  unnest: renamed("explode"),
  regexp_matches: (t, call) => {
    arity(t, call, [2]);
    return renamed("regexp_like")(t, call);
  },
  // DuckDB's one-argument log() is base 10; Databricks' is the natural logarithm.
  log: (t, call) => (call.args.length === 1 ? renamed("log10")(t, call) : renamed("log")(t, call)),
  // DuckDB's concat() skips NULLs, as Databricks' concat_ws does.
  concat: (_t, call) => `concat_ws('', ${call.args.map((arg) => arg.text).join(", ")})`,
  date_diff: (t, call) => {
    arity(t, call, [3]);
    const [unit, start, end] = call.args as [TranslatedArgument, TranslatedArgument, TranslatedArgument];
    if (literal(unit)?.toLowerCase() !== "day") {
      throw t.unsupported(
        call.start,
        `${call.written}() in units other than 'day'`,
        "DuckDB counts unit boundaries crossed; Databricks counts whole units. Compute it per engine.",
      );
    }
    return `datediff(${end.text}, ${start.text})`;
  },
  datediff: (t, call) => FROM_DUCKDB.date_diff?.(t, call) as string,
  random: (t, call) => {
    arity(t, call, [0]);
    return "rand()";
  },
  now: (t, call) => {
    arity(t, call, [0]);
    return "current_timestamp()";
  },
  struct_extract: (t, call) => {
    arity(t, call, [2]);
    const field = literal(call.args[1]);
    if (field === undefined) throw t.unsupported(call.start, "struct_extract() with a computed field name");
    return `(${(call.args[0] as TranslatedArgument).text}).${t.to.identifier(field)}`;
  },
  list: refused("Databricks' collect_list() drops NULLs and DuckDB's list() keeps them; filter NULLs first."),
  array_agg: refused("Databricks' collect_list() drops NULLs and DuckDB's array_agg() keeps them."),
  strftime: refused("Format patterns differ (strftime's in DuckDB, Java's in Databricks)."),
  strptime: refused("Format patterns differ (strftime's in DuckDB, Java's in Databricks)."),
  row: refused("Name the fields: {'a': x} or struct_pack(a := x)."),
  columns: refused("Databricks has no COLUMNS(...) expression; list the columns."),
};

/**
 * A function call (a name, then a parenthesised group): CAST and TRY_CAST get their type
 * translated; the caller's hook may take the call over (prediction functions, ai_query);
 * otherwise a function the table knows is rewritten, and any other call is copied with its
 * arguments translated.
 */
export function translateFunctionCall(
  t: Translation,
  nodes: readonly SqlNode[],
  index: number,
): RuleResult | undefined {
  const name = readDottedName(nodes, index);
  if (!name) return undefined;
  const group = nodes[name.next];
  const replaced = t.hooks.name?.(name.start, name.parts);
  if (!isGroup(group, "(")) {
    return replaced === undefined ? undefined : { text: replaced, next: name.next };
  }
  // `FILTER (WHERE ...)` after an aggregate is a clause, not Spark's filter() function.
  if (isWord(nodes[index], "FILTER") && isWord(group.children[0], "WHERE")) return undefined;
  const written = t.written(nodes.slice(index, name.next));
  const lower = name.parts.length === 1 ? (name.parts[0] as string).toLowerCase() : "";
  if (!name.quoted && (lower === "cast" || lower === "try_cast")) {
    return { text: `${written}(${castBody(t, group)})`, next: name.next + 1 };
  }
  const args = t.arguments(group.children);
  const site = { nameParts: name.parts, start: name.start, end: group.end, arguments: args };
  const hooked = t.hooks.call?.(site, t);
  if (hooked !== undefined) return { text: hooked, next: name.next + 1 };
  const table = t.from.name === "databricks" ? FROM_DATABRICKS : FROM_DUCKDB;
  const translator =
    !name.quoted && lower !== "" && t.from.name !== t.to.name && Object.hasOwn(table, lower)
      ? table[lower]
      : undefined;
  if (translator)
    return { text: translator(t, { written, start: name.start, group, args }), next: name.next + 1 };
  // Any other call keeps its spelling and spacing; only what is inside is translated. When the
  // SQL is to run, a function neither dialect is known to share the meaning of is refused.
  const shared = !name.quoted && SHARED_FUNCTIONS.has(lower);
  if (
    t.hooks.strictFunctions &&
    !shared &&
    !isNotACall(nodes, index, name.next) &&
    !t.hooks.knownFunction?.(name.parts)
  ) {
    throw t.unsupported(
      name.start,
      `The function ${written}()`,
      "modelsql runs only functions known to mean the same in DuckDB and Databricks, the ones it translates, and this workspace's prediction functions (see the README's Dialects).",
    );
  }
  const head = replaced ?? t.render(nodes.slice(index, name.next));
  const gap = t.gap((nodes[name.next - 1] as SqlNode).end, group.start);
  return { text: head + gap + t.renderGroup(group), next: name.next + 1 };
}

function castBody(t: Translation, group: TokenGroup): string {
  const children = group.children;
  let asAt = -1;
  for (let i = children.length - 1; i >= 0; i -= 1) {
    if (isWord(children[i], "AS")) {
      asAt = i;
      break;
    }
  }
  if (asAt <= 0) throw t.unsupported(group.start, "A CAST without AS <type>");
  const read = t.from.readType(children, asAt + 1, t.sql);
  if (read.next !== children.length) {
    throw t.unsupported((children[read.next] as SqlNode).start, "Text after the type in a CAST");
  }
  const operand = children.slice(0, asAt);
  return `${integerConversion(t, operand, read.type)} AS ${t.to.sqlType(read.type)}`;
}

const INTEGER_TYPES = new Set(["TINYINT", "SMALLINT", "INT", "BIGINT"]);
const VOLATILE = /\b(random|rand|randn|uuid|nextval|gen_random_uuid|shuffle)\s*\(/i;

/**
 * The operand of a CAST, adjusted when the target is an integer type: Databricks truncates
 * (2.7 becomes 2), DuckDB rounds, half to even from DOUBLE and FLOAT (2.5 becomes 2) and half
 * away from zero from DECIMAL (2.5 becomes 3); both checked on the engines. Without knowing the
 * operand's type, the DuckDB meaning is written for Databricks with typeof(), and the
 * Databricks meaning for DuckDB with trunc(). An integer literal needs neither.
 */
function integerConversion(t: Translation, operand: readonly SqlNode[], type: SqlType): string {
  const text = t.render(operand);
  const literal = operand.length === 1 && operand[0]?.kind === "number" && /^\d+$/.test(operand[0].text);
  if (type.kind !== "scalar" || !INTEGER_TYPES.has(type.name) || literal || t.from.name === t.to.name)
    return text;
  // Already a whole number: both engines convert it alike.
  const name = readDottedName(operand, 0);
  const integral =
    name?.parts.length === 1 &&
    ["round", "floor", "ceil", "ceiling"].includes((name.parts[0] as string).toLowerCase()) &&
    name.next === operand.length - 1 &&
    isGroup(operand[name.next], "(");
  if (integral) return text;
  if (t.from.name === "databricks") return `trunc(${text})`;
  // The operand is written three times below, so only a column or a parameter may stand there:
  // an expression would be computed three times (and a random one would differ).
  const column =
    (name !== undefined && name.next === operand.length) ||
    (operand.length === 1 && operand[0]?.kind === "parameter");
  if (!column || VOLATILE.test(text)) {
    throw t.unsupported(
      (operand[0] as SqlNode).start,
      "A cast of an expression to an integer type",
      "The engines convert fractions differently (DuckDB rounds, Databricks truncates): cast a column, or round first, CAST(round(x) AS INT).",
    );
  }
  return `CASE WHEN typeof(${text}) IN ('double', 'float') THEN bround(${text}) ELSE round(${text}) END`;
}

/** A dotted name at nodes[index]: its parts' values, where it starts, and the node after it. */
export function readDottedName(
  nodes: readonly SqlNode[],
  index: number,
): { parts: string[]; start: number; next: number; quoted: boolean } | undefined {
  const first = nodes[index];
  if (!first || (first.kind !== "word" && first.kind !== "identifier")) return undefined;
  const parts = [first.value];
  let quoted = first.kind === "identifier";
  let next = index + 1;
  while (isSymbol(nodes[next], ".")) {
    const part = nodes[next + 1];
    if (!part || (part.kind !== "word" && part.kind !== "identifier")) break;
    parts.push(part.value);
    quoted ||= part.kind === "identifier";
    next += 2;
  }
  return { parts, start: first.start, next, quoted };
}
