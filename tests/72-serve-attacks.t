#!/usr/bin/python3
# 72-serve-attacks.t - a selection of the launcher's attack checks
# (tests/security/) run through `actjail serve`, in a warm jail and in a cold
# one, each next to `actjail run` with the same policy and program: the three
# must end the same way (status, reason, what the program saw, the
# violations reported) and that way must be the safe one. The attacks: read
# host files (/etc/shadow, a host canary); write outside /tmp and /output; a
# TCP connect to a canary on the host's 127.0.0.1 and to the outside world;
# a fork bomb under the policy's pids limit until the deadline; a refused
# syscall, then sleeping past the deadline; 45 privileged calls and files
# (mount, unshare, setns, keyctl, bpf, perf_event_open, userfaultfd,
# io_uring, ptrace, modules, reboot, raw and packet sockets, /proc/1, writes
# to /proc/sys...) then past the deadline; signals to pid 1 and ptrace; the
# runner's exit message forged by a program that goes on; processes left
# behind (gone when the result comes).
#
# Outside checks, as tests/lib.sh's attack_end makes them: the host
# directory and its secret are untouched, the canary accepted nothing, the
# secret's token appears in no result and no log, no marker process is
# left, and nothing outlived the server: this test is a child subreaper, so
# a jail that outlived its worker would become its child.
import hashlib
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from serve_client import (Canary, Server, actjail_run, cmdline, is_, kill_marker, like, main,  # noqa: E402
                          make_policy, marker, ok, on_exit, own_children, proc_state, procs, result, subreaper,
                          wait_until, within)
import serve_client  # noqa: E402

READ_HOST = r"""import json, os
res = {}
for p in ("@SECRET@", "/../../..@SECRET@", "/etc/shadow", "/root/.bash_history", "/home/."):
    try:
        res[p] = open(p).read()[:40]
    except OSError as e:
        res[p] = e.errno
res["host dir"] = os.path.exists("@HOSTDIR@")
print(json.dumps(res))
"""

WRITE_OUTSIDE = r"""import errno, json, os
res = {}
for d in ("/", "/etc", "/usr", "/usr/bin", "/run", "/dev", "@HOSTDIR@"):
    for what, f in (("create", lambda: os.close(os.open(d + "/leak", os.O_WRONLY | os.O_CREAT, 0o644))),
                    ("mkdir", lambda: os.mkdir(d + "/leakdir")),
                    ("chmod", lambda: os.chmod(d, 0o777))):
        try:
            f()
            res[d + " " + what] = "ok"
        except OSError as e:
            res[d + " " + what] = errno.errorcode[e.errno]
for d in ("/tmp", "/dev/shm", "/output"):
    with open(d + "/written", "w") as f:
        res[d] = f.write("data")
print(json.dumps(res))
"""

NETWORK = r"""import json, socket
res = {}
for host in ("127.0.0.1", "::1", "localhost"):
    try:
        socket.create_connection((host, @PORT@), timeout=2).close()
        res[host] = "connected"
    except OSError as e:
        res[host] = e.errno
s = socket.socket()
try:
    s.connect(("192.0.2.10", 443))
    res["outside"] = "connected"
except OSError as e:
    res["outside"] = e.errno
print(json.dumps(res))
"""

FORK_BOMB = r"""import errno, json, os, time
kids, err = [], None
while len(kids) < 1000:
    try:
        pid = os.fork()
    except OSError as e:
        err = errno.errorcode[e.errno]
        break
    if pid == 0:
        try:
            os.execv("/usr/bin/sleep", ["sleep", "1000", "@MARK@"])
        finally:
            os._exit(127)
    kids.append(pid)
print(json.dumps({"fork_err": err, "below the limit": 10 < len(kids) < 32}), flush=True)
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.001)
"""

REFUSED_THEN_SLEEP = r"""import ctypes, errno, json, time
libc = ctypes.CDLL(None, use_errno=True)
res = {}
ctypes.set_errno(0)
r = libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)
res["mount"] = errno.errorcode[ctypes.get_errno()] if r < 0 else "mounted"
ctypes.set_errno(0)
r = libc.syscall(250, 1, 0, 0, 0, 0)  # keyctl(KEYCTL_JOIN_SESSION_KEYRING)
res["keyctl"] = errno.errorcode[ctypes.get_errno()] if r < 0 else "joined"
print(json.dumps(res), flush=True)
time.sleep(30)
print("woke up")
"""

