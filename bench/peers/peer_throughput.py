"""Peer systems scoring the benchmark's rows with the example churn models, for bench/suite.ts.

Each peer scores every row of --rows (a Parquet file of model inputs under the Telco column
names) and sums the churn probability, the work `SELECT sum(predict_churn(...))` does:

- pandas + scikit-learn: predict_proba of the original pipelines, retrained exactly as
  examples/train/train_churn_models.py trains them (same data, split and seed; checked against
  the committed golden predictions);
- DuckDB's Python client: read_parquet with a vectorized (Arrow) Python UDF calling ONNX Runtime
  on the same ONNX model modelsql serves;
- Spark (local pyspark) with MLflow's mlflow.pyfunc.spark_udf on the same ONNX graph saved as an
  MLflow model with 1-D outputs (peer_models.py says why), the way Databricks users score in SQL.

Prints one JSON object: per model and peer, seconds (median of --repeats) and rows per second,
and each peer's sum, so the suite can check that all of them scored the same thing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "train"))
import train_churn_models as training  # noqa: E402

MODELS = {"churn_logreg": training.logistic_regression, "churn_gbt": training.gradient_boosted_trees}


def median_seconds(repeats: int, work) -> tuple[float, float]:
    """The median of `repeats` timed runs after one untimed warm-up (JIT, caches, Spark's workers)."""
    work()
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), float(result)


def fitted_pipelines() -> dict:
    customers = training.load_customers()
    features = customers[training.FEATURE_COLUMNS]
    churned = (customers["Churn"] == "Yes").astype(np.int64).to_numpy()
    train_x, _, train_y, _ = training.train_test_split(
        features, churned, test_size=0.2, random_state=training.SEED, stratify=churned
    )
    golden = pd.read_csv(ROOT / "examples" / "models" / "golden_predictions.csv")
    pipelines = {}
    for name, build in MODELS.items():
        pipeline = build().fit(train_x, train_y)
        drift = np.abs(pipeline.predict_proba(features)[:, 1] - golden[f"{name}_probability"].to_numpy()).max()
        assert drift < 1e-9, f"the retrained {name} differs from the committed golden predictions by {drift}"
        pipelines[name] = pipeline
    return pipelines


def pandas_sklearn(frame: pd.DataFrame, pipeline, repeats: int):
    return median_seconds(repeats, lambda: pipeline.predict_proba(frame[training.FEATURE_COLUMNS])[:, 1].sum())


def duckdb_arrow_udf(rows: Path, model_file: Path, threads: int, repeats: int):
    import duckdb
    import onnxruntime as ort
    import pyarrow as pa
    import pyarrow.compute as pc

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
    columns = [*training.TEXT_COLUMNS, *training.INTEGER_COLUMNS, *training.REAL_COLUMNS]

    def churn_columns(arrays):
        feeds = {}
        for name, array in zip(columns, arrays):
            if name in training.REAL_COLUMNS:
                feeds[name] = pc.fill_null(array.cast(pa.float32()), float("nan")).to_numpy(zero_copy_only=False)
            elif name in training.INTEGER_COLUMNS:
                feeds[name] = array.to_numpy(zero_copy_only=False).astype(np.int64)
            else:
                feeds[name] = array.to_numpy(zero_copy_only=False).astype(object)
        (probabilities,) = session.run(["probabilities"], feeds)
        return pa.array(probabilities[:, 1].astype(np.float64))

    # DuckDB takes a function of exactly as many parameters as the SQL call has (no *args), and
    # evaluates annotations (so none here).
    def churn(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18):
        return churn_columns([c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18])

    assert len(columns) == 19
    connection = duckdb.connect()
    types = (
        [duckdb.sqltype("VARCHAR")] * len(training.TEXT_COLUMNS)
        + [duckdb.sqltype("BIGINT")] * len(training.INTEGER_COLUMNS)
        + [duckdb.sqltype("DOUBLE")] * len(training.REAL_COLUMNS)
    )
    connection.create_function("churn", churn, types, duckdb.sqltype("DOUBLE"), type="arrow")
    query = f"SELECT sum(churn({', '.join(columns)})) FROM read_parquet('{rows}')"
    return median_seconds(repeats, lambda: connection.execute(query).fetchone()[0])


def spark_udf(rows: Path, model_directory: Path, repeats: int, spark):
    """model_directory: the model as peer_models.py writes it for MLflow (1-D outputs)."""
    import mlflow.pyfunc
    from pyspark.sql import functions as F

    frame = spark.read.parquet(str(rows))
    predict = mlflow.pyfunc.spark_udf(
        spark, model_uri=str(model_directory), result_type="label long, churn_probability float", env_manager="local"
    )
    columns = [*training.TEXT_COLUMNS, *training.INTEGER_COLUMNS, *training.REAL_COLUMNS]
    # TotalCharges is DOUBLE in the file; the model's signature takes float.
    inputs = [F.col(name).cast("float").alias(name) if name in training.REAL_COLUMNS else F.col(name) for name in columns]
    scored = frame.select(predict(F.struct(*inputs)).alias("p"))
    return median_seconds(repeats, lambda: scored.agg(F.sum(F.col("p.churn_probability"))).collect()[0][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--peers", default="pandas,duckdb,spark")
    parser.add_argument("--mlflow-models", type=Path, help="peer_models.py's output, for spark")
    args = parser.parse_args()
    peers = args.peers.split(",")
    frame = pd.read_parquet(args.rows)
    count = len(frame)
    results = []
    pipelines = fitted_pipelines() if "pandas" in peers else {}
    spark = None
    if "spark" in peers:
        from pyspark.sql import SparkSession

        # Spark's Python workers run this interpreter, the venv's, with MLflow and pandas.
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable

        spark = (
            SparkSession.builder.master(f"local[{args.threads}]")
            .config("spark.driver.memory", "4g")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(args.threads))
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
    for name in MODELS:
        model_directory = ROOT / "examples" / "models" / name
        runs = {
            "pandas": lambda: pandas_sklearn(frame, pipelines[name], args.repeats),
            "duckdb": lambda: duckdb_arrow_udf(args.rows, model_directory / "model.onnx", args.threads, args.repeats),
            "spark": lambda: spark_udf(args.rows, args.mlflow_models / name, args.repeats, spark),
        }
        for peer in peers:
            seconds, total = runs[peer]()
            results.append({"model": name, "peer": peer, "seconds": seconds, "rows_per_second": count / seconds, "sum": total})
            print(f"{name} {peer}: {count / seconds:,.0f} rows/s", file=sys.stderr)
    if spark is not None:
        spark.stop()
    print(json.dumps({"rows": count, "threads": args.threads, "results": results}))


if __name__ == "__main__":
    main()
