import { ONNX_FIELDS, type OnnxGraphSummary, type OnnxNode } from "./onnx-graph.js";
import {
  concatBytes,
  encodeMessageField,
  encodeStringField,
  encodeVarintField,
  fieldsNumbered,
  int64Values,
  payload,
  readFields,
  stringOf,
  type WireField,
} from "./protobuf-wire.js";

/**
 * onnxruntime-node turns every string of a string tensor into a native string on every run, one
 * N-API call per value. For the churn models (15 text inputs, batches of 2048) that took 3.5 ms
 * of a 7.4 ms run, while ONNX Runtime's own time for the graph was the same as Python's
 * (measured with ONNX Runtime's profiler in both; Python scored 425k rows/s, Node 275k).
 *
 * Text inputs of tabular models are categories: skl2onnx feeds each one, through Reshape, to an
 * ai.onnx.ml OneHotEncoder that compares it with a list of strings. Where that is all a string
 * input is used for, modelsql loads the graph with the input as int64 codes (its position in the
 * encoders' list) and each encoder comparing codes instead, and encodes the strings itself with a
 * Map lookup: the same one-hot vectors, so the same predictions, at about 400k rows/s.
 *
 * Only encoders that give all zeros for an unknown value are rewritten (`zeros` absent or 1), as
 * a code no encoder lists (-1) does; one with `zeros` = 0 fails on an unknown value with a message
 * naming it, and keeps its string input. Anything unusual (a subgraph, an input that is also an
 * output or has a default, categories that are not exact UTF-8, an encoder that also lists
 * numbers) leaves the input as published; so does ONNX Runtime refusing the result (onnx-model.ts).
 */

const ONNX_INT64 = 7;
const ONNX_STRING = 8;
const ATTRIBUTE_INTS = 7;
/** Operators that pass their first input on with its element type and values unchanged. */
const PASS_THROUGH = new Set(["Reshape", "Identity", "Flatten", "Squeeze", "Unsqueeze"]);
/** The code of a value no encoder lists; every encoder gives it all zeros. */
export const UNKNOWN_CATEGORY_CODE = -1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** For each rewritten input: each category's code. A value not listed gets -1. */
export type CategoryCodes = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface CategoryCodesRewrite {
  readonly modelBytes: Uint8Array;
  readonly codedInputs: CategoryCodes;
}

interface GraphInput {
  readonly name: string;
  readonly elementType: number | undefined;
  readonly field: WireField;
}

function graphInputs(graphBytes: Uint8Array, graph: OnnxGraphSummary): GraphInput[] {
  return fieldsNumbered(graph.graphFields, ONNX_FIELDS.graph.input).map((field) => {
    const valueInfo = payload(graphBytes, field);
    const fields = readFields(valueInfo);
    // A message field repeated on the wire is merged, a scalar one takes its last value: inputs
    // written that way are unusual enough to leave alone (element type undefined).
    const only = (bytes: Uint8Array, number: number) => {
      const found = fieldsNumbered(readFields(bytes), number);
      return found.length === 1 ? payload(bytes, found[0] as WireField) : new Uint8Array(0);
    };
    const tensor = only(only(valueInfo, ONNX_FIELDS.valueInfo.type), ONNX_FIELDS.type.tensorType);
    const elementTypes = int64Values(tensor, readFields(tensor), ONNX_FIELDS.tensorType.elemType);
    const elementType = elementTypes.length === 1 ? elementTypes[0] : undefined;
    return { name: stringOf(valueInfo, fields, ONNX_FIELDS.valueInfo.name), elementType, field };
  });
}

function attributeFieldsOf(
  graphBytes: Uint8Array,
  node: OnnxNode,
): { bytes: Uint8Array; fields: WireField[] }[] {
  const nodeBytes = payload(graphBytes, node.wire);
  return fieldsNumbered(readFields(nodeBytes), ONNX_FIELDS.node.attribute).map((field) => {
    const bytes = payload(nodeBytes, field);
    return { bytes, fields: readFields(bytes) };
  });
}

/** A node with a subgraph (If, Loop, Scan) may use any value of the outer graph unseen here. */
function hasSubgraph(graphBytes: Uint8Array, node: OnnxNode): boolean {
  return attributeFieldsOf(graphBytes, node).some(({ fields }) =>
    fields.some(
      (field) => field.field === ONNX_FIELDS.attribute.graph || field.field === ONNX_FIELDS.attribute.graphs,
    ),
  );
}

function isStandardDomain(node: OnnxNode): boolean {
  return node.domain === "" || node.domain === "ai.onnx";
}

