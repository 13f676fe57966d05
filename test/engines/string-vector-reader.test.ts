import { DuckDBInstance } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { afterAll, beforeAll, expect, it } from "vitest";
import { StringVectorReader } from "../../src/engines/duckdb/string-vector-reader.js";

/**
 * The reader's cache keys values by their string_t words or DuckDB's hash, in a table that grows
 * and then stops caching. Read back here against the same values computed in JavaScript: 6000
 * distinct values (more than the cache holds): short ones (kept in the string_t) that differ only
 * in bytes 5-8 or 9-12, long ones of one length and prefix (told apart by the hash), a leading
 * byte-order mark, NULLs, and every value seen again in later chunks.
 */
let instance: DuckDBInstance;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
});
afterAll(() => instance?.closeSync());

const VALUES_SQL = `
  SELECT CASE WHEN i % 97 = 0 THEN NULL
              WHEN i % 5 = 0 THEN 'abcdefgh' || lpad(CAST(i % 6000 AS VARCHAR), 4, '0')
              WHEN i % 5 = 1 THEN 'abcd' || lpad(CAST(i % 6000 AS VARCHAR), 4, '0') || 'wxyz'
              WHEN i % 5 = 2 THEN 'Bank transfer #' || lpad(CAST(i % 6000 AS VARCHAR), 5, '0')
              WHEN i % 5 = 3 THEN 'v' || (i % 6000)
              ELSE '\uFEFFBOM ' || (i % 6000) || ' ' || repeat('x', i % 20) END AS s, i
  FROM range(30000) t(i)`;

it("reads text and codes exactly, past the cache's limit and across chunks", async () => {
  const connection = await instance.connect();
  const result = await connection.run(`SELECT s, hash(s) AS h FROM (${VALUES_SQL}) ORDER BY i`);
  // The same values computed here (node-api's own reading drops a leading byte-order mark).
  const expected = Array.from({ length: 30000 }, (_, i) => {
    const n = i % 6000;
    if (i % 97 === 0) return null;
    if (i % 5 === 0) return `abcdefgh${String(n).padStart(4, "0")}`;
    if (i % 5 === 1) return `abcd${String(n).padStart(4, "0")}wxyz`;
    if (i % 5 === 2) return `Bank transfer #${String(n).padStart(5, "0")}`;
    if (i % 5 === 3) return `v${n}`;
    return `\uFEFFBOM ${n} ${"x".repeat(i % 20)}`;
  });
  const codes = new Map<string, number>();
  for (const value of expected) if (value !== null && codes.size < 50) codes.set(value, codes.size * 7);
  codes.set("", 99);
  const textReader = new StringVectorReader();
  const codeReader = new StringVectorReader(codes);
  const texts: (string | null)[] = [];
  const codesRead: bigint[] = [];
  for (
    let chunk = await result.fetchChunk();
    chunk && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, 0);
    const hashes = duckdb.data_chunk_get_vector(chunk.chunk, 1);
    const validity = duckdb.vector_get_validity(vector, Math.ceil(chunk.rowCount / 64) * 8);
    const valid = Uint8Array.from({ length: chunk.rowCount }, (_, row) =>
      validity ? ((validity[row >> 3] as number) >> (row & 7)) & 1 : 1,
    );
    texts.push(...textReader.read(vector, hashes, chunk.rowCount, valid));
    codesRead.push(...codeReader.readCodes(vector, hashes, chunk.rowCount, valid));
  }
  expect(texts).toHaveLength(30000);
  expect(texts).toEqual(expected);
  expect(codesRead).toEqual(expected.map((value) => BigInt(codes.get(value ?? "") ?? -1)));
  expect(texts.filter((value) => value?.startsWith("\uFEFF")).length).toBeGreaterThan(5000);
});
