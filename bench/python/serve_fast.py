"""Tuned reference service for bench/serve.ts: the fastest reasonable Python stack for our contract.

What a Python engineer who tunes would build (issue 17), for the same model, table and answers as serve_ref.py:
- a bare ASGI app (no framework, no routing table, no middleware) on uvicorn with uvloop and httptools;
- the whole city scored, ranked and explained at load, and every lookup answer encoded to bytes once, then
  `gc.freeze()` so the collector never walks those objects again;
- POST /v1/predict decoded and validated by msgspec (one Struct per row: every feature required, null = missing,
  no unknown fields, any key order), non-finite numbers refused with a 400 (1e400 decodes to inf), scored with
  XGBoost `inplace_predict` on one float32 array, and encoded by msgspec.
The plain FastAPI service (serve_ref.py) stays as a second row of the bench.

Run: python serve_fast.py DIR PORT [WORKERS]   (DIR as for serve_ref.py; WORKERS > 1 runs uvicorn's process
manager, one process per worker sharing the port)
"""

import gc
import json
import os
import sys
from typing import Optional

import msgspec
import numpy as np
import uvicorn
import xgboost as xgb

DIR, PORT = sys.argv[1], int(sys.argv[2])
WORKERS = int(sys.argv[3]) if len(sys.argv) > 3 else 1
sys.path.insert(0, DIR)
SERVE = dict(host="127.0.0.1", port=PORT, loop="uvloop", http="httptools", log_level=os.environ.get("PY_LOG", "warning"), access_log=False)
if __name__ == "__main__" and WORKERS > 1:
    # The process manager: each worker imports this module and loads the city itself; the manager loads nothing.
    here = os.path.dirname(os.path.abspath(__file__))
    # Loading the city takes each worker up to a minute on a busy machine: past uvicorn's health-check timeout,
    # which would kill and restart the workers forever.
    uvicorn.run(
        "serve_fast:app", app_dir=here, workers=WORKERS, lifespan="off", timeout_worker_healthcheck=900, **SERVE
    )
    sys.exit(0)
from rodent_risk_pyfunc import calibrate as calibrate_margin  # noqa: E402  (the service's calibration)

booster = xgb.Booster()
booster.load_model(f"{DIR}/model.json")
booster.set_param({"nthread": 1})
calib = json.load(open(f"{DIR}/calibration.json"))
table = json.load(open(f"{DIR}/table.json"))
NAMES: list[str] = table["features"]
VERSION: str = table["version"]
META: list[dict] = table["restaurants"]
FEATURES_DATE = table["features_date"]
SNAPSHOT = table["snapshot"]
FEATURE_SCHEMA: str = table["feature_schema"]
X = np.array(table["rows"], dtype=np.float32)
CAMIS: list[str] = table["camis"]
del table
MODEL = {"version": VERSION, "role": "champion", "alias": "champion"}


