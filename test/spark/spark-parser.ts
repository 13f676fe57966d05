import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * A client for test/spark/spark_parse.py: checks that SQL text parses in Apache Spark's own SQL
 * parser (pyspark's JVM SparkSqlParser, pinned in requirements.txt), parse only, no analysis. One
 * Python+JVM process serves every parse of a test file; starting it costs ~5-7 s, a parse ~1-5 ms.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ENSURE_VENV = path.join(HERE, "ensure-venv.sh");
const PARSE_SCRIPT = path.join(HERE, "spark_parse.py");
const STDERR_KEPT = 16_384;

export type SparkParseResult =
  | { ok: true }
  | {
      ok: false;
      /** Spark's message, with its `== SQL ==` excerpt and caret line. */
      error: string;
      /** 1-based, as Spark reports it. */
      line?: number;
      /** 1-based (Spark's 0-based `pos` + 1). */
      column?: number;
      /** Spark's error condition, e.g. PARSE_SYNTAX_ERROR or INVALID_STATEMENT_OR_CLAUSE. */
      condition?: string;
    };

/**
 * Which of Spark's parser entry points to use: a whole statement ("plan"), or a fragment, for SQL
 * that Spark cannot parse whole (e.g. the pieces of a Databricks GRANT) or that it only sees as a
 * string (ai_query's returnType is a data type in a string literal).
 */
export type SparkParseEntry = "plan" | "expression" | "multipartIdentifier" | "dataType" | "tableSchema";

export interface SparkParserOptions {
  /** Time allowed for the JVM to start once the virtual environment exists (default 120 s). */
  readonly startupTimeoutMs?: number;
  /** Sends the Python/Spark stderr through to this process's stderr (or set SPARK_PARSER_DEBUG=1). */
  readonly forwardStderr?: boolean;
}

interface Answer {
  readonly id?: unknown;
  readonly ok?: unknown;
  readonly ready?: unknown;
  readonly sparkVersion?: unknown;
  readonly error?: unknown;
  readonly line?: unknown;
  readonly column?: unknown;
  readonly condition?: unknown;
  readonly rows?: unknown;
  readonly columns?: unknown;
}

interface Pending {
  readonly resolve: (result: SparkParseResult) => void;
  readonly reject: (error: Error) => void;
}

const execFileAsync = promisify(execFile);

/** Creates (or reuses) test/spark/.venv from requirements.txt; returns its directory. */
export async function ensureSparkVenv(): Promise<string> {
  try {
    const { stdout } = await execFileAsync("bash", [ENSURE_VENV], { maxBuffer: 16 * 1024 * 1024 });
    const directory = stdout.trim().split("\n").pop();
    if (!directory) throw new Error("ensure-venv.sh printed no directory");
    return directory;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`could not prepare the pyspark virtual environment: ${String(error)}\n${stderr}`);
  }
}