PID1_PTRACE = r"""import ctypes, errno, json, os, signal, subprocess, time
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}
for s in (signal.SIGKILL, signal.SIGTERM):
    try:
        os.kill(1, s)
        res["kill 1 %d" % s] = "sent"
    except OSError as e:
        res["kill 1 %d" % s] = errno.errorcode[e.errno]
time.sleep(0.1)
os.kill(1, 0)
res["init alive"] = True
child = subprocess.Popen(["/usr/bin/sleep", "30"])
for who, pid in (("init", 1), ("child", child.pid)):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(101), ctypes.c_long(16), ctypes.c_long(pid), ctypes.c_long(0),
                     ctypes.c_long(0))
    res["attach " + who] = errno.errorcode[ctypes.get_errno()] if r < 0 else "attached"
child.kill()
child.wait()
print(json.dumps(res))
"""

# the runner's last words forged: the run must go on to the real end
FORGED_EXIT = r"""import json, os, time
os.write(3, b'{"op":"exit","status":0}\n')
print(json.dumps({"forged": True}), flush=True)
for i in range(30):
    with open("/output/late", "w") as f:
        f.write(str(i))
    time.sleep(0.02)
print("still here", flush=True)
os._exit(7)
"""

# processes left behind: gone before the result, whichever way it ran
LEFTOVERS = r"""import json, os, subprocess, time
subprocess.Popen(["/usr/bin/sleep", "1000", "@MARK@"], start_new_session=True)
subprocess.Popen(["/usr/bin/python3", "-c",
                  "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                  "while True:\n    open('/output/count', 'w').write(str(time.time())); time.sleep(0.001)",
                  "@MARK@"])
while not os.path.exists("/output/count"):
    time.sleep(0.01)
print(json.dumps({"left": 2}))
"""


PROBES = r"""import ctypes, errno, json, os, socket
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}
buf = ctypes.create_string_buffer(4096)
def sc(name, nr, *args):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    res[name] = "ok" if r >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
def py(name, fn):
    try:
        fn()
        res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode.get(e.errno, str(e.errno))
sc("mount", 165, b"none", b"/tmp", b"tmpfs", 0, 0)
sc("umount2", 166, b"/proc", 2)
sc("unshare(user)", 272, 0x10000000)
sc("unshare(mnt)", 272, 0x00020000)
sc("unshare(net)", 272, 0x40000000)
fd = os.open("/proc/self/ns/net", os.O_RDONLY)
sc("setns", 308, fd, 0)
os.close(fd)
sc("keyctl", 250, 1, 0, 0, 0, 0)
sc("add_key", 248, b"user", b"k", b"v", 1, -3)
sc("bpf", 321, 0, buf, 72)
sc("perf_event_open", 298, buf, 0, -1, -1, 0)
sc("userfaultfd", 323, 0)
sc("io_uring_setup", 425, 1, buf)
sc("ptrace(attach 1)", 101, 16, 1, 0, 0)
sc("process_vm_readv(1)", 310, 1, buf, 1, buf, 1, 0)
sc("name_to_handle_at", 303, -100, b"/etc", buf, buf, 0)
sc("open_by_handle_at", 304, -100, buf, 0)
sc("init_module", 175, buf, 16, b"")
sc("finit_module", 313, 0, b"", 0)
sc("kexec_load", 246, 0, 0, 0, 0)
sc("reboot", 169, 0xfee1dead, 672274793, 0x4321fedc, 0)
sc("swapon", 167, b"/tmp/x", 0)
sc("acct", 163, b"/tmp/acct")
sc("settimeofday", 164, buf, 0)
sc("iopl", 172, 3)
sc("ioperm", 173, 0x80, 1, 1)
sc("pivot_root", 155, b"/tmp", b"/tmp")
sc("syslog(read)", 103, 3, buf, 4096)
sc("chroot", 161, b"/tmp")
sc("mknod(char 1:1)", 133, b"/tmp/mem", 0o20600, (1 << 8) | 1)
sc("setuid(0)", 105, 0)
sc("setgid(0)", 106, 0)
sc("fanotify_init", 300, 0, 0)
sc("lookup_dcookie", 212, 0, buf, 16)
sc("quotactl", 179, 0, b"/", 0, buf)
sc("vhangup", 153)
py("socket(netlink)", lambda: socket.socket(16, socket.SOCK_RAW, 0).close())
py("socket(packet)", lambda: socket.socket(17, socket.SOCK_RAW, 0).close())
py("socket(raw inet)", lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, 1).close())
py("read /proc/1/environ", lambda: open("/proc/1/environ", "rb").read())
py("read /proc/1/root/etc", lambda: os.listdir("/proc/1/root/"))
py("read /proc/kcore", lambda: open("/proc/kcore", "rb").read(1))
py("write /proc/sys/kernel/hostname", lambda: open("/proc/sys/kernel/hostname", "w").write("x"))
py("write /proc/sys/user/max_user_namespaces", lambda: open("/proc/sys/user/max_user_namespaces", "w").write("9"))
py("open /dev/mem", lambda: open("/dev/mem", "rb"))
py("kill(1, SIGKILL)", lambda: os.kill(1, 9))
print(json.dumps(res, sort_keys=True), flush=True)
import time
time.sleep(30)
print("woke up")
"""

