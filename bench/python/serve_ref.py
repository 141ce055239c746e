"""Reference service for bench/serve.ts: the stack rodent-risk replaces (FastAPI + uvicorn + XGBoost).

Serves the same model (our trees exported to XGBoost JSON, plus the same calibration, applied by the loader module
of our MLflow pyfunc flavor, which bench/serve.ts writes beside the model) over the same serving feature table,
ranked by the raw margin as ours is, with the same
three endpoints and the same validation rules (every feature required, null = missing, no extra fields, at
most 1000 rows). It is written the way such a service usually is: pydantic models, one worker.
Reasons use XGBoost's approx_contribs (Saabas), as ours do, and are cached per restaurant, as ours are.

Run: python serve_ref.py DIR PORT   (DIR holds model.json, calibration.json, table.json and rodent_risk_pyfunc.py
from bench/serve.ts)
"""

import json
import sys
from functools import lru_cache
from typing import Optional

import numpy as np
import uvicorn
import xgboost as xgb
from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel, ConfigDict, Field, create_model

DIR, PORT = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, DIR)
from rodent_risk_pyfunc import calibrate as calibrate_margin  # noqa: E402  (the service's calibration)

booster = xgb.Booster()
booster.load_model(f"{DIR}/model.json")
booster.set_param({"nthread": 1})
calib = json.load(open(f"{DIR}/calibration.json"))
table = json.load(open(f"{DIR}/table.json"))
NAMES: list[str] = table["features"]
VERSION = table["version"]
X = np.array(table["rows"], dtype=np.float32)  # n x features, NaN = missing (JSON null)
CAMIS: list[str] = table["camis"]
ROW_OF = {c: i for i, c in enumerate(CAMIS)}


def margins(x: np.ndarray) -> np.ndarray:
    return booster.inplace_predict(x, predict_type="margin").astype(np.float64)


def predict(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(calibrated probabilities, raw margins)"""
    z = margins(x)
    return calibrate_margin(calib, z), z


SCORES, MARGINS = predict(X)
ASCENDING = np.sort(MARGINS)
ORDER = np.argsort(-MARGINS, kind="stable")
N = len(SCORES)


def top_fraction(z: np.ndarray) -> np.ndarray:
    """rank / N, rank = 1 + the restaurants with a strictly higher raw score"""
    return np.minimum(1.0, (N - np.searchsorted(ASCENDING, z, side="right") + 1) / N)


def band(t: float) -> str:
    return "high" if t <= 0.05 else "elevated" if t <= 0.2 else "moderate" if t <= 0.5 else "low"


@lru_cache(maxsize=None)
def reasons(i: int) -> list[dict]:
    contrib = booster.predict(xgb.DMatrix(X[i : i + 1], feature_names=NAMES), pred_contribs=True, approx_contribs=True)[0]
    out = []
    for j in np.argsort(-contrib[:-1]):
        if contrib[j] <= 0 or len(out) == 3:
            break
        v = X[i, j]
        out.append(
            {
                "feature": NAMES[j],
                "value": None if np.isnan(v) else float(v),
                "contribution": float(contrib[j]),
                "text": f"{NAMES[j]} = {v}",
            }
        )
    return out


Row = create_model(
    "Row",
    __config__=ConfigDict(extra="forbid", allow_inf_nan=False, strict=True),
    **{n: (Optional[float], ...) for n in NAMES},
)


class PredictBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[Row] = Field(min_length=1, max_length=1000)  # type: ignore[valid-type]


app = FastAPI(title="rodent-risk reference (FastAPI + XGBoost)")


@app.get("/health/ready")
def ready():
    return {"status": "ready"}


@app.get("/v1/restaurants/{camis}/risk")
def risk(camis: str, response: Response):
    i = ROW_OF.get(camis)
    if i is None:
        raise HTTPException(404, f"restaurant {camis} is not active")
    pp, zz = predict(X[i : i + 1])
    p = float(pp[0])
    t = float(top_fraction(zz)[0])
    response.headers["x-model-version"] = VERSION
    return {
        "restaurant": {"camis": camis},
        "probability": p,
        "band": band(t),
        "top_fraction": t,
        "rank": round(t * N),
        "model": {"version": VERSION, "role": "champion", "alias": "champion"},
        "reasons": reasons(i),
    }


@app.post("/v1/predict")
def predict_rows(body: PredictBody, response: Response):
    x = np.array(
        [[np.nan if (v := getattr(r, n)) is None else v for n in NAMES] for r in body.rows], dtype=np.float32
    )
    p, z = predict(x)
    t = top_fraction(z)
    response.headers["x-model-version"] = VERSION
    return {
        "model": {"version": VERSION, "role": "champion", "alias": "champion"},
        "predictions": [
            {"probability": float(pi), "band": band(float(ti)), "top_fraction": float(ti)} for pi, ti in zip(p, t)
        ],
    }


@app.get("/v1/rankings")
def rankings(k: int = 20):
    if not 1 <= k <= 500:
        raise HTTPException(400, "k must be 1..500")
    items = []
    for r, i in enumerate(ORDER[:k]):
        p = float(SCORES[i])
        items.append({"rank": r + 1, "camis": CAMIS[i], "probability": p, "band": band(float(top_fraction(MARGINS[i : i + 1])[0])), "reasons": reasons(int(i))})
    return {"k": k, "total": N, "items": items}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=PORT, workers=1, log_level="warning", access_log=False)
