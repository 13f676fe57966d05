import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ModelSqlError } from "../../errors.js";
import type { MlflowRestClient } from "./mlflow-rest-client.js";

/** The path the server's artifact proxy knows an `mlflow-artifacts:/...` URI by. */
export function servedArtifactPath(uri: string): string {
  const match = /^mlflow-artifacts:\/*(.*)$/.exec(uri);
  if (!match) {
    throw new ModelSqlError(
      "UNSUPPORTED_FEATURE",
      `The model's files are at ${uri}, which modelsql cannot fetch through the MLflow server`,
      { hint: "Run the MLflow server with artifact serving (the default: --serve-artifacts)." },
    );
  }
  return (match[1] as string).replace(/\/+$/, "");
}

/** Downloads one served artifact file (an .onnx file logged on its own) into a fresh directory. */
export async function downloadArtifactFile(client: MlflowRestClient, uri: string): Promise<string> {
  const served = servedArtifactPath(uri);
  const local = mkdtempSync(path.join(tmpdir(), "modelsql-mlflow-fetch-"));
  try {
    writeFileSync(path.join(local, path.posix.basename(served)), await client.downloadArtifact(served));
    return local;
  } catch (error) {
    rmSync(local, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Downloads an artifact directory served by the tracking server (`mlflow-artifacts:/...`) into a
 * fresh local directory, recursively; returns the directory (the caller removes it).
 */
export async function downloadArtifactDirectory(client: MlflowRestClient, uri: string): Promise<string> {
  const root = servedArtifactPath(uri);
  const local = mkdtempSync(path.join(tmpdir(), "modelsql-mlflow-fetch-"));
  try {
    const walk = async (relative: string): Promise<void> => {
      const entries = await client.listArtifacts(relative ? `${root}/${relative}` : root);
      for (const entry of entries) {
        const name = entry.path.split("/").pop() as string;
        // Names come from the server: keep them inside the download directory.
        if (name === "" || name === "." || name === ".." || name.includes("\\")) continue;
        const child = relative ? `${relative}/${name}` : name;
        if (entry.isDir) {
          mkdirSync(path.join(local, child), { recursive: true });
          await walk(child);
        } else {
          writeFileSync(path.join(local, child), await client.downloadArtifact(`${root}/${child}`));
        }
      }
    };
    await walk("");
    return local;
  } catch (error) {
    rmSync(local, { recursive: true, force: true });
    throw error;
  }
}
