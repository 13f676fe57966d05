import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { buildExampleWorkspace } from "../../src/example-workspace.js";
import { openWorkspace } from "../../src/workspace.js";
import { CLI } from "./run-cli.js";

export interface RunningServer {
  readonly url: string;
  readonly directory: string;
  /** A bearer token per principal of the example workspace. */
  readonly tokens: Readonly<Record<"admin" | "analyst" | "bi_reader" | "intern", string>>;
  /** Sends a request with a principal's token (or none) and reads the JSON answer. */
  call(
    principal: keyof RunningServer["tokens"] | null,
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  /** Stops the server (SIGTERM) and waits for the process to end. */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/** The example workspace, tokens for its principals, and `modelsql serve` on a free loopback port. */
export async function exampleServer(extraArgs: readonly string[] = []): Promise<RunningServer> {
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-server-"));
  const directory = path.join(parent, "workspace");
  const template = inject("exampleTemplate");
  if (template) cpSync(template, directory, { recursive: true });
  else await buildExampleWorkspace(directory, { owner: "admin" });
  const workspace = openWorkspace(directory);
  const tokens = Object.fromEntries(
    (["admin", "analyst", "bi_reader", "intern"] as const).map((principal) => [
      principal,
      workspace.tokens.create(principal, { createdBy: "admin" }).token,
    ]),
  ) as RunningServer["tokens"];
  workspace.close();
  let child: ChildProcess | undefined = spawn(
    process.execPath,
    [CLI, "--workspace", directory, "serve", "--port", "0", "--invocation-workers", "1", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving .* at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1] as string);
    };
    child?.stdout?.on("data", onData);
    child?.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child?.once("exit", (code) => reject(new Error(`modelsql serve exited (${code}): ${output}`)));
  });
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  };
  return {
    url,
    directory,
    tokens,
    async call(principal, method, route, body) {
      const headers: Record<string, string> = {};
      if (principal) headers.authorization = `Bearer ${tokens[principal]}`;
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(`${url}${route}`, {
        method,
        headers,
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        headers: response.headers,
      };
    },
    stop,
    async cleanup() {
      await stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
