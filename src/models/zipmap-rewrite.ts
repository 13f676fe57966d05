import { classLabelsOf, ONNX_FIELDS, type OnnxGraphSummary } from "./onnx-graph.js";
import {
  concatBytes,
  encodeMessageField,
  encodeStringField,
  encodeVarintField,
  payload,
  readFields,
  stringOf,
} from "./protobuf-wire.js";

/**
 * skl2onnx writes classifiers with a ZipMap output by default: a sequence of {class: probability}
 * maps, which onnxruntime-node cannot return ("Non tensor type is temporarily not supported").
 * ZipMap only reshapes its input, a float tensor [N, classes], into maps. Replacing the node by
 * an Identity and declaring the output as that tensor keeps the output's name and its numbers,
 * and the class order is kept from ZipMap's `classlabels_*` attribute.
 */

const ONNX_FLOAT = 1;

export interface ZipMapReplacement {
  /** The graph output that was a sequence of maps and is now a float tensor [N, classes]. */
  readonly output: string;
  readonly classLabels: readonly (number | string)[];
}

export interface ZipMapRewrite {
  readonly modelBytes: Uint8Array;
  readonly replacements: readonly ZipMapReplacement[];
}

function identityNode(name: string, input: string, output: string): Uint8Array {
  return concatBytes([
    encodeStringField(ONNX_FIELDS.node.input, input),
    encodeStringField(ONNX_FIELDS.node.output, output),
    ...(name ? [encodeStringField(ONNX_FIELDS.node.name, name)] : []),
    encodeStringField(ONNX_FIELDS.node.opType, "Identity"),
  ]);
}

/** ValueInfoProto for a float tensor [unknown, classes]. */
function floatMatrixOutput(name: string, classes: number): Uint8Array {
  const batchDimension = new Uint8Array(0); // neither value nor parameter: unknown length
  const classDimension = encodeVarintField(ONNX_FIELDS.dimension.value, classes);
  const shape = concatBytes([
    encodeMessageField(ONNX_FIELDS.shape.dim, batchDimension),
    encodeMessageField(ONNX_FIELDS.shape.dim, classDimension),
  ]);
  const tensorType = concatBytes([
    encodeVarintField(ONNX_FIELDS.tensorType.elemType, ONNX_FLOAT),
    encodeMessageField(ONNX_FIELDS.tensorType.shape, shape),
  ]);
  const type = encodeMessageField(ONNX_FIELDS.type.tensorType, tensorType);
  return concatBytes([
    encodeStringField(ONNX_FIELDS.valueInfo.name, name),
    encodeMessageField(ONNX_FIELDS.valueInfo.type, type),
  ]);
}

function defaultDomainOpset(): Uint8Array {
  // Only for a model that imports no default-domain operators at all; ONNX Runtime supports
  // the default domain from opset 7, and Identity is the same in every version since.
  return concatBytes([
    encodeStringField(ONNX_FIELDS.opsetImport.domain, ""),
    encodeVarintField(ONNX_FIELDS.opsetImport.version, 13),
  ]);
}

/** Rewrites ZipMap outputs as tensors; returns the model unchanged where there are none. */
export function rewriteZipMapOutputs(modelBytes: Uint8Array, graph: OnnxGraphSummary): ZipMapRewrite {
  const zipMaps = graph.nodes.filter(
    (node) =>
      node.opType === "ZipMap" &&
      node.outputs.length === 1 &&
      graph.outputNames.includes(node.outputs[0] as string) &&
      node.inputs.length === 1,
  );
  if (zipMaps.length === 0) return { modelBytes, replacements: [] };

  const graphBytes = payload(modelBytes, graph.graphField);
  const replacedNodes = new Map<number, Uint8Array>();
  const replacedOutputs = new Map<string, Uint8Array>();
  const replacements: ZipMapReplacement[] = [];
  for (const zipMap of zipMaps) {
    const labels =
      zipMap.attributes.get("classlabels_int64s") ?? zipMap.attributes.get("classlabels_strings");
    const classLabels = labels && labels.length > 0 ? labels : (classLabelsOf(graph) ?? []);
    if (classLabels.length === 0) continue;
    const output = zipMap.outputs[0] as string;
    replacedNodes.set(
      zipMap.wire.start,
      encodeMessageField(
        ONNX_FIELDS.graph.node,
        identityNode(zipMap.name, zipMap.inputs[0] as string, output),
      ),
    );
    replacedOutputs.set(
      output,
      encodeMessageField(ONNX_FIELDS.graph.output, floatMatrixOutput(output, classLabels.length)),
    );
    replacements.push({ output, classLabels });
  }
  if (replacements.length === 0) return { modelBytes, replacements };

  const newGraph = concatBytes(
    graph.graphFields.map((field) => {
      const node = replacedNodes.get(field.start);
      if (node) return node;
      if (field.field === ONNX_FIELDS.graph.output || field.field === ONNX_FIELDS.graph.valueInfo) {
        const valueInfo = payload(graphBytes, field);
        const name = stringOf(valueInfo, readFields(valueInfo), ONNX_FIELDS.valueInfo.name);
        const output = replacedOutputs.get(name);
        // A value_info entry would still declare the output a sequence of maps: drop it.
        if (output) return field.field === ONNX_FIELDS.graph.output ? output : new Uint8Array(0);
      }
      return graphBytes.subarray(field.start, field.end);
    }),
  );
  const newModel = concatBytes([
    ...graph.modelFields.map((field) =>
      field === graph.graphField
        ? encodeMessageField(ONNX_FIELDS.model.graph, newGraph)
        : modelBytes.subarray(field.start, field.end),
    ),
    ...(graph.defaultDomainImported
      ? []
      : [encodeMessageField(ONNX_FIELDS.model.opsetImport, defaultDomainOpset())]),
  ]);
  return { modelBytes: newModel, replacements };
}
