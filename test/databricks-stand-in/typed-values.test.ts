/**
 * Typed columns as the stock driver decodes them from the stand-in's COLUMN_BASED_SET pages.
 *
 * What the driver returns here is what it returns for column-based results from a real
 * warehouse (dist/result/utils.js convertThriftValue): DECIMAL as a Number, DATE/TIMESTAMP as the
 * server's strings, ARRAY/STRUCT/MAP parsed from JSON, BIGINT via node-int64's `toNumber()`.
 */
import { thrift } from "@databricks/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandInBackend } from "./stand-in-backend.js";
import { type DuckDbStandIn, startDuckDbStandIn } from "./stand-in-fixture.js";
import { startStandInServer } from "./stand-in-server.js";
import { connectStockClient } from "./stock-driver-client.js";

const { TTypeId } = thrift.TCLIService_types;

let standIn: DuckDbStandIn;

beforeAll(async () => {
  standIn = await startDuckDbStandIn();
});

afterAll(async () => {
  await standIn.close();
});

async function query(sql: string): Promise<{ rows: Record<string, unknown>[]; schema: unknown }> {
  const client = await connectStockClient(standIn.server);
  const session = await client.openSession();
  const operation = await session.executeStatement(sql);
  const rows = (await operation.fetchAll()) as Record<string, unknown>[];
  const schema = await operation.getSchema();
  await operation.close();
  await session.close();
  await client.close();
  return { rows, schema };
}

describe("typed values through the stock driver", () => {
  it("decodes each Databricks type the way the driver decodes column-based results", async () => {
    const { rows, schema } = await query(`
      SELECT 42::INT AS i, 5000000000::BIGINT AS big, -9007199254740991::BIGINT AS big_min_safe,
             2.5::DOUBLE AS d, 1.25::FLOAT AS f, 7::SMALLINT AS s, -3::TINYINT AS t,
             'héllo' AS str, true AS yes, NULL AS nothing, 12.30::DECIMAL(10,2) AS price,
             DATE '2024-02-29' AS day, TIMESTAMP '2024-02-29 23:59:58.120' AS at,
             TIMESTAMP '2024-02-29 00:00:00' AS midnight,
             '\\xAA\\xBB'::BLOB AS bytes, [0.25, 0.75] AS probs, {'label': 'cat', 'p': 0.9} AS best, MAP {'a': 1, 'b': 2} AS counts
    `);
    expect(rows).toEqual([
      {
        i: 42,
        big: 5000000000,
        big_min_safe: -9007199254740991,
        d: 2.5,
        f: 1.25,
        s: 7,
        t: -3,
        str: "héllo",
        yes: true,
        nothing: null,
        price: 12.3,
        day: "2024-02-29",
        at: "2024-02-29 23:59:58.12",
        midnight: "2024-02-29 00:00:00",
        bytes: Buffer.from([0xaa, 0xbb]),
        probs: [0.25, 0.75],
        best: { label: "cat", p: 0.9 },
        counts: { a: 1, b: 2 },
      },
    ]);

    const columns = (
      schema as {
        columns: {
          columnName: string;
          typeDesc: {
            types: {
              primitiveEntry: {
                type: number;
                typeQualifiers?: { qualifiers: Record<string, { i32Value: number }> };
              };
            }[];
          };
        }[];
      }
    ).columns;
    const typeOf = (name: string) =>
      columns.find((column) => column.columnName === name)?.typeDesc.types[0]?.primitiveEntry;
    expect(typeOf("i")?.type).toBe(TTypeId.INT_TYPE);
    expect(typeOf("big")?.type).toBe(TTypeId.BIGINT_TYPE);
    expect(typeOf("probs")?.type).toBe(TTypeId.ARRAY_TYPE);
    expect(typeOf("best")?.type).toBe(TTypeId.STRUCT_TYPE);
    expect(typeOf("counts")?.type).toBe(TTypeId.MAP_TYPE);
    expect(typeOf("price")?.type).toBe(TTypeId.DECIMAL_TYPE);
    expect(typeOf("price")?.typeQualifiers?.qualifiers).toMatchObject({
      precision: { i32Value: 10 },
      scale: { i32Value: 2 },
    });
  });

  it("marks nulls per row in every vector type, across several bitmap bytes", async () => {
    const { rows } = await query(`
      SELECT i::INT AS id,
             CASE WHEN i % 3 = 0 THEN NULL ELSE i END::INT AS i32,
             CASE WHEN i % 3 = 1 THEN NULL ELSE i * 1000000000000 END::BIGINT AS i64,
             CASE WHEN i % 4 = 0 THEN NULL ELSE i / 2 END::DOUBLE AS dbl,
             CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || i END AS str,
             CASE WHEN i % 2 = 0 THEN NULL ELSE i % 3 = 1 END AS bool,
             CASE WHEN i % 6 = 0 THEN NULL ELSE i::DECIMAL(6,1) END AS dec,
             CASE WHEN i % 7 = 0 THEN NULL ELSE [i] END AS arr
      FROM range(20) t(i) ORDER BY i
    `);
    expect(rows).toHaveLength(20);
    rows.forEach((row, i) => {
      expect(row).toEqual({
        id: i,
        i32: i % 3 === 0 ? null : i,
        i64: i % 3 === 1 ? null : i * 1_000_000_000_000,
        dbl: i % 4 === 0 ? null : i / 2,
        str: i % 5 === 0 ? null : `v${i}`,
        bool: i % 2 === 0 ? null : i % 3 === 1,
        dec: i % 6 === 0 ? null : i,
        arr: i % 7 === 0 ? null : [i],
      });
    });
  });

  it("sends NULL-typed columns and renders bigint, Date and Map values inside complex values as JSON", async () => {
    // DuckDB types a bare NULL as INTEGER, so this backend states the columns itself.
    const backend: StandInBackend = {
      openSession: async () => ({
        execute: async () => ({
          columns: [
            { name: "nothing", typeName: "NULL", typeText: "void" },
            {
              name: "event",
              typeName: "STRUCT",
              typeText: "struct<id:bigint,at:timestamp,tags:map<string,int>>",
            },
          ],
          batches: (async function* () {
            yield [
              [
                null,
                { id: 12345678901n, at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), tags: new Map([["x", 1]]) },
              ],
            ];
          })(),
        }),
        close: async () => undefined,
      }),
    };
    const server = await startStandInServer({ backend });
    try {
      const client = await connectStockClient(server);
      const session = await client.openSession();
      const operation = await session.executeStatement("SELECT anything");
      expect(await operation.fetchAll()).toEqual([
        { nothing: null, event: { id: 12345678901, at: "2024-01-02 03:04:05", tags: { x: 1 } } },
      ]);
      const schema = await operation.getSchema();
      expect(schema?.columns[0]?.typeDesc.types[0]?.primitiveEntry?.type).toBe(TTypeId.NULL_TYPE);
      await client.close();
    } finally {
      await server.close();
    }
  });
});
