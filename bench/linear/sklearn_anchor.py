"""Anchor for bench/linear/fit-linear-bench.ts: time scikit-learn on the identical data it dumped.

    npx tsx bench/linear/fit-linear-bench.ts 100000 28 /tmp/linbench
    /usr/bin/python3 bench/linear/sklearn_anchor.py /tmp/linbench 100000 28
"""
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge

warnings.filterwarnings("ignore")
d, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(f"{d}/x.f64").reshape(cols, rows).T.copy()
y = {k: np.fromfile(f"{d}/y_{k}.f64") for k in ("reg", "bin", "multi")}
cases = [
    ("linear (OLS)", LinearRegression(), "reg"),
    ("ridge alpha=1", Ridge(alpha=1.0), "reg"),
    ("lasso alpha=0.01", Lasso(alpha=0.01), "reg"),
    ("elasticnet alpha=0.01", ElasticNet(alpha=0.01, l1_ratio=0.5), "reg"),
    ("logistic binary l2", LogisticRegression(), "bin"),
    ("logistic binary l1 C=0.01", LogisticRegression(penalty="l1", C=0.01, solver="saga"), "bin"),
    ("logistic multinomial l2", LogisticRegression(), "multi"),
]
print(f"scikit-learn {rows} x {cols}, best of 3")
for name, model, t in cases:
    best = 1e9
    for _ in range(3):
        t0 = time.perf_counter()
        model.fit(X, y[t])
        best = min(best, time.perf_counter() - t0)
    print(f"{name:28s} {best * 1000:8.1f} ms  ({np.max(getattr(model, 'n_iter_', 0) or 0)} iterations)")
