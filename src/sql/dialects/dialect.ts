import type { LexicalRules } from "./dialect-tokens.js";
import type { ScalarTypeName, SqlType } from "./sql-type.js";
import type { SqlNode } from "./token-tree.js";

/**
 * Words both dialects reserve, which a name modelsql writes must quote. A short list on purpose:
 * quoting a name that did not need it is harmless, so only the words a generated name is likely
 * to collide with are here.
 */
export const COMMON_RESERVED_WORDS = [
  "SELECT",
  "FROM",
  "WHERE",
  "GROUP",
  "ORDER",
  "BY",
  "AS",
  "AND",
  "OR",
  "NOT",
  "NULL",
  "TRUE",
  "FALSE",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "JOIN",
  "ON",
  "TABLE",
  "USER",
  "LIMIT",
  "DEFAULT",
];

export type DialectName = "duckdb" | "databricks";

/** A type read from tokens: the type and the index of the first node after it. */
export interface ReadType {
  readonly type: SqlType;
  readonly next: number;
}

/**
 * A SQL dialect: how it spells literals, names, parameters, types and the constructs prediction
 * queries use (structs, arrays, maps). Translation reads a construct in the source dialect and
 * writes it with the target's emitters, so each subclass is mostly data. What a subclass states
 * about its engine was tried on that engine (DuckDB 1.5.6) or its parser (pyspark's, for
 * Databricks), as each file's comments say.
 */
export abstract class Dialect implements LexicalRules {
  abstract readonly name: DialectName;
  /** For messages: "DuckDB", "Databricks". */
  abstract readonly displayName: string;
  abstract readonly doubleQuotesAreStrings: boolean;
  abstract readonly backslashEscapes: boolean;
  abstract readonly identifierQuote: '"' | "`";
  abstract readonly namedParameterPrefix: "$" | ":";
  /** `SELECT * EXCLUDE (a)` in DuckDB, `SELECT * EXCEPT (a)` in Databricks. */
  abstract readonly starExclusionKeyword: "EXCLUDE" | "EXCEPT";
  /** The first element of `list[i]`: 1 in DuckDB, 0 in Databricks. */
  abstract readonly firstArrayIndex: 0 | 1;
  /** Integer division: `a // b` in DuckDB, `a DIV b` in Databricks. */
  abstract readonly integerDivisionOperator: string;
  /** Named arguments: `f(a := 1)` in DuckDB, `f(a => 1)` in Databricks. */
  abstract readonly namedArgumentOperator: ":=" | "=>";
  /** How the dialect spells each scalar type. */
  protected abstract readonly scalarTypeText: Readonly<Record<ScalarTypeName, string>>;

  /** Reads a type written in this dialect at nodes[index]; throws a clear error if it cannot. */
  abstract readType(nodes: readonly SqlNode[], index: number, sql: string): ReadType;

  abstract sqlStruct(fields: readonly { name: string; value: string }[]): string;
  abstract sqlArray(items: readonly string[]): string;
  abstract sqlMap(entries: readonly { key: string; value: string }[]): string;
  abstract quoteString(value: string): string;

  quoteIdentifier(name: string): string {
    const quote = this.identifierQuote;
    return `${quote}${name.replaceAll(quote, quote + quote)}${quote}`;
  }

  /** A name quoted only when it must be, for SQL modelsql writes (DDL, qualified names). */
  identifier(name: string): string {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !this.reservedWords.has(name.toUpperCase())
      ? name
      : this.quoteIdentifier(name);
  }

  protected abstract readonly reservedWords: ReadonlySet<string>;

  namedParameter(name: string): string {
    return `${this.namedParameterPrefix}${name}`;
  }

  sqlType(type: SqlType): string {
    switch (type.kind) {
      case "scalar": {
        const text = this.scalarTypeText[type.name];
        return type.name === "DECIMAL" ? `${text}(${type.precision ?? 10},${type.scale ?? 0})` : text;
      }
      case "array":
        return this.sqlArrayType(this.sqlType(type.element));
      case "struct":
        return this.sqlStructType(
          type.fields.map((field) => ({ name: field.name, type: this.sqlType(field.type) })),
        );
      case "map":
        return this.sqlMapType(this.sqlType(type.key), this.sqlType(type.value));
    }
  }

  protected abstract sqlArrayType(element: string): string;
  protected abstract sqlStructType(fields: readonly { name: string; type: string }[]): string;
  protected abstract sqlMapType(key: string, value: string): string;
}
