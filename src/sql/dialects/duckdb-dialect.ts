import { COMMON_RESERVED_WORDS, Dialect, type ReadType } from "./dialect.js";
import type { DialectToken } from "./dialect-tokens.js";
import type { ScalarTypeName, SqlType } from "./sql-type.js";
import { isGroup, isWord, type SqlNode, splitArguments } from "./token-tree.js";
import { readScalarType, typeError } from "./type-reading.js";

/** Spellings DuckDB 1.5.6 accepts for each scalar type (tried with CAST on 1.5.6). */
const SPELLINGS = new Map<string, ScalarTypeName>([
  ["VARCHAR", "STRING"],
  ["TEXT", "STRING"],
  ["STRING", "STRING"],
  ["CHAR", "STRING"],
  ["BPCHAR", "STRING"],
  ["TINYINT", "TINYINT"],
  ["INT1", "TINYINT"],
  ["SMALLINT", "SMALLINT"],
  ["INT2", "SMALLINT"],
  ["SHORT", "SMALLINT"],
  ["INTEGER", "INT"],
  ["INT", "INT"],
  ["INT4", "INT"],
  ["SIGNED", "INT"],
  ["BIGINT", "BIGINT"],
  ["INT8", "BIGINT"],
  ["LONG", "BIGINT"],
  ["FLOAT", "FLOAT"],
  ["FLOAT4", "FLOAT"],
  ["REAL", "FLOAT"],
  ["DOUBLE", "DOUBLE"],
  ["FLOAT8", "DOUBLE"],
  ["DOUBLE PRECISION", "DOUBLE"],
  ["BOOLEAN", "BOOLEAN"],
  ["BOOL", "BOOLEAN"],
  ["LOGICAL", "BOOLEAN"],
  ["DECIMAL", "DECIMAL"],
  ["NUMERIC", "DECIMAL"],
  ["DATE", "DATE"],
  ["TIMESTAMP", "TIMESTAMP_NTZ"],
  ["DATETIME", "TIMESTAMP_NTZ"],
  ["TIMESTAMP WITHOUT TIME ZONE", "TIMESTAMP_NTZ"],
  ["TIMESTAMPTZ", "TIMESTAMP"],
  ["TIMESTAMP WITH TIME ZONE", "TIMESTAMP"],
  ["BLOB", "BINARY"],
  ["BYTEA", "BINARY"],
  ["BINARY", "BINARY"],
  ["VARBINARY", "BINARY"],
]);

const NO_COUNTERPART: Record<string, string> = {
  UTINYINT: "SMALLINT",
  USMALLINT: "INT",
  UINTEGER: "BIGINT",
  UBIGINT: "DECIMAL(20,0)",
  HUGEINT: "DECIMAL(38,0)",
  UHUGEINT: "DECIMAL(38,0)",
  UUID: "STRING",
  JSON: "STRING",
  INTERVAL: "",
  TIME: "",
  TIMETZ: "",
  BIT: "",
  UNION: "",
  ENUM: "STRING",
  VARINT: "DECIMAL(38,0)",
};

/**
 * DuckDB's SQL, as @duckdb/node-api 1.5.6 runs it: '' escapes and no backslash escapes in
 * strings, "identifiers", $name parameters, lists [..] indexed from 1, {'a': x} structs,
 * MAP {k: v}, `T[]` and STRUCT(a T) types, `* EXCLUDE`, `//` for integer division.
 */
export class DuckdbDialect extends Dialect {
  readonly name = "duckdb" as const;
  readonly displayName = "DuckDB";
  readonly doubleQuotesAreStrings = false;
  readonly backslashEscapes = false;
  readonly identifierQuote = '"' as const;
  readonly namedParameterPrefix = "$" as const;
  readonly starExclusionKeyword = "EXCLUDE" as const;
  readonly firstArrayIndex = 1 as const;
  readonly integerDivisionOperator = "//";
  readonly namedArgumentOperator = ":=" as const;
  protected readonly scalarTypeText: Readonly<Record<ScalarTypeName, string>> = {
    STRING: "VARCHAR",
    TINYINT: "TINYINT",
    SMALLINT: "SMALLINT",
    INT: "INTEGER",
    BIGINT: "BIGINT",
    FLOAT: "FLOAT",
    DOUBLE: "DOUBLE",
    BOOLEAN: "BOOLEAN",
    DECIMAL: "DECIMAL",
    DATE: "DATE",
    TIMESTAMP: "TIMESTAMPTZ",
    TIMESTAMP_NTZ: "TIMESTAMP",
    BINARY: "BLOB",
  };
  protected readonly reservedWords = new Set([...COMMON_RESERVED_WORDS]);

