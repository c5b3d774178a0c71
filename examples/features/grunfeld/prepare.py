"""Derive the feature-store example files from grunfeld.csv (Grunfeld 1950 investment data, public domain).

Run from this folder: python3 prepare.py  (writes firm_financials.csv and investments.csv)

- firm_financials.csv: one row per firm and year, observed at the year's end (market value is "as of Dec. 31");
  these are the features.
- investments.csv: the entity rows of a training set: each firm at mid-year with that year's gross investment as the
  label. A point-in-time join must give each row the previous year-end's value and capital, never the
  current year-end's (which is not known at mid-year).
"""
import csv

with open("grunfeld.csv", newline="") as f:
    rows = list(csv.DictReader(f))

firm_id = lambda name: name.lower().replace(" ", "_")

with open("firm_financials.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["firm", "as_of", "value", "capital"])
    for r in rows:
        w.writerow([firm_id(r["firm"]), f"{r['year']}-12-31T00:00:00Z", r["value"], r["capital"]])

with open("investments.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["firm", "event_timestamp", "invest"])
    for r in rows:
        w.writerow([firm_id(r["firm"]), f"{r['year']}-07-01T00:00:00Z", r["invest"]])
