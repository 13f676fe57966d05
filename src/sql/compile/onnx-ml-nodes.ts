import { readOnnxGraph } from "../../models/onnx-graph.js";
import {
  fieldsNumbered,
  int64Values,
  payload,
  readFields,
  stringOf,
  stringValue,
  WIRE_LENGTH_DELIMITED,
} from "../../models/protobuf-wire.js";

/** An attribute value as the compiler needs it: numbers (ints or floats) or strings. */
export type AttributeValue = readonly number[] | readonly string[];

/** A graph node with all its list and scalar attributes decoded. */
export interface MlNode {
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeValue>;
}

/** A constant tensor (an initializer): its shape and values, row-major. */
export interface ConstantTensor {
  readonly dims: readonly number[];
  readonly values: readonly number[] | readonly string[];
}

export interface MlGraph {
  readonly inputs: readonly string[];
  /** The initializers, by name: weights, intercepts, indices, shapes. */
  readonly constants: ReadonlyMap<string, ConstantTensor>;
  /** Each input's ONNX element type (1 float, 11 double, 7 int64, 8 string, ...). */
  readonly inputTypes: ReadonlyMap<string, number>;
  readonly outputs: readonly string[];
  readonly nodes: readonly MlNode[];
}

/** TensorProto field numbers (onnx.proto) and the element types the compiler reads. */
const TENSOR = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  int32Data: 5,
  stringData: 6,
  int64Data: 7,
  name: 8,
  rawData: 9,
  doubleData: 10,
} as const;
const ELEMENT = { float: 1, int32: 6, int64: 7, string: 8, bool: 9, double: 11 } as const;

/** A TensorProto's values, from raw_data (little-endian) or from its typed repeated field. */
function tensorValues(bytes: Uint8Array, fields: ReturnType<typeof readFields>): number[] | string[] {
  const type = int64Values(bytes, fields, TENSOR.dataType)[0] ?? 0;
  if (type === ELEMENT.string)
    return fieldsNumbered(fields, TENSOR.stringData).map((field) => stringValue(bytes, field));
  const raw = fieldsNumbered(fields, TENSOR.rawData)[0];
  if (raw) {
    const data = payload(bytes, raw);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const width = {
      [ELEMENT.float]: 4,
      [ELEMENT.int32]: 4,
      [ELEMENT.int64]: 8,
      [ELEMENT.bool]: 1,
      [ELEMENT.double]: 8,
    }[type];
    if (!width) return [];
    return Array.from({ length: data.byteLength / width }, (_, index) => {
      const at = index * width;
      if (type === ELEMENT.float) return view.getFloat32(at, true);
      if (type === ELEMENT.double) return view.getFloat64(at, true);
      if (type === ELEMENT.int64) return Number(view.getBigInt64(at, true));
      if (type === ELEMENT.bool) return view.getUint8(at);
      return view.getInt32(at, true);
    });
  }
  if (type === ELEMENT.float) return floatValues(bytes, fields, TENSOR.floatData);
  if (type === ELEMENT.double) {
    return fieldsNumbered(fields, TENSOR.doubleData).flatMap((field) => {
      const data = payload(bytes, field);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const count = field.wireType === WIRE_LENGTH_DELIMITED ? data.byteLength / 8 : 1;
      return Array.from({ length: count }, (_, index) => view.getFloat64(index * 8, true));
    });
  }
  if (type === ELEMENT.int64) return int64Values(bytes, fields, TENSOR.int64Data);
  return int64Values(bytes, fields, TENSOR.int32Data);
}

/** The graph's initializers by name. Tensors kept in external files are left out. */
function readConstants(
  graphBytes: Uint8Array,
  graphFields: ReturnType<typeof readFields>,
): Map<string, ConstantTensor> {
  return new Map(
    fieldsNumbered(graphFields, 5).map((field) => {
      const tensor = payload(graphBytes, field);
      const fields = readFields(tensor);
      return [
        stringOf(tensor, fields, TENSOR.name),
        { dims: int64Values(tensor, fields, TENSOR.dims), values: tensorValues(tensor, fields) },
      ] as const;
    }),
  );
}

