import { ModelSqlError } from "../errors.js";
import type { ColumnValues } from "./column-tensor.js";
import type { TensorDescription } from "./model-interface.js";

/**
 * Turns one column of text cells (from a CSV file) into values for a model input of the given
 * element type. A blank cell is a missing value: allowed only where the model's signature marks
 * the input as not required (as the churn models do for TotalCharges, which they impute), and
 * only for floating-point inputs, the one kind of tensor that can hold "missing" (as NaN).
 */
export function columnFromText(
  input: TensorDescription,
  cells: readonly string[],
  options: { required: boolean; firstRowNumber: number; source: string },
): ColumnValues {
  const where = (index: number) =>
    `row ${options.firstRowNumber + index} of ${options.source}, column '${input.name}'`;
  const floating = input.elementType === "float32" || input.elementType === "float64";
  return cells.map((cell, index) => {
    if (input.elementType === "string") return cell;
    const text = cell.trim();
    if (text === "") {
      if (floating && !options.required) return null;
      throw new ModelSqlError(
        "DATATYPE_MISMATCH",
        `${where(index)} is blank, but the model requires a value there.`,
        {
          hint: "Fill in the value, or drop the row.",
        },
      );
    }
    if (input.elementType === "bool") {
      if (/^(true|1)$/i.test(text)) return true;
      if (/^(false|0)$/i.test(text)) return false;
    } else {
      const value = Number(text);
      const integral = input.elementType.startsWith("int") || input.elementType.startsWith("uint");
      if (Number.isFinite(value) && (!integral || Number.isInteger(value))) return value;
    }
    throw new ModelSqlError(
      "DATATYPE_MISMATCH",
      `${where(index)} holds '${cell}', which is not a ${input.elementType} value.`,
    );
  });
}
