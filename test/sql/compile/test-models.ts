import path from "node:path";
import { EXAMPLE_MODELS, REPOSITORY_ROOT } from "../../helpers/example-data.js";

const FIXTURES = path.join(REPOSITORY_ROOT, "test/fixtures/models/compile");

/**
 * The models the compiler is tested on, with what each exercises: the two example churn models
 * and the fixtures test/fixtures/models/make_compile_fixtures.py writes from the Telco data.
 */
export const COMPILED_TEST_MODELS = [
  ["churn_logreg", path.join(EXAMPLE_MODELS, "churn_logreg/model.onnx"), "LinearClassifier, LOGISTIC"],
  [
    "churn_gbt",
    path.join(EXAMPLE_MODELS, "churn_gbt/model.onnx"),
    "TreeEnsembleClassifier, binary, LOGISTIC",
  ],
  ["contract_forest", path.join(FIXTURES, "contract_forest.onnx"), "random forest, 3 text classes"],
  ["contract_logreg", path.join(FIXTURES, "contract_logreg.onnx"), "LinearClassifier SOFTMAX + Normalizer"],
  [
    "churn_logreg_double",
    path.join(FIXTURES, "churn_logreg_double.onnx"),
    "MatMul, Add, Sigmoid, feature selection",
  ],
  ["churn_histgbt", path.join(FIXTURES, "churn_histgbt.onnx"), "missing values tracked by the trees"],
  ["charges_linear", path.join(FIXTURES, "charges_linear.onnx"), "LinearRegressor"],
  ["charges_gbt", path.join(FIXTURES, "charges_gbt.onnx"), "TreeEnsembleRegressor, gradient boosting"],
  ["charges_forest", path.join(FIXTURES, "charges_forest.onnx"), "TreeEnsembleRegressor, random forest"],
] as const;

/** The SVM fixture: an operator with no SQL form. */
export const UNCOMPILABLE_MODEL = path.join(FIXTURES, "churn_svm.onnx");
