"""Anchor for bench/explain/run.ts: a LightGBM 4.7 model (100 trees x 31 leaves) on 10,000 x 28
make_classification rows, its trees exported into Kiln's GBDT layout, and SHAP 0.51's C++ TreeSHAP
(`TreeExplainer` on the same trees as a dict model, tree_path_dependent) timed on the 10,000 rows.
Also times TreeExplainer(booster), which delegates to LightGBM's own TreeSHAP (pred_contrib).
Usage: /work/venv/bin/python bench/explain/shap_anchor.py OUT.json [rows]
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import lightgbm as lgb
import numpy as np
import shap
from sklearn.datasets import make_classification

out_path = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
X, y = make_classification(n_samples=rows, n_features=28, n_informative=12, random_state=0)
booster = lgb.train({"objective": "binary", "num_leaves": 31, "learning_rate": 0.1, "verbose": -1, "seed": 0, "num_threads": 1},
                    lgb.Dataset(X, label=y), num_boost_round=100)


def kiln_tree(root):
    nodes, leaves = [], []

    def visit(n):
        if "leaf_value" in n:
            leaves.append({"value": n["leaf_value"], "cover": n.get("leaf_count", 0)})
            return ~(len(leaves) - 1)
        i = len(nodes)
        nodes.append(None)
        left, right = visit(n["left_child"]), visit(n["right_child"])
        nodes[i] = {"feature": n["split_feature"], "threshold": float(n["threshold"]), "left": left, "right": right,
                    "defaultLeft": bool(n["default_left"]), "cover": n["internal_count"]}
        return i

    visit(root)
    return {"nodes": nodes, "leaves": leaves}


trees = [kiln_tree(t["tree_structure"]) for t in booster.dump_model()["tree_info"]]


def shap_tree(t):
    nn = len(t["nodes"])
    idx = lambda c: c if c >= 0 else nn + ~c
    total = nn + len(t["leaves"])
    cl, cr, cd = np.full(total, -1), np.full(total, -1), np.full(total, -1)
    feat, thr = np.full(total, -1), np.full(total, -1.0)
    vals, w = np.zeros((total, 1)), np.zeros(total)
    for i, n in enumerate(t["nodes"]):
        cl[i], cr[i] = idx(n["left"]), idx(n["right"])
        cd[i] = cl[i] if n["defaultLeft"] else cr[i]
        feat[i], thr[i], w[i] = n["feature"], n["threshold"], n["cover"]
    for j, l in enumerate(t["leaves"]):
        vals[nn + j, 0], w[nn + j] = l["value"], l["cover"]
    return {"children_left": cl, "children_right": cr, "children_default": cd, "features": feat, "thresholds": thr, "values": vals, "node_sample_weight": w}


ex = shap.TreeExplainer({"trees": [shap_tree(t) for t in trees], "base_offset": 0.0, "tree_output": "raw_value", "objective": "squared_error",
                         "input_dtype": np.float64, "internal_dtype": np.float64})


def best_of(fn, k=3):
    best, res = float("inf"), None
    for _ in range(k):
        t0 = time.perf_counter()
        res = fn()
        best = min(best, time.perf_counter() - t0)
    return best, res


t_shap, sv = best_of(lambda: np.asarray(ex.shap_values(X, check_additivity=False)))
t_lgb, _ = best_of(lambda: booster.predict(X, pred_contrib=True))
json.dump({"rows": rows, "features": 28, "trees": trees, "X": X.T.reshape(-1).tolist(), "shap_seconds": t_shap, "lightgbm_contrib_seconds": t_lgb,
           "shap_abs_sum": float(np.abs(sv).sum()), "shap_first_rows": sv[:50].tolist(), "expected": float(np.atleast_1d(ex.expected_value)[0]),
           "versions": {"shap": shap.__version__, "lightgbm": lgb.__version__}}, open(out_path, "w"))
