import duckdb from "@duckdb/node-bindings";
import { codeColumn, UNKNOWN_CATEGORY_CODE } from "../../models/category-codes-rewrite.js";

interface CachedString {
  readonly length: number;
  readonly prefix: number;
  readonly w2: number;
  readonly w3: number;
  readonly text: string;
  /** The value's category code, for a reader of a coded model input. */
  readonly code: number;
}

/**
 * Reads VARCHAR vectors fast. DuckDB passes each string as a 16-byte string_t: a 4-byte length,
 * then either the bytes themselves (12 or fewer, zero-padded) or a 4-byte prefix and a pointer.
 * Decoding each value costs about a microsecond (a native call to copy the bytes behind the
 * pointer, then TextDecoder), which for the 15 text columns of a churn chunk was more than half
 * of the ONNX run itself (measured with --cpu-prof). Model inputs are mostly categories that
 * repeat, so each distinct value is decoded once and then found in a cache:
 * - inlined strings are keyed by their 16 bytes, which are the content;
 * - longer strings are keyed by DuckDB's 64-bit hash of the value (computed by DuckDB in the
 *   call, see function-macros.ts) with the length and 4-byte prefix, so a wrong hit needs a
 *   64-bit hash collision between two values of equal length and prefix.
 * Pointers are never used as keys: the memory behind them is reused once a chunk is done.
 *
 * A reader for a parameter that feeds a model input loaded as category codes (see
 * category-codes-rewrite.ts) caches each value's code beside its text and gives the codes.
 */
export class StringVectorReader {
  private readonly cache = new Map<number, CachedString[]>();
  /** Text as DuckDB holds it: a leading byte-order mark is kept, as in any other value. */
  private static readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  /** Bounds the cache for columns that are not categories (ids, free text). */
  private static readonly MAX_CACHED = 4096;
  private cachedCount = 0;

  /**
   * `codes`: for a parameter that feeds a model input loaded as category codes, each category's
   * code; `readCodes` then gives the codes without building a string per row.
   */
  constructor(private readonly codes?: ReadonlyMap<string, number>) {}

  get readsCodes(): boolean {
    return this.codes !== undefined;
  }

  /** `hashes`: DuckDB's hash() of each row's value, a UBIGINT vector. */
  read(
    vector: duckdb.Vector,
    hashes: duckdb.Vector,
    rows: number,
    valid: Uint8Array | undefined,
  ): (string | null)[] {
    const values = new Array<string | null>(rows);
    this.forEachRow(vector, hashes, rows, valid, (row, entry) => {
      values[row] = entry ? entry.text : null;
    });
    return values;
  }

  /** The rows' category codes (see the constructor); a NULL gets the code of "", as text would. */
  readCodes(
    vector: duckdb.Vector,
    hashes: duckdb.Vector,
    rows: number,
    valid: Uint8Array | undefined,
  ): BigInt64Array {
    const nullCode = this.codes?.get("") ?? UNKNOWN_CATEGORY_CODE;
    const column = codeColumn(rows);
    this.forEachRow(vector, hashes, rows, valid, (row, entry) =>
      column.set(row, entry ? entry.code : nullCode),
    );
    return column.codes;
  }

  private forEachRow(
    vector: duckdb.Vector,
    hashes: duckdb.Vector,
    rows: number,
    valid: Uint8Array | undefined,
    visit: (row: number, entry: CachedString | undefined) => void,
  ): void {
    const data = duckdb.vector_get_data(vector, rows * 16);
    const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
    const words = new Uint32Array(aligned.buffer, aligned.byteOffset, rows * 4);
    const hashBytes = duckdb.vector_get_data(hashes, rows * 8);
    const hashWords = new Uint32Array(hashBytes.buffer, hashBytes.byteOffset, rows * 2);
    for (let row = 0; row < rows; row += 1) {
      if (valid && valid[row] === 0) {
        visit(row, undefined);
        continue;
      }
      const at = row * 4;
      const length = words[at] as number;
      const prefix = words[at + 1] as number;
      // Inlined: the remaining 8 bytes are content. Otherwise: the value's hash.
      const w2 = length <= 12 ? (words[at + 2] as number) : (hashWords[row * 2] as number);
      const w3 = length <= 12 ? (words[at + 3] as number) : (hashWords[row * 2 + 1] as number);
      const key = (Math.imul(Math.imul(prefix, 31) + w2, 31) + w3 + length) | 0;
      const bucket = this.cache.get(key);
      let found: CachedString | undefined;
      if (bucket) {
        for (const entry of bucket) {
          if (entry.length === length && entry.prefix === prefix && entry.w2 === w2 && entry.w3 === w3) {
            found = entry;
            break;
          }
        }
      }
      if (found === undefined) {
        const bytes =
          length <= 12
            ? new Uint8Array(aligned.buffer, aligned.byteOffset + at * 4 + 4, length)
            : duckdb.get_data_from_pointer(
                aligned.buffer as ArrayBuffer,
                aligned.byteOffset + at * 4 + 8,
                length,
              );
        const text = StringVectorReader.decoder.decode(bytes);
        found = { length, prefix, w2, w3, text, code: this.codes?.get(text) ?? UNKNOWN_CATEGORY_CODE };
        if (this.cachedCount < StringVectorReader.MAX_CACHED) {
          if (bucket) bucket.push(found);
          else this.cache.set(key, [found]);
          this.cachedCount += 1;
        }
      }
      visit(row, found);
    }
  }
}
