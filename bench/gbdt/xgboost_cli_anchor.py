#!/usr/bin/python3
"""Whole-process XGBoost anchor for bench/gbdt/cli-bench.ts: what a user's script does with a CSV —
import, read it with pandas, hold out 20% (stratified, random_state=0), train 100 rounds of hist/lossguide
31 leaves, 255 bins, eta 0.1 with THREADS threads, score the holdout. Prints one JSON line with its own
phase times; the bench times the whole process from outside.

Usage: /usr/bin/python3 bench/gbdt/xgboost_cli_anchor.py CSV THREADS
"""
import json, os, sys, time
t0 = time.perf_counter()
csv, threads = sys.argv[1], int(sys.argv[2])
os.environ["OMP_NUM_THREADS"] = str(threads)
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
t_import = time.perf_counter()
df = pd.read_csv(csv)
t_read = time.perf_counter()
y = df["label"].to_numpy()
X = df.drop(columns=["label"]).to_numpy(dtype="float32")
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
params = {"tree_method": "hist", "grow_policy": "lossguide", "max_leaves": 31, "max_depth": 0, "max_bin": 255,
          "eta": 0.1, "objective": "binary:logistic", "nthread": threads, "seed": 0, "verbosity": 0}
bst = xgb.train(params, xgb.DMatrix(Xtr, label=ytr, nthread=threads), num_boost_round=100)
t_train = time.perf_counter()
auc = float(roc_auc_score(yte, bst.inplace_predict(Xte)))
print(json.dumps({"import_s": t_import - t0, "read_s": t_read - t_import, "train_s": t_train - t_read, "auc": auc, "xgboost": xgb.__version__}))
