#!/usr/bin/python3
"""Data for bench/gbdt/run.ts: the HIGGS-like synthetic set of /work/shared/anchors/gen_synth.py
(make_classification(n_samples=ROWS, n_features=28, n_informative=20, flip_y=0.05, class_sep=0.8,
random_state=42)) or a CSV whose last column is a 0/1 label; stratified 80/20 split (random_state=0),
float32 features. Writes raw little-endian files under OUTDIR: x_train.f32 (row-major), y_train.f32,
x_test.f32, y_test.f32 and meta.json. Cached: does nothing when meta.json already matches.

Usage: /usr/bin/python3 bench/gbdt/prepare_data.py OUTDIR [--rows N] [--csv FILE]
"""
import argparse, json, os
import numpy as np
from sklearn.model_selection import train_test_split

ap = argparse.ArgumentParser()
ap.add_argument("outdir")
ap.add_argument("--rows", type=int, default=1_000_000)
ap.add_argument("--csv", default=None)
a = ap.parse_args()
os.makedirs(a.outdir, exist_ok=True)
meta_path = os.path.join(a.outdir, "meta.json")
want = {"source": os.path.abspath(a.csv) if a.csv else "make_classification", "rows": a.rows}
if os.path.exists(meta_path):
    with open(meta_path) as f:
        m = json.load(f)
    if m.get("source") == want["source"] and m.get("rows") == want["rows"]:
        print(json.dumps(m))
        raise SystemExit(0)
if a.csv:
    import pandas as pd
    df = pd.read_csv(a.csv)
    y = df.iloc[:, -1].to_numpy().astype(np.int32)
    X = df.iloc[:, :-1].to_numpy(dtype=np.float32)
else:
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=a.rows, n_features=28, n_informative=20, flip_y=0.05,
                               class_sep=0.8, random_state=42)
    X = X.astype(np.float32)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
for name, arr in [("x_train", Xtr), ("y_train", ytr), ("x_test", Xte), ("y_test", yte)]:
    np.ascontiguousarray(arr, dtype="<f4").tofile(os.path.join(a.outdir, name + ".f32"))
meta = dict(want, features=int(X.shape[1]), n_train=int(len(ytr)), n_test=int(len(yte)))
with open(meta_path, "w") as f:
    json.dump(meta, f)
print(json.dumps(meta))
