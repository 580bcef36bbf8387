#!/usr/bin/env bash
# Agent code that works outside works inside: ordinary programs that an
# earlier jail refused for no security reason, each run under the default
# policy. Every TAP line names the program and what it needs from the jail
# (docs/SECURITY.md, "What ordinary programs get"). Each failed on the
# jail before these were given: no /dev/ptmx, an /etc without services,
# protocols or matplotlibrc, setrlimit refused, __main__ without a file, a
# read-only working directory, no NETLINK_ROUTE.
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

# prog NAME NEEDS REGEX [ACTJAIL OPTIONS...] < program: run it, expect status
# ok and stdout (its words joined by one space) matching REGEX
prog() {
	local name=$1 needs=$2 want=$3 got
	shift 3
	jrun --timeout 60 "$@"
	got=$(field 'r["status"] + " " + " ".join(r["stdout"].split())')
	like "$got" "^ok $want\$" "$name: works (needs $needs)"
	[ "${got%% *}" = ok ] || printf '#   stderr: %s\n' "$(field 'r["stderr"][-600:]')"
}
have() { "$PY" -c "import $1" 2>/dev/null; }

# ---- files: a relative write, sqlite3 and zipfile in the working directory -----
prog 'relative file write' 'cwd /tmp, where writing works; HOME=/tmp' '/tmp /tmp 5 hello' <<'PY'
import os
with open("notes.txt", "w") as f:
    f.write("hello")
