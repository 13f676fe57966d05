import duckdb from "@duckdb/node-bindings";
import { codeColumn, UNKNOWN_CATEGORY_CODE } from "../../models/category-codes-rewrite.js";

/** Where a value's key starts probing: its four words mixed (multiplicative hashing). */
function firstSlot(length: number, prefix: number, w2: number, w3: number, mask: number): number {
  return (
    (Math.imul(Math.imul(Math.imul(prefix, 0x9e3779b1) ^ w2, 0x85ebca6b) ^ w3, 0xc2b2ae35) ^ length) & mask
  );
}

/** One chunk's string_t words, and DuckDB's hashes of its values, read only if a value needs them. */
class ChunkStrings {
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
  private hashWords: Uint32Array | undefined;

  constructor(
    vector: duckdb.Vector,
    private readonly hashes: duckdb.Vector,
    private readonly rows: number,
  ) {
    const data = duckdb.vector_get_data(vector, rows * 16);
    this.bytes = data.byteOffset % 4 === 0 ? data : data.slice();
    this.words = new Uint32Array(this.bytes.buffer, this.bytes.byteOffset, rows * 4);
  }

  hashWord(index: number): number {
    if (!this.hashWords) {
      const data = duckdb.vector_get_data(this.hashes, this.rows * 8);
      const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
      this.hashWords = new Uint32Array(aligned.buffer, aligned.byteOffset, this.rows * 2);
    }
    return this.hashWords[index] as number;
  }
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
 * The cache is an open-addressing table in typed arrays: a lookup compares four 32-bit words and
 * allocates nothing (a Map of buckets cost about twice as much per value, measured with
 * --cpu-prof on the trees UDF).
 *
 * A reader for a parameter that feeds a model input loaded as category codes (see
 * category-codes-rewrite.ts) caches each value's code beside its text and gives the codes.
 */
export class StringVectorReader {
  /** Text as DuckDB holds it: a leading byte-order mark is kept, as in any other value. */
  private static readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  /** Bounds the cache for columns that are not categories (ids, free text). */
  private static readonly MAX_CACHED = 4096;
  /** Entry index of a value decoded without being cached (the cache is full). */
  private static readonly UNCACHED = StringVectorReader.MAX_CACHED;

  private readonly texts: string[] = [];
  /** Per entry: its category code, for a reader of a coded model input. */
  private readonly entryCodes = new Int32Array(StringVectorReader.MAX_CACHED + 1);
  private cachedCount = 0;
  /** Slots: four key words each (length, prefix, and two words of content or hash), and the entry. */
  private slotKeys = new Uint32Array(64 * 4);
  private slotEntries = new Int32Array(64).fill(-1);

  /**
   * `codes`: for a parameter that feeds a model input loaded as category codes, each category's
   * code; `readCodes` then gives the codes without building a string per row.
   */
  /** The code a NULL gets: that of "", as a NULL fed as text would be. */
  private readonly nullCode: number;

  constructor(private readonly codes?: ReadonlyMap<string, number>) {
    this.nullCode = codes?.get("") ?? UNKNOWN_CATEGORY_CODE;
  }

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
    const chunk = new ChunkStrings(vector, hashes, rows);
    const values = new Array<string | null>(rows);
    for (let row = 0; row < rows; row += 1) {
      values[row] = valid && valid[row] === 0 ? null : (this.texts[this.entryOf(chunk, row)] as string);
    }
    return values;
  }

  /** The rows' category codes (see the constructor); a NULL gets the code of "", as text would. */
  readCodes(
    vector: duckdb.Vector,
    hashes: duckdb.Vector,
    rows: number,
    valid: Uint8Array | undefined,
  ): BigInt64Array {
    const chunk = new ChunkStrings(vector, hashes, rows);
    const column = codeColumn(rows);
    for (let row = 0; row < rows; row += 1) {
      const code =
        valid && valid[row] === 0 ? this.nullCode : (this.entryCodes[this.entryOf(chunk, row)] as number);
      column.set(row, code);
    }
    return column.codes;
  }

  /** The cache entry of a row's value, decoding and caching it on first sight. */
  private entryOf(chunk: ChunkStrings, row: number): number {
    const { words, bytes } = chunk;
    const at = row * 4;
    const length = words[at] as number;
    const prefix = words[at + 1] as number;
    // Inlined: the remaining 8 bytes are content. Otherwise: the value's hash.
    const w2 = length <= 12 ? (words[at + 2] as number) : chunk.hashWord(row * 2);
    const w3 = length <= 12 ? (words[at + 3] as number) : chunk.hashWord(row * 2 + 1);
    const mask = this.slotEntries.length - 1;
    let slot = firstSlot(length, prefix, w2, w3, mask);
    for (;;) {
      const entry = this.slotEntries[slot] as number;
      if (entry < 0) break;
      const key = slot * 4;
      const keys = this.slotKeys;
      if (keys[key] === length && keys[key + 1] === prefix && keys[key + 2] === w2 && keys[key + 3] === w3) {
        return entry;
      }
      slot = (slot + 1) & mask;
    }
    const text = StringVectorReader.decoder.decode(
      length <= 12
        ? new Uint8Array(bytes.buffer, bytes.byteOffset + at * 4 + 4, length)
        : duckdb.get_data_from_pointer(bytes.buffer as ArrayBuffer, bytes.byteOffset + at * 4 + 8, length),
    );
    const code = this.codes?.get(text) ?? UNKNOWN_CATEGORY_CODE;
    if (this.cachedCount >= StringVectorReader.MAX_CACHED) {
      this.texts[StringVectorReader.UNCACHED] = text;
      this.entryCodes[StringVectorReader.UNCACHED] = code;
      return StringVectorReader.UNCACHED;
    }
    const entry = this.cachedCount;
    this.cachedCount += 1;
    this.texts[entry] = text;
    this.entryCodes[entry] = code;
    this.slotEntries[slot] = entry;
    this.slotKeys.set([length, prefix, w2, w3], slot * 4);
    // At most half full, so probes stay short: a table of 8192 slots holds MAX_CACHED values.
    if (this.cachedCount * 2 > this.slotEntries.length) this.grow();
    return entry;
  }

  private grow(): void {
    const oldKeys = this.slotKeys;
    const oldEntries = this.slotEntries;
    const capacity = oldEntries.length * 2;
    this.slotKeys = new Uint32Array(capacity * 4);
    this.slotEntries = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    for (let old = 0; old < oldEntries.length; old += 1) {
      const entry = oldEntries[old] as number;
      if (entry < 0) continue;
      const key = old * 4;
      let slot = firstSlot(
        oldKeys[key] as number,
        oldKeys[key + 1] as number,
        oldKeys[key + 2] as number,
        oldKeys[key + 3] as number,
        mask,
      );
      while ((this.slotEntries[slot] as number) >= 0) slot = (slot + 1) & mask;
      this.slotEntries[slot] = entry;
      this.slotKeys.set(oldKeys.subarray(key, key + 4), slot * 4);
    }
  }
}
