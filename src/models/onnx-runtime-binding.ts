import { createRequire } from "node:module";
import type { InferenceSession, OnnxValue } from "onnxruntime-node";

/**
 * onnxruntime-node's public `session.run` returns a Promise, but only wraps a synchronous native
 * call. A DuckDB scalar UDF must finish synchronously, so modelsql calls that native session
 * directly (`dist/binding.js`). It is internal to the package: the version is pinned exactly in
 * package.json and checked here, and the binding's shape is checked before first use.
 */
export const PINNED_ONNXRUNTIME_NODE_VERSION = "1.30.0";

/** The value metadata the native session reports (onnxruntime-node lib/binding.ts). */
export interface NativeValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly symbolicDimensions: readonly string[];
  readonly shape: readonly number[];
  readonly type: number;
}

export interface NativeInferenceSession {
  loadModel(path: string, options: InferenceSession.SessionOptions): void;
  loadModel(
    buffer: ArrayBuffer,
    byteOffset: number,
    byteLength: number,
    options: InferenceSession.SessionOptions,
  ): void;
  readonly inputMetadata: readonly NativeValueMetadata[];
  readonly outputMetadata: readonly NativeValueMetadata[];
  run(
    feeds: Record<string, OnnxValue>,
    fetches: Record<string, OnnxValue | null>,
    options: InferenceSession.RunOptions,
  ): Record<string, OnnxValue>;
  dispose(): void;
}

interface NativeBindingModule {
  binding: { InferenceSession: new () => NativeInferenceSession };
  initOrt(): void;
}

/** ONNX element type numbers (TensorProto.DataType) as onnxruntime-node names them. */
export const ONNX_ELEMENT_TYPES: Readonly<Record<number, string>> = {
  1: "float32",
  2: "uint8",
  3: "int8",
  4: "uint16",
  5: "int16",
  6: "int32",
  7: "int64",
  8: "string",
  9: "bool",
  10: "float16",
  11: "float64",
  12: "uint32",
  13: "uint64",
};

let nativeModule: NativeBindingModule | undefined;

function loadNativeModule(): NativeBindingModule {
  const require = createRequire(import.meta.url);
  const { version } = require("onnxruntime-node/package.json") as { version: string };
  if (version !== PINNED_ONNXRUNTIME_NODE_VERSION) {
    throw new Error(
      `onnxruntime-node ${version} is installed, but modelsql's synchronous inference is verified against ${PINNED_ONNXRUNTIME_NODE_VERSION}; reinstall with the package-lock.json.`,
    );
  }
  const loaded = require("onnxruntime-node/dist/binding.js") as Partial<NativeBindingModule>;
  if (typeof loaded.initOrt !== "function" || typeof loaded.binding?.InferenceSession !== "function") {
    throw new Error("onnxruntime-node's native binding does not have the expected shape.");
  }
  loaded.initOrt();
  return loaded as NativeBindingModule;
}

/** A new, empty native session (ONNX Runtime initialised on first use). */
export function newNativeSession(): NativeInferenceSession {
  nativeModule ??= loadNativeModule();
  const session = new nativeModule.binding.InferenceSession();
  if (typeof session.run !== "function" || typeof session.loadModel !== "function") {
    throw new Error("onnxruntime-node's native session does not have the expected methods.");
  }
  return session;
}
