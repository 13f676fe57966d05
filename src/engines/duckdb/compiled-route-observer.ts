import { type DuckDBDataChunk, DuckDBScalarFunction, type DuckDBVector } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import type { FunctionBinding } from "../../functions/function-binding.js";
import { quoteIdentifier } from "./duckdb-catalog-names.js";
import { parameterTypesOf, returnTypeOf, type ScoringHooks, udfSignature } from "./prediction-udf.js";
import { ChunkColumn, everyRow, sampleReader } from "./scored-samples.js";
import { udfError } from "./udf-errors.js";
import { type CallForm, udfName } from "./udf-names.js";

/**
 * On the compiled route no UDF scores, so nothing would see the rows for the inference log. The
 * observer is a UDF around the compiled expression, `observer(<compiled>, <arguments>)`, that
 * returns its first argument unchanged and reports the chunk: which rows got a value, and their
 * arguments for the sample. It is volatile so DuckDB never folds it away or calls it at planning.
 */
export function createCompiledRouteObserver(
  binding: FunctionBinding,
  form: CallForm,
  hooks: ScoringHooks,
): { name: string; udf: DuckDBScalarFunction } {
  const returnType = returnTypeOf(binding);
  const texts = binding.inputs.filter(({ parameter }) => parameter.type === "STRING").length;
  const argumentTypes = parameterTypesOf(binding, form);
  // The scoring UDF's trailing text hashes are not needed here.
  const parameterTypes = [returnType, ...argumentTypes.slice(0, argumentTypes.length - texts)];
  const name = udfName(binding.definition.name, form, `observer:${udfSignature(returnType, parameterTypes)}`);
  const sampled = binding.inputs.map(({ parameter }) => parameter);
  // DOUBLE probabilities and BIGINT labels are copied as bytes, validity included; text labels
  // and STRUCTs value by value.
  const fixedWidth =
    binding.definition.returns.kind === "probability" ||
    (binding.definition.returns.kind === "label" && binding.labelType === "BIGINT");
  const numericReturn = binding.definition.returns.kind === "probability" ? "DOUBLE" : "BIGINT";
  const mainFunction = (_info: unknown, chunk: DuckDBDataChunk, output: DuckDBVector): void => {
    try {
      const rows = chunk.rowCount;
      const scored = fixedWidth ? copyFixedWidth(chunk, output, rows) : copyValues(chunk, output, rows);
      hooks.onScored?.(
        binding.definition.name,
        scored,
        sampleReader(
          sampled,
          form,
          chunk.chunk,
          fixedWidth
            ? (row) =>
                new ChunkColumn(duckdb.data_chunk_get_vector(chunk.chunk, 0), numericReturn, row + 1).read(
                  row,
                )
            : (row) => chunk.getColumnVector(0).getItem(row),
          1,
        ),
      );
      hooks.onChunkScored?.(rows);
    } catch (error) {
      throw udfError(error);
    }
  };
  return {
    name,
    udf: DuckDBScalarFunction.create({
      name,
      mainFunction,
      returnType,
      parameterTypes,
      specialHandling: true,
      volatile: true,
    }),
  };
}

/** The compiled expression passed through its observer, with the macro's own arguments. */
export function observedCall(observer: string, compiled: string, argumentsSql: readonly string[]): string {
  return `${quoteIdentifier(observer)}(${compiled}, ${argumentsSql.join(", ")})`;
}

/** The raw vector behind the output wrapper (the node API keeps it in a field it does not declare). */
function rawVector(output: DuckDBVector): duckdb.Vector {
  return (output as unknown as { vector: duckdb.Vector }).vector;
}

/** Copies an 8-byte column (DOUBLE, BIGINT) with its validity; returns the rows that hold a value. */
function copyFixedWidth(chunk: DuckDBDataChunk, output: DuckDBVector, rows: number): ArrayLike<number> {
  const input = duckdb.data_chunk_get_vector(chunk.chunk, 0);
  const target = rawVector(output);
  const data = duckdb.vector_get_data(input, rows * 8);
  duckdb.copy_data_to_vector(target, 0, data.buffer as ArrayBuffer, data.byteOffset, rows * 8);
  const words = Math.ceil(rows / 64);
  const validity = duckdb.vector_get_validity(input, words * 8);
  if (!validity) return everyRow(rows);
  duckdb.vector_ensure_validity_writable(target);
  duckdb.copy_data_to_vector_validity(
    target,
    0,
    validity.buffer as ArrayBuffer,
    validity.byteOffset,
    words * 8,
  );
  const scored: number[] = [];
  for (let row = 0; row < rows; row += 1) {
    if ((((validity[row >> 3] as number) >> (row & 7)) & 1) === 1) scored.push(row);
  }
  return scored;
}

/** Copies any column value by value; returns the rows that hold a value. */
function copyValues(chunk: DuckDBDataChunk, output: DuckDBVector, rows: number): ArrayLike<number> {
  const values = chunk.getColumnVector(0);
  const scored: number[] = [];
  const set = output.setItem.bind(output) as (row: number, value: unknown) => void;
  for (let row = 0; row < rows; row += 1) {
    const value = values.getItem(row);
    set(row, value);
    if (value !== null) scored.push(row);
  }
  output.flush();
  return scored;
}
