"""The example churn models as MLflow serves them, for the benchmark's MLflow peers.

MLflow's ONNX flavor returns every output as one DataFrame column, flattened with reshape(-1)
(mlflow/onnx/__init__.py, 3.5.1), so the examples' [N, 2] `probabilities` output breaks both
`mlflow models serve` and spark_udf ("All arrays must be of the same length", seen here). This
writes, for each example model, the same ONNX graph with one more node, a Gather of column 1,
so that it outputs `label` [N] and `churn_probability` [N], saved with mlflow.onnx.save_model
and the original input signature. Usage: peer_models.py --output DIR (writes DIR/churn_logreg, ...).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import mlflow.onnx
import numpy as np
import onnx
from mlflow.models import Model
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import Schema, TensorSpec

ROOT = Path(__file__).resolve().parents[2]


def with_probability_column(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    graph.initializer.append(onnx.helper.make_tensor("positive_class", onnx.TensorProto.INT64, [], [1]))
    graph.node.append(
        onnx.helper.make_node("Gather", ["probabilities", "positive_class"], ["churn_probability"], axis=1)
    )
    kept = [output for output in graph.output if output.name != "probabilities"]
    graph.ClearField("output")
    graph.output.extend(kept)
    graph.output.append(onnx.helper.make_tensor_value_info("churn_probability", onnx.TensorProto.FLOAT, [None]))
    onnx.checker.check_model(model, full_check=True)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, required=True)
    output = parser.parse_args().output
    for name in ["churn_logreg", "churn_gbt"]:
        source = ROOT / "examples" / "models" / name
        model = with_probability_column(onnx.load(str(source / "model.onnx")))
        signature = ModelSignature(
            inputs=Model.load(str(source)).signature.inputs,
            outputs=Schema(
                [
                    TensorSpec(np.dtype(np.int64), (-1,), "label"),
                    TensorSpec(np.dtype(np.float32), (-1,), "churn_probability"),
                ]
            ),
        )
        mlflow.onnx.save_model(model, str(output / name), signature=signature)
        print(output / name)


if __name__ == "__main__":
    main()
