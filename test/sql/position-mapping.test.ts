import { expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import { DATABRICKS } from "../../src/sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../../src/sql/dialects/duckdb-dialect.js";
import { translateSql } from "../../src/sql/rewrite/dialect-translation.js";
import { inOriginalText, positionInOriginal } from "../../src/sql/rewrite/position-mapping.js";

const original = "SELECT nvl(a, 0), named_struct('k', b) AS s,\n       `odd name`, b FROM t";
const translated = translateSql(original, DATABRICKS, DUCKDB);

it("finds a name of the translation again in the text as written", () => {
  expect(translated).toBe("SELECT coalesce(a, 0), {'k': b} AS s,\n       \"odd name\", b FROM t");
  // The second `b` (line 2) of the translation is the second `b` of the original.
  const at = { line: 2, column: (translated.split("\n")[1]?.indexOf(" b") as number) + 2 };
  expect(
    positionInOriginal({ text: translated, dialect: DUCKDB }, { text: original, dialect: DATABRICKS }, at),
  ).toEqual({
    line: 2,
    column: (original.split("\n")[1]?.indexOf(" b") as number) + 2,
  });
  // A quoted name is the same name in either quoting.
  expect(
    positionInOriginal(
      { text: translated, dialect: DUCKDB },
      { text: original, dialect: DATABRICKS },
      { line: 2, column: 8 },
    ),
  ).toEqual({ line: 2, column: 8 });
});

it("moves an error's line, column and caret to the text as written, or says where it was", () => {
  const column = translated.indexOf(" b}") + 2;
  const error = new ModelSqlError(
    "UNRESOLVED_COLUMN",
    `Referenced column "b" not found (line 1, column ${column})`,
    {
      position: { line: 1, column },
    },
  );
  const moved = inOriginalText(
    error,
    { text: translated, dialect: DUCKDB },
    { text: original, dialect: DATABRICKS },
  );
  const written = original.indexOf(", b)") + 3;
  expect((moved as ModelSqlError).message).toContain(`not found (line 1, column ${written})`);
  expect((moved as ModelSqlError).message).toContain(
    `${original.split("\n")[0]}\n${" ".repeat(written - 1)}^`,
  );
  // The `{` the translation wrote has no counterpart: no caret, and the message says so.
  const unplaced = inOriginalText(
    new ModelSqlError("PARSE_SYNTAX_ERROR", "syntax error (line 1, column 24)", {
      position: { line: 1, column: 24 },
    }),
    { text: translated, dialect: DUCKDB },
    { text: original, dialect: DATABRICKS },
  ) as ModelSqlError;
  expect(unplaced.position).toBeUndefined();
  expect(unplaced.message).toContain("syntax error (in modelsql's DuckDB reading of the SQL)");
});
