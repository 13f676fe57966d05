import { describeCause } from "../../errors.js";
import { ModelSessionCache } from "../../models/model-session-cache.js";
import type { CompiledRouteCheck, CompiledRouteStore } from "../../registry/compiled-route-store.js";
import type { ModelVersion } from "../../registry/model-registry.js";
import { COMPILER_VERSION } from "../../sql/compile/graph-compiler.js";
import { checkCompiledRoute, unsupported } from "./compiled-route-check.js";

/**
 * Each model version's compiled-route check: the one the workspace recorded (at registration, by
 * `modelsql models compile`, or by an earlier session), or made now and recorded, for versions
 * registered before modelsql compiled models (or by a client that does not check).
 */
export class CompiledRoutes {
  private readonly checks = new Map<string, CompiledRouteCheck>();

  constructor(
    private readonly store: CompiledRouteStore,
    private readonly sessions: ModelSessionCache,
  ) {}

  async checkFor(version: ModelVersion, options: { recheck?: boolean } = {}): Promise<CompiledRouteCheck> {
    const key = `${version.artifactHash}/${version.onnxFile}`;
    if (!options.recheck) {
      const known =
        this.checks.get(key) ?? this.store.get(version.artifactHash, version.onnxFile, COMPILER_VERSION);
      if (known) {
        this.checks.set(key, known);
        return known;
      }
    }
    let check: CompiledRouteCheck;
    try {
      check = await checkCompiledRoute(version, this.sessions.sessionFor(version));
    } catch (error) {
      // A check that cannot run (the model does not load, DuckDB refuses the SQL) is a finding
      // too: recorded, so that sessions do not run it again, and the version keeps the UDF.
      check = unsupported(`the check could not run: ${describeCause(error)}`);
    }
    this.checks.set(key, check);
    try {
      this.store.put(version.artifactHash, version.onnxFile, COMPILER_VERSION, check);
    } catch {
      // A read-only or busy store: this process keeps the finding; another will check again.
    }
    return check;
  }
}

/**
 * The check made when a version is registered (and by `modelsql models compile`), outside any
 * query session: its own ONNX Runtime session, released afterwards.
 */
export async function checkVersion(
  store: CompiledRouteStore,
  version: ModelVersion,
  options: { recheck?: boolean } = {},
): Promise<CompiledRouteCheck> {
  const sessions = new ModelSessionCache();
  try {
    return await new CompiledRoutes(store, sessions).checkFor(version, options);
  } finally {
    sessions.dispose();
  }
}
