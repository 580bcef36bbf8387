#!/usr/bin/env bash
# 20-run.t - actjail run: results, exit codes, exceptions, the JSON record,
# output limits and encoding, streaming, environment, /input, and what
# ordinary Python programs need (asyncio, threads, fork, subprocess, sqlite).
source "$(dirname "$0")/lib.sh"

# --- hello world and exit codes ---------------------------------------------
jrun <<<'print("hello world")'
is "$rc" 0 "hello: exit 0"
is "$(field 'r["status"]')" ok "hello: status ok"
is "$(field 'r["stdout"]')" "hello world" "hello: stdout"
is "$(field '(r["exit_code"], r["signal"], r["error"], r["stderr"])')" '[0, null, null, ""]' \
	"hello: exit_code 0, no signal, no error, empty stderr"

exit_case() { # NAME PROGRAM RC STATUS [STDERR]
	jrun <<<"$2"
	is "$rc" "$3" "$1: actjail exits $3"
	is "$(field '(r["status"], r["exit_code"], r["error"])')" "[\"$4\", $3, null]" \
		"$1: status $4, exit_code $3, no error"
	if [ $# -ge 5 ]; then
		is "$(field 'r["stderr"]')" "$5" "$1: stderr"
	fi
}
exit_case "sys.exit(7)" 'import sys; sys.exit(7)' 7 error
exit_case "sys.exit(0)" 'import sys; print("x"); sys.exit(0)' 0 ok
exit_case "SystemExit(3)" 'raise SystemExit(3)' 3 error ""
exit_case 'SystemExit("msg")' 'raise SystemExit("msg")' 1 error "msg"
exit_case "SystemExit()" 'raise SystemExit()' 0 ok ""
exit_case "exit()" 'exit()' 0 ok ""
exit_case "exit(5)" 'exit(5)' 5 error ""
exit_case "quit(6)" 'quit(6)' 6 error ""
exit_case "os._exit(9)" 'import os; os._exit(9)' 9 error
exit_case "exit code 255" 'raise SystemExit(255)' 255 error

# --- exceptions -------------------------------------------------------------
cat >"$T/zde.py" <<'EOF'
print("before")


def f(x):
    return x / 0


f(1)
EOF
jrun <"$T/zde.py"
is "$rc" 1 "ZeroDivisionError: exit 1"
is "$(field '(r["status"], r["exit_code"], r["stdout"])')" '["error", 1, "before\n"]' \
	"ZeroDivisionError: status error, exit_code 1, earlier output kept"
is "$(field 'r["error"]["type"]')" ZeroDivisionError "ZeroDivisionError: error.type"
is "$(field 'r["error"]["message"]')" "division by zero" "ZeroDivisionError: error.message"
tb=$(field 'r["error"]["traceback"]')
like "$tb" '^Traceback \(most recent call last\):' "traceback: header"
like "$tb" 'File "<code>", line 8, in <module>' "traceback: the calling line of <code>"
like "$tb" 'File "<code>", line 5, in f' "traceback: the failing line of <code>, in f"
like "$tb" 'return x / 0' "traceback: shows the source line"
like "$tb" 'ZeroDivisionError: division by zero$' "traceback: ends with the exception"
unlike "$tb" '<string>|runner|actjail|_report|main\(\)|exec\(co' "traceback: none of the runner's frames"
is "$(grep -c 'File "' <<<"$tb")" 2 "traceback: exactly the two frames of the program"
like "$(field 'r["stderr"]')" 'File "<code>", line 5, in f' "the traceback is on stderr too"

jrun < <(printf 'import json\njson.loads("{nope")\n')
is "$(field 'r["error"]["type"]')" JSONDecodeError "library exception: type"
tb=$(field 'r["error"]["traceback"]')
like "$tb" 'File "<code>", line 2, in <module>' "library exception: starts at <code>"
like "$tb" 'json/decoder\.py' "library exception: library frames below <code> are kept"
unlike "$tb" '<string>|runner' "library exception: no runner frames"

jrun < <(printf 'x = 1\ndef f(:\n    pass\n')
is "$rc" 1 "syntax error: exit 1"
is "$(field '(r["status"], r["error"]["type"])')" '["error", "SyntaxError"]' \
	"syntax error: status error, type SyntaxError"
tb=$(field 'r["error"]["traceback"]')
like "$tb" 'File "<code>", line 2' "syntax error: names <code> line 2"
like "$tb" 'def f\(:' "syntax error: shows the line"
unlike "$tb" '<string>|runner' "syntax error: no runner frames"
like "$(field 'r["stderr"]')" 'SyntaxError' "syntax error: on stderr too"

jrun < <(printf 'class Boom(Exception):\n    pass\nraise Boom("caf\xc3\xa9 \\x1b[31m")\n')
is "$(field '(r["error"]["type"], r["error"]["message"] == "caf\u00e9 \x1b[31m")')" '["Boom", true]' \
	"custom exception: type and message (UTF-8, control char escaped)"

# --- top-level await ---------------------------------------------------------
cat >"$T/async.py" <<'EOF'
import asyncio


async def double(x):
    await asyncio.sleep(0.01)
    return 2 * x

print(await asyncio.gather(double(1), double(2), double(3)))
await asyncio.sleep(0)
print("done")
EOF
jrun <"$T/async.py"
is "$rc" 0 "top-level await: exit 0"
is "$(field 'r["stdout"]')" "$(printf '[2, 4, 6]\ndone')" "top-level await + asyncio.gather"
jrun < <(printf 'import asyncio\nasync def g():\n    await asyncio.sleep(0)\n    raise ValueError("boom")\nawait g()\n')
is "$(field '(r["status"], r["error"]["type"], r["error"]["message"])')" '["error", "ValueError", "boom"]' \
	"exception under top-level await: reported"
tb=$(field 'r["error"]["traceback"]')
like "$tb" 'File "<code>", line 4, in g' "exception under top-level await: frame of g"
unlike "$tb" '<string>|runner|asyncio' "exception under top-level await: no runner or asyncio frames"

# --- the result record -------------------------------------------------------
jrun --timeout 7 <<<'print("shape")'
check_shape() {
	"$PY" - "$T/result.json" <<'PY'
import json, re, sys
raw = open(sys.argv[1], "rb").read()
bad = []
if not raw.endswith(b"}\n"):
    bad.append("does not end with }\\n")
text = raw.decode("utf-8")
r, end = json.JSONDecoder().raw_decode(text)
if text[end:] != "\n":
    bad.append("more than one object: %r" % text[end:end + 40])
if not isinstance(r, dict):
    sys.exit("not an object")
def isint(v): return isinstance(v, int) and not isinstance(v, bool)
types = {
    "status": lambda v: v in ("ok", "error", "timeout", "oom", "killed", "setup_error"),
    "reason": lambda v: v is None or v in ("wall_time", "cpu_time", "memory", "pids",
                                           "output_limit", "signal", "exit", "setup"),
    "exit_code": isint, "signal": lambda v: v is None or isint(v),
    "duration_ms": isint, "cpu_ms": isint, "memory_peak_kib": isint,
    "processes_max": lambda v: v is None or isint(v),
    "timings": lambda v: isinstance(v, dict) and sorted(v) == ["capture_ms", "launcher_cpu_ms", "run_ms", "setup_ms"]
                         and all(isinstance(v[k], float) and v[k] > 0 for k in ("setup_ms", "run_ms", "launcher_cpu_ms"))
                         and isinstance(v["capture_ms"], float) and v["capture_ms"] >= 0,
    "stdout": lambda v: isinstance(v, str), "stderr": lambda v: isinstance(v, str),
    "stdout_truncated": lambda v: isinstance(v, bool),
    "stderr_truncated": lambda v: isinstance(v, bool),
    "error": lambda v: v is None or isinstance(v, dict),
    "setup_error": lambda v: v is None or isinstance(v, dict),
    "exec_error": lambda v: v is None or isinstance(v, str),
    "files": lambda v: isinstance(v, list), "skipped_files": lambda v: isinstance(v, list),
    "tool_calls": lambda v: isinstance(v, list),
    "bridge": lambda v: isinstance(v, dict) and all(isint(v.get(k)) for k in
                                                    ("calls", "bytes_in", "bytes_out",
                                                     "bad_messages", "dropped_replies",
                                                     "unrecorded_refusals"))
                        and v.get("limit_hit", 0) is None and len(v) == 7,
    "limits": lambda v: isinstance(v, dict), "policy": lambda v: isinstance(v, dict),
    "mounts": lambda v: v == [],
    "violations": lambda v: v == [],
    "violations_reported": lambda v: v is True,
    "enforced": lambda v: isinstance(v, dict) and v.get("seccomp") == "filter"
                          and v.get("capabilities") == "none" and v.get("network") == "lo",
    "landlock": lambda v: isinstance(v, dict) and v.get("mode") in ("required", "preferred", "off")
                          and (v.get("abi") is None or isint(v.get("abi"))),
}
for k, ok in types.items():
    if k not in r:
        bad.append("missing " + k)
    elif not ok(r[k]):
        bad.append("bad %s: %r" % (k, r[k]))
extra = set(r) - set(types)
if extra:
    bad.append("undocumented fields: %s" % sorted(extra))
want = {"timeout": 7, "cpu_time": 0, "memory_mib": 512, "pids": 64, "open_files": 256,
        "file_size_mib": 64, "tmp_mib": 64, "shm_mib": 16, "output_mib": 64,
        "output_inodes": 1024, "stdout_bytes": 1 << 20, "stderr_bytes": 1 << 20,
        "capture_files": 100, "capture_file_bytes": 10 << 20, "capture_total_bytes": 64 << 20,
        "max_message_bytes": 16 << 20, "max_calls": 100000, "max_in_flight": 64,
        "max_bridge_bytes": 1 << 30, "cpus": 1}
lim = r.get("limits", {})
for k, v in want.items():
    if lim.get(k) != v:
        bad.append("limits.%s = %r, want %r" % (k, lim.get(k), v))
if set(lim) - {"cgroup", "enforced_by"} != set(want):
    bad.append("limits keys differ: %s" % sorted((set(lim) - {"cgroup", "enforced_by"}) ^ set(want)))
if not isinstance(lim.get("enforced_by"), dict) or lim.get("cgroup") not in (None, 1, 2):
    bad.append("limits.enforced_by / limits.cgroup: %r %r" % (lim.get("enforced_by"), lim.get("cgroup")))
pol = r.get("policy", {})
if pol.get("name") != "default" or not re.fullmatch(r"[0-9a-f]{64}", pol.get("sha256", "")):
    bad.append("policy: %r" % pol)
if r.get("duration_ms", -1) < 0 or r.get("duration_ms", 10**9) > 30000:
    bad.append("duration_ms %r" % r.get("duration_ms"))
if not 1000 <= r.get("memory_peak_kib", 0) <= 512 * 1024:
    bad.append("memory_peak_kib %r" % r.get("memory_peak_kib"))
print("; ".join(bad) or "ok")
PY
}
is "$(check_shape 2>&1)" ok "one JSON object on stdout with every documented field, typed, default limits"
is "$(cat "$T/stderr")" "" "--json: nothing on stderr"

# --- output that is not UTF-8, and output limits ------------------------------
jrun < <(printf 'import sys\nsys.stdout.buffer.write(b"\\xff\\xfe ok")\nsys.stderr.buffer.write(b"a\\xc3(b\\xed\\xa0\\x80")\n')
is "$rc" 0 "invalid UTF-8 output: exit 0"
is "$(field 'r["stdout"] == "\ufffd\ufffd ok"')" true "invalid UTF-8 stdout: one U+FFFD per bad byte"
is "$(field 'r["stderr"] == "a\ufffd(b\ufffd\ufffd\ufffd"')" true "invalid UTF-8 stderr (and a surrogate): U+FFFD"
check "invalid UTF-8 output: the record is strict UTF-8 JSON" \
	"$PY" -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8","strict"))' "$T/result.json"
jrun < <(printf 'print("tab\\there \\x1b[2J \\x00 end")\n')
is "$(field 'r["stdout"] == "tab\there \x1b[2J \x00 end\n"')" true "control characters and NUL survive, escaped"
is "$(grep -c $'\x1b' "$T/result.json")" 0 "no raw escape character in the record"

jrun <<<'import sys; sys.stdout.write("x" * 3000000); sys.stderr.write("e" * 3000000)'
is "$rc" 0 "3 MB of output: exit 0"
is "$(field '(r["status"], len(r["stdout"]), r["stdout_truncated"])')" '["ok", 1048576, true]' \
	"3 MB of stdout: kept 1 MiB, stdout_truncated"
is "$(field '(len(r["stderr"]), r["stderr_truncated"])')" '[1048576, true]' \
	"3 MB of stderr: kept 1 MiB, stderr_truncated"
is "$(field '"".join(sorted(set(r["stdout"])))')" x "truncated stdout holds the program's bytes"
jrun < <(printf 'import sys; sys.stdout.write("y" * 1048576)\n')
is "$(field '(len(r["stdout"]), r["stdout_truncated"])')" '[1048576, false]' \
	"exactly 1 MiB: not truncated"
jrun < <(printf 'import sys; sys.stdout.buffer.write(b"\\xff" * 1048576 + b"z")\n')
is "$(field '(len(r["stdout"]), r["stdout"][-1], r["stdout_truncated"])')" '[1048576, "\ufffd", true]' \
	"limit counts the program's bytes, not the escaped text"

cat >"$T/flood.py" <<'EOF'
import sys, time
chunk = b"y" * 1048576
for _ in range(100):
    sys.stdout.buffer.write(chunk)
sys.stdout.flush()
time.sleep(0.3)  # let the sampler see the launcher once all output went through
EOF
mem_run "$T/mem" "$ACTJAIL" run --json "$T/flood.py" >"$T/result.json" 2>"$T/stderr"
rc=$?
read -r hwm maxrss <"$T/mem"
is "$rc:$(field '(r["status"], len(r["stdout"]), r["stdout_truncated"])')" '0:["ok", 1048576, true]' \
	"100 MB of stdout: ok, 1 MiB kept"
if [ -n "${ACTJAIL_SANITIZED:-}${ACTJAIL_VIA:-}" ]; then skip "100 MB of stdout: launcher peak RSS" "$SANITIZED_WHY"
elif [ "$hwm" -gt 0 ] && [ "$hwm" -lt 16384 ]; then ok 0 "100 MB of stdout: launcher peak RSS ${hwm} KiB < 16 MiB"; else
	ok 1 "100 MB of stdout: launcher peak RSS ${hwm} KiB < 16 MiB"
fi
if [ "$maxrss" -lt 65536 ]; then ok 0 "100 MB of stdout: largest process ${maxrss} KiB < 64 MiB"; else
	ok 1 "100 MB of stdout: largest process ${maxrss} KiB < 64 MiB"
fi

# --- without --json: streams through ------------------------------------------
mkdir -p "$T/in"
cat >"$T/stream.py" <<'EOF'
import os, sys, time
print("first", flush=True)
sys.stderr.write("to stderr\n")
for _ in range(400):  # until the host has seen "first" (at most 20 s)
    if os.path.exists("/input/go"):
        break
    time.sleep(0.05)
print("second" if os.path.exists("/input/go") else "never told")
sys.exit(5)
EOF
"$PY" - "$ACTJAIL" "$T" >"$T/stream.out" <<'PY'
import os, select, subprocess, sys
actjail, t = sys.argv[1], sys.argv[2]
p = subprocess.Popen([actjail, "run", "--input", t + "/in", t + "/stream.py"],
                     stdout=subprocess.PIPE, stderr=open(t + "/stream.err", "wb"))
early = b""
while b"\n" not in early and select.select([p.stdout], [], [], 15)[0]:
    b = os.read(p.stdout.fileno(), 4096)
    if not b:
        break
    early += b
open(t + "/in/go", "w").close()
rest = p.stdout.read()
print("early=%r rest=%r rc=%d" % (early.decode(), rest.decode(), p.wait()))
PY
is "$(cat "$T/stream.out")" "early='first\n' rest='second\n' rc=5" \
	"without --json: stdout streams while the program runs; its exit code passes through"
is "$(cat "$T/stream.err")" "to stderr" "without --json: stderr streams; no summary when stderr is no terminal"
echo 'print("v")' | "$ACTJAIL" run --verbose >"$T/stdout" 2>"$T/stderr"
is "$(cat "$T/stdout")" v "--verbose: stdout is the program's"
like "$(cat "$T/stderr")" '^actjail: ok, exit 0' "--verbose: one-line summary on stderr"
echo 'print("q")' | "$ACTJAIL" run --quiet >"$T/stdout" 2>"$T/stderr"
is "$(cat "$T/stdout"):$(cat "$T/stderr")" "q:" "--quiet: nothing of actjail's own"

# --- environment and /input -----------------------------------------------------
export ACTJAIL_TEST_HOST_SECRET=s3cret
jrun --env FOO=bar=baz --env EMPTY= <<<'import os
print(os.environ.get("FOO"), os.environ.get("EMPTY"), os.environ.get("ACTJAIL_TEST_HOST_SECRET"), os.environ["PATH"])'
is "$(field 'r["stdout"]')" "bar=baz  None /usr/local/bin:/usr/bin:/bin" \
	"--env visible (value with =, empty value); the host environment is not"
jrun --env X=1 --env X=2 < <(printf 'import os\nprint(os.environ["X"])\n')
is "$(field 'r["stdout"]')" 2 "--env: the last of a name wins"
unset ACTJAIL_TEST_HOST_SECRET

mkdir -p "$T/in/sub"
printf 'input data\n' >"$T/in/data.txt"
printf 'nested\n' >"$T/in/sub/n.txt"
cat >"$T/input.py" <<'EOF'
import os
print(open("/input/data.txt").read().strip(), open("/input/sub/n.txt").read().strip())
try:
    open("/input/data.txt", "w").write("overwritten")
    print("wrote")
except OSError as e:
    print("write refused", e.errno in (13, 30))
try:
    open("/input/new.txt", "w")
    print("created")
except OSError as e:
    print("create refused", e.errno in (13, 30))
EOF
jrun --input "$T/in" <"$T/input.py"
is "$(field 'r["stdout"]')" "$(printf 'input data nested\nwrite refused True\ncreate refused True')" \
	"--input: files readable at /input, read-only"
is "$(cat "$T/in/data.txt"):$(ls "$T/in")" "input data:data.txt
go
sub" "--input: host files untouched, nothing created"

# --- what ordinary programs need --------------------------------------------------
if "$PY" -c 'import numpy' 2>/dev/null; then
	jrun <<<'import numpy as np; print(int(np.arange(10).sum()), float(np.linalg.det(np.eye(3))))'
	is "$(field '(r["status"], r["stdout"])')" '["ok", "45 1.0\n"]' "numpy imports and computes"
	[ "$(field 'r["status"]')" = ok ] || printf '#   %s\n' "$(field 'r["stderr"][-300:]')"
else
	skip "numpy" "python3-numpy is not installed"
fi
if "$PY" -c 'import pandas' 2>/dev/null; then
	jrun <<<'import pandas as pd; print(pd.DataFrame({"a": [1, 2, 3]})["a"].sum())'
	is "$(field '(r["status"], r["stdout"])')" '["ok", "6\n"]' "pandas imports and computes"
else
	skip "pandas" "python3-pandas is not installed"
fi

cat >"$T/std.py" <<'EOF'
import json, multiprocessing, os, sqlite3, subprocess, threading
out = {}
res = []
ts = [threading.Thread(target=lambda i=i: res.append(i * i)) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
out["threads"] = sorted(res)
with multiprocessing.get_context("fork").Pool(2) as pool:
    out["pool"] = pool.map(abs, [-1, -2, -3])
q = multiprocessing.get_context("fork").Queue()
p = multiprocessing.get_context("fork").Process(target=lambda: q.put(os.getpid()))
p.start()
child = q.get(timeout=10)
p.join()
out["process"] = [p.exitcode, child != os.getpid()]
out["sort"] = subprocess.run(["sort"], input="b\na\n", capture_output=True, text=True).stdout
out["wc"] = subprocess.run(["/usr/bin/wc", "-c"], input="12345", capture_output=True, text=True).stdout.strip()
out["sh"] = subprocess.run("echo $((6*7))", shell=True, capture_output=True, text=True).stdout
db = sqlite3.connect("/tmp/t.db")
db.execute("create table t (x)")
db.executemany("insert into t values (?)", [(i,) for i in range(100)])
db.commit()
out["sqlite"] = db.execute("select sum(x) from t").fetchone()[0]
db.close()
out["db_size"] = os.path.getsize("/tmp/t.db") > 0
print(json.dumps(out, sort_keys=True))
EOF
jrun <"$T/std.py"
is "$(field 'r["status"]')" ok "threads, multiprocessing, subprocess, sqlite: status ok"
[ "$(field 'r["status"]')" = ok ] || printf '#   %s\n' "$(field 'r["stderr"][-400:]')"
is "$(out 'o["threads"]')" "[0, 1, 4, 9]" "threading works"
is "$(out 'o["pool"]')" "[1, 2, 3]" "multiprocessing Pool (fork) works"
is "$(out 'o["process"]')" "[0, true]" "multiprocessing Process and Queue (fork) work"
is "$(out 'o["sort"]')" "$(printf 'a\nb')" "subprocess: sort from PATH"
is "$(out 'o["wc"]')" 5 "subprocess: /usr/bin/wc"
is "$(out 'o["sh"]')" 42 "subprocess: a shell"
is "$(out '(o["sqlite"], o["db_size"])')" "[4950, true]" "sqlite3 database in /tmp"

done_testing
