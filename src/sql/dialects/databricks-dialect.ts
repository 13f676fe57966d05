import { COMMON_RESERVED_WORDS, Dialect, type ReadType } from "./dialect.js";
import type { DialectToken } from "./dialect-tokens.js";
import type { ScalarTypeName, SqlType } from "./sql-type.js";
import { isSymbol, isWord, type SqlNode } from "./token-tree.js";
import { readScalarType, typeError } from "./type-reading.js";

/** Spellings of Spark SQL's type names (Spark's DataType parser, checked with pyspark's parser). */
const SPELLINGS = new Map<string, ScalarTypeName>([
  ["STRING", "STRING"],
  ["VARCHAR", "STRING"],
  ["CHAR", "STRING"],
  ["TINYINT", "TINYINT"],
  ["BYTE", "TINYINT"],
  ["SMALLINT", "SMALLINT"],
  ["SHORT", "SMALLINT"],
  ["INT", "INT"],
  ["INTEGER", "INT"],
  ["BIGINT", "BIGINT"],
  ["LONG", "BIGINT"],
  ["FLOAT", "FLOAT"],
  ["REAL", "FLOAT"],
  ["DOUBLE", "DOUBLE"],
  ["BOOLEAN", "BOOLEAN"],
  ["DECIMAL", "DECIMAL"],
  ["DEC", "DECIMAL"],
  ["NUMERIC", "DECIMAL"],
  ["DATE", "DATE"],
  ["TIMESTAMP", "TIMESTAMP"],
  ["TIMESTAMP_LTZ", "TIMESTAMP"],
  ["TIMESTAMP_NTZ", "TIMESTAMP_NTZ"],
  ["BINARY", "BINARY"],
]);

const SPARK_ESCAPED: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * Databricks SQL (Spark SQL): strings in '' or "" with backslash escapes, `identifiers`,
 * :name parameters, arrays indexed from 0, named_struct / array / map constructors,
 * ARRAY<T> and STRUCT<a: T> types, `* EXCEPT`, `DIV` for integer division, `=>` for named
 * arguments (ai_query's returnType).
 */
export class DatabricksDialect extends Dialect {
  readonly name = "databricks" as const;
  readonly displayName = "Databricks";
  readonly doubleQuotesAreStrings = true;
  readonly backslashEscapes = true;
  readonly identifierQuote = "`" as const;
  readonly namedParameterPrefix = ":" as const;
  readonly starExclusionKeyword = "EXCEPT" as const;
  readonly firstArrayIndex = 0 as const;
  readonly integerDivisionOperator = "DIV";
  readonly namedArgumentOperator = "=>" as const;
  protected readonly scalarTypeText: Readonly<Record<ScalarTypeName, string>> = {
    STRING: "STRING",
    TINYINT: "TINYINT",
    SMALLINT: "SMALLINT",
    INT: "INT",
    BIGINT: "BIGINT",
    FLOAT: "FLOAT",
    DOUBLE: "DOUBLE",
    BOOLEAN: "BOOLEAN",
    DECIMAL: "DECIMAL",
    DATE: "DATE",
    TIMESTAMP: "TIMESTAMP",
    TIMESTAMP_NTZ: "TIMESTAMP_NTZ",
    BINARY: "BINARY",
  };
  protected readonly reservedWords = new Set([...COMMON_RESERVED_WORDS, "FUNCTION"]);

  /**
   * A Spark string literal. `${` is written `\u0024{`: Spark substitutes `${...}` variables in
   * the raw text before parsing, inside strings too (checked with pyspark), and the escape keeps
   * the value while leaving nothing to substitute.
   */
  quoteString(value: string): string {
    const escaped = value.replace(/[\\'\n\r\t]/g, (char) => SPARK_ESCAPED[char] as string);
    return `'${escaped.replaceAll("${", "\\u0024{")}'`;
  }

  sqlStruct(fields: readonly { name: string; value: string }[]): string {
    return `named_struct(${fields.map((field) => `${this.quoteString(field.name)}, ${field.value}`).join(", ")})`;
  }

  sqlArray(items: readonly string[]): string {
    return `array(${items.join(", ")})`;
  }

  sqlMap(entries: readonly { key: string; value: string }[]): string {
    return `map(${entries.map((entry) => `${entry.key}, ${entry.value}`).join(", ")})`;
  }

  protected sqlArrayType(element: string): string {
    return `ARRAY<${element}>`;
  }

  protected sqlStructType(fields: readonly { name: string; type: string }[]): string {
    return `STRUCT<${fields.map((field) => `${this.identifier(field.name)}: ${field.type}`).join(", ")}>`;
  }

  protected sqlMapType(key: string, value: string): string {
    return `MAP<${key}, ${value}>`;
  }

  readType(nodes: readonly SqlNode[], index: number, sql: string): ReadType {
    const first = nodes[index];
    const expect = (at: number, symbol: string) => {
      if (!isSymbol(nodes[at], symbol)) {
        throw typeError(sql, nodes[at]?.start ?? sql.length, `Expected '${symbol}' in a Databricks type`);
      }
    };
    if (isWord(first, "ARRAY")) {
      expect(index + 1, "<");
      const element = this.readType(nodes, index + 2, sql);
      expect(element.next, ">");
      return { type: { kind: "array", element: element.type }, next: element.next + 1 };
    }
    if (isWord(first, "MAP")) {
      expect(index + 1, "<");
      const key = this.readType(nodes, index + 2, sql);
      expect(key.next, ",");
      const value = this.readType(nodes, key.next + 1, sql);
      expect(value.next, ">");
      return { type: { kind: "map", key: key.type, value: value.type }, next: value.next + 1 };
    }
    if (isWord(first, "STRUCT")) {
      expect(index + 1, "<");
      const fields: { name: string; type: SqlType }[] = [];
      let at = index + 2;
      while (!isSymbol(nodes[at], ">")) {
        const name = nodes[at] as DialectToken | undefined;
        if (!name || (name.kind !== "word" && name.kind !== "identifier")) {
          throw typeError(sql, name?.start ?? sql.length, "A STRUCT field needs a name and a type");
        }
        at += isSymbol(nodes[at + 1], ":") ? 2 : 1;
        const field = this.readType(nodes, at, sql);
        fields.push({ name: name.value, type: field.type });
        at = field.next;
        if (isSymbol(nodes[at], ",") && !isSymbol(nodes[at + 1], ">")) at += 1;
        else expect(at, ">");
      }
      return { type: { kind: "struct", fields }, next: at + 1 };
    }
    const scalar = readScalarType(nodes, index, sql, SPELLINGS, { precision: 10, scale: 0 });
    if (scalar) {
      const { next, ...type } = scalar;
      return { type: { kind: "scalar", ...type }, next };
    }
    const word = isWord(first)
      ? first.text.toUpperCase()
      : ((first as DialectToken | undefined)?.text ?? "(missing)");
    throw typeError(
      sql,
      first?.start ?? sql.length,
      `The Databricks type ${word} has no DuckDB counterpart modelsql translates`,
      "Cast to a type both engines have (STRING, INT, BIGINT, DOUBLE, DECIMAL, DATE, TIMESTAMP, ARRAY, STRUCT, MAP).",
    );
  }
}

export const DATABRICKS = new DatabricksDialect();
