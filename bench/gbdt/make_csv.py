#!/usr/bin/python3
"""The 250k x 28 CSV of issue #14's whole-process goal: make_classification as the anchors' generator
(n_informative=20, flip_y=0.05, class_sep=0.8, random_state=42), columns f0..f27 then label (0/1).

Usage: /usr/bin/python3 bench/gbdt/make_csv.py OUT.csv [ROWS]
"""
import sys
import numpy as np
from sklearn.datasets import make_classification
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 250_000
X, y = make_classification(n_samples=rows, n_features=28, n_informative=20, flip_y=0.05, class_sep=0.8, random_state=42)
with open(sys.argv[1], "w") as f:
    f.write(",".join([f"f{i}" for i in range(28)] + ["label"]) + "\n")
    np.savetxt(f, np.column_stack([X.astype(np.float32), y]), delimiter=",", fmt=["%.7g"] * 28 + ["%d"])
