import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import { createFunction } from "../../src/functions/function-creation.js";
import { definitionFromDocument } from "../../src/functions/function-definition-file.js";
import { REPOSITORY_ROOT } from "../helpers/example-data.js";
import { type ExampleSession, exampleSession } from "../helpers/example-session.js";

/**
 * test/fixtures/models/lookup_classifier.onnx picks a row of a 3x2 probability table with
 * Gather; ONNX Runtime fails the run for a row number outside 0..2.
 */
let example: ExampleSession;

beforeAll(async () => {
  example = await exampleSession();
  await example.workspace.registry.registerVersion({
    name: "main.ml.lookup",
    path: path.join(REPOSITORY_ROOT, "test/fixtures/models/lookup_classifier.onnx"),
    principal: "admin",
  });
  const definition = definitionFromDocument(
    {
      name: "main.ml.lookup_probability",
      model: "models:/main.ml.lookup/1",
      parameters: [{ name: "row", type: "BIGINT" }],
      returns: { kind: "probability", class: 1 },
    },
    "test",
  );
  await createFunction(example.workspace, definition, { principal: "admin", replace: false });
});
afterAll(() => example?.cleanup());

it("scores rows the model accepts (values from the table in the fixture)", async () => {
  const rows = await example.session.queryRows(
    "SELECT lookup_probability(range) AS p FROM range(3) ORDER BY range",
  );
  expect(rows.map((row) => Math.round((row.p as number) * 10) / 10)).toEqual([0.1, 0.5, 0.8]);
});

it("an ONNX Runtime failure fails the statement with the function, the version and ONNX Runtime's reason", async () => {
  const thrown = await example.session
    .queryRows(
      "SELECT lookup_probability(CASE WHEN range = 5000 THEN 7 ELSE range % 3 END) AS p FROM range(10000)",
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(thrown).toBeInstanceOf(ModelSqlError);
  const error = thrown as ModelSqlError;
  expect(error.errorClass).toBe("MODEL_EXECUTION_FAILED");
  expect(error.message).toContain("main.ml.lookup_probability failed scoring");
  expect(error.message).toContain("main.ml.lookup version 1");
  expect(error.message.toLowerCase()).toContain("indices");
});

it("the next statement in the same session still works", async () => {
  const rows = await example.session.queryRows(
    "SELECT sum(lookup_probability(range % 3)) AS s FROM range(3000)",
  );
  expect(rows[0]?.s as number).toBeCloseTo(1000 * (0.1 + 0.5 + 0.8), 3);
  const churn = await example.session.queryRows(
    "SELECT count(predict_churn(features)) AS n FROM customer_features",
  );
  expect(Number(churn[0]?.n)).toBe(7043);
});
