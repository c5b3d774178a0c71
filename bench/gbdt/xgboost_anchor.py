#!/usr/bin/python3
"""XGBoost 1.7 anchor for bench/gbdt/run.ts on the files written by prepare_data.py: hist, lossguide,
max_leaves=31, max_depth=0, 255 bins, eta 0.1, ROUNDS rounds, nthread THREADS. Prints one JSON line:
train seconds (DMatrix + train), test AUC, batch predict rows/s on up to 200k test rows (inplace_predict),
peak RSS (MB).

Usage: /usr/bin/python3 bench/gbdt/xgboost_anchor.py DATADIR ROUNDS THREADS
"""
import json, os, resource, sys, time
import numpy as np

d, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.environ["OMP_NUM_THREADS"] = str(threads)
import xgboost as xgb
from sklearn.metrics import roc_auc_score

with open(os.path.join(d, "meta.json")) as f:
    meta = json.load(f)
F = meta["features"]
Xtr = np.fromfile(os.path.join(d, "x_train.f32"), dtype="<f4").reshape(-1, F)
ytr = np.fromfile(os.path.join(d, "y_train.f32"), dtype="<f4")
Xte = np.fromfile(os.path.join(d, "x_test.f32"), dtype="<f4").reshape(-1, F)
yte = np.fromfile(os.path.join(d, "y_test.f32"), dtype="<f4")
params = {"tree_method": "hist", "grow_policy": "lossguide", "max_leaves": 31, "max_depth": 0, "max_bin": 255,
          "eta": 0.1, "objective": "binary:logistic", "nthread": threads, "seed": 0, "verbosity": 0}
t0 = time.perf_counter()
dtr = xgb.DMatrix(Xtr, label=ytr, nthread=threads)
bst = xgb.train(params, dtr, num_boost_round=rounds)
train_s = time.perf_counter() - t0
p = bst.inplace_predict(Xte)
auc = float(roc_auc_score(yte, p))
Xp = np.ascontiguousarray(Xte[:200_000])
times = []
for _ in range(3):
    t0 = time.perf_counter()
    bst.inplace_predict(Xp)
    times.append(time.perf_counter() - t0)
print(json.dumps({"train_s": train_s, "auc": auc, "predict_rows_per_s": len(Xp) / sorted(times)[1],
                  "xgboost": xgb.__version__, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "threads": threads, "rounds": rounds}))