/** Text exactly as ONNX Runtime compares it: byte for byte, so no BOM dropped, no bytes replaced. */
const exactUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The categories of a OneHotEncoder this rewrite may give codes to, else undefined. It must
 * compare text (`cats_strings`, non-empty, each decoding to exactly its bytes), have no
 * `cats_int64s` (ONNX Runtime refuses both lists filled; an empty one beside would be doubled),
 * and give zeros for an unknown value: `zeros` absent (the default, 1) or an explicit 1.
 */
function rewritableCategories(graphBytes: Uint8Array, node: OnnxNode): string[] | undefined {
  if (node.opType !== "OneHotEncoder" || node.domain !== "ai.onnx.ml") return undefined;
  let categories: string[] | undefined;
  let zeros: number | undefined = 1;
  const seen = new Set<string>();
  for (const { bytes, fields } of attributeFieldsOf(graphBytes, node)) {
    const name = stringOf(bytes, fields, ONNX_FIELDS.attribute.name);
    if (seen.has(name)) return undefined;
    seen.add(name);
    if (name === "cats_int64s") return undefined;
    if (name === "zeros") zeros = int64Values(bytes, fields, ONNX_FIELDS.attribute.i).at(-1);
    if (name === "cats_strings") {
      try {
        categories = fieldsNumbered(fields, ONNX_FIELDS.attribute.strings).map((field) =>
          exactUtf8.decode(payload(bytes, field)),
        );
      } catch {
        return undefined;
      }
    }
  }
  return zeros === 1 && categories && categories.length > 0 ? categories : undefined;
}

interface InputUses {
  /** Values between the input and its encoders (their value_info is dropped). */
  readonly passedThrough: string[];
  readonly encoders: { readonly node: OnnxNode; readonly categories: readonly string[] }[];
}

/** How a string input reaches OneHotEncoders, or undefined if it is used any other way. */
function usesOf(
  graphBytes: Uint8Array,
  graph: OnnxGraphSummary,
  consumers: ReadonlyMap<string, { node: OnnxNode; index: number }[]>,
  input: string,
): InputUses | undefined {
  const uses: InputUses = { passedThrough: [], encoders: [] };
  const pending = [input];
  while (pending.length > 0) {
    const value = pending.pop() as string;
    if (graph.outputNames.includes(value)) return undefined;
    for (const { node, index } of consumers.get(value) ?? []) {
      if (
        index === 0 &&
        isStandardDomain(node) &&
        PASS_THROUGH.has(node.opType) &&
        node.outputs.length === 1
      ) {
        const output = node.outputs[0] as string;
        uses.passedThrough.push(output);
        pending.push(output);
      } else {
        const categories = index === 0 ? rewritableCategories(graphBytes, node) : undefined;
        if (!categories) return undefined;
        uses.encoders.push({ node, categories });
      }
    }
  }
  return uses.encoders.length > 0 ? uses : undefined;
}

/** The input's ValueInfoProto with its element type set to int64, all else as it was. */
function asInt64Input(graphBytes: Uint8Array, input: GraphInput): Uint8Array {
  const replaceField = (
    bytes: Uint8Array,
    number: number,
    replace: (value: Uint8Array) => Uint8Array,
  ): Uint8Array =>
    concatBytes(
      readFields(bytes).map((field) =>
        field.field === number
          ? encodeMessageField(number, replace(payload(bytes, field)))
          : bytes.subarray(field.start, field.end),
      ),
    );
  const valueInfo = replaceField(payload(graphBytes, input.field), ONNX_FIELDS.valueInfo.type, (type) =>
    replaceField(type, ONNX_FIELDS.type.tensorType, (tensor) =>
      concatBytes(
        readFields(tensor).map((field) =>
          field.field === ONNX_FIELDS.tensorType.elemType
            ? encodeVarintField(ONNX_FIELDS.tensorType.elemType, ONNX_INT64)
            : tensor.subarray(field.start, field.end),
        ),
      ),
    ),
  );
  return encodeMessageField(ONNX_FIELDS.graph.input, valueInfo);
}

function int64ListAttribute(name: string, values: readonly number[]): Uint8Array {
  return concatBytes([
    encodeStringField(ONNX_FIELDS.attribute.name, name),
    ...values.map((value) => encodeVarintField(ONNX_FIELDS.attribute.ints, value)),
    encodeVarintField(ONNX_FIELDS.attribute.type, ATTRIBUTE_INTS),
  ]);
}

