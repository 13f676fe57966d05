"""Trains a churn model with scikit-learn, converts it with skl2onnx, logs it with
mlflow.onnx.log_model (MLflow 3: a logged model, `models:/m-...`) with a signature and an input
example, registers it, sets alias `champion`, then trains and logs a second version (a small
neural network whose weights ONNX keeps in an external-data file). It scores every customer with
ONNX Runtime itself, so the TypeScript tests compare modelsql's predictions with this script's own.
The first run also keeps the bare .onnx file among its artifacts (exported/churn.onnx), and a
scikit-learn flavored model without ONNX is registered as <registered name>_sklearn.

Usage: python train_and_log_onnx.py <tracking uri> <telco csv> <registered name> <predictions dir>
Prints one JSON line: {"versions": [...], "runs": [...], "model_ids": [...], "accuracies": [...]}.
Each version's predictions go to <predictions dir>/v<version>.csv (customerID, label, probability).
"""

import csv
import json
import sys
from pathlib import Path

import mlflow
import mlflow.sklearn
import numpy as np
import onnxruntime
from onnx import numpy_helper
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import infer_signature
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

tracking_uri, telco_csv, registered_name, predictions_dir = sys.argv[1:5]
mlflow.set_tracking_uri(tracking_uri)
mlflow.set_experiment("churn-onnx")
client = MlflowClient(tracking_uri)

telco = pd.read_csv(telco_csv)
telco["TotalCharges"] = pd.to_numeric(telco["TotalCharges"], errors="coerce").fillna(0.0)
# One ONNX input per column, as skl2onnx converts a ColumnTransformer: each becomes a parameter
# of the SQL function.
NUMERIC = ["tenure", "MonthlyCharges", "TotalCharges"]
features = telco[[*NUMERIC, "Contract"]].astype({name: np.float32 for name in NUMERIC})
churned = (telco["Churn"] == "Yes").to_numpy(dtype=np.int64)
initial_types = [(name, FloatTensorType([None, 1])) for name in NUMERIC] + [
    ("Contract", StringTensorType([None, 1]))
]


def onnx_inputs(frame):
    return {name: frame[[name]].to_numpy() for name, _ in initial_types}


def pipeline(estimator):
    columns = ColumnTransformer(
        [("numeric", StandardScaler(), NUMERIC), ("contract", OneHotEncoder(), ["Contract"])]
    )
    return make_pipeline(columns, estimator)


candidates = [
    ("logistic_regression", pipeline(LogisticRegression(max_iter=1000))),
    ("neural_network", pipeline(MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=7))),
]
versions, runs, model_ids, accuracies = [], [], [], []
for run_name, estimator in candidates:
    estimator.fit(features, churned)
    onnx_model = to_onnx(
        estimator,
        initial_types=initial_types,
        options={id(estimator.steps[-1][1]): {"zipmap": False}},
        target_opset=17,
    )
    # MLflow saves tensors of 1 KiB or more as ONNX external data (save_as_external_data, on by
    # default), but only those kept as raw bytes; skl2onnx writes typed lists. Re-encoding the
    # weights as raw bytes makes the network's weight matrix an external-data file, as a large
    # model's would be.
    for index, tensor in enumerate(onnx_model.graph.initializer):
        onnx_model.graph.initializer[index].CopyFrom(
            numpy_helper.from_array(numpy_helper.to_array(tensor), tensor.name)
        )
    session = onnxruntime.InferenceSession(onnx_model.SerializeToString())
    labels, probabilities = session.run(None, onnx_inputs(features))
    accuracy = float((labels == churned).mean())
    example = features.head(5)
    signature = infer_signature(example, session.run(None, onnx_inputs(example))[1])
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.log_param("estimator", run_name)
        mlflow.log_metric("accuracy", accuracy)
        logged = mlflow.onnx.log_model(
            onnx_model,
            name="model",
            signature=signature,
            input_example=example,
            registered_model_name=registered_name,
        )
        if not versions:
            exported = Path(predictions_dir) / "churn.onnx"
            exported.write_bytes(onnx_model.SerializeToString())
            mlflow.log_artifact(str(exported), artifact_path="exported")
    version = int(logged.registered_model_version)
    versions.append(version)
    runs.append(run.info.run_id)
    model_ids.append(logged.model_id)
    accuracies.append(accuracy)
    with open(Path(predictions_dir) / f"v{version}.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["customerID", "label", "probability"])
        for customer, label, row in zip(telco["customerID"], labels, probabilities, strict=True):
            writer.writerow([customer, int(label), repr(float(row[1]))])
    if len(versions) == 1:
        client.set_registered_model_alias(registered_name, "champion", str(version))

with mlflow.start_run(run_name="sklearn_only"):
    mlflow.sklearn.log_model(
        candidates[0][1], name="model", registered_model_name=f"{registered_name}_sklearn"
    )

print(json.dumps({"versions": versions, "runs": runs, "model_ids": model_ids, "accuracies": accuracies}))
