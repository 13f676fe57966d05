import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * The MLflow `MLmodel` file of a model directory: which flavors it has, where the ONNX flavor
 * keeps its model, and the signature. Fields modelsql does not use are tolerated and kept.
 */

const columnSpec = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  required: z.boolean().optional(),
});
const tensorSpec = z.looseObject({
  type: z.literal("tensor"),
  name: z.string().optional(),
  "tensor-spec": z.looseObject({ dtype: z.string(), shape: z.array(z.number()).nullable().optional() }),
});
const specList = z.array(z.union([tensorSpec, columnSpec]));

export type SignatureSpec = z.infer<typeof specList>[number];

export interface ModelSignature {
  readonly inputs: readonly SignatureSpec[];
  readonly outputs: readonly SignatureSpec[];
  readonly params?: readonly unknown[];
}

const mlmodelSchema = z.looseObject({
  flavors: z.record(z.string(), z.looseObject({ data: z.string().optional() }).nullable()),
  signature: z
    .looseObject({
      inputs: z.string().nullable().optional(),
      outputs: z.string().nullable().optional(),
      params: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  run_id: z.string().nullable().optional(),
  model_uuid: z.string().nullable().optional(),
  utc_time_created: z.string().nullable().optional(),
});

export interface MlmodelFile {
  readonly flavors: readonly string[];
  /** The ONNX file named by the onnx flavor, relative to the model directory. */
  readonly onnxData: string | undefined;
  readonly signature: ModelSignature | undefined;
  readonly runId: string | undefined;
}

/** Thrown with a message fit to follow "the MLmodel file ..." in a MODEL_INVALID error. */
export class MlmodelProblem extends Error {}

function parseSpecList(text: string | null | undefined, part: string): SignatureSpec[] {
  if (!text) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MlmodelProblem(`has a signature whose ${part} are not valid JSON`);
  }
  const parsed = specList.safeParse(json);
  if (!parsed.success)
    throw new MlmodelProblem(`has a signature whose ${part} are not column or tensor specs`);
  return parsed.data;
}

/** MLflow writes a signature's params as a JSON list of param specs. */
function parseParams(text: string | null | undefined): unknown[] | undefined {
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MlmodelProblem("has a signature whose params are not valid JSON");
  }
  if (!Array.isArray(json)) throw new MlmodelProblem("has a signature whose params are not a list");
  return json;
}

export function readMlmodelFile(directory: string): MlmodelFile {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path.join(directory, "MLmodel"), "utf8"));
  } catch (error) {
    throw new MlmodelProblem(`is not valid YAML (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = mlmodelSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlmodelProblem(
      `is not an MLflow model description (${issue?.path.join(".")}: ${issue?.message})`,
    );
  }
  const { flavors, signature, run_id: runId } = parsed.data;
  const inputs = parseSpecList(signature?.inputs, "inputs");
  const outputs = parseSpecList(signature?.outputs, "outputs");
  const params = parseParams(signature?.params);
  return {
    flavors: Object.keys(flavors),
    onnxData: flavors.onnx?.data,
    signature: signature ? { inputs, outputs, ...(params ? { params } : {}) } : undefined,
    runId: runId ?? undefined,
  };
}
