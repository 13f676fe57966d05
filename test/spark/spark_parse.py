"""Checks SQL text against the real Spark SQL parser (pyspark's JVM SparkSqlParser), parse only.

Protocol (one JSON object per line, UTF-8):
  stdout, once at start:  {"ready": true, "sparkVersion": "4.3.0", "startupSeconds": 5.1}
  stdin, per request:     {"id": <any JSON>, "sql": "<one statement>", "as": "plan"}
  stdout, per request:    {"id": ..., "ok": true}
                       or {"id": ..., "ok": false, "error": "<parser message>", "line": n, "column": n,
                           "condition": "PARSE_SYNTAX_ERROR", "exception": "<JVM class>"}
Answers come in request order. `line` is 1-based (Spark's), `column` is 1-based (Spark's 0-based
`pos` + 1); both are left out when Spark gives no position. One request holds one statement:
parsePlan follows Spark's `singleStatement` rule, so `SELECT 1; SELECT 2` is a parse error (a
trailing `;` is accepted). The process ends when stdin closes.

Only the parser runs (`sessionState().sqlParser().parsePlan`): no analysis, so tables, functions
and endpoints named in the SQL need not exist. "as" (default "plan") picks another entry point of
Spark's ParserInterface, to check a fragment rather than a statement: "expression",
"multipartIdentifier" (e.g. `main.sales.t` or a principal like `analyst@example.com` in
backticks), "dataType" (e.g. ai_query's returnType string) or "tableSchema" (`a INT, b STRING`).

stdout carries nothing but protocol lines: the original stdout is kept on a private descriptor and
descriptor 1 is pointed at stderr before the JVM starts, because pyspark launches the JVM with our
stdout inherited and Spark/log4j/JVM warnings would otherwise be interleaved with answers.
"""

import atexit
import json
import os
import shutil
import sys
import tempfile
import time


def _take_stdout():
    """Returns a text stream on the real stdout and sends everything else written to fd 1 to stderr."""
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1, newline="\n")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol


def _start_session():
    # Loopback only: no hostname lookups, and nothing listens beyond this machine.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    # Spark may create its warehouse directory; keep it out of the working directory.
    scratch = tempfile.mkdtemp(prefix="spark-parse-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("modelsql-spark-parse")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        # No Hive: the in-memory catalog starts faster and parsing does not depend on it (the
        # parser class is SparkSqlParser either way).
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "2g")
        # Measured on 2 cores: the C1 compiler alone halves the per-statement parse time for test-
        # sized workloads (~0.7 ms instead of ~1.4 ms for hundreds of parses; C2 never pays off), and
        # the serial collector keeps GC threads from competing with the test runner.
        # A large stack: Spark's parser and planner recurse once per level of a compiled tree's
        # nested CASE.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss64m")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")

    # pyspark patches py4j so that JVM exceptions become pyspark exceptions; that costs several
    # extra JVM round trips per error and hides the JVM object. This process only parses, so use
    # py4j's own handler and read line/position from the JVM ParseException directly.
    import py4j.java_gateway
    import py4j.protocol

    py4j.java_gateway.get_return_value = py4j.protocol.get_return_value
    return spark


def _option_int(option):
    """Reads a scala.Option[Int] through py4j."""
    try:
        return int(option.get()) if option is not None and option.isDefined() else None
    except Exception:  # noqa: BLE001 - a missing position is not worth failing the answer
        return None


def _failure(request_id, java_exception):
    answer = {"id": request_id, "ok": False}
    answer["exception"] = java_exception.getClass().getName()
    answer["error"] = str(java_exception.getMessage() or java_exception.toString()).strip()
    try:
        answer["condition"] = java_exception.getCondition()  # SparkThrowable (Spark 4)
    except Exception:  # noqa: BLE001 - not every JVM exception is a SparkThrowable
        pass
    if answer["exception"] == "org.apache.spark.sql.catalyst.parser.ParseException":
        line = _option_int(java_exception.line())
        position = _option_int(java_exception.startPosition())
        if line is not None:
            answer["line"] = line
        if position is not None:
            answer["column"] = position + 1
    return answer


ENTRY_POINTS = {
    "plan": "parsePlan",
    "expression": "parseExpression",
    "multipartIdentifier": "parseMultipartIdentifier",
    "dataType": "parseDataType",
    "tableSchema": "parseTableSchema",
}


def main():
    protocol = _take_stdout()

    def send(message):
        protocol.write(json.dumps(message, ensure_ascii=False) + "\n")
        protocol.flush()

    started = time.monotonic()
    spark = _start_session()
    parser = spark._jsparkSession.sessionState().sqlParser()
    from py4j.protocol import Py4JError, Py4JJavaError

    send({"ready": True, "sparkVersion": spark.version, "startupSeconds": round(time.monotonic() - started, 3)})

    for raw in sys.stdin.buffer:
        text = raw.decode("utf-8", errors="replace").strip()
        if not text:
            continue
        try:
            request = json.loads(text)
        except ValueError as error:
            send({"id": None, "ok": False, "error": f"bad request line: {error}", "exception": "protocol"})
            continue
        request_id = request.get("id") if isinstance(request, dict) else None
        sql = request.get("sql") if isinstance(request, dict) else None
        if isinstance(request, dict) and request.get("as") == "execute" and isinstance(sql, str):
            # Runs the statement on the local Spark session and answers its rows: for checking that
            # a translation means the same on Spark's engine as on DuckDB's. toJSON leaves out null
            # fields; the client reads a missing column as null.
            try:
                # One DataFrame: parsing and planning a large statement (a compiled model) twice
                # would double its cost.
                frame = spark.sql(sql)
                rows = [json.loads(row) for row in frame.toJSON().collect()]
                columns = list(frame.columns)
                send({"id": request_id, "ok": True, "rows": rows, "columns": columns})
            except Py4JJavaError as error:
                send(_failure(request_id, error.java_exception))
            except Exception as error:  # noqa: BLE001 - any failure is an answer, not a crash
                send({"id": request_id, "ok": False, "error": str(error), "exception": "execute"})
            continue
        entry = ENTRY_POINTS.get(request.get("as", "plan")) if isinstance(request, dict) else None
        if not isinstance(sql, str) or entry is None:
            message = f"request needs a string 'sql' and 'as' in {sorted(ENTRY_POINTS)}"
            send({"id": request_id, "ok": False, "error": message, "exception": "protocol"})
            continue
        try:
            getattr(parser, entry)(sql)
            send({"id": request_id, "ok": True})
        except Py4JJavaError as error:
            send(_failure(request_id, error.java_exception))
        except Py4JError as error:
            # The JVM is gone (or the bridge broke): answer, then stop so the client sees the exit.
            send({"id": request_id, "ok": False, "error": f"JVM bridge failed: {error}", "exception": "py4j"})
            sys.exit(2)

    # Stop Spark, then close the JVM's stdin (pyspark's gateway exits on that) and wait for it, so
    # that when this process has exited no JVM is left behind.
    jvm_process = getattr(spark.sparkContext._gateway, "proc", None)
    spark.stop()
    if jvm_process is not None:
        jvm_process.stdin.close()
        try:
            jvm_process.wait(timeout=30)
        except Exception:  # noqa: BLE001 - a JVM that will not stop is killed
            jvm_process.kill()


if __name__ == "__main__":
    main()