# what the jail may do of PROBES: its own netns's netlink; a signal to its
# init, which the kernel drops (the run goes on); every other call refused
PROBES_ALLOWED = {"socket(netlink)": "ok", "kill(1, SIGKILL)": "ok"}


def summary(r):
    """what must be the same whichever way the program ran"""
    if not r:
        return None
    try:
        seen = json.loads(r.get("stdout", "").splitlines()[0])
    except (ValueError, IndexError):
        seen = r.get("stdout")
    viol = sorted([v.get("kind"), v.get("syscall"), v.get("address"), v.get("count")]
                  for v in r.get("violations") or [])
    return {"status": r.get("status"), "reason": r.get("reason"), "seen": seen, "violations": viol}


def body():
    subreaper()
    T = serve_client.T
    host = os.path.join(T, "host")
    os.makedirs(os.path.join(host, "sub"))
    os.chmod(host, 0o777)
    os.chmod(os.path.join(host, "sub"), 0o777)
    token = "secret-" + os.urandom(12).hex()
    secret = os.path.join(host, "secret.txt")
    with open(secret, "w") as f:
        f.write(token + "\n")
    os.chmod(secret, 0o666)

    def host_state():
        h = hashlib.sha256()
        for dp, dns, fns in sorted(os.walk(host)):
            for n in sorted(dns + fns):
                st = os.lstat(os.path.join(dp, n))
                h.update(("%s %o %d %d\n" % (os.path.join(dp, n), st.st_mode, st.st_size, st.st_uid)).encode())
        h.update(open(secret, "rb").read())
        return h.hexdigest()
    before = host_state()
    canary = Canary()
    mark = marker()
    on_exit(lambda: kill_marker(r"^sleep 1000 %s$" % mark))
    on_exit(lambda: kill_marker(r"(?s)(sleep 1000 |python3 -c .* )%s$" % mark))
    pol = make_policy(os.path.join(T, "policy.json"), pids=32)
    S = Server("--pool", "2", "--concurrency", "2", "--policy", pol, name="a")
    c = S.client()
    everything = []  # every result and log, for the secret

    def subst(code):
        return (code.replace("@SECRET@", secret).replace("@HOSTDIR@", host)
                .replace("@PORT@", str(canary.port)).replace("@MARK@", mark))

    def three_ways(name, code, timeout, together=True):
        """run, warm, cold: {way: (result, seconds)}"""
        code = subst(code)
        out = {}

        def cli():
            t0 = time.monotonic()
            r, _rc, err = actjail_run(code, "--policy", pol, "--timeout", str(timeout))
            out["run"] = (r, time.monotonic() - t0)
            everything.append(json.dumps(r) + err)

        sent = {}

        def send(way):
            sent[way] = time.monotonic()
            extra = {"env": {"WAY": "cold"}} if way == "cold" else {}
            c.execute("%s-%s" % (name, way), code, timeout=timeout, **extra)

        def serve(way):
            m = c.done("%s-%s" % (name, way), timeout + 40)
            out[way] = (result(m) or m, time.monotonic() - sent[way])
            everything.append(json.dumps(m))
        th = threading.Thread(target=cli)
        ok(S.wait_pool(1), "%s: a warm jail is ready" % name)
        if together:
            th.start()
            send("warm")
            send("cold")
            serve("warm")
            serve("cold")
            th.join()
        else:
            send("warm")
            serve("warm")
            send("cold")
            serve("cold")
            th.start()
            th.join()
        is_((out["warm"][0].get("start"), out["cold"][0].get("start")), ("warm", "cold"),
            "%s: the server ran it warm and cold" % name)
        want = summary(out["run"][0])
        ok(want is not None, "%s: actjail run gave a result" % name)
        is_(summary(out["warm"][0]), want, "%s: warm: the same outcome as actjail run" % name)
        is_(summary(out["cold"][0]), want, "%s: cold: the same outcome as actjail run" % name)
        return out, want or {"seen": {}}

    # ---- reading host files ----------------------------------------------------------------------
    out, w = three_ways("read", READ_HOST, 20)
    is_(w.get("status"), "ok", "read: the program ran")
    is_(sorted(set(v for k, v in w["seen"].items() if k != "host dir")), [2],
        "read: every host path, /etc/shadow included, is ENOENT inside")
    is_(w["seen"].get("host dir"), False, "read: the host directory does not exist inside")

    # ---- writing outside /tmp and /output ------------------------------------------------------------
    out, w = three_ways("write", WRITE_OUTSIDE, 20)
    is_(w.get("status"), "ok", "write: the program ran")
    seen = w["seen"]
    is_(sorted(set(v for k, v in seen.items() if k.split()[0] in ("/", "/etc", "/usr", "/usr/bin", "/run", "/dev"))),
        ["EROFS"], "write: create, mkdir, chmod in /, /etc, /usr, /run, /dev: EROFS")
    is_(sorted(set(v for k, v in seen.items() if k.startswith(host))), ["ENOENT"],
        "write: the host directory's path is not there")
    is_([seen.get(d) for d in ("/tmp", "/dev/shm", "/output")], [4, 4, 4], "write: control: /tmp, /dev/shm, /output take data")
    is_([out[way][0].get("output_files") for way in ("warm", "cold")], [{"written": "ZGF0YQ=="}] * 2,
        "write: the server returns /output/written, warm and cold")

    # ---- the network: the host's loopback canary and the outside ------------------------------------------
    out, w = three_ways("net", NETWORK, 20)
    is_(w.get("status"), "ok", "net: the program ran")
    seen = w["seen"]
    ok(all(v != "connected" for v in seen.values()), "net: no connect succeeded", json.dumps(seen))
    is_(seen.get("127.0.0.1"), 111, "net: the canary's port on 127.0.0.1 is refused (the jail's own lo)")
    is_([v[:3] for v in w.get("violations", [])], [["network", "connect", "192.0.2.10:443"]],
        "net: the outside connect is reported, the loopback ones are not")
    is_(canary.hits, 0, "net: the host's canary accepted nothing")

    # ---- a fork bomb under the pids limit, until the deadline ------------------------------------------------
    out, w = three_ways("bomb", FORK_BOMB, 3, together=False)
    is_((w.get("status"), w.get("reason")), ("timeout", "wall_time"), "bomb: ends at its deadline (timeout, wall_time)")
    is_(w["seen"], {"fork_err": "EAGAIN", "below the limit": True}, "bomb: fork refused (EAGAIN) below 32 processes")
    for way in ("run", "warm", "cold"):
        within(out[way][1], 2.5, 15, "bomb (%s): ended in time (%.1f s)" % (way, out[way][1]))
    ok(wait_until(lambda: not procs(r"^sleep 1000 %s$" % mark), 5), "bomb: no process of it is left")
    m = c.run("after-bomb", "import os; print(os.fork() > 0 or os._exit(0))", timeout=10)[0]
    is_((result(m).get("status"), result(m).get("stdout")), ("ok", "True\n"), "bomb: the server's next jail forks")

    # ---- a refused syscall, then past the deadline -----------------------------------------------------------
    out, w = three_ways("refused", REFUSED_THEN_SLEEP, 2)
    is_((w.get("status"), w.get("reason")), ("timeout", "wall_time"), "refused: ends at its deadline")
    is_(w["seen"], {"mount": "EPERM", "keyctl": "EPERM"}, "refused: mount and keyctl: EPERM")
    is_(sorted(v[1] for v in w.get("violations", [])), ["keyctl", "mount"], "refused: both reported as violations")
    for way in ("run", "warm", "cold"):
        within(out[way][1], 1.8, 8, "refused (%s): at the deadline of 2 s (%.1f s)" % (way, out[way][1]))
    ok(all("woke up" not in (out[way][0].get("stdout") or "") for way in out), "refused: the program never woke up")

    # ---- forty-five privileged calls and files, then past the deadline -----------------------------------
    out, w = three_ways("probes", PROBES, 3)
    is_((w.get("status"), w.get("reason")), ("timeout", "wall_time"),
        "probes: after 45 probes, most of them reported refusals, the run ends at its deadline")
    seen = w.get("seen") if isinstance(w.get("seen"), dict) else {}
    is_(len(seen), 45, "probes: every probe ran")
    is_({k: v for k, v in seen.items() if v == "ok"}, PROBES_ALLOWED,
        "probes: mount, unshare, setns, keyctl, bpf, perf, userfaultfd, io_uring, ptrace, modules, "
        "reboot, raw and packet sockets, /proc/1, /proc/sys writes...: all refused")
    ok(len(w.get("violations", [])) >= 25, "probes: the refusals are reported (%d kinds)" % len(w.get("violations", [])))
    for way in ("run", "warm", "cold"):
        within(out[way][1], 2.8, 10, "probes (%s): at the deadline of 3 s (%.1f s)" % (way, out[way][1]))
    ok(all("woke up" not in (out[way][0].get("stdout") or "") for way in out), "probes: the program never woke up")

    # ---- signals to pid 1, ptrace ---------------------------------------------------------------------------
    out, w = three_ways("pid1", PID1_PTRACE, 20)
    is_(w.get("status"), "ok", "pid1: the program ran")
    is_(w["seen"], {"kill 1 9": "sent", "kill 1 15": "sent", "init alive": True,
                    "attach init": "EPERM", "attach child": "EPERM"},
        "pid1: SIGKILL and SIGTERM to pid 1 change nothing; ptrace attach: EPERM")
    is_([v[1:] for v in w.get("violations", [])], [["ptrace", None, 2]], "pid1: ptrace reported twice")

    # ---- the runner's exit message forged, then the program goes on ------------------------------------------
    out, w = three_ways("forged", FORGED_EXIT, 20)
    is_(w["seen"], {"forged": True}, "forged exit: the program ran")
    is_([(out[way][0].get("exit_code"), out[way][0].get("stdout", "").endswith("still here\n"))
         for way in ("run", "warm", "cold")], [(7, True)] * 3,
        "forged exit: run, warm and cold end at the real exit (7), with what came after")
    is_([out[way][0].get("output_files", {}).get("late") for way in ("warm", "cold")], ["Mjk="] * 2,
        "forged exit: the server returns the file as last written (29), warm and cold")

    # ---- processes left behind -------------------------------------------------------------------------------
    out, w = three_ways("leftovers", LEFTOVERS, 20)
    is_((w.get("status"), w["seen"]), ("ok", {"left": 2}), "leftovers: the program ran and ended")
    is_(procs(r"(?s)(sleep 1000 |python3 -c .* )%s$" % mark), [],
        "leftovers: none of them runs once the three results are in (no waiting)")
    # (as it was when the writer died: maybe just truncated, so maybe empty)
    ok(all("count" in (out[way][0].get("output_files") or {}) for way in ("warm", "cold")),
       "leftovers: the writer's file is returned, warm and cold")

    # ---- outside -----------------------------------------------------------------------------------------------
    is_(S.health().get("ok"), True, "outside: the server is healthy after all of it")
    c.close()
    is_(S.stop(), 0, "outside: the server exits 0")
    everything.append(S.stderr())
    is_(host_state(), before, "outside: the host directory and its secret are untouched")
    is_(canary.hits, 0, "outside: the host's loopback canary saw no connection")
    ok(not any(token in e for e in everything), "outside: the host secret appears in no result and no log")
    left = wait_until(lambda: not own_children(), 5)
    ok(left, "outside: nothing outlived the server (no orphan reparented to this test)",
       lambda: "\n".join("%d [%s] %s" % (p, proc_state(p), cmdline(p)) for p in own_children()))
    like(S.stderr(), r'"event":"stop"', "outside: the server's log ends with stop")


main(body)
