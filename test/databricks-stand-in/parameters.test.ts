/**
 * Statement parameters from the stock driver (`namedParameters` / `ordinalParameters`) reach the
 * backend as JS values (see spark-parameters.ts for the mapping). The DuckDB test backend binds
 * them, so the SQL uses DuckDB's `$name` markers; Databricks SQL itself would use `:name`.
 */
import { DBSQLParameter, DBSQLParameterType, type DBSQLSession } from "@databricks/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DuckDbStandIn, startDuckDbStandIn } from "./stand-in-fixture.js";
import { connectStockClient } from "./stock-driver-client.js";

let standIn: DuckDbStandIn;

beforeAll(async () => {
  standIn = await startDuckDbStandIn();
});

afterAll(async () => {
  await standIn.close();
});

type ExecuteOptions = NonNullable<Parameters<DBSQLSession["executeStatement"]>[1]>;

async function execute(sql: string, options: ExecuteOptions): Promise<Record<string, unknown>[]> {
  const client = await connectStockClient(standIn.server);
  const session = await client.openSession();
  const operation = await session.executeStatement(sql, options);
  const rows = (await operation.fetchAll()) as Record<string, unknown>[];
  await client.close();
  return rows;
}

describe("statement parameters", () => {
  it("passes named parameters as typed JS values and binds them", async () => {
    const at = new Date("2024-01-31T12:34:56.789Z");
    const rows = await execute(
      `SELECT $i + 1 AS i1, $x * 2 AS x2, $s AS s, $b AS b, $at::TIMESTAMP AS at, $n::VARCHAR AS n,
              $big::VARCHAR AS big, $price::DECIMAL(10,3) AS price, $day::DATE AS day`,
      {
        namedParameters: {
          i: 41,
          x: 1.25,
          s: "héllo",
          b: true,
          at,
          n: null,
          big: 2n ** 60n,
          price: new DBSQLParameter({ type: DBSQLParameterType.DECIMAL, value: "12.345" }),
          day: new DBSQLParameter({ type: DBSQLParameterType.DATE, value: new Date(2024, 1, 29) }),
        },
      },
    );
    expect(standIn.backend.executions.at(-1)?.namedParameters).toEqual({
      i: 41,
      x: 1.25,
      s: "héllo",
      b: true,
      at,
      n: null,
      big: 2n ** 60n,
      price: "12.345",
      day: new Date("2024-02-29T00:00:00Z"),
    });
    expect(standIn.backend.executions.at(-1)?.ordinalParameters).toEqual([]);
    expect(rows).toEqual([
      {
        i1: 42,
        x2: 2.5,
        s: "héllo",
        b: true,
        at: "2024-01-31 12:34:56.789",
        n: null,
        big: "1152921504606846976",
        price: 12.345,
        day: "2024-02-29",
      },
    ]);
  });

  it("passes ordinal parameters in order", async () => {
    const rows = await execute("SELECT ? + 1 AS next, ? AS label, ? AS flag", {
      ordinalParameters: [9, "nine", false],
    });
    expect(standIn.backend.executions.at(-1)?.ordinalParameters).toEqual([9, "nine", false]);
    expect(standIn.backend.executions.at(-1)?.namedParameters).toEqual({});
    expect(rows).toEqual([{ next: 10, label: "nine", flag: false }]);
  });
});