  quoteString(value: string): string {
    return `'${value.replaceAll("'", "''")}'`;
  }

  sqlStruct(fields: readonly { name: string; value: string }[]): string {
    return `{${fields.map((field) => `${this.quoteString(field.name)}: ${field.value}`).join(", ")}}`;
  }

  sqlArray(items: readonly string[]): string {
    return `[${items.join(", ")}]`;
  }

  sqlMap(entries: readonly { key: string; value: string }[]): string {
    return `MAP {${entries.map((entry) => `${entry.key}: ${entry.value}`).join(", ")}}`;
  }

  protected sqlArrayType(element: string): string {
    return `${element}[]`;
  }

  protected sqlStructType(fields: readonly { name: string; type: string }[]): string {
    return `STRUCT(${fields.map((field) => `${this.quoteIdentifier(field.name)} ${field.type}`).join(", ")})`;
  }

  protected sqlMapType(key: string, value: string): string {
    return `MAP(${key}, ${value})`;
  }

  readType(nodes: readonly SqlNode[], index: number, sql: string): ReadType {
    let read = this.readBaseType(nodes, index, sql);
    // `T[]` and `T[3]` (a fixed-size ARRAY, which Databricks does not have: read as a list).
    while (isGroup(nodes[read.next], "[")) {
      read = { type: { kind: "array", element: read.type }, next: read.next + 1 };
    }
    return read;
  }

  private readBaseType(nodes: readonly SqlNode[], index: number, sql: string): ReadType {
    const first = nodes[index];
    if (isWord(first, "STRUCT", "ROW", "MAP", "LIST") && isGroup(nodes[index + 1], "(")) {
      const group = nodes[index + 1] as Extract<SqlNode, { kind: "group" }>;
      const parts = splitArguments(group.children);
      const keyword = (first as DialectToken).text.toUpperCase();
      if (keyword === "MAP" || keyword === "LIST") {
        const types = parts.map((part) => this.readWhole(part, sql));
        if (keyword === "LIST" && types.length === 1) {
          return { type: { kind: "array", element: types[0] as SqlType }, next: index + 2 };
        }
        if (keyword === "MAP" && types.length === 2) {
          return {
            type: { kind: "map", key: types[0] as SqlType, value: types[1] as SqlType },
            next: index + 2,
          };
        }
        throw typeError(
          sql,
          first.start,
          `${keyword}(...) takes ${keyword === "MAP" ? "two types" : "one type"}`,
        );
      }
      const fields = parts.map((part) => {
        const name = part[0] as DialectToken | undefined;
        if (!name || (name.kind !== "word" && name.kind !== "identifier")) {
          throw typeError(sql, group.start, "A STRUCT field needs a name and a type");
        }
        return { name: name.value, type: this.readWhole(part.slice(1), sql) };
      });
      return { type: { kind: "struct", fields }, next: index + 2 };
    }
    const scalar = readScalarType(nodes, index, sql, SPELLINGS, { precision: 18, scale: 3 });
    if (scalar) {
      const { next, ...type } = scalar;
      return { type: { kind: "scalar", ...type }, next };
    }
    const word = isWord(first) ? first.text.toUpperCase() : undefined;
    const closest = word ? NO_COUNTERPART[word] : undefined;
    throw typeError(
      sql,
      first?.start ?? sql.length,
      `The DuckDB type ${word ?? (first as DialectToken | undefined)?.text ?? "(missing)"} has no Databricks counterpart modelsql translates`,
      closest
        ? `Cast to a type both engines have, such as ${closest}.`
        : "Cast to a type both engines have (STRING, INT, BIGINT, DOUBLE, DECIMAL, DATE, TIMESTAMP, lists, STRUCTs, MAPs).",
    );
  }

  private readWhole(nodes: readonly SqlNode[], sql: string): SqlType {
    const read = this.readType(nodes, 0, sql);
    if (read.next !== nodes.length) {
      throw typeError(sql, nodes[read.next]?.start ?? sql.length, "Unexpected text after a type");
    }
    return read.type;
  }
}

export const DUCKDB = new DuckdbDialect();
