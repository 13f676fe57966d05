import type { Tensor } from "onnxruntime-node";
import type { ModelVersion } from "../registry/model-registry.js";
import { columnTensor } from "./column-tensor.js";
import type { OnnxModel } from "./onnx-model.js";
import { columnFromText } from "./text-column.js";

/** The output columns a model's tensor outputs become: one per output, or one per class. */
export interface PredictionColumn {
  readonly name: string;
  readonly output: string;
  /** For [N, C] outputs: which column of the tensor. */
  readonly index?: number;
}

export function predictionColumns(model: OnnxModel): PredictionColumn[] {
  const labels = model.modelInterface.classLabels;
  return model.modelInterface.outputs.flatMap((output): PredictionColumn[] => {
    if (output.elementType === "non-tensor") return [];
    const width = output.shape[1];
    if (output.shape.length === 2 && typeof width === "number" && width > 1) {
      return Array.from({ length: width }, (_, index) => ({
        name: `${output.name}_${labels && labels.length === width ? labels[index] : index}`,
        output: output.name,
        index,
      }));
    }
    return [{ name: output.name, output: output.name }];
  });
}

function requiredInputs(version: ModelVersion): (name: string) => boolean {
  const optional = new Set(
    (version.signature?.inputs ?? [])
      .filter((spec) => (spec as { required?: boolean }).required === false)
      .map((spec) => spec.name),
  );
  return (name) => !optional.has(name);
}

function cellOf(tensor: Tensor, row: number, column: PredictionColumn): number | string {
  const width = tensor.dims.length === 2 ? (tensor.dims[1] as number) : 1;
  const value = (tensor.data as ArrayLike<number | bigint | string>)[row * width + (column.index ?? 0)];
  return typeof value === "bigint" ? Number(value) : (value as number | string);
}

/**
 * Scores one batch of text rows (as read from CSV) with a model version: one ONNX Runtime run for
 * the whole batch. Returns one array of prediction values per row, in `columns` order.
 */
export function scoreTextBatch(
  model: OnnxModel,
  version: ModelVersion,
  rows: readonly Record<string, string>[],
  options: { firstRowNumber: number; source: string; columns: readonly PredictionColumn[] },
): (number | string)[][] {
  const isRequired = requiredInputs(version);
  const feeds: Record<string, Tensor> = {};
  for (const input of model.modelInterface.inputs) {
    const cells = rows.map((row) => row[input.name] ?? "");
    const values = columnFromText(input, cells, {
      required: isRequired(input.name),
      firstRowNumber: options.firstRowNumber,
      source: options.source,
    });
    feeds[input.name] = columnTensor(input, values);
  }
  const outputs = model.run(feeds, [...new Set(options.columns.map((column) => column.output))]);
  return rows.map((_, row) =>
    options.columns.map((column) => cellOf(outputs[column.output] as Tensor, row, column)),
  );
}
