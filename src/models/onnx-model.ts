import { readFileSync } from "node:fs";
import path from "node:path";
import { type InferenceSession, type OnnxValue, Tensor } from "onnxruntime-node";
import { type CategoryCodes, encodeCategories, rewriteCategoricalInputs } from "./category-codes-rewrite.js";
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
  /**
   * Whether text inputs that only feed OneHotEncoders are loaded as integer codes (see
   * category-codes-rewrite.ts). On by default; off runs the graph's string inputs as published,
   * which the benchmarks compare against.
   */
  readonly categoryCodes?: boolean;
}

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
    private readonly categoryCodes: CategoryCodes,
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
    const zipMapRewrite = rewriteZipMapOutputs(original, graph);
    const codesRewrite =
      options.categoryCodes === false
        ? undefined
        : rewriteCategoricalInputs(
            zipMapRewrite.modelBytes,
            zipMapRewrite.modelBytes === original ? graph : readOnnxGraph(zipMapRewrite.modelBytes),
          );
    const settings = sessionOptions(options);
    const loadSession = (bytes: Uint8Array): NativeInferenceSession => {
      const session = newNativeSession();
      if (bytes === original) {
        session.loadModel(file, settings);
        return session;
      }
      // A model loaded from memory finds its external data files (initializers, or tensors in
      // attributes) in the folder this setting names: the original's folder. Tested with models
      // whose weights are external (test/models/category-codes.test.ts, the MLflow suite).
      const externalDataFolder = path.dirname(path.resolve(file));
      session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
        ...settings,
        extra: { session: { model_external_initializers_file_folder_path: externalDataFolder } },
      });
      return session;
    };
    let session: NativeInferenceSession;
    let coded: CategoryCodes = new Map();
    if (codesRewrite && codesRewrite.codedInputs.size > 0) {
      try {
        session = loadSession(codesRewrite.modelBytes);
        coded = codesRewrite.codedInputs;
      } catch {
        // The codes are an optimization: a graph ONNX Runtime refuses once rewritten (an operator
        // set it reads differently, say) is loaded as published, and the error, if any, is its own.
        session = loadSession(zipMapRewrite.modelBytes);
      }
    } else {
      session = loadSession(zipMapRewrite.modelBytes);
    }
    const rewritten = new Set(zipMapRewrite.replacements.map((replacement) => replacement.output));
    const outputs: OutputDescription[] = session.outputMetadata.map((metadata) => ({
      ...describeValue(metadata),
      ...(rewritten.has(metadata.name) ? { rewrittenFromZipMap: true } : {}),
    }));
    const classLabels = zipMapRewrite.replacements[0]?.classLabels ?? classLabelsOf(graph);
    const modelInterface: ModelInterface = {
      // A coded input still takes text: the codes are modelsql's, not the caller's.
      inputs: session.inputMetadata.map((metadata) => {
        const description = describeValue(metadata);
        return coded.has(description.name) ? { ...description, elementType: "string" } : description;
      }),
      outputs,
      ...(classLabels ? { classLabels } : {}),
    };
    return new OnnxModel(session, modelInterface, path.resolve(file), coded);
  }

  /** Tensor outputs that ONNX Runtime can return. */
  get tensorOutputNames(): string[] {
    return this.modelInterface.outputs
      .filter((output) => output.elementType !== "non-tensor")
      .map((output) => output.name);
  }

  /** The codes of an input loaded as category codes (see category-codes-rewrite.ts), else undefined. */
  categoryCodesOf(input: string): ReadonlyMap<string, number> | undefined {
    return this.categoryCodes.get(input);
  }

  /**
   * Runs the model synchronously; fetches the named outputs, by default every tensor output.
   * Feeds are as `modelInterface` describes the inputs: text for a text input, also where the
   * model loaded it as category codes.
   */
  run(
    feeds: Record<string, Tensor>,
    outputNames: readonly string[] = this.tensorOutputNames,
  ): Record<string, Tensor> {
    return this.runFeeds(feeds, outputNames, false);
  }

  /**
   * As `run`, for callers that read text as category codes already (the DuckDB UDF): an input
   * loaded as codes may also be fed an int64 tensor of `categoryCodesOf` codes.
   */
  runWithCategoryCodes(
    feeds: Record<string, Tensor>,
    outputNames: readonly string[],
  ): Record<string, Tensor> {
    return this.runFeeds(feeds, outputNames, true);
  }

  private runFeeds(
    feeds: Record<string, Tensor>,
    outputNames: readonly string[],
    codesAccepted: boolean,
  ): Record<string, Tensor> {
    const fetches: Record<string, OnnxValue | null> = {};
    for (const name of outputNames) fetches[name] = null;
    return this.session.run(this.encoded(feeds, codesAccepted), fetches, {}) as Record<string, Tensor>;
  }

  /** The feeds with the text of every coded input replaced by its codes. */
  private encoded(feeds: Record<string, Tensor>, codesAccepted: boolean): Record<string, Tensor> {
    if (this.categoryCodes.size === 0) return feeds;
    const encoded: Record<string, Tensor> = { ...feeds };
    for (const [name, codes] of this.categoryCodes) {
      const feed = feeds[name];
      if (!feed || (codesAccepted && feed.type === "int64")) continue;
      if (feed.type !== "string") {
        // What ONNX Runtime would say of the graph as published, not of the int64 input it runs.
        throw new Error(
          `Unexpected input data type. Actual: (tensor(${feed.type})) , expected: (tensor(string)) for input '${name}'`,
        );
      }
      encoded[name] = new Tensor("int64", encodeCategories(feed.data as string[], codes), feed.dims);
    }
    return encoded;
  }

  dispose(): void {
    this.session.dispose();
  }
}
