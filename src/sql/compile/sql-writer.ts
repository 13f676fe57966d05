import type { Dialect } from "../dialects/dialect.js";
import type { ScalarTypeName } from "../dialects/sql-type.js";

/**
 * The few SQL spellings compiled models need, per dialect. Everything else the compiler writes
 * (arithmetic, CASE, comparisons, exp, greatest, least, abs, sqrt, isnan) is spelled and means
 * the same in DuckDB and Spark SQL; that was checked by running both forms of every test model
 * (test/sql/compile on DuckDB, test/spark on pyspark) against ONNX Runtime.
 */
/** Above this many characters an expression that repeats its inputs binds them once instead. */
const SHARE_ABOVE = 20_000;

export class SqlWriter {
  private lets = 0;

  constructor(readonly dialect: Dialect) {}

  /**
   * `body` over `values`, each value computed once. SQL has no LET inside an expression, and a
   * body that names a large value several times (an argmax over class probabilities, a softmax)
   * would repeat it: a label over three forests' probabilities came to 750,000 characters, which
   * took Spark's parser 7.6 s and its planner minutes. Above SHARE_ABOVE characters the values
   * are bound as the fields of a one-element list's STRUCT, read by a lambda; both engines
   * evaluate the STRUCT once per row.
   */
  shared(values: readonly string[], body: (references: readonly string[]) => string): string {
    const inline = body(values);
    if (inline.length < SHARE_ABOVE) return inline;
    const name = `modelsql_let_${this.lets}`;
    this.lets += 1;
    const fields = values.map((value, index) => ({ name: `v${index}`, value }));
    const inner = body(fields.map((field) => `${name}.${field.name}`));
    const struct = this.dialect.sqlStruct(fields);
    return this.dialect.name === "duckdb"
      ? `list_transform([${struct}], lambda ${name}: ${inner})[1]`
      : `transform(array(${struct}), ${name} -> ${inner})[0]`;
  }

  /**
   * A number, exactly: float32 attributes print as the double they are. Exponent form, because
   * both engines read it as a DOUBLE (DuckDB reads 0.25 as a DECIMAL, whose products overflow
   * its scale), and toExponential() gives the shortest digits that read back exactly.
   */
  number(value: number): string {
    if (Number.isNaN(value)) return "CAST('NaN' AS DOUBLE)";
    if (!Number.isFinite(value)) return `CAST('${value > 0 ? "" : "-"}Infinity' AS DOUBLE)`;
    const text = value.toExponential();
    return value < 0 ? `(${text})` : text;
  }

  text(value: string): string {
    return this.dialect.quoteString(value);
  }

  value(value: number | string): string {
    return typeof value === "string" ? this.text(value) : this.number(value);
  }

  cast(expression: string, type: ScalarTypeName): string {
    return `CAST(${expression} AS ${this.dialect.sqlType({ kind: "scalar", name: type })})`;
  }

  /**
   * ONNX casts a float to an integer by truncating toward zero. Spark's CAST truncates; DuckDB's
   * rounds (half to even from DOUBLE), so it truncates first.
   */
  truncatingCast(expression: string, type: "INT" | "BIGINT"): string {
    return this.dialect.name === "duckdb"
      ? this.cast(`trunc(${expression})`, type)
      : this.cast(expression, type);
  }

  /** NULL or NaN: a value ONNX Runtime sees as missing (a NULL reaches it as NaN). */
  missing(expression: string): string {
    return `(${expression} IS NULL OR isnan(${expression}))`;
  }

  sigmoid(expression: string): string {
    return `(1e0 / (1e0 + exp(-(${expression}))))`;
  }
}
