#!/usr/bin/env python3
"""FastAPI + uvicorn anchor for bench/serving/run.ts: the stack `mlflow models serve` runs (JSON body ->
pandas DataFrame -> model.predict). Trains LightGBM with the same settings as the Kiln model (100 trees,
31 leaves, lr 0.1) on the bench CSV, then serves POST /invocations with {"instances": [...]} -> {"predictions":
[...]} on one uvicorn worker. Prints `ready PORT` when listening.

Usage: /work/venv/bin/python bench/serving/fastapi_anchor.py TRAIN.csv PORT
"""
import sys

import lightgbm as lgb
import pandas as pd
import uvicorn
from fastapi import FastAPI, Request

csv, port = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(csv)
y = (df.pop("label") == "pos").astype(int)
CATS = {c: sorted(df[c].astype(str).unique()) for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])}
for c, cats in CATS.items():
    df[c] = pd.Categorical(df[c], categories=cats)
COLS = list(df.columns)
model = lgb.LGBMClassifier(n_estimators=100, num_leaves=31, learning_rate=0.1, verbose=-1, n_jobs=1)
model.fit(df, y)
app = FastAPI()


@app.post("/invocations")
async def invocations(request: Request):
    body = await request.json()
    frame = pd.DataFrame(body["instances"], columns=COLS)
    for c, cats in CATS.items():
        frame[c] = pd.Categorical(frame[c], categories=cats)
    proba = model.predict_proba(frame)[:, 1]
    return {"predictions": proba.tolist()}


print(f"ready {port}", flush=True)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", workers=1)
