import { ModelSqlError } from "../../errors.js";
import { servedArtifactPath } from "./mlflow-artifact-fetch.js";
import type { ArtifactLocation } from "./mlflow-fetched-models.js";
import type { MlflowRestClient } from "./mlflow-rest-client.js";
import type { MlflowRun } from "./mlflow-schemas.js";

/**
 * Where `runs:/<run id>/<path>` is, as MLflow's RunsArtifactRepository finds it: the run's own
 * artifacts at that path (a model directory logged with log_artifacts, or one .onnx file); else,
 * in MLflow 3, the model the run logged with log_model(name=<first segment>), which MLflow keeps
 * as a logged model outside the run's artifacts.
 */
export async function locateRunArtifact(
  client: MlflowRestClient,
  run: MlflowRun,
  artifactPath: string,
): Promise<ArtifactLocation> {
  const runRoot = run.info.artifact_uri;
  if (runRoot) {
    const uri = `${runRoot.replace(/\/+$/, "")}/${artifactPath}`;
    if ((await client.listArtifacts(servedArtifactPath(uri))).length > 0) return { uri, kind: "directory" };
    const slash = artifactPath.lastIndexOf("/");
    const parent = slash < 0 ? "" : `/${artifactPath.slice(0, slash)}`;
    const siblings = await client.listArtifacts(
      servedArtifactPath(`${runRoot.replace(/\/+$/, "")}${parent}`),
    );
    if (
      siblings.some((entry) => !entry.isDir && entry.path.split("/").pop() === artifactPath.split("/").pop())
    ) {
      return { uri, kind: "file" };
    }
  }
  const [name, ...rest] = artifactPath.split("/") as [string, ...string[]];
  const logged = run.info.experiment_id
    ? await client.findLoggedModel(run.info.experiment_id, run.info.run_id, name)
    : undefined;
  if (!logged) {
    throw new ModelSqlError(
      "MODEL_VERSION_NOT_FOUND",
      `Run ${run.info.run_id} has no artifacts at '${artifactPath}' and logged no model named '${name}'`,
      { hint: "Check the path against the run's artifacts in MLflow (the name given to log_model)." },
    );
  }
  const uri = [logged.info.artifact_uri.replace(/\/+$/, ""), ...rest].join("/");
  return { uri, kind: rest.length > 0 && uri.endsWith(".onnx") ? "file" : "directory" };
}