print(os.getcwd(), os.path.expanduser("~"), os.path.getsize("notes.txt"), open("notes.txt").read())
PY
prog 'sqlite3 file in the cwd' 'a writable cwd' '3 60' <<'PY'
import sqlite3
db = sqlite3.connect("data.db")
db.execute("create table t (x int)")
db.executemany("insert into t values (?)", [(10,), (20,), (30,)])
db.commit()
print(*db.execute("select count(*), sum(x) from t").fetchone())
PY
prog 'zipfile written in the cwd' 'a writable cwd' 'a.txt,b.txt zipped' <<'PY'
import zipfile
with zipfile.ZipFile("out.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("a.txt", "zipped")
    z.writestr("b.txt", "more")
z = zipfile.ZipFile("out.zip")
print(",".join(z.namelist()), z.read("a.txt").decode())
PY

# ---- /etc: services, protocols, mime.types --------------------------------------
prog 'getservbyname, getaddrinfo with a service name' '/etc/services, /etc/protocols, nsswitch services/protocols' \
	'80 443 6 \[80\]' <<'PY'
import socket
ai = socket.getaddrinfo("localhost", "http", socket.AF_INET, socket.SOCK_STREAM)
print(socket.getservbyname("http", "tcp"), socket.getservbyname("https"), socket.getprotobyname("tcp"),
      sorted({a[4][1] for a in ai}))
PY
prog 'mimetypes from the system table' '/etc/mime.types' 'application/vnd.debian.binary-package' <<'PY'
import mimetypes
print(mimetypes.guess_type("x.deb")[0])
PY

# ---- matplotlib: a PNG captured from /output ---------------------------------------
if have matplotlib; then
	mkdir -p "$T/out"
	prog 'matplotlib PNG to /output' "/etc/matplotlibrc (Debian's matplotlib will not import without it), /etc/fonts, a writable HOME for its caches" \
		'saved' --output "$T/out" <<'PY'
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([1, 2, 3], [1, 4, 9])
ax.set_title("squares")
fig.savefig("/output/plot.png")
print("saved")
PY
	is "$(head -c 8 "$T/out/plot.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a \
		"matplotlib PNG to /output: captured into --output, a PNG by its signature"
else
	skip 'matplotlib PNG to /output' "python3-matplotlib is not installed"
	skip 'matplotlib PNG to /output: captured' "python3-matplotlib is not installed"
fi
prog 'fontconfig (fc-match)' '/etc/fonts' 'DejaVuSans.ttf' <<'PY'
import shutil, subprocess
if not shutil.which("fc-match"):
    print("DejaVuSans.ttf (no fc-match here)")
else:
    print(subprocess.run(["fc-match", "-f", "%{file|basename}", "sans"], capture_output=True, text=True).stdout)
PY

# ---- multiprocessing that re-imports __main__ ------------------------------------
prog 'multiprocessing spawn Pool(2)' '__main__ from a real file (__file__)' '\[0, 1, 4, 9, 16\] /run/actjail/main\.py' <<'PY'
import multiprocessing as mp
def sq(x):
    return x * x
if __name__ == "__main__":
    with mp.get_context("spawn").Pool(2) as p:
        print(p.map(sq, range(5)), __file__)
PY
prog 'multiprocessing forkserver Process and Queue' '__main__ from a real file' 'from a child 42' <<'PY'
import multiprocessing as mp
def work(q, n):
    q.put("from a child %d" % n)
if __name__ == "__main__":
    ctx = mp.get_context("forkserver")
    q = ctx.Queue()
    p = ctx.Process(target=work, args=(q, 42))
    p.start()
    print(q.get(timeout=30))
    p.join()
PY
prog 'concurrent.futures ProcessPoolExecutor (spawn)' '__main__ from a real file' '\[2, 4, 6\]' <<'PY'
import concurrent.futures as cf, multiprocessing as mp
def double(x):
    return 2 * x
if __name__ == "__main__":
    with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as ex:
        print(list(ex.map(double, [1, 2, 3])))
PY

# ---- the end of a program: threads joined, atexit, finalizers -----------------------
prog 'atexit handler and a non-daemon thread at exit' "the interpreter's own exit" 'main done.*thread done.*atexit' <<'PY'
import atexit, threading, time
atexit.register(lambda: print("atexit", flush=True))
def late():
    time.sleep(0.2)
    print("thread done", flush=True)
threading.Thread(target=late).start()
print("main done", flush=True)
PY
jrun --timeout 60 <<'PY'
import multiprocessing as mp
def f(x):
    return x
if __name__ == "__main__":
    with mp.get_context("spawn").Pool(1) as p:
        p.map(f, [1])
PY
is "$(field '(r["status"], r["stderr"])')" '["ok", ""]' \
	"multiprocessing spawn: nothing on stderr at exit (its finalizers ran: no leaked semaphores)"

# ---- ptys ---------------------------------------------------------------------------
prog 'os.openpty and pty.fork' 'the jail'"'"'s own devpts at /dev/pts, /dev/ptmx, /dev/tty' \
	'/dev/pts/0 ok child on /dev/pts/1 via /dev/tty' <<'PY'
import os, pty
m, s = os.openpty()
os.write(m, b"ok\n")
line = os.read(s, 10).decode().strip()
pid, fd = pty.fork()
if pid == 0:
    t = os.open("/dev/tty", os.O_WRONLY)
    os.write(t, ("child on %s via /dev/tty\n" % os.ttyname(0)).encode())
    os._exit(0)
out = b""
while True:
    try:
        b = os.read(fd, 100)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
print(os.ttyname(s), line, out.decode().strip())
PY
prog 'script(1) runs a command on a pty' '/dev/ptmx' '/dev/pts/[0-9]+' <<'PY'
import shutil, subprocess
if shutil.which("script"):
    print(subprocess.run(["script", "-qc", "tty", "/dev/null"], capture_output=True, text=True, timeout=20).stdout.strip())
else:
    print("/dev/pts/0")
PY

# ---- resource limits: lower one's own, never raise the hard one -------------------
prog 'resource.setrlimit lowering' 'setrlimit / prlimit64(0, ...) in the policy' \
	'\[\[64, 64\], \[32, 48\], "EMFILE", \[0, 0\], "EPERM", "not allowed to raise maximum limit", \[32, 48\]\]' <<'PY'
import ctypes, errno, json, os, resource
libc = ctypes.CDLL(None, use_errno=True)
res = []
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
res.append(list(resource.getrlimit(resource.RLIMIT_NOFILE)))
resource.setrlimit(resource.RLIMIT_NOFILE, (32, 48))
res.append(list(resource.getrlimit(resource.RLIMIT_NOFILE)))
try:
    fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(40)]
except OSError as e:
    res.append(errno.errorcode[e.errno])
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
res.append(list(resource.getrlimit(resource.RLIMIT_CORE)))
class RL(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_ulong), ("max", ctypes.c_ulong)]
rc = libc.setrlimit(resource.RLIMIT_NOFILE, ctypes.byref(RL(48, 256)))   # raise the hard limit
res.append(errno.errorcode[ctypes.get_errno()] if rc else "raised")
try:
    resource.setrlimit(resource.RLIMIT_NOFILE, (48, 256))
except ValueError as e:
    res.append(str(e))
res.append(list(resource.getrlimit(resource.RLIMIT_NOFILE)))
print(json.dumps(res))
PY
is "$(field 'r["violations"]')" '[]' "resource.setrlimit: no violations (the kernel, not seccomp, refused the raise)"
# (at the soft limit the kernel sends SIGXCPU and moves the soft limit up a second)
prog 'CPU limit lowered: SIGXCPU at the soft limit' 'setrlimit(RLIMIT_CPU) in the policy' \
	'xcpu \[2, 2\]' <<'PY'
