/** What a model takes and returns, as recorded at registration and checked at binding. */

/** ONNX element type names as onnxruntime-node spells them, or "non-tensor". */
export type ElementType = string;

/** A dimension: a fixed length, a symbolic name, or null where the length is unknown. */
export type Dimension = number | string | null;

export interface TensorDescription {
  readonly name: string;
  readonly elementType: ElementType;
  readonly shape: readonly Dimension[];
}

export interface OutputDescription extends TensorDescription {
  /** True where the model had a ZipMap here and modelsql returns its probability tensor. */
  readonly rewrittenFromZipMap?: boolean;
}

export interface ModelInterface {
  readonly inputs: readonly TensorDescription[];
  readonly outputs: readonly OutputDescription[];
  /** For classifiers: the class of each probability column, in order. */
  readonly classLabels?: readonly (number | string)[];
}

export function describeShape(shape: readonly Dimension[]): string {
  return `[${shape.map((dimension) => (dimension === null ? "?" : String(dimension))).join(", ")}]`;
}
