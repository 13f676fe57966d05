import { ModelSqlError } from "../errors.js";
import type { OutputDescription } from "../models/model-interface.js";
import { describeModelVersion, type ModelVersion, modelVersionLabel } from "../registry/model-registry.js";
import type { FunctionDefinition, FunctionParameter } from "./function-definition.js";
import { canFeed, suggestedType } from "./sql-types.js";

/**
 * A function definition checked against one model version: which tensors feed and answer it.
 * Built when a function is created and again whenever its alias or stage resolves to a version,
 * because the version an alias points to may change shape.
 */
export interface FunctionBinding {
  readonly definition: FunctionDefinition;
  readonly version: ModelVersion;
  /** Parameters in call order, each with the model input it feeds. */
  readonly inputs: readonly {
    readonly parameter: FunctionParameter;
    readonly elementType: string;
    readonly optional: boolean;
  }[];
  /** The [N] label output, when the model has one. */
  readonly labelOutput: OutputDescription | undefined;
  /** The [N, C] probability output, when the model has one. */
  readonly probabilityOutput: OutputDescription | undefined;
  /** Class labels as text, in the probability output's column order. */
  readonly classLabels: readonly string[];
  /** For `returns: probability`: the column of the class asked for. */
  readonly classIndex: number;
  /** "BIGINT" or "STRING": how the label is returned. */
  readonly labelType: "BIGINT" | "STRING";
}

function misfit(
  definition: FunctionDefinition,
  version: ModelVersion,
  problem: string,
  hint?: string,
): ModelSqlError {
  return new ModelSqlError(
    "MODEL_INVALID",
    `Function ${definition.name} does not fit ${describeModelVersion(version)}: ${problem}`,
    {
      hint:
        hint ??
        `Change the definition or bind another version (see \`modelsql models describe ${modelVersionLabel(version)}\`).`,
    },
  );
}

function optionalInputs(version: ModelVersion): Set<string> {
  return new Set(
    (version.signature?.inputs ?? [])
      .filter((spec) => (spec as { required?: boolean }).required === false)
      .flatMap((spec) => (spec.name ? [spec.name] : [])),
  );
}

function findOutputs(version: ModelVersion): {
  label?: OutputDescription;
  probabilities?: OutputDescription;
} {
  const outputs = version.modelInterface.outputs.filter((output) => output.elementType !== "non-tensor");
  const label = outputs.find(
    (output) => output.shape.length === 1 && ["int64", "int32", "string"].includes(output.elementType),
  );
  const probabilities = outputs.find(
    (output) => output.shape.length === 2 && ["float32", "float64"].includes(output.elementType),
  );
  return { ...(label ? { label } : {}), ...(probabilities ? { probabilities } : {}) };
}

export function bindFunction(definition: FunctionDefinition, version: ModelVersion): FunctionBinding {
  const modelInputs = new Map(version.modelInterface.inputs.map((input) => [input.name, input]));
  const optional = optionalInputs(version);
  const fed = new Set<string>();
  const inputs = definition.parameters.map((parameter) => {
    const input = modelInputs.get(parameter.input);
    if (!input) {
      throw misfit(
        definition,
        version,
        `parameter ${parameter.name} feeds input '${parameter.input}', which the model does not have (its inputs: ${[...modelInputs.keys()].join(", ")})`,
      );
    }
    if (fed.has(input.name)) throw misfit(definition, version, `two parameters feed input '${input.name}'`);
    fed.add(input.name);
    if (!canFeed(parameter.type, input.elementType)) {
      const suggestion = suggestedType(input.elementType);
      throw misfit(
        definition,
        version,
        `parameter ${parameter.name} is ${parameter.type}, which cannot feed input '${input.name}' of element type ${input.elementType}`,
        suggestion ? `Declare it as ${suggestion}.` : undefined,
      );
    }
    return { parameter, elementType: input.elementType, optional: optional.has(input.name) };
  });
  const unfed = [...modelInputs.keys()].filter((name) => !fed.has(name));
  if (unfed.length > 0) {
    throw misfit(
      definition,
      version,
      `no parameter feeds input ${unfed.map((name) => `'${name}'`).join(", ")}`,
      "Add a parameter for each model input.",
    );
  }
  const { label, probabilities } = findOutputs(version);
  const width = probabilities?.shape[1];
  const classLabels = (version.modelInterface.classLabels ?? []).map(String);
  const labels =
    classLabels.length > 0
      ? classLabels
      : typeof width === "number"
        ? Array.from({ length: width }, (_, index) => String(index))
        : [];
  let classIndex = -1;
  const returns = definition.returns;
  if (returns.kind === "probability") {
    if (!probabilities)
      throw misfit(
        definition,
        version,
        "it returns a probability, but the model has no [N, classes] probability output",
      );
    classIndex = labels.indexOf(returns.classLabel);
    if (classIndex < 0) {
      throw misfit(
        definition,
        version,
        `it returns the probability of class ${returns.classLabel}, which is not one of the model's classes (${labels.join(", ")})`,
      );
    }
  }
  if (returns.kind !== "probability" && !label) {
    throw misfit(definition, version, `it returns the label, but the model has no [N] label output`);
  }
  return {
    definition,
    version,
    inputs,
    labelOutput: label,
    probabilityOutput: probabilities,
    classLabels: labels,
    classIndex,
    labelType: label?.elementType === "string" ? "STRING" : "BIGINT",
  };
}
