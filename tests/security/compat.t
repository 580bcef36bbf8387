#!/usr/bin/env bash
# The hardening must not break ordinary agent code: each legitimate program
# runs to success under the default policy and prints what it computed.
source "$(dirname "$(dirname "$0")")/lib.sh"

prog() { # NAME EXPECTED-STDOUT-REGEX < program
	"$ACTJAIL" run --json --timeout 60 - >"$T/result.json" 2>"$T/stderr"
	local got
	got=$(field 'r["status"] + " " + r["stdout"].strip()')
	like "$got" "^ok $2\$" "$1"
	[ "${got%% *}" = ok ] || printf '#   stderr: %s\n' "$(field 'r["stderr"][-400:]')"
}

prog json '\{"a": \[1, 2\.5, null\]\}' <<<'import json; print(json.dumps(json.loads("{\"a\": [1, 2.5, null]}")))'
prog csv '3 rows, total 60' <<'PY'
import csv, io
rows = list(csv.DictReader(io.StringIO("k,v\na,10\nb,20\nc,30\n")))
print(len(rows), "rows, total", sum(int(r["v"]) for r in rows))
PY
prog re "\['2026-11-22', '1999-01-02'\]" <<<'import re; print(re.findall(r"\d{4}-\d\d-\d\d", "on 2026-11-22 and 1999-01-02"))'
prog datetime '2026-11-22T00:00:00\+00:00 364' <<'PY'
import datetime as d
t = d.datetime(2026, 11, 22, tzinfo=d.timezone.utc)
print(t.isoformat(), (t - d.datetime(2025, 11, 23, tzinfo=d.timezone.utc)).days)
PY
prog decimal '0\.3 3\.14159265358979323846' <<'PY'
from decimal import Decimal, getcontext
getcontext().prec = 21
print(Decimal("0.1") + Decimal("0.2"), +Decimal("3.141592653589793238462643"))
PY
prog statistics '3 2\.5 1\.2909944487358056' <<<'import statistics as s; d=[1,2,3,4]; print(s.median([1,2,3,4,5]), s.mean(d), s.stdev(d))'
prog 'sqlite3 in /tmp' '3 60' <<'PY'
import sqlite3
db = sqlite3.connect("/tmp/t.db")
db.execute("create table t (x int)")
db.executemany("insert into t values (?)", [(10,), (20,), (30,)])
db.commit()
print(*db.execute("select count(*), sum(x) from t").fetchone())
PY
prog threading '4950' <<'PY'
import threading
out = []
lock = threading.Lock()
def work(i):
    with lock:
        out.append(i)
ts = [threading.Thread(target=work, args=(i,)) for i in range(100)]
[t.start() for t in ts]
[t.join() for t in ts]
print(sum(out))
PY
prog 'multiprocessing (fork pool, queue)' '\[0, 1, 4, 9\] done' <<'PY'
import multiprocessing as mp
def sq(x): return x * x
def put(q): q.put("done")
if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as p:
        a = p.map(sq, range(4))
    q = ctx.Queue()
    w = ctx.Process(target=put, args=(q,))
    w.start()
    print(a, q.get(timeout=10))
    w.join()
PY
prog 'subprocess of /usr/bin tools' 'hello 3' <<'PY'
import subprocess
a = subprocess.run(["/usr/bin/echo", "hello"], capture_output=True, text=True).stdout.strip()
b = subprocess.run(["/usr/bin/wc", "-l"], input="1\n2\n3\n", capture_output=True, text=True).stdout.strip()
print(a, b)
PY
prog tempfile 'data' <<'PY'
import tempfile
with tempfile.NamedTemporaryFile("w+") as f:
    f.write("data"); f.seek(0); print(f.read())
PY
prog 'zipfile and gzip' 'zipped gzipped' <<'PY'
import gzip, io, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("a.txt", "zipped")
print(zipfile.ZipFile(b).read("a.txt").decode(), gzip.decompress(gzip.compress(b"gzipped")).decode())
PY
prog hashlib 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' <<<'import hashlib; print(hashlib.sha256(b"abc").hexdigest())'
prog 'asyncio' '\[0, 1, 2\]' <<'PY'
import asyncio
async def f(i):
    await asyncio.sleep(0.01)
    return i
print(await asyncio.gather(*(f(i) for i in range(3))))
PY
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
	prog numpy '45 \[\[19 22\] \[43 50\]\]' <<<'import numpy as np; print(np.arange(10).sum(), str(np.array([[1,2],[3,4]]) @ np.array([[5,6],[7,8]])).replace("\n", ""))'
else
	skip numpy "python3-numpy is not installed"
fi
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
	prog pandas 'a 4 b 6' <<<'import pandas as pd; s = pd.DataFrame({"k": ["a","b","a"], "v": [1,6,3]}).groupby("k").v.sum(); print(" ".join(f"{k} {v}" for k, v in s.items()))'
else
	skip pandas "python3-pandas is not installed"
fi
done_testing
