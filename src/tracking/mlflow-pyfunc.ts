// The python_function flavor of our MLflow model: a small loader module shipped in the model folder (`code/`), so
// `mlflow.pyfunc.load_model`, `mlflow models serve`, `spark_udf` and `mlflow.evaluate` give the service's calibrated
// probabilities, while the `xgboost` flavor stays the raw booster. The module reads the booster (model.json, the
// same file the xgboost flavor loads) for the raw margins and our artifact (rodent-model.json) for the feature
// order and the calibration, and applies the calibration exactly as src/model/calibration.ts does
// (calibrateMargin / applyCalibration): a test compares it with POST /v1/predict within 1e-6.

/** Module name MLmodel's `loader_module` names; the file is `code/<name>.py`. */
export const PYFUNC_MODULE = "rodent_risk_pyfunc";

export const PYFUNC_SOURCE = `"""rodent-risk's python_function flavor (written by rodent-risk, src/tracking/mlflow-pyfunc.ts).

predict(DataFrame with the feature schema's columns; NaN/None = missing) -> calibrated probabilities (float64), the
numbers rodent-risk's service answers. The raw booster is the xgboost flavor: mlflow.xgboost.load_model(uri).
"""
import json
import os

import numpy as np

DEFAULT_LO = 1e-6
DEFAULT_HI = 1 - 1e-6


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(0.0, x)


def calibrate(c, margin):
    """Calibrated probability of raw margins (log-odds), as src/model/calibration.ts calibrateMargin does."""
    z = np.asarray(margin, dtype=np.float64)
    kind = c["kind"]
    if kind == "none" and ("lo" not in c or "hi" not in c):
        return _sigmoid(z)  # an uncalibrated model: the raw probability
    lo = float(c.get("lo", DEFAULT_LO))
    hi = float(c.get("hi", DEFAULT_HI))
    if kind == "none":
        q = _sigmoid(z)
    elif kind == "platt":
        q = _sigmoid(c["a"] * z + c["b"])
    elif kind == "beta":
        q = _sigmoid(-c["a"] * _softplus(-z) + c["b"] * _softplus(z) + c["c"])
    elif kind == "isotonic-interpolated":
        x = np.asarray(c["x"], dtype=np.float64)
        y = np.asarray(c["y"], dtype=np.float64)
        s = float(c["slope"])
        t = np.interp(z, x, y)
        t = np.where(z < x[0], y[0] + s * (z - x[0]), t)
        t = np.where(z > x[-1], y[-1] + s * (z - x[-1]), t)
        q = _sigmoid(t)
    elif kind == "isotonic":
        # models trained before the interpolated map: flat steps on the raw probability, kept off 0 and 1
        v = np.interp(_sigmoid(z), np.asarray(c["x"], dtype=np.float64), np.asarray(c["y"], dtype=np.float64))
        return np.clip(v, DEFAULT_LO, DEFAULT_HI)
    else:
        raise ValueError(f"unknown calibration kind {kind!r}")
    return lo + (hi - lo) * q


class RodentRiskModel:
    def __init__(self, artifact_path):
        import xgboost as xgb

        with open(artifact_path, encoding="utf-8") as f:
            artifact = json.load(f)
        if artifact.get("format") != "rodent-risk/gbdt-model":
            raise ValueError(f"{artifact_path} is not a rodent-risk model artifact")
        self.features = [f["name"] for f in artifact["schema"]["features"]]
        self.schema_version = artifact["schema"]["version"]
        self.calibration = artifact["calibration"]
        self.booster = xgb.Booster()
        self.booster.load_model(os.path.join(os.path.dirname(artifact_path), "model.json"))

    def margins(self, model_input):
        import pandas as pd
        import xgboost as xgb

        if isinstance(model_input, pd.DataFrame):
            missing = [c for c in self.features if c not in model_input.columns]
            if missing:
                raise ValueError(f"missing feature columns: {', '.join(missing)} (feature schema {self.schema_version})")
            frame = model_input[self.features].apply(pd.to_numeric, errors="raise")
            x = frame.to_numpy(dtype=np.float32, na_value=np.nan)
        else:
            x = np.asarray(model_input, dtype=np.float32)
            if x.ndim != 2 or x.shape[1] != len(self.features):
                raise ValueError(f"expected rows of {len(self.features)} features in schema order")
        dm = xgb.DMatrix(x, feature_names=self.features, missing=np.nan)
        return self.booster.predict(dm, output_margin=True).astype(np.float64)

    def predict(self, model_input, params=None):
        return calibrate(self.calibration, self.margins(model_input))


def _load_pyfunc(data_path, model_config=None):
    return RodentRiskModel(data_path)
`;
