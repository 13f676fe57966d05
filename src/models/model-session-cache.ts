import { availableParallelism } from "node:os";
import path from "node:path";
import { describeCause, ModelSqlError } from "../errors.js";
import { describeModelVersion, type ModelVersion } from "../registry/model-registry.js";
import { OnnxModel } from "./onnx-model.js";

/**
 * Loaded ONNX Runtime sessions, one per artifact, shared by every statement and every function
 * bound to the same version in this process. Artifacts are immutable (stored under their hash),
 * so a cached session never goes stale; moving an alias only changes which one is used.
 */
export class ModelSessionCache {
  private readonly sessions = new Map<string, OnnxModel>();

  /**
   * `intraOpThreads`: ONNX Runtime's threads per run. DuckDB's threads wait while the one JS
   * thread scores a chunk, so the run may use every core (FINDINGS.md: trees gain ~50 % from 2).
   */
  constructor(private readonly intraOpThreads: number = availableParallelism()) {}

  sessionFor(version: ModelVersion): OnnxModel {
    const key = `${version.artifactHash}/${version.onnxFile}`;
    let session = this.sessions.get(key);
    if (!session) {
      try {
        session = OnnxModel.load(path.join(version.artifactDirectory, version.onnxFile), {
          intraOpThreads: this.intraOpThreads,
        });
      } catch (error) {
        throw new ModelSqlError(
          "MODEL_INVALID",
          `${describeModelVersion(version)} does not load: ${describeCause(error)}`,
          {
            cause: error,
          },
        );
      }
      this.sessions.set(key, session);
    }
    return session;
  }

  get size(): number {
    return this.sessions.size;
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }
}
