"""Reference learner for bench/train.ts: trains Python XGBoost (tree_method="hist") on the exact tables the bench
exported, with the same parameters, and writes test-set probabilities plus timing and peak memory as JSON.

Usage: train_xgb.py DATA_DIR PARAMS_JSON OUT_JSON
DATA_DIR holds {train,valid,test}.x.f32 (row-major float32, NaN = missing), {train,valid,test}.y.u8 and meta.json.
"""
import json
import resource
import sys
import time

import numpy as np
import xgboost as xgb


def load(d, name, n, f):
    x = np.fromfile(f"{d}/{name}.x.f32", dtype="<f4").reshape(n, f)
    y = np.fromfile(f"{d}/{name}.y.u8", dtype=np.uint8).astype(np.float32)
    return x, y


def main():
    d, params_path, out_path = sys.argv[1:4]
    meta = json.load(open(f"{d}/meta.json"))
    p = json.load(open(params_path))
    f = meta["features"]
    xs = {k: load(d, k, meta[k], f) for k in ("train", "valid", "test")}
    t0 = time.perf_counter()
    c0 = time.process_time()
    dtrain = xgb.DMatrix(xs["train"][0], label=xs["train"][1], missing=np.nan, nthread=p["nthread"])
    dvalid = xgb.DMatrix(xs["valid"][0], label=xs["valid"][1], missing=np.nan, nthread=p["nthread"])
    params = {
        "objective": "binary:logistic",
        "eval_metric": "logloss",
        "tree_method": "hist",
        "max_depth": p["max_depth"],
        "eta": p["eta"],
        "min_child_weight": p["min_child_weight"],
        "lambda": p["lambda"],
        "gamma": p["gamma"],
        "subsample": p["subsample"],
        "colsample_bytree": p["colsample_bytree"],
        "scale_pos_weight": p["scale_pos_weight"],
        "max_bin": p["max_bin"],
        "seed": p["seed"],
        "nthread": p["nthread"],
    }
    es = p["early_stopping_rounds"] or None
    booster = xgb.train(
        params,
        dtrain,
        num_boost_round=p["n_estimators"],
        evals=[(dvalid, "valid")],
        early_stopping_rounds=es,
        verbose_eval=False,
    )
    train_s = time.perf_counter() - t0
    train_cpu_s = time.process_time() - c0
    best = booster.best_iteration if es else p["n_estimators"] - 1
    dtest = xgb.DMatrix(xs["test"][0], missing=np.nan, nthread=p["nthread"])
    prob = booster.predict(dtest, iteration_range=(0, best + 1))
    prob.astype("<f8").tofile(f"{d}/xgb_test_proba.f64")
    booster.save_model(f"{d}/xgb_model.json")
    # batch scoring speed of the same model (for reference next to ours)
    xt = xs["test"][0]
    t1 = time.perf_counter()
    reps = 3
    for _ in range(reps):
        booster.inplace_predict(xt, iteration_range=(0, best + 1))
    batch_rows_s = reps * xt.shape[0] / (time.perf_counter() - t1)
    out = {
        "train_seconds": train_s,
        "train_cpu_seconds": train_cpu_s,
        "best_iteration": best,
        "rounds": booster.num_boosted_rounds(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "batch_rows_per_s": batch_rows_s,
        "xgboost_version": xgb.__version__,
    }
    json.dump(out, open(out_path, "w"))


if __name__ == "__main__":
    main()
