"""Registers the two example churn models in a running MLflow tracking server, as a data
scientist's notebook would: each model directory logged as a run's artifacts, registered as a
version of main.ml.churn, then aliases and a legacy stage set.

Usage: python register_example_models.py <tracking uri> <repository root>
Prints one JSON line: {"runs": [...], "versions": [...]}.
"""

import csv
import json
import sys
from pathlib import Path

import mlflow
from mlflow import MlflowClient

tracking_uri, root = sys.argv[1], Path(sys.argv[2])
mlflow.set_tracking_uri(tracking_uri)
client = MlflowClient(tracking_uri)
mlflow.set_experiment("churn")
with open(root / "examples" / "models" / "golden_predictions.csv", newline="") as golden_file:
    golden = list(csv.DictReader(golden_file))
runs, versions, accuracies = [], [], []
for folder in ["churn_logreg", "churn_gbt"]:
    # The accuracy of scikit-learn's labels over every customer, as the run's metric.
    accuracy = sum(row[f"{folder}_label"] == row["churned"] for row in golden) / len(golden)
    accuracies.append(accuracy)
    with mlflow.start_run(run_name=folder) as run:
        mlflow.log_param("estimator", folder)
        mlflow.log_metric("accuracy", accuracy)
        mlflow.log_artifacts(str(root / "examples" / "models" / folder), artifact_path="model")
    runs.append(run.info.run_id)
    registered = mlflow.register_model(f"runs:/{run.info.run_id}/model", "main.ml.churn")
    versions.append(int(registered.version))
client.set_registered_model_alias("main.ml.churn", "champion", str(versions[1]))
client.set_registered_model_alias("main.ml.churn", "challenger", str(versions[0]))
client.transition_model_version_stage("main.ml.churn", str(versions[0]), "Production")
print(json.dumps({"runs": runs, "versions": versions, "accuracies": accuracies}))
