import type { Dialect } from "../dialects/dialect.js";
import type { ScalarTypeName } from "../dialects/sql-type.js";

/**
 * The few SQL spellings compiled models need, per dialect. Everything else the compiler writes
 * (arithmetic, CASE, comparisons, exp, greatest, least, abs, sqrt, isnan) is spelled and means
 * the same in DuckDB and Spark SQL; that was checked by running both forms of every test model
 * (test/sql/compile on DuckDB, test/spark on pyspark) against ONNX Runtime.
 */
export class SqlWriter {
  constructor(readonly dialect: Dialect) {}

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
