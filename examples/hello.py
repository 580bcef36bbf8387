# A CodeAct-style program: read the input data, compute, print the answer and
# leave an artifact in /output. Run it with:
#   build/actjail run --input examples/data --output /tmp/out examples/hello.py
import csv
import json
import os
import platform

with open("/input/sales.csv", newline="") as f:
    rows = list(csv.DictReader(f))

totals = {}
for row in rows:
    totals[row["region"]] = totals.get(row["region"], 0) + int(row["amount"])

best = max(totals, key=totals.get)
with open("/output/totals.json", "w") as f:
    json.dump(totals, f, indent=2, sort_keys=True)

print(f"hello from {platform.node()} as uid {os.getuid()}")
print(f"{len(rows)} sales, best region: {best} ({totals[best]})")
