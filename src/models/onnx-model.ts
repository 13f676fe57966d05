import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { InferenceSession, OnnxValue, Tensor } from "onnxruntime-node";
import type { Dimension, ModelInterface, OutputDescription, TensorDescription } from "./model-interface.js";
import { classLabelsOf, readOnnxGraph } from "./onnx-graph.js";
import {
  type NativeInferenceSession,
  type NativeValueMetadata,
  newNativeSession,
  ONNX_ELEMENT_TYPES,
} from "./onnx-runtime-binding.js";
import { rewriteZipMapOutputs } from "./zipmap-rewrite.js";

export interface OnnxModelOptions {
  /** ONNX Runtime intra-op threads; 1 suits one call per DuckDB chunk on a shared machine. */
  readonly intraOpThreads?: number;
}

/** Where the ZipMap-free copy of a model with external data is written: beside the original. */
const TENSOR_OUTPUT_COPY_SUFFIX = ".modelsql-tensor-outputs.onnx";

function describeValue(metadata: NativeValueMetadata): TensorDescription {
  if (!metadata.isTensor) return { name: metadata.name, elementType: "non-tensor", shape: [] };
  const shape: Dimension[] = metadata.shape.map((length, index) => {
    if (length >= 0) return length;
    const symbol = metadata.symbolicDimensions[index];
    return symbol ? symbol : null;
  });
  return {
    name: metadata.name,
    elementType: ONNX_ELEMENT_TYPES[metadata.type] ?? `type-${metadata.type}`,
    shape,
  };
}

function sessionOptions(options: OnnxModelOptions): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  };
}

/**
 * A loaded ONNX model with a synchronous `run`, for use inside DuckDB's UDF callback.
 * Outputs that were ZipMaps are returned as their float probability tensors.
 */
export class OnnxModel {
  private constructor(
    private readonly session: NativeInferenceSession,
    readonly modelInterface: ModelInterface,
    readonly file: string,
  ) {}

  /** Loads a model file; throws ONNX Runtime's or the parser's error as it is. */
  static load(file: string, options: OnnxModelOptions = {}): OnnxModel {
    const original = readFileSync(file);
    let graph: ReturnType<typeof readOnnxGraph>;
    try {
      graph = readOnnxGraph(original);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`the file does not parse as an ONNX model (${reason})`);
    }
    const rewrite = rewriteZipMapOutputs(original, graph);
    const session = newNativeSession();
    const settings = sessionOptions(options);
    if (rewrite.replacements.length === 0) {
      session.loadModel(file, settings);
    } else if (graph.externalDataFiles.length > 0) {
      // External data files are found relative to the model's own path, so the rewritten
      // model must sit beside the original rather than be loaded from memory.
      const copy = `${file}${TENSOR_OUTPUT_COPY_SUFFIX}`;
      if (!existsSync(copy)) {
        const partial = `${copy}.${process.pid}.partial`;
        writeFileSync(partial, rewrite.modelBytes);
        renameSync(partial, copy);
      }
      session.loadModel(copy, settings);
    } else {
      const bytes = rewrite.modelBytes;
      session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, settings);
    }
    const rewritten = new Set(rewrite.replacements.map((replacement) => replacement.output));
    const outputs: OutputDescription[] = session.outputMetadata.map((metadata) => ({
      ...describeValue(metadata),
      ...(rewritten.has(metadata.name) ? { rewrittenFromZipMap: true } : {}),
    }));
    const classLabels = rewrite.replacements[0]?.classLabels ?? classLabelsOf(graph);
    const modelInterface: ModelInterface = {
      inputs: session.inputMetadata.map(describeValue),
      outputs,
      ...(classLabels ? { classLabels } : {}),
    };
    return new OnnxModel(session, modelInterface, path.resolve(file));
  }

  /** Tensor outputs that ONNX Runtime can return. */
  get tensorOutputNames(): string[] {
    return this.modelInterface.outputs
      .filter((output) => output.elementType !== "non-tensor")
      .map((output) => output.name);
  }

  /** Runs the model synchronously; fetches the named outputs, by default every tensor output. */
  run(
    feeds: Record<string, Tensor>,
    outputNames: readonly string[] = this.tensorOutputNames,
  ): Record<string, Tensor> {
    const fetches: Record<string, OnnxValue | null> = {};
    for (const name of outputNames) fetches[name] = null;
    return this.session.run(feeds, fetches, {}) as Record<string, Tensor>;
  }

  dispose(): void {
    this.session.dispose();
  }
}
