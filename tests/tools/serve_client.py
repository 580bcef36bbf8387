#!/usr/bin/python3
"""serve_client.py - what the `actjail serve` tests (tests/7?-serve*.t) share.

TAP: ok, is_, like, within, skip, diag, done_testing, skip_all; main(fn)
runs a test file's body under a watchdog, turns an exception into a failed
check, runs every cleanup (servers stopped, clients closed, the temp dir
removed) and prints the plan.

Server: `$ACTJAIL serve --socket $T/NAME.sock ARGS...` with its stderr (the
JSON log) in $T/NAME.err; start() waits for the socket, stop() sends
SIGTERM and returns the exit status; a server a failed test left running
gets SIGTERM at cleanup, then SIGKILL (to it and every process below it).

Client: one connection speaking newline-delimited JSON. Messages read while
waiting for another are kept, so several executions can be in flight on one
connection and be waited for in any order.

Processes: procs(substring) and wait_until(...) for checks from outside
(markers in the process list), descendants(pid) for a server's workers.

Everything polls with generous bounds (the machine may be small and busy);
nothing relies on a fixed sleep.
"""
import atexit
import base64
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOP = os.path.dirname(TESTS)
ACTJAIL = os.environ.get("ACTJAIL") or os.path.join(TESTS, "..", "build", "actjail")
ACTJAIL = os.path.abspath(ACTJAIL)
DEFAULT_POLICY = os.path.join(TOP, "policy", "default.json")
WAIT = 20.0  # the default bound of every wait, in seconds
# make sanitize: the ASan build is several times slower; bounds that measure
# the server's own pace (not a deadline) are this many times wider there
SANITIZED = bool(os.environ.get("ACTJAIL_SANITIZED"))
SLOW = 6 if SANITIZED else 1

# ---- TAP ---------------------------------------------------------------------

_n = 0
_failed = 0
_cleanups = []
T = None


def diag(msg):
    for line in str(msg).splitlines() or [""]:
        print("#   " + line)
    sys.stdout.flush()


def ok(cond, name, why=None, *, todo=None):
    """One check; `why` (a string or a callable giving one) is printed when it
    fails. With `todo` (a known bug, the reason) a failure is TAP's TODO: shown,
    not counted, and prove reports it once it passes."""
    global _n, _failed
    _n += 1
    name = name.replace("\n", " ").replace("#", "\\#")
    mark = " # TODO %s" % todo if todo else ""
    if cond:
        print("ok %d - %s%s" % (_n, name, mark))
    else:
        _failed += not todo
        print("not ok %d - %s%s" % (_n, name, mark))
        text = None
        if why is not None:
            text = why() if callable(why) else why
            diag(text)
        if not todo:
            # on stderr too, which prove shows: a failure under CI names itself
            sys.stderr.write("# %s: not ok %d - %s\n" % (os.path.basename(sys.argv[0]), _n, name))
            for line in (str(text).splitlines()[:20] if text is not None else []):
                sys.stderr.write("#   %s\n" % line)
            sys.stderr.flush()
    sys.stdout.flush()
    return bool(cond)


def _short(v, n=600):
    s = v if isinstance(v, str) else json.dumps(v, sort_keys=True, default=str)
    return s if len(s) <= n else s[:n] + "..."


def is_(got, want, name, *, todo=None):
    return ok(got == want, name, lambda: "got:  %s\nwant: %s" % (_short(got), _short(want)), todo=todo)


def like(got, regex, name, *, todo=None):
    s = got if isinstance(got, str) else json.dumps(got, default=str)
    return ok(re.search(regex, s or "") is not None, name,
              lambda: "%s\ndoes not match: %s" % (_short(s), regex), todo=todo)


def within(value, low, high, name):
    """ok when low <= value < high"""
    return ok(value is not None and low <= value < high, name,
              lambda: "%r not in [%r, %r)" % (value, low, high))


def skip(name, reason):
    global _n
    _n += 1
    print("ok %d # SKIP %s: %s" % (_n, name, reason))
    sys.stdout.flush()


def skip_all(reason):
    print("1..0 # SKIP %s" % reason)
    sys.stdout.flush()
    _run_cleanups()
    os._exit(0)


def done_testing():
    print("1..%d" % _n)
    sys.stdout.flush()
    return 1 if _failed else 0


def is_root():
    return os.geteuid() == 0


# ---- temp dir and cleanup ------------------------------------------------------


def on_exit(fn):
    """fn() runs at the end of the test, last registered first, even on failure."""
    _cleanups.append(fn)


def _run_cleanups():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception:  # a cleanup must not stop the others
            diag("cleanup: " + traceback.format_exc().strip().splitlines()[-1])


def _setup_tmp():
    global T
    T = tempfile.mkdtemp(prefix="actjail-test.", dir="/tmp")
    os.chmod(T, 0o755)
    on_exit(lambda: shutil.rmtree(T, ignore_errors=True))


class Watchdog(Exception):
    pass