def predict(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = booster.inplace_predict(x, predict_type="margin").astype(np.float64)
    return calibrate_margin(calib, z), z


SCORES, MARGINS = predict(X)
N = len(SCORES)
ASCENDING = np.sort(MARGINS)
ORDER = np.argsort(-MARGINS, kind="stable")


def top_fraction(z: np.ndarray) -> np.ndarray:
    return np.minimum(1.0, (N - np.searchsorted(ASCENDING, z, side="right") + 1) / N)


def band(t: float) -> str:
    return "high" if t <= 0.05 else "elevated" if t <= 0.2 else "moderate" if t <= 0.5 else "low"


# Reasons for the whole city in one call (Saabas, as ours), then every answer as bytes.
CONTRIB = booster.predict(xgb.DMatrix(X, feature_names=NAMES), pred_contribs=True, approx_contribs=True)


def reasons(i: int) -> list[dict]:
    c = CONTRIB[i]
    out = []
    for j in np.argsort(-c[:-1]):
        if c[j] <= 0 or len(out) == 3:
            break
        v = X[i, j]
        value = None if np.isnan(v) else float(v)
        out.append({"feature": NAMES[j], "value": value, "contribution": float(c[j]), "text": f"{NAMES[j]} = {value}"})
    return out


enc = msgspec.json.Encoder()
above = N - np.searchsorted(ASCENDING, MARGINS, side="right")
at_or_above = N - np.searchsorted(ASCENDING, MARGINS, side="left")
ANSWER: dict[bytes, bytes] = {}
for i, camis in enumerate(CAMIS):
    t = float(min(1.0, (above[i] + 1) / N))
    ANSWER[camis.encode()] = enc.encode(
        {
            "restaurant": META[i],
            "probability": float(SCORES[i]),
            "band": band(t),
            "top_fraction": t,
            "rank": int(above[i] + 1),
            "of": N,
            "tied_with": int(at_or_above[i] - above[i] - 1),
            "features_date": FEATURES_DATE,
            "snapshot": SNAPSHOT,
            "model": MODEL,
            "reasons": reasons(i),
        }
    )
del CONTRIB

Row = msgspec.defstruct("Row", [(n, Optional[float]) for n in NAMES], forbid_unknown_fields=True)


class Body(msgspec.Struct, forbid_unknown_fields=True):
    rows: list[Row]  # type: ignore[valid-type]


body_decoder = msgspec.json.Decoder(Body)
astuple = msgspec.structs.astuple


class Prediction(msgspec.Struct):
    probability: float
    band: str
    top_fraction: float


class PredictResponse(msgspec.Struct):
    model: dict
    feature_schema: str
    predictions: list[Prediction]


JSON_HEADERS = [(b"content-type", b"application/json"), (b"x-model-version", VERSION.encode())]
START_200 = {"type": "http.response.start", "status": 200, "headers": JSON_HEADERS}


async def send_json(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": JSON_HEADERS} if status != 200 else START_200)
    await send({"type": "http.response.body", "body": body})


def error(field: str, message: str) -> bytes:
    return enc.encode({"error": {"code": "RODENT_ERR_INVALID_ARGUMENT", "field": field, "message": message}})


RISK_PREFIX = "/v1/restaurants/"
RISK_SUFFIX = "/risk"
NOT_FOUND = enc.encode({"error": {"code": "RODENT_ERR_NOT_FOUND", "message": "not an active restaurant"}})


async def read_body(receive) -> bytes:
    chunks = []
    more = True
    while more:
        msg = await receive()
        chunks.append(msg.get("body", b""))
        more = msg.get("more_body", False)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def app(scope, receive, send):
    if scope["type"] != "http":  # lifespan: nothing to set up, all done at import
        msg = await receive()
        if msg["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
            msg = await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    path: str = scope["path"]
    method: str = scope["method"]
    if method == "GET" and path.startswith(RISK_PREFIX) and path.endswith(RISK_SUFFIX):
        answer = ANSWER.get(path[len(RISK_PREFIX) : -len(RISK_SUFFIX)].encode())
        return await send_json(send, 200, answer) if answer else await send_json(send, 404, NOT_FOUND)
    if method == "POST" and path == "/v1/predict":
        raw = await read_body(receive)
        try:
            rows = body_decoder.decode(raw).rows
        except msgspec.ValidationError as e:
            return await send_json(send, 400, error("body", str(e)))
        except msgspec.DecodeError as e:
            return await send_json(send, 400, error("body", str(e)))
        if not 1 <= len(rows) <= 1000:
            return await send_json(send, 400, error("body/rows", "expected 1 to 1000 rows"))
        x = np.array([astuple(r) for r in rows], dtype=np.float64)  # None -> NaN (missing)
        bad = np.isinf(x)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            return await send_json(send, 400, error(f"body/rows/{i}/{NAMES[j]}", "expected a finite number"))
        p, z = predict(x.astype(np.float32))
        t = top_fraction(z)
        out = PredictResponse(
            MODEL,
            FEATURE_SCHEMA,
            [Prediction(pi, band(ti), ti) for pi, ti in zip(p.tolist(), t.tolist())],
        )
        return await send_json(send, 200, enc.encode(out))
    if method == "GET" and path == "/health/ready":
        return await send_json(send, 200, b'{"status":"ready"}')
    await send_json(send, 404, NOT_FOUND)


gc.collect()
gc.freeze()

if __name__ == "__main__":
    uvicorn.run(app, workers=1, lifespan="off", **SERVE)