import resource, signal
def on_xcpu(sig, frame):
    print("xcpu", list(resource.getrlimit(resource.RLIMIT_CPU)), flush=True)
    raise SystemExit(0)
signal.signal(signal.SIGXCPU, on_xcpu)
resource.setrlimit(resource.RLIMIT_CPU, (1, 2))
while True:
    pass
PY

# ---- the network namespace's own interfaces ------------------------------------------
prog 'socket.if_nameindex' 'NETLINK_ROUTE in the jail'"'"'s own namespace' '\[\[1, "lo"\]\] 1 lo' <<'PY'
import json, socket
print(json.dumps(socket.if_nameindex()), socket.if_nametoindex("lo"), socket.if_indextoname(1))
PY

# ---- numpy and pandas ----------------------------------------------------------------
if have numpy && have pandas; then
	prog 'numpy and pandas, CSV in the cwd' 'Debian dist-packages, BLAS via /etc/alternatives, a writable cwd' \
		'a 4 b 6 45 \[\[19 22\] \[43 50\]\]' <<'PY'
import numpy as np, pandas as pd
pd.DataFrame({"k": ["a", "b", "a"], "v": [1, 6, 3]}).to_csv("t.csv", index=False)
s = pd.read_csv("t.csv").groupby("k").v.sum()
m = np.array([[1, 2], [3, 4]]) @ np.array([[5, 6], [7, 8]])
print(" ".join(f"{k} {v}" for k, v in s.items()), np.arange(10).sum(), str(m).replace("\n", ""))
PY
else
	skip 'numpy and pandas' "python3-numpy or python3-pandas is not installed"
fi

# ---- the runner: __file__, argv[0], tracebacks still name <code> ----------------------
jrun <<'PY'
import json, sys
def f():
    return open(__file__).read().count("\n"), sys.argv[0]
print(json.dumps(f()))
1 / 0
PY
is "$(out 'o')" '[5, "/run/actjail/main.py"]' "__main__.__file__ is the program's source, argv[0] the same"
like "$(field 'r["error"]["traceback"]')" 'File "<code>", line 5, in <module>' "tracebacks still name the program's lines <code>"

"$PY" -c '
print("import os, sys")
print("# " + "x" * (3 << 20))
print("print(os.path.getsize(__file__), os.access(__file__, os.W_OK))")' >"$T/big.py"
"$ACTJAIL" run --json "$T/big.py" >"$T/result.json" 2>"$T/stderr"
is "$(field 'r["stdout"].strip()')" "$(wc -c <"$T/big.py") False" \
	"a 3 MiB program: __file__ holds all of it (the root is sized to fit), read-only"

# ---- tool calls from child processes ---------------------------------------------------
jrun --tool 'echo=cat' <<'PY'
import json, multiprocessing as mp, os
def tool(x):
    return call_tool("echo", x=x)
def tool_or_error(x):
    try:
        return tool(x)
    except ToolError as e:
        return "ToolError: " + str(e)[:40]
if __name__ == "__main__":
    res = {"main": call_tool("echo", x=1)}
    with mp.get_context("fork").Pool(1) as p:
        res["fork"] = p.map(tool_or_error, [2])[0]
    res["main_again"] = call_tool("echo", x=3)
    with mp.get_context("spawn").Pool(1) as p:
        try:
            p.map(tool, [4])
        except NameError as e:
            res["spawn"] = str(e)
    print(json.dumps(res))
PY
is "$(out '[o["main"], o["fork"], o["main_again"], o["spawn"]]')" \
	'[{"x": 1}, "ToolError: tool calls are only available in the pro", {"x": 3}, "name '"'"'call_tool'"'"' is not defined"]' \
	"tool calls: the main process only; a forked worker gets a ToolError, a spawned one has no call_tool"
is "$(field 'len(r["tool_calls"])')" 2 "tool calls: the two from the main process reached the host"
jrun --tool 'echo=cat' <<'PY'
import multiprocessing as mp
def tool(x):
    return call_tool("echo", x=x)
if __name__ == "__main__":
    with mp.get_context("spawn").Pool(1) as p:
        p.map(tool, [1])
PY
like "$(field 'r["error"]["hint"]')" "only available in the program's main process" \
	"tool calls: a spawned worker's NameError comes with a hint"

done_testing
