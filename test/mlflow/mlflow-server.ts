import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

/** A real MLflow tracking server on loopback, with a SQLite store and served artifacts. */
export interface MlflowServerFixture {
  readonly url: string;
  readonly venv: string;
  stop(): Promise<void>;
}

/** The pinned virtual environment (test/mlflow/ensure-venv.sh builds it on first use). */
export async function ensureMlflowVenv(): Promise<string> {
  const { stdout } = await run("bash", [path.join(HERE, "ensure-venv.sh")], { maxBuffer: 1 << 20 });
  return stdout.trim().split("\n").pop() as string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts `mlflow server` and waits until /health answers (up to two minutes). */
export async function startMlflowServer(): Promise<MlflowServerFixture> {
  const venv = await ensureMlflowVenv();
  const scratch = mkdtempSync(path.join(tmpdir(), "modelsql-mlflow-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    path.join(venv, "bin", "mlflow"),
    [
      "server",
      "--backend-store-uri",
      `sqlite:///${path.join(scratch, "mlflow.db")}`,
      "--artifacts-destination",
      path.join(scratch, "artifacts"),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--workers",
      "1",
    ],
    {
      env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: "true" },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    },
  );
  let log = "";
  child.stderr?.on("data", (chunk) => {
    log = (log + String(chunk)).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      // The server forks workers: stop the whole process group.
      process.kill(-child.pid, "SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, venv, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`mlflow server did not answer /health within two minutes:\n${log}`);
}

/** Runs the example-model registration script against the server; returns what it registered. */
export async function registerExampleModels(fixture: MlflowServerFixture, repositoryRoot: string) {
  const { stdout } = await run(
    path.join(fixture.venv, "bin", "python"),
    [path.join(HERE, "register_example_models.py"), fixture.url, repositoryRoot],
    { env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: "true" }, maxBuffer: 1 << 22 },
  );
  return JSON.parse(stdout.trim().split("\n").pop() as string) as {
    runs: string[];
    versions: number[];
    accuracies: number[];
  };
}

/** Moves an alias with MLflow's own Python client, as a data scientist promoting a model would. */
export async function setAliasInPython(
  fixture: MlflowServerFixture,
  name: string,
  alias: string,
  version: number,
) {
  await run(
    path.join(fixture.venv, "bin", "python"),
    [
      "-c",
      "import sys; from mlflow import MlflowClient; MlflowClient(sys.argv[1]).set_registered_model_alias(sys.argv[2], sys.argv[3], sys.argv[4])",
      fixture.url,
      name,
      alias,
      String(version),
    ],
    { env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: "true" } },
  );
}
