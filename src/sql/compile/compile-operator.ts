import type { MlNode } from "./onnx-ml-nodes.js";
import type { SqlTensor } from "./sql-tensor.js";
import type { SqlWriter } from "./sql-writer.js";

/** What an operator gets: its node, its input tensors in order, and the dialect's spellings. */
export interface OperatorContext {
  readonly node: MlNode;
  readonly inputs: readonly SqlTensor[];
  readonly sql: SqlWriter;
}

/** Compiles one node: returns its output tensors in order. */
export type CompileOperator = (context: OperatorContext) => readonly SqlTensor[];
