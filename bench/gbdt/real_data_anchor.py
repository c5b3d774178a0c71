#!/usr/bin/env python3
"""Training time of XGBoost 1.7 (hist, lossguide) or LightGBM 4 on the real-data fixtures of the GBDT accuracy
test (test/fixtures/telco-churn.csv, adult.csv, california-housing.csv), loaded and split as
test/fixtures/scripts/gbdt_reference.py does (row % 5 == 0 -> test; categoricals one-hot), with its rounds and
tree shape (31 leaves, 255 bins, eta 0.1) and THREADS threads. Train time = dataset construction + training,
median of RUNS runs. Prints one JSON object: {dataset: seconds}.

Usage: PYTHON bench/gbdt/real_data_anchor.py xgboost|lightgbm THREADS RUNS
(xgboost: /usr/bin/python3 with Debian's python3-xgboost; lightgbm: the anchor venv's python)
"""
import json, os, sys, time

lib, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.environ["OMP_NUM_THREADS"] = str(threads)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "fixtures", "scripts"))
import numpy as np
import gbdt_reference as ref  # noqa: E402  (loaders, split, rounds and parameters of the accuracy fixtures)

out = {}
for name, loader, task in [("telco_churn", ref.load_telco, "binary"), ("adult", ref.load_adult, "binary"),
                           ("california_housing", ref.load_housing, "regression")]:
    df, y = loader()
    X, _ = ref.one_hot(df)
    tr = np.arange(len(y)) % 5 != 0
    Xtr, ytr = np.ascontiguousarray(X[tr]), y[tr]
    rounds = ref.ROUNDS[name]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        if lib == "xgboost":
            import xgboost as xgb
            p = dict(ref.PARAMS, nthread=threads, objective="binary:logistic" if task == "binary" else "reg:squarederror")
            xgb.train(p, xgb.DMatrix(Xtr, label=ytr, nthread=threads), num_boost_round=rounds)
        else:
            import lightgbm as lgb
            p = {"objective": "binary" if task == "binary" else "regression", "num_leaves": 31, "max_bin": 255,
                 "learning_rate": 0.1, "num_threads": threads, "seed": 0, "verbosity": -1}
            lgb.train(p, lgb.Dataset(Xtr, label=ytr), num_boost_round=rounds)
        times.append(time.perf_counter() - t0)
    out[name] = sorted(times)[len(times) // 2]
print(json.dumps(out))