/** AttributeProto field numbers (onnx.proto): f, i, s, floats, ints, strings. */
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, floats: 7, ints: 8, strings: 9 } as const;

/** All float32 values of a repeated float field, packed or not (little-endian IEEE 754). */
function floatValues(bytes: Uint8Array, fields: ReturnType<typeof readFields>, number: number): number[] {
  const values: number[] = [];
  for (const field of fieldsNumbered(fields, number)) {
    const data = payload(bytes, field);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const count = field.wireType === WIRE_LENGTH_DELIMITED ? data.byteLength / 4 : 1;
    for (let index = 0; index < count; index += 1) values.push(view.getFloat32(index * 4, true));
  }
  return values;
}

function readAttribute(bytes: Uint8Array): [string, AttributeValue] {
  const fields = readFields(bytes);
  const name = stringOf(bytes, fields, ATTRIBUTE.name);
  const strings = [...fieldsNumbered(fields, ATTRIBUTE.strings), ...fieldsNumbered(fields, ATTRIBUTE.s)].map(
    (field) => stringValue(bytes, field),
  );
  if (strings.length > 0) return [name, strings];
  const floats = [
    ...floatValues(bytes, fields, ATTRIBUTE.floats),
    ...floatValues(bytes, fields, ATTRIBUTE.f),
  ];
  if (floats.length > 0) return [name, floats];
  return [name, [...int64Values(bytes, fields, ATTRIBUTE.ints), ...int64Values(bytes, fields, ATTRIBUTE.i)]];
}

/** The element type of a ValueInfoProto's tensor type (type.tensor_type.elem_type), or 0. */
function elementType(info: Uint8Array): number {
  const fields = readFields(info);
  const type = fieldsNumbered(fields, 2)[0];
  if (!type) return 0;
  const typeBytes = payload(info, type);
  const tensor = fieldsNumbered(readFields(typeBytes), 1)[0];
  if (!tensor) return 0;
  const tensorBytes = payload(typeBytes, tensor);
  return int64Values(tensorBytes, readFields(tensorBytes), 1)[0] ?? 0;
}

/** GraphProto's input and output are ValueInfoProto messages whose field 1 is the name. */
function valueNames(graphBytes: Uint8Array, fields: ReturnType<typeof readFields>, number: number): string[] {
  return fieldsNumbered(fields, number).map((field) => {
    const info = payload(graphBytes, field);
    return stringOf(info, readFields(info), 1);
  });
}

/**
 * The nodes of an ONNX model with every attribute decoded and its initializers (the registry's
 * reader keeps only what loading needs).
 */
export function readMlGraph(modelBytes: Uint8Array): MlGraph {
  const summary = readOnnxGraph(modelBytes);
  const graphBytes = payload(modelBytes, summary.graphField);
  const graphFields = readFields(graphBytes);
  const constants = readConstants(graphBytes, graphFields);
  const nodes = summary.nodes.map((node) => {
    const nodeBytes = payload(graphBytes, node.wire);
    const attributes = new Map(
      fieldsNumbered(readFields(nodeBytes), 5).map((field) => readAttribute(payload(nodeBytes, field))),
    );
    return {
      opType: node.opType,
      domain: node.domain,
      inputs: node.inputs,
      outputs: node.outputs,
      attributes,
    };
  });
  const inputTypes = new Map(
    fieldsNumbered(graphFields, 11).map((field) => {
      const info = payload(graphBytes, field);
      return [stringOf(info, readFields(info), 1), elementType(info)] as const;
    }),
  );
  return {
    inputTypes,
    constants,
    inputs: valueNames(graphBytes, graphFields, 11).filter((name) => !constants.has(name)),
    outputs: valueNames(graphBytes, graphFields, 12),
    nodes,
  };
}
