#!/usr/bin/env python3
"""LightGBM 4.x and scikit-learn HistGradientBoosting anchors for bench/gbdt/run.ts, on the files written
by prepare_data.py, with the same tree shape as Kiln and XGBoost: 31 leaves, 255 bins, lr 0.1, ROUNDS
rounds, THREADS threads, no early stopping. Run with the anchor venv's python
(../shared/anchors/anchor-venv.sh makes one). Prints one JSON line per library: train seconds (dataset
construction + training), test AUC, batch predict rows/s on up to 200k test rows, peak RSS so far (MB).

Usage: VENV/bin/python bench/gbdt/lightgbm_anchor.py DATADIR ROUNDS THREADS
"""
import json, os, resource, sys, time

d, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.environ["OMP_NUM_THREADS"] = str(threads)
import numpy as np
from sklearn.metrics import roc_auc_score

with open(os.path.join(d, "meta.json")) as f:
    meta = json.load(f)
F = meta["features"]
Xtr = np.fromfile(os.path.join(d, "x_train.f32"), dtype="<f4").reshape(-1, F)
ytr = np.fromfile(os.path.join(d, "y_train.f32"), dtype="<f4")
Xte = np.fromfile(os.path.join(d, "x_test.f32"), dtype="<f4").reshape(-1, F)
yte = np.fromfile(os.path.join(d, "y_test.f32"), dtype="<f4")
Xp = np.ascontiguousarray(Xte[:200_000])


def predict_rate(fn):
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        fn(Xp)
        times.append(time.perf_counter() - t0)
    return len(Xp) / sorted(times)[1]


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


which = sys.argv[4] if len(sys.argv) > 4 else "lightgbm,sklearn"
if "lightgbm" in which:
    import lightgbm as lgb
    params = {"objective": "binary", "num_leaves": 31, "max_bin": 255, "learning_rate": 0.1, "num_threads": threads,
              "seed": 0, "verbose": -1, "min_data_in_leaf": 20, "deterministic": True, "force_row_wise": True}
    t0 = time.perf_counter()
    bst = lgb.train(params, lgb.Dataset(Xtr, label=ytr), num_boost_round=rounds)
    train_s = time.perf_counter() - t0
    auc = float(roc_auc_score(yte, bst.predict(Xte, num_threads=threads)))
    rate = predict_rate(lambda X: bst.predict(X, num_threads=threads))
    print(json.dumps({"lib": "lightgbm", "version": lgb.__version__, "train_s": train_s, "auc": auc, "predict_rows_per_s": rate, "peak_rss_mb": rss_mb()}), flush=True)
if "sklearn" in which:
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier
    m = HistGradientBoostingClassifier(max_iter=rounds, learning_rate=0.1, max_leaf_nodes=31, max_bins=255, early_stopping=False, random_state=0)
    t0 = time.perf_counter()
    m.fit(Xtr, ytr)
    train_s = time.perf_counter() - t0
    auc = float(roc_auc_score(yte, m.predict_proba(Xte)[:, 1]))
    rate = predict_rate(lambda X: m.predict_proba(X))
    print(json.dumps({"lib": "sklearn-hgb", "version": sklearn.__version__, "train_s": train_s, "auc": auc, "predict_rows_per_s": rate, "peak_rss_mb": rss_mb()}), flush=True)
