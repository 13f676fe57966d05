import type { AttributeValue, MlNode } from "./onnx-ml-nodes.js";
import { unsupported } from "./sql-tensor.js";

/** A numeric list attribute; without `fallback`, a node lacking it cannot be compiled. */
export function numbers(node: MlNode, name: string, fallback?: readonly number[]): readonly number[] {
  const value = node.attributes.get(name) as AttributeValue | undefined;
  if (value === undefined) {
    if (fallback) return fallback;
    throw unsupported(`${node.opType} without its ${name} attribute`);
  }
  return value as readonly number[];
}

export function strings(node: MlNode, name: string): readonly string[] | undefined {
  return node.attributes.get(name) as readonly string[] | undefined;
}

export function text(node: MlNode, name: string, fallback: string): string {
  return strings(node, name)?.[0] ?? fallback;
}

export function integer(node: MlNode, name: string, fallback: number): number {
  return numbers(node, name, [fallback])[0] ?? fallback;
}

/** The value of a per-column attribute list that may hold one value for every column. */
export const perColumn = (values: readonly number[], index: number) =>
  (values.length === 1 ? values[0] : values[index]) as number;

/** A classifier's labels: classlabels_strings, or the integer labels. */
export function classLabels(node: MlNode): (string | number)[] {
  const texts = strings(node, "classlabels_strings");
  if (texts) return [...texts];
  return [...numbers(node, "classlabels_ints", []), ...numbers(node, "classlabels_int64s", [])];
}
