"""Trains the two example churn classifiers on the Telco customer data and writes them as
MLflow-format ONNX model directories, plus scikit-learn's own predictions as the golden file.

Each model carries its preprocessing (one-hot encoding of the text columns, the blank
TotalCharges values, scaling), so it takes the raw customer columns as named ONNX inputs.

Run through examples/train/train.sh, which creates the pinned virtual environment.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import logging

import mlflow.onnx
import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema, TensorSpec
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent
DATA = EXAMPLES / "data" / "telco_churn.csv"

TEXT_COLUMNS = [
    "gender",
    "Partner",
    "Dependents",
    "PhoneService",
    "MultipleLines",
    "InternetService",
    "OnlineSecurity",
    "OnlineBackup",
    "DeviceProtection",
    "TechSupport",
    "StreamingTV",
    "StreamingMovies",
    "Contract",
    "PaperlessBilling",
    "PaymentMethod",
]
INTEGER_COLUMNS = ["SeniorCitizen", "tenure"]
REAL_COLUMNS = ["MonthlyCharges", "TotalCharges"]
NUMERIC_COLUMNS = INTEGER_COLUMNS + REAL_COLUMNS
FEATURE_COLUMNS = TEXT_COLUMNS + NUMERIC_COLUMNS
SEED = 20261126


def load_customers() -> pd.DataFrame:
    customers = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    for column in INTEGER_COLUMNS:
        customers[column] = customers[column].astype(np.int64)
    customers["MonthlyCharges"] = customers["MonthlyCharges"].astype(np.float64)
    # TotalCharges is text upstream; 11 customers with tenure 0 have a single space there.
    # They become NaN here and the models' own imputer maps them to 0 (nothing billed yet).
    blank = customers["TotalCharges"].str.strip() == ""
    assert blank.sum() == 11, f"expected 11 blank TotalCharges, found {blank.sum()}"
    assert (customers.loc[blank, "tenure"] == 0).all()
    customers["TotalCharges"] = pd.to_numeric(customers["TotalCharges"].where(~blank), errors="raise")
    return customers


def preprocessing(scale: bool) -> ColumnTransformer:
    # Only the real-valued columns are imputed: ONNX's Imputer keeps its input type, and
    # the blanks are in TotalCharges alone.
    real_steps = [("blank_total_charges", SimpleImputer(strategy="constant", fill_value=0.0))]
    integer_steps: list = []
    if scale:
        real_steps.append(("scale", StandardScaler()))
        integer_steps.append(("scale", StandardScaler()))
    integers = Pipeline(integer_steps) if integer_steps else "passthrough"
    return ColumnTransformer(
        [
            ("text", OneHotEncoder(handle_unknown="ignore"), TEXT_COLUMNS),
            ("integers", integers, INTEGER_COLUMNS),
            ("reals", Pipeline(real_steps), REAL_COLUMNS),
        ]
    )


def logistic_regression() -> Pipeline:
    return Pipeline([("prepare", preprocessing(scale=True)), ("classify", LogisticRegression(max_iter=2000))])


def gradient_boosted_trees() -> Pipeline:
    # No scaling before the trees: scaled values computed in float64 by scikit-learn and in
    # float32 by ONNX Runtime could fall on different sides of a threshold.
    trees = GradientBoostingClassifier(n_estimators=150, max_depth=3, learning_rate=0.1, random_state=SEED)
    return Pipeline([("prepare", preprocessing(scale=False)), ("classify", trees)])


def onnx_input_types() -> list:
    types = [(column, StringTensorType([None, 1])) for column in TEXT_COLUMNS]
    types += [(column, Int64TensorType([None, 1])) for column in INTEGER_COLUMNS]
    types += [(column, FloatTensorType([None, 1])) for column in REAL_COLUMNS]
    return types


def to_onnx(pipeline: Pipeline, name: str, zipmap: bool, one_dimensional: bool = True) -> onnx.ModelProto:
    converted = convert_sklearn(
        pipeline,
        name=name,
        initial_types=onnx_input_types(),
        options={id(pipeline.steps[-1][1]): {"zipmap": zipmap}},
        target_opset={"": 17, "ai.onnx.ml": 3},
    )
    return with_one_dimensional_inputs(converted) if one_dimensional else converted


def with_one_dimensional_inputs(model: onnx.ModelProto) -> onnx.ModelProto:
    """skl2onnx declares each column input as [N, 1]; MLflow's ONNX flavor feeds a DataFrame's
    columns as [N] arrays (and so does a column store). Declare the inputs as [N] and unsqueeze
    them inside the graph, so the model serves from MLflow as it is."""
    graph = model.graph
    # Reshape takes its shape as an input at every opset skl2onnx emits (Unsqueeze only from 13).
    column_shape = onnx.helper.make_tensor("column_shape", onnx.TensorProto.INT64, [2], [-1, 1])
    graph.initializer.append(column_shape)
    reshapes = []
    for graph_input in graph.input:
        two_dimensional = f"{graph_input.name}_as_column"
        for node in graph.node:
            node.input[:] = [two_dimensional if name == graph_input.name else name for name in node.input]
        reshapes.append(onnx.helper.make_node("Reshape", [graph_input.name, "column_shape"], [two_dimensional]))
        shape = graph_input.type.tensor_type.shape
        del shape.dim[1:]
    existing = list(graph.node)
    graph.ClearField("node")
    graph.node.extend(reshapes + existing)
    onnx.checker.check_model(model, full_check=True)
    return model


def onnx_feeds(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    feeds: dict[str, np.ndarray] = {}
    for column in TEXT_COLUMNS:
        feeds[column] = frame[column].to_numpy(dtype=object)
    for column in INTEGER_COLUMNS:
        feeds[column] = frame[column].to_numpy(dtype=np.int64)
    for column in REAL_COLUMNS:
        feeds[column] = frame[column].to_numpy(dtype=np.float32)
    return feeds


def signature() -> ModelSignature:
    inputs = [ColSpec("string", column) for column in TEXT_COLUMNS]
    inputs += [ColSpec("long", column) for column in INTEGER_COLUMNS]
    inputs.append(ColSpec("float", "MonthlyCharges"))
    # Blank upstream for new customers; the model imputes it, so it may be missing.
    inputs.append(ColSpec("float", "TotalCharges", required=False))
    outputs = [
        TensorSpec(np.dtype(np.int64), (-1,), "label"),
        TensorSpec(np.dtype(np.float32), (-1, 2), "probabilities"),
    ]
    return ModelSignature(inputs=Schema(inputs), outputs=Schema(outputs))


def save_mlflow_model(onnx_model, directory: Path, example: pd.DataFrame) -> None:
    # MLflow runs the input example through its DataFrame path to capture dependencies; that
    # path flattens every output to 1-D and so cannot hold the [N, 2] probabilities. The model
    # is saved all the same; the warning and its traceback would only alarm.
    logging.getLogger("mlflow.utils.requirements_utils").setLevel(logging.ERROR)
    if directory.exists():
        shutil.rmtree(directory)
    mlflow.onnx.save_model(
        onnx_model,
        str(directory),
        signature=signature(),
        input_example=example,
        onnx_execution_providers=["CPUExecutionProvider"],
    )


def check_onnx_matches(onnx_bytes: bytes, expected: np.ndarray, customers: pd.DataFrame, probability_output: str):
    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    ranks = {graph_input.name: len(graph_input.shape) for graph_input in session.get_inputs()}
    feeds = {name: column.reshape(-1, 1) if ranks[name] == 2 else column for name, column in onnx_feeds(customers).items()}
    outputs = session.run(None, feeds)
    names = [output.name for output in session.get_outputs()]
    probabilities = outputs[names.index(probability_output)]
    if isinstance(probabilities, list):  # ZipMap: a list of {label: probability}
        probabilities = np.array([[row[0], row[1]] for row in probabilities])
    worst = float(np.max(np.abs(probabilities[:, 1] - expected)))
    print(f"    ONNX Runtime vs scikit-learn, largest difference: {worst:.2e}")
    if worst > 1e-5:
        sys.exit(f"ONNX model disagrees with scikit-learn by {worst}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=EXAMPLES.parent, help="repository root to write into")
    root = parser.parse_args().output
    models_directory = root / "examples" / "models"
    fixtures_directory = root / "test" / "fixtures" / "models"
    customers = load_customers()
    features = customers[FEATURE_COLUMNS]
    churned = (customers["Churn"] == "Yes").astype(np.int64).to_numpy()
    train_x, _, train_y, _ = train_test_split(features, churned, test_size=0.2, random_state=SEED, stratify=churned)
    # A few customers, one of them new with a blank TotalCharges, as the MLflow input example.
    example = features.iloc[[0, 1, 2, 488]]

    golden = pd.DataFrame({"customerID": customers["customerID"], "churned": churned})
    for model_name, pipeline in [("churn_logreg", logistic_regression()), ("churn_gbt", gradient_boosted_trees())]:
        print(f"training {model_name}")
        pipeline.fit(train_x, train_y)
        probabilities = pipeline.predict_proba(features)
        labels = pipeline.predict(features)
        golden[f"{model_name}_probability"] = probabilities[:, 1]
        golden[f"{model_name}_label"] = labels
        onnx_model = to_onnx(pipeline, model_name, zipmap=False)
        check_onnx_matches(onnx_model.SerializeToString(), probabilities[:, 1], features, "probabilities")
        save_mlflow_model(onnx_model, models_directory / model_name, example)
        if model_name == "churn_logreg":
            # skl2onnx's defaults, as models in the wild have them: [N, 1] inputs and a ZipMap
            # output (a sequence of maps).
            zipmapped = to_onnx(pipeline, f"{model_name}_zipmap", zipmap=True, one_dimensional=False)
            check_onnx_matches(zipmapped.SerializeToString(), probabilities[:, 1], features, "output_probability")
            fixtures_directory.mkdir(parents=True, exist_ok=True)
            (fixtures_directory / "churn_logreg_zipmap.onnx").write_bytes(zipmapped.SerializeToString())

    golden_path = models_directory / "golden_predictions.csv"
    golden.to_csv(golden_path, index=False, float_format="%.17g")
    print(f"wrote {golden_path} ({len(golden)} customers)")
    print(json.dumps({"churn_rate": float(churned.mean())}))


if __name__ == "__main__":
    main()