/** The encoder with `cats_strings` replaced by the codes of those strings. */
function codedEncoder(
  graphBytes: Uint8Array,
  node: OnnxNode,
  categories: readonly string[],
  codes: ReadonlyMap<string, number>,
): Uint8Array {
  const nodeBytes = payload(graphBytes, node.wire);
  const fields = readFields(nodeBytes).map((field) => {
    if (field.field !== ONNX_FIELDS.node.attribute) return nodeBytes.subarray(field.start, field.end);
    const attribute = payload(nodeBytes, field);
    if (stringOf(attribute, readFields(attribute), ONNX_FIELDS.attribute.name) !== "cats_strings") {
      return nodeBytes.subarray(field.start, field.end);
    }
    const coded = int64ListAttribute(
      "cats_int64s",
      categories.map((category) => codes.get(category) as number),
    );
    return encodeMessageField(ONNX_FIELDS.node.attribute, coded);
  });
  return encodeMessageField(ONNX_FIELDS.graph.node, concatBytes(fields));
}

/** Rewrites string inputs used only by OneHotEncoders as int64 codes; else returns the model as is. */
export function rewriteCategoricalInputs(
  modelBytes: Uint8Array,
  graph: OnnxGraphSummary,
): CategoryCodesRewrite {
  const unchanged = { modelBytes, codedInputs: new Map() };
  const graphBytes = payload(modelBytes, graph.graphField);
  if (graph.nodes.some((node) => hasSubgraph(graphBytes, node))) return unchanged;

  const consumers = new Map<string, { node: OnnxNode; index: number }[]>();
  for (const node of graph.nodes) {
    node.inputs.forEach((value, index) => {
      const list = consumers.get(value) ?? [];
      list.push({ node, index });
      consumers.set(value, list);
    });
  }
  const initializers = new Set(
    fieldsNumbered(graph.graphFields, ONNX_FIELDS.graph.initializer).map((field) => {
      const tensor = payload(graphBytes, field);
      return stringOf(tensor, readFields(tensor), ONNX_FIELDS.tensor.name);
    }),
  );

  const codedInputs = new Map<string, Map<string, number>>();
  const replacedFields = new Map<number, Uint8Array>();
  const droppedValueInfo = new Set<string>();
  for (const input of graphInputs(graphBytes, graph)) {
    if (input.elementType !== ONNX_STRING || initializers.has(input.name)) continue;
    const uses = usesOf(graphBytes, graph, consumers, input.name);
    if (!uses) continue;
    const codes = new Map<string, number>();
    for (const { categories } of uses.encoders) {
      for (const category of categories) if (!codes.has(category)) codes.set(category, codes.size);
    }
    for (const { node, categories } of uses.encoders) {
      replacedFields.set(node.wire.start, codedEncoder(graphBytes, node, categories, codes));
    }
    replacedFields.set(input.field.start, asInt64Input(graphBytes, input));
    for (const value of [input.name, ...uses.passedThrough]) droppedValueInfo.add(value);
    codedInputs.set(input.name, codes);
  }
  if (codedInputs.size === 0) return unchanged;

  const newGraph = concatBytes(
    graph.graphFields.map((field) => {
      const replaced = replacedFields.get(field.start);
      if (replaced) return replaced;
      if (field.field === ONNX_FIELDS.graph.valueInfo) {
        // Optional shape information that would still declare these values strings.
        const valueInfo = payload(graphBytes, field);
        const name = stringOf(valueInfo, readFields(valueInfo), ONNX_FIELDS.valueInfo.name);
        if (droppedValueInfo.has(name)) return new Uint8Array(0);
      }
      return graphBytes.subarray(field.start, field.end);
    }),
  );
  const newModel = concatBytes(
    graph.modelFields.map((field) =>
      field === graph.graphField
        ? encodeMessageField(ONNX_FIELDS.model.graph, newGraph)
        : modelBytes.subarray(field.start, field.end),
    ),
  );
  return { modelBytes: newModel, codedInputs };
}

/**
 * An int64 tensor's data, filled one code at a time. Written as two 32-bit words (the code, then
 * its sign) rather than as BigInts, which cost a conversion per value.
 */
export function codeColumn(length: number): {
  readonly codes: BigInt64Array;
  set(index: number, code: number): void;
} {
  const codes = new BigInt64Array(length);
  if (!LITTLE_ENDIAN) {
    return {
      codes,
      set: (index, code) => {
        codes[index] = BigInt(code);
      },
    };
  }
  const words = new Int32Array(codes.buffer);
  return {
    codes,
    set: (index, code) => {
      words[index * 2] = code;
      words[index * 2 + 1] = code >> 31;
    },
  };
}

/** A string column as the codes of a rewritten input; NULL is read as "", as for a string tensor. */
export function encodeCategories(
  values: readonly (string | null)[],
  codes: ReadonlyMap<string, number>,
): BigInt64Array {
  const column = codeColumn(values.length);
  for (let index = 0; index < values.length; index += 1) {
    column.set(index, codes.get(values[index] ?? "") ?? UNKNOWN_CATEGORY_CODE);
  }
  return column.codes;
}