def main(body, limit=170):
    """Run body() as the test file: at most `limit` seconds, then the plan."""
    def alarm(signo, frame):
        raise Watchdog("the test ran longer than %d s (watchdog)" % limit)

    def term(signo, frame):
        raise SystemExit("signal %d" % signo)

    signal.signal(signal.SIGALRM, alarm)
    signal.signal(signal.SIGTERM, term)
    signal.signal(signal.SIGINT, term)
    atexit.register(_run_cleanups)
    _setup_tmp()
    signal.alarm(limit)
    try:
        body()
    except BaseException as e:  # noqa: B036 - a failed check, then cleanup
        ok(False, "the test ran to its end (%s: %s)" % (type(e).__name__, e),
           traceback.format_exc())
    signal.alarm(0)
    _run_cleanups()
    sys.exit(done_testing())


# ---- waiting and processes --------------------------------------------------------


def wait_until(fn, timeout=WAIT, interval=0.05):
    """Poll fn() until it returns something true (returned) or timeout (None)."""
    end = time.monotonic() + timeout
    while True:
        try:
            v = fn()
        except (OSError, ValueError):
            v = None
        if v:
            return v
        if time.monotonic() > end:
            return None
        time.sleep(interval)


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None


def ppid_of(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def procs(pattern):
    """pids whose command line matches the regex pattern (like pgrep -f)"""
    me = os.getpid()
    out = []
    for pid in _pids():
        c = cmdline(pid)
        if pid != me and c and re.search(pattern, c):
            out.append(pid)
    return out


def descendants(root):
    """every process below root (pids)"""
    kids = {}
    for pid in _pids():
        pp = ppid_of(pid)
        if pp is not None:
            kids.setdefault(pp, []).append(pid)
    out, todo = [], [root]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def ancestors(pid):
    out = []
    while pid and pid > 1:
        pid = ppid_of(pid)
        if pid:
            out.append(pid)
    return out


def kill_pids(pids, sig=signal.SIGKILL):
    for p in pids:
        try:
            os.kill(p, sig)
        except OSError:
            pass


def kill_marker(pattern):
    """SIGKILL what a failed test left (by a unique marker), and its jail's init"""
    for p in procs(pattern):
        pp = ppid_of(p)
        if pp and pp > 1 and cmdline(pp) == "":
            kill_pids([pp])
        kill_pids([p])


def marker():
    """a unique number for a marker process: sleep 987.MARKER"""
    return "%d%04d" % (os.getpid(), int.from_bytes(os.urandom(2), "little") % 10000)


def marker_code(mark, then="time.sleep(60)"):
    """Python that starts `sleep 987.<mark>` (seen from the host) and goes on"""
    return ("import subprocess, time\n"
            "subprocess.Popen(['sleep', '987.%s'])\n"
            "print('started', flush=True)\n%s\n" % (mark, then))


def marker_pattern(mark):
    return r"^sleep 987\.%s$" % mark


def subreaper():
    """Make this process a child subreaper: what outlives a server is ours."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER


def own_children():
    out = []
    for task in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/children" % task) as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def proc_state(pid):
    """a process's state letter (R, S, Z...), None when it is gone"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def b64(data):
    return base64.b64encode(data).decode()


def unb64(text):
    return base64.b64decode(text)


def make_policy(path, **limits):
    """the default policy with limits changed (KEY=value), written to path"""
    with open(DEFAULT_POLICY) as f:
        p = json.load(f)
    p["name"] = "test"
    p["limits"].update(limits)
    with open(path + ".tmp", "w") as f:
        json.dump(p, f, indent=1)
    os.chmod(path + ".tmp", 0o644)
    os.rename(path + ".tmp", path)
    return path


def actjail_run(code, *args, timeout=60):
    """`actjail run --json ARGS -` with code on stdin: (result or None, rc, stderr)"""
    p = subprocess.run([ACTJAIL, "run", "--json", *args, "-"], input=code.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    try:
        r = json.loads(p.stdout)
    except ValueError:
        r = None
    return r, p.returncode, p.stderr.decode(errors="replace")


class Canary:
    """A TCP listener on the host's 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        self.s.listen(16)
        self.port = self.s.getsockname()[1]
        self.hits = 0
        self.stop = False
        self.t = threading.Thread(target=self._loop, daemon=True)
        self.t.start()
        on_exit(self.close)

    def _loop(self):
        self.s.settimeout(0.2)
        while not self.stop:
            try:
                c, _ = self.s.accept()
            except OSError:  # the timeout, or closed
                continue
            self.hits += 1
            c.close()

    def close(self):
        self.stop = True
        self.t.join(2)
        self.s.close()


# ---- the server --------------------------------------------------------------------


class Server:
    def __init__(self, *args, name="s", start=True):
        self.name = name
        self.sock = os.path.join(T, name + ".sock")
        self.errpath = os.path.join(T, name + ".err")
        self.args = list(args)
        self.proc = None
        self.rc = None
        if start:
            self.start()

    def start(self):
        err = open(self.errpath, "ab")
        self.proc = subprocess.Popen([ACTJAIL, "serve", "--socket", self.sock] + self.args,
                                     stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        err.close()
        self.pid = self.proc.pid
        on_exit(self._cleanup)
        if not wait_until(lambda: self.proc.poll() is not None or self._connectable(),
                          WAIT) or self.proc.poll() is not None:
            raise RuntimeError("the server did not start: %s" % self.stderr()[-2000:])
        return self

    def _connectable(self):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(self.sock)
            return True
        except OSError:
            return False

    def client(self, **kw):
        return Client(self.sock, **kw)

    def health(self):
        with self.client() as c:
            return c.health()

    def stats(self):
        with self.client() as c:
            return c.stats()

    def wait_pool(self, n, timeout=40):
        """wait until health says at least n warm jails are ready"""
        def ready():
            try:
                return self.health()["pool"] >= n
            except (OSError, Closed, KeyError, TimeoutError):
                return False  # refused for now (--max-connections), say
        return wait_until(ready, timeout, 0.1)

    def stderr(self):
        try:
            with open(self.errpath, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log(self, event=None):
        """the JSON lines of the server's stderr (of one event)"""
        out = []
        for line in self.stderr().splitlines():
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if isinstance(o, dict) and (event is None or o.get("event") == event):
                out.append(o)
        return out

    def workers(self):
        """the server's worker processes: pid -> command line"""
        out = {}
        for p in descendants(self.pid):
            if ppid_of(p) == self.pid:
                c = cmdline(p) or ""
                if " run --json" in c:
                    out[p] = c
        return out

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=60):
        """SIGTERM, wait: the exit status (None if it did not exit in time)"""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.rc = None
        return self.rc

    def _cleanup(self):
        """a server a failed test left: SIGTERM, so that it removes its socket
        and work directory; SIGKILL to it and all below it if it lingers"""
        if self.proc.poll() is not None:
            return
        below = descendants(self.pid)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(8)
            return
        except subprocess.TimeoutExpired:
            pass
        below += descendants(self.pid)
        self.proc.kill()
        self.proc.wait()
        kill_pids(below)
        wait_until(lambda: not any(ppid_of(p) for p in below), 10)


# ---- a client ------------------------------------------------------------------------


class Closed(Exception):
    pass


class Client:
    def __init__(self, path, rcvbuf=None):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.buf = b""
        self.kept = []  # messages read while waiting for another
        self.eof = False
        on_exit(self.close)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.connect(path)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.s.sendall(data)

    def send(self, obj):
        self.s.sendall((json.dumps(obj) + "\n").encode())

    def _line(self, timeout):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.eof:
                return None
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no line from the server in %.1f s" % timeout)
            # poll, not select: a test may hold more than FD_SETSIZE descriptors
            pl = select.poll()
            pl.register(self.s, select.POLLIN)
            if not pl.poll(left * 1000):
                continue
            try:
                data = self.s.recv(1 << 20)
            except ConnectionResetError:
                data = b""
            if not data:
                self.eof = True
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def recv(self, timeout=WAIT):
        """the next message (kept ones first); None at the end of the connection"""
        if self.kept:
            return self.kept.pop(0)
        line = self._line(timeout)
        return None if line is None else json.loads(line)

    def wait(self, pred, timeout=WAIT):
        """the first message for which pred(msg) holds; others are kept"""
        for i, m in enumerate(self.kept):
            if pred(m):
                return self.kept.pop(i)
        end = time.monotonic() + timeout
        while True:
            line = self._line(max(0.0, end - time.monotonic()))
            if line is None:
                raise Closed("the server closed the connection")
            m = json.loads(line)
            if pred(m):
                return m
            self.kept.append(m)

    def request(self, obj, timeout=WAIT):
        self.send(obj)
        return self.wait(lambda m: m.get("op") == obj["op"], timeout)

    def health(self):
        return self.request({"op": "health"})

    def stats(self):
        return self.request({"op": "stats"})

    def execute(self, id, code, **fields):
        self.send(dict(op="execute", id=id, code=code, **fields))

    def done(self, id, wait=WAIT, on_call=None):
        """the done or error line of execution id; on_call(msg) -> (ok, value or
        error) answers its tool calls meanwhile"""
        end = time.monotonic() + wait
        while True:
            m = self.wait(lambda m: m.get("id") == id and m.get("op") in ("done", "error", "call"),
                          max(0.0, end - time.monotonic()))
            if m["op"] != "call":
                return m
            if on_call is None:
                raise RuntimeError("unexpected tool call: %s" % m)
            good, v = on_call(m)
            ans = {"op": "result", "id": id, "call_id": m["call_id"], "ok": good}
            ans["value" if good else "error"] = v
            self.send(ans)

    def run(self, id, code, wait=WAIT, on_call=None, **fields):
        """execute (fields: timeout, memory_mib, input, tools, env) and wait
        at most `wait` seconds: (message, seconds it took)"""
        t0 = time.monotonic()
        self.execute(id, code, **fields)
        m = self.done(id, wait, on_call)
        return m, time.monotonic() - t0


def result(msg):
    """the result of a done message, {} for anything else"""
    return msg.get("result", {}) if msg and msg.get("op") == "done" else {}


def status(msg):
    """a done's status, or "error:CODE" for an error line"""
    if not msg:
        return None
    if msg.get("op") == "done":
        return msg["result"].get("status")
    return "error:%s" % msg.get("code")
