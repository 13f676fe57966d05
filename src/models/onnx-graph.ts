import {
  fieldsNumbered,
  int64Values,
  payload,
  readFields,
  stringOf,
  stringValue,
  type WireField,
} from "./protobuf-wire.js";

/** Field numbers from onnx.proto that modelsql reads. */
export const ONNX_FIELDS = {
  model: { opsetImport: 8, graph: 7 },
  opsetImport: { domain: 1, version: 2 },
  graph: { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 },
  attribute: { name: 1, i: 3, graph: 6, ints: 8, strings: 9, graphs: 11, type: 20 },
  tensor: { name: 8, externalData: 13, dataLocation: 14 },
  stringEntry: { key: 1, value: 2 },
  valueInfo: { name: 1, type: 2 },
  type: { tensorType: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dimension: { value: 1 },
} as const;

const TENSOR_DATA_LOCATION_EXTERNAL = 1;

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** The node's bytes inside the graph message, tag included. */
  readonly wire: WireField;
  /** Attributes as int64 lists or string lists, by name (others are not needed here). */
  readonly attributes: ReadonlyMap<string, readonly (number | string)[]>;
}

/** The parts of a model that registration and loading look at, with their wire positions. */
export interface OnnxGraphSummary {
  readonly modelFields: readonly WireField[];
  readonly graphField: WireField;
  readonly graphFields: readonly WireField[];
  readonly nodes: readonly OnnxNode[];
  readonly outputNames: readonly string[];
  readonly defaultDomainImported: boolean;
  /** Files beside the model that initializers keep their data in (relative paths). */
  readonly externalDataFiles: readonly string[];
}

function readAttributes(bytes: Uint8Array, node: readonly WireField[]): Map<string, (number | string)[]> {
  const attributes = new Map<string, (number | string)[]>();
  for (const attributeField of fieldsNumbered(node, ONNX_FIELDS.node.attribute)) {
    const attributeBytes = payload(bytes, attributeField);
    const fields = readFields(attributeBytes);
    const name = stringOf(attributeBytes, fields, ONNX_FIELDS.attribute.name);
    const strings = fieldsNumbered(fields, ONNX_FIELDS.attribute.strings).map((field) =>
      stringValue(attributeBytes, field),
    );
    const ints = int64Values(attributeBytes, fields, ONNX_FIELDS.attribute.ints);
    attributes.set(name, strings.length > 0 ? strings : ints);
  }
  return attributes;
}

function readNode(graphBytes: Uint8Array, wire: WireField): OnnxNode {
  const nodeBytes = payload(graphBytes, wire);
  const fields = readFields(nodeBytes);
  const strings = (number: number) =>
    fieldsNumbered(fields, number).map((field) => stringValue(nodeBytes, field));
  return {
    name: stringOf(nodeBytes, fields, ONNX_FIELDS.node.name),
    opType: stringOf(nodeBytes, fields, ONNX_FIELDS.node.opType),
    domain: stringOf(nodeBytes, fields, ONNX_FIELDS.node.domain),
    inputs: strings(ONNX_FIELDS.node.input),
    outputs: strings(ONNX_FIELDS.node.output),
    wire,
    attributes: readAttributes(nodeBytes, fields),
  };
}

/** The `location` of an initializer whose data is external, else undefined. */
function externalDataLocation(graphBytes: Uint8Array, initializer: WireField): string | undefined {
  const tensorBytes = payload(graphBytes, initializer);
  const fields = readFields(tensorBytes);
  if (
    !int64Values(tensorBytes, fields, ONNX_FIELDS.tensor.dataLocation).includes(TENSOR_DATA_LOCATION_EXTERNAL)
  ) {
    return undefined;
  }
  for (const entryField of fieldsNumbered(fields, ONNX_FIELDS.tensor.externalData)) {
    const entry = payload(tensorBytes, entryField);
    const entryFields = readFields(entry);
    if (stringOf(entry, entryFields, ONNX_FIELDS.stringEntry.key) === "location") {
      return stringOf(entry, entryFields, ONNX_FIELDS.stringEntry.value);
    }
  }
  return undefined;
}

/** Reads the summary, or throws if the bytes are not an ONNX model with a graph. */
export function readOnnxGraph(modelBytes: Uint8Array): OnnxGraphSummary {
  const modelFields = readFields(modelBytes);
  const graphField = modelFields.find((field) => field.field === ONNX_FIELDS.model.graph);
  if (!graphField) throw new Error("the file has no ONNX graph");
  const graphBytes = payload(modelBytes, graphField);
  const graphFields = readFields(graphBytes);
  const nodes = fieldsNumbered(graphFields, ONNX_FIELDS.graph.node).map((wire) => readNode(graphBytes, wire));
  const outputNames = fieldsNumbered(graphFields, ONNX_FIELDS.graph.output).map((field) => {
    const valueInfo = payload(graphBytes, field);
    return stringOf(valueInfo, readFields(valueInfo), ONNX_FIELDS.valueInfo.name);
  });
  const defaultDomainImported = fieldsNumbered(modelFields, ONNX_FIELDS.model.opsetImport).some((field) => {
    const opset = payload(modelBytes, field);
    const domain = stringOf(opset, readFields(opset), ONNX_FIELDS.opsetImport.domain);
    return domain === "" || domain === "ai.onnx";
  });
  const externalDataFiles = [
    ...new Set(
      fieldsNumbered(graphFields, ONNX_FIELDS.graph.initializer)
        .map((field) => externalDataLocation(graphBytes, field))
        .filter((location): location is string => location !== undefined),
    ),
  ];
  return {
    modelFields,
    graphField,
    graphFields,
    nodes,
    outputNames,
    defaultDomainImported,
    externalDataFiles,
  };
}

/**
 * The class labels of a classifier model, in the order of its probability columns: the
 * `classlabels_*` attribute of its ai.onnx.ml classifier (LinearClassifier, TreeEnsembleClassifier,
 * SVMClassifier) or ZipMap node. Undefined where there is none, or where nodes disagree.
 */
export function classLabelsOf(graph: OnnxGraphSummary): readonly (number | string)[] | undefined {
  let found: readonly (number | string)[] | undefined;
  for (const node of graph.nodes) {
    for (const [name, values] of node.attributes) {
      if (!name.startsWith("classlabels_") || values.length === 0) continue;
      if (found && JSON.stringify(found) !== JSON.stringify(values)) return undefined;
      found = values;
    }
  }
  return found;
}