export class SparkParser {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exitError: Error | undefined;
  private closing = false;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly stderrTail: () => string,
    /** The Spark version whose parser answers, e.g. "4.3.0". */
    readonly sparkVersion: string,
    exited: Promise<void>,
  ) {
    this.exited = exited;
  }

  /** Prepares the virtual environment, starts Spark and waits until its parser is ready. */
  static async start(options: SparkParserOptions = {}): Promise<SparkParser> {
    const venv = await ensureSparkVenv();
    const child = spawn(path.join(venv, "bin", "python"), [PARSE_SCRIPT], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
    });
    // A test run that ends without close() must not leave a JVM behind: killing the Python process
    // closes the JVM's stdin, on which pyspark's gateway exits by itself.
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);

    // A dead process shows up as its exit (reported with its stderr), not as a write error.
    child.stdin.on("error", () => {});
    let stderr = "";
    const forward = options.forwardStderr ?? process.env.SPARK_PARSER_DEBUG === "1";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
      if (forward) process.stderr.write(chunk);
    });
    const stderrTail = () => stderr;

    let onAnswer: (answer: Answer) => void = () => {};
    const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => {
      let answer: Answer;
      try {
        answer = JSON.parse(line) as Answer;
      } catch {
        answer = { error: `not a JSON line on stdout: ${line.slice(0, 200)}` };
      }
      onAnswer(answer);
    });

    let onExit: (error: Error) => void = () => {};
    const exited = new Promise<void>((resolve) => {
      const finish = (error: Error) => {
        process.removeListener("exit", killOnExit);
        onExit(error);
        resolve();
      };
      child.once("error", (error) => finish(error));
      child.once("exit", (code, signal) =>
        finish(new Error(`spark_parse.py exited (code ${code}, signal ${signal})`)),
      );
    });

    const timeoutMs = options.startupTimeoutMs ?? 120_000;
    const sparkVersion = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`Spark did not start within ${timeoutMs} ms\n${stderr}`));
      }, timeoutMs);
      onAnswer = (answer) => {
        clearTimeout(timer);
        if (answer.ready === true && typeof answer.sparkVersion === "string") resolve(answer.sparkVersion);
        else {
          child.kill("SIGKILL");
          reject(new Error(`unexpected first line from spark_parse.py: ${JSON.stringify(answer)}`));
        }
      };
      onExit = (error) => {
        clearTimeout(timer);
        reject(new Error(`${error.message}\n${stderr}`.trim()));
      };
    });

    const parser = new SparkParser(child, stderrTail, sparkVersion, exited);
    onAnswer = (answer) => parser.settle(answer);
    onExit = (error) => parser.fail(error);
    return parser;
  }

  /**
   * Parses one statement (a trailing `;` is allowed, a second statement is a parse error), or with
   * `as`, a fragment. Calls may overlap: they are pipelined to the one process.
   */
  parse(sql: string, as: SparkParseEntry = "plan"): Promise<SparkParseResult> {
    if (this.exitError) return Promise.reject(this.exitError);
    if (this.closing) return Promise.reject(new Error("SparkParser is closed"));
    const id = this.nextId++;
    return new Promise<SparkParseResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, sql, as })}\n`);
    });
  }

  /**
   * Runs one statement on the local Spark session (Spark's real engine, not only its parser) and
   * returns its rows as JSON objects, one value per column (null where Spark left a field out).
   */
  async execute(
    sql: string,
  ): Promise<{ ok: true; rows: Record<string, unknown>[] } | Extract<SparkParseResult, { ok: false }>> {
    if (this.exitError) throw this.exitError;
    if (this.closing) throw new Error("SparkParser is closed");
    const id = this.nextId++;
    const answer = await new Promise<SparkParseResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, sql, as: "execute" })}\n`);
    });
    if (!answer.ok) return answer;
    const raw = this.lastRows.get(id) ?? { rows: [], columns: [] };
    this.lastRows.delete(id);
    return {
      ok: true,
      rows: raw.rows.map((row) =>
        Object.fromEntries(raw.columns.map((column) => [column, row[column] ?? null])),
      ),
    };
  }

  /** Rows of execute answers, by request id, until execute() reads them. */
  private readonly lastRows = new Map<number, { rows: Record<string, unknown>[]; columns: string[] }>();

  /** Stops Spark: closes stdin (the script stops its session and exits), then kills if it lingers. */
  async close(): Promise<void> {
    this.closing = true;
    if (!this.exitError) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private settle(answer: Answer): void {
    const waiting = typeof answer.id === "number" ? this.pending.get(answer.id) : undefined;
    if (!waiting) {
      // Answers carry the id they were asked with; anything else means the protocol broke.
      this.fail(new Error(`unexpected answer from spark_parse.py: ${JSON.stringify(answer)}`));
      this.child.kill("SIGKILL");
      return;
    }
    this.pending.delete(answer.id as number);
    if (answer.ok === true) {
      if (Array.isArray(answer.rows) && Array.isArray(answer.columns)) {
        this.lastRows.set(answer.id as number, {
          rows: answer.rows as Record<string, unknown>[],
          columns: answer.columns as string[],
        });
      }
      waiting.resolve({ ok: true });
      return;
    }
    waiting.resolve({
      ok: false,
      error: typeof answer.error === "string" ? answer.error : JSON.stringify(answer),
      ...(typeof answer.line === "number" ? { line: answer.line } : {}),
      ...(typeof answer.column === "number" ? { column: answer.column } : {}),
      ...(typeof answer.condition === "string" ? { condition: answer.condition } : {}),
    });
  }

  private fail(error: Error): void {
    this.exitError ??= new Error(`${error.message}\n${this.stderrTail()}`.trim());
    for (const waiting of this.pending.values()) waiting.reject(this.exitError);
    this.pending.clear();
  }
}
