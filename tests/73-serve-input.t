#!/usr/bin/python3
# 73-serve-input.t - input files of `actjail serve` requests in warm jails
# (docs/serve.md "Warm and cold"): the worker writes them into the jail's
# /input at the hand-over, through a writable copy of that tmpfs which never
# enters the jail; the jail sees them read-only.
#
# Checked from inside (what the program reads and may do) and from outside
# (the result, the host's mount table, what is left after the server): the
# files arrive byte for byte in a warm jail, as in a cold one (whose worker
# copies them into a tmpfs of the same kind before the code goes, run
# --input-files: no host path in its mount table); /input refuses every
# change, warm and cold; /input exists and is empty without files, warm and cold; a
# request whose files would not fit one hand-over runs cold and says why; a
# worker refuses a go naming a file outside /input, and nothing is written;
# the deadline counts from the hand-over, after the files are written; a
# cancel during the hand-over of 8 MiB ends the execution at once and leaves
# nothing; the program's own main.py is there warm as cold; and a
# run with files that is refused a syscall, then sleeps past its deadline,
# ends as a timeout with nothing left running, warm and cold.
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from serve_client import (ACTJAIL, Server, actjail_run, b64, is_, like, main, make_policy, marker,  # noqa: E402
                          marker_code, marker_pattern, ok, procs, result, status, wait_until, within)
import serve_client  # noqa: E402

READER = r"""import hashlib, json, os, stat
out = {}
for n in sorted(os.listdir('/input')):
    st = os.lstat('/input/' + n)
    out[n] = [st.st_size, stat.S_IMODE(st.st_mode), stat.S_ISREG(st.st_mode),
              hashlib.sha256(open('/input/' + n, 'rb').read()).hexdigest()]
print(json.dumps(out, sort_keys=True))
"""

CHANGER = r"""import errno, json, os
res = {}
def attempt(name, fn):
    try:
        fn()
        res[name] = 'ALLOWED'
    except OSError as e:
        res[name] = errno.errorcode.get(e.errno, str(e.errno))
attempt('append', lambda: open('/input/a.txt', 'a').write('x'))
attempt('truncate', lambda: os.truncate('/input/a.txt', 0))
attempt('create', lambda: open('/input/new.txt', 'w'))
attempt('chmod', lambda: os.chmod('/input/a.txt', 0o777))
attempt('unlink', lambda: os.unlink('/input/a.txt'))
attempt('rename', lambda: os.rename('/input/a.txt', '/input/b.txt'))
attempt('mkdir', lambda: os.mkdir('/input/d'))
attempt('symlink', lambda: os.symlink('/etc/passwd', '/input/l'))
attempt('utime', lambda: os.utime('/input/a.txt', (0, 0)))
res['rdonly'] = bool(os.statvfs('/input').f_flag & os.ST_RDONLY)
res['content'] = open('/input/a.txt').read()
print(json.dumps(res, sort_keys=True))
"""


MAIN_PROG = r"""import errno, hashlib, json, multiprocessing, os, stat, sys
def sq(x):
    return x * x
if __name__ == "__main__":
    st = os.stat(__file__)
    w = []
    for f in (lambda: open(__file__, "a").write("x"), lambda: os.chmod(__file__, 0o666)):
        try:
            f()
            w.append("ALLOWED")
        except OSError as e:
            w.append(errno.errorcode.get(e.errno, str(e.errno)))
    with multiprocessing.get_context("spawn").Pool(2) as p:
        r = p.map(sq, [1, 2, 3])
    print(json.dumps([__file__, sys.argv[0], hashlib.sha256(open(__file__, "rb").read()).hexdigest(),
                      oct(stat.S_IMODE(st.st_mode)), st.st_uid, w, r]))
"""


def expected(files):
    import hashlib
    return {n: [len(d), 0o644, True, hashlib.sha256(d).hexdigest()] for n, d in files.items()}


def host_mounts():
    with open("/proc/self/mountinfo") as f:
        return sorted(line.split(" - ")[0].split()[4] for line in f)


def body():
    mounts_before = host_mounts()
    W = Server("--pool", "1", "--concurrency", "2", name="warm")
    C = Server("--pool", "0", "--concurrency", "2", name="cold")
    w, c = W.client(), C.client()

    # ---- the files arrive, warm as cold ---------------------------------------------
    files = {"a.txt": b"hello\n", "all-bytes.bin": bytes(range(256)) * 40, "empty": b"",
             "name with spaces and \u00e9": b"utf-8 name\n"}
    req = {k: b64(v) for k, v in files.items()}
    ok(W.wait_pool(1), "warm: a jail is ready")
    m, _ = w.run("r1", READER, input=req)
    r = result(m)
    is_((status(m), r.get("start"), r.get("start_reason")), ("ok", "warm", None),
        "warm: a request with input files runs warm")
    is_(json.loads(r.get("stdout") or "null"), expected(files),
        "warm: every file is at /input: size, mode 0644, a regular file, byte for byte")
    m, _ = c.run("r1", READER, input=req)
    r = result(m)
    is_((status(m), r.get("start")), ("ok", "cold"), "cold: the same request")
    is_(json.loads(r.get("stdout") or "null"), expected(files), "cold: ...reads the same files")

    # ---- /input refuses every change -----------------------------------------------
    want = {"append": "EROFS", "truncate": "EROFS", "create": "EROFS", "chmod": "EROFS",
            "unlink": "EROFS", "rename": "EROFS", "mkdir": "EROFS", "symlink": "EROFS",
            "utime": "EROFS", "rdonly": True, "content": "hello\n"}
    ok(W.wait_pool(1), "warm: a jail is ready again")
    m, _ = w.run("r2", CHANGER, input={"a.txt": b64(b"hello\n")})
    r = result(m)
    is_(r.get("start"), "warm", "read-only: warm")
    is_(json.loads(r.get("stdout") or "null"), want,
        "read-only: append, truncate, create, chmod, unlink, rename, mkdir, symlink, utime: EROFS; "
        "the file is unchanged")
    m, _ = c.run("r2", CHANGER, input={"a.txt": b64(b"hello\n")})
    r = result(m)
    is_((r.get("start"), json.loads(r.get("stdout") or "null")), ("cold", want),
        "read-only: a cold jail's /input refuses the same (a tmpfs of its own, as warm)")
    m, _ = c.run("r2b", "import os; print(open('/proc/self/mountinfo').read()); "
                 "print([(os.stat('/input/a.txt').st_uid, os.stat('/input').st_uid)])",
                 input={"a.txt": b64(b"hello\n")})
    out = result(m).get("stdout") or ""
    mi = [ln for ln in out.splitlines() if " /input " in ln]
    ok(len(mi) == 1 and mi[0].split()[3] == "/" and "tmpfs" in mi[0] and "actjail" not in out.split("[(")[0],
       "cold: /input is a tmpfs of the jail's own; no host path of the server's appears in its mount table",
       lambda: out)
    like(out, r"\[\(1000, 1000\)\]", "cold: the files and /input belong to the jail's user, as warm")
    ref, _, _ = actjail_run("print(1)")
    is_((r.get("enforced") or {}).get("writable_mounts"), ((ref or {}).get("enforced") or {}).get("writable_mounts"),
        "read-only: the self-check counts as many writable mounts as in actjail run's jail")

    # ---- without files: /input is there, empty, warm and cold -------------------------
    ok(W.wait_pool(1), "warm: ready")
    lister = "import os; print(sorted(os.listdir('/input')), os.path.isdir('/input'))"
    mw, _ = w.run("r3", lister)
    mc, _ = c.run("r3", lister)
    is_((result(mw).get("start"), result(mw).get("stdout")), ("warm", "[] True\n"),
        "no files: a warm jail's /input is an empty directory")
    is_((result(mc).get("start"), result(mc).get("stdout")), ("cold", "[] True\n"),
        "no files: ...and so is a cold one's")

    # ---- the program's own file: main.py, warm as cold ---------------------------------
    # A warm jail is built before its code exists: the worker writes main.py at
    # the hand-over (through a writable copy of /run/actjail, as /input's
    # files), so __file__ is there for spawn and forkserver workers to
    # re-import, read-only, as in a cold jail and under actjail run.
    ok(W.wait_pool(1), "warm: ready")
    mw, _ = w.run("r3m", MAIN_PROG, wait=60)
    mc, _ = c.run("r3m", MAIN_PROG, wait=60)
    want = ["/run/actjail/main.py", "/run/actjail/main.py",
            hashlib.sha256(MAIN_PROG.encode()).hexdigest(), "0o444", 1000, ["EACCES", "EROFS"], [1, 4, 9]]
    for what, m in (("warm", mw), ("cold", mc)):
        r = result(m)
        got = (status(m), r.get("start"), json.loads(r.get("stdout") or "null"))
        ok(got == ("ok", what, want),
           "%s: __file__ and argv[0] are /run/actjail/main.py, the program byte for byte, 0444, "
           "the jail user's, closed to writes (EACCES) and to its owner's chmod (EROFS); a spawn Pool "
           "re-imports it" % what,
           lambda: "got:  %s\nwant: %s\nstderr: %s" % (got, ("ok", what, want), r.get("stderr")))

    # ---- the deadline counts once the files are written ------------------------------
    big = os.urandom(6 << 20)
    ok(W.wait_pool(1), "warm: ready")
    t0 = time.monotonic()
    m, _ = w.run("r4", "import hashlib, time\nt = time.monotonic()\n"
                 "print(hashlib.sha256(open('/input/big', 'rb').read()).hexdigest())",
                 input={"big": b64(big)}, timeout=2, wait=60)
    r = result(m)
    is_((status(m), r.get("start"), (r.get("stdout") or "").strip()),
        ("ok", "warm", hashlib.sha256(big).hexdigest()),
        "big input: 6 MiB arrive whole in a warm jail, within a 2 s deadline")
    serve_client.diag("6 MiB request: %.0f ms end to end" % ((time.monotonic() - t0) * 1000))

    # ---- a cancel while the files are handed over ----------------------------------------
    # 8 MiB of files take the worker a while to decode and write: the cancel
    # comes meanwhile (or just after, when the program has started), and the
    # execution ends at once, cancelled or killed, with nothing of it left.
    mark = marker()
    ok(W.wait_pool(1), "warm: ready")
    workdir = None
    for cmd in W.workers().values():
        mm = re.search(r"--policy (\S+)/policy-\d+\.json", cmd)
        workdir = workdir or (mm and mm.group(1))
    t0 = time.monotonic()
    w.execute("r4c", marker_code(mark), input={"a": b64(os.urandom(4 << 20)), "b": b64(os.urandom(4 << 20))},
              timeout=30)
    w.send({"op": "cancel", "id": "r4c"})
    m = w.wait(lambda x: x.get("id") == "r4c" and x.get("op") in ("done", "error"), 30)
    took = time.monotonic() - t0
    got = (m or {}).get("code") if (m or {}).get("op") == "error" else status(m)
    ok(got in ("cancelled", "killed"), "cancel during the hand-over of 8 MiB of files: the execution ends "
       "cancelled or killed (%s, after %.2f s)" % (got, took), lambda: json.dumps(m)[:400])
    within(took, 0, 10, "cancel during the hand-over: answered within 10 s, not at the 30 s deadline")
    ok(wait_until(lambda: not procs(marker_pattern(mark)), 10) is not None,
       "cancel during the hand-over: no process of the program is left")
    ok(wait_until(lambda: len(W.workers()) == 1 and workdir and
                  len([d for d in os.listdir(workdir) if d.startswith("job-")]) == 1, 20) is not None,
       "cancel during the hand-over: its worker and work directory are gone (one warm jail left)",
       lambda: "workers %s, in %s: %s" % (W.workers(), workdir, workdir and os.listdir(workdir)))
    ok(W.wait_pool(1), "cancel during the hand-over: the pool is refilled")
    m, _ = w.run("r4d", "print(open('/input/x').read(), end='')", input={"x": b64(b"after\n")})
    is_((status(m), result(m).get("start"), result(m).get("stdout")), ("ok", "warm", "after\n"),
        "cancel during the hand-over: the next request with files runs warm")

    # ---- too large for one hand-over: cold, and it says why -----------------------------
    pol = make_policy(os.path.join(serve_client.T, "small.json"), max_message_bytes=65536)
    S = Server("--pool", "1", "--policy", pol, name="small")
    s = S.client()
    ok(S.wait_pool(1), "small go lines: a jail is ready")
    blob = os.urandom(60000)
    m, _ = s.run("r5", READER, input={"blob": b64(blob)})
    r = result(m)
    is_((status(m), r.get("start")), ("ok", "cold"), "too large: 60 KB of files with 64 KiB go lines run cold")
    like(r.get("start_reason"), r"too large for a warm hand-over", "too large: ...and start_reason says why")
    is_(json.loads(r.get("stdout") or "null"), expected({"blob": blob}), "too large: ...with the file whole")
    m, _ = s.run("r6", READER, input={"small": b64(b"x" * 1000)})
    is_(result(m).get("start"), "warm", "too large: a small file with the same policy runs warm")
    ok(S.wait_pool(1), "small go lines: ready again")
    many = {"f%03d" % i: bytes([i]) * 300 for i in range(100)}
    m, _ = s.run("r6b", READER, input={k: b64(v) for k, v in many.items()})
    r = result(m)
    is_((status(m), r.get("start")), ("ok", "warm"),
        "100 files of 300 bytes in 64 KiB go lines: warm (the tmpfs has a page for each file)")
    is_(json.loads(r.get("stdout") or "null"), expected(many), "100 files: ...every one whole")

    # ---- as root, a policy giving each jail its own host uid: the files are still its user's ----
    if os.getuid() == 0:
        upol = os.path.join(serve_client.T, "uidrange.json")
        with open(serve_client.DEFAULT_POLICY) as f:
            pj = json.load(f)
        pj["name"] = "uid-range"
        pj.setdefault("identity", {})["uid_range"] = [3100000, 64]
        with open(upol, "w") as f:
            json.dump(pj, f)
        os.chmod(upol, 0o644)
        U = Server("--pool", "1", "--policy", upol, name="uidrange")
        ok(U.wait_pool(1), "uid range: a jail is ready")
        m, _ = U.client().run("r8", READER + "print(os.getuid(), os.stat('/input/a.txt').st_uid)\n",
                              input={"a.txt": b64(b"hello\n")})
        r = result(m)
        is_((status(m), r.get("start"), (r.get("enforced") or {}).get("uid_map")), ("ok", "warm", "1000:3100000"),
            "uid range: warm, the jail's user is host uid 3100000")
        is_((r.get("stdout") or "").splitlines()[1:], ["1000 1000"],
            "uid range: ...and the input file belongs to it (written as that uid)")
        is_(U.stop(), 0, "uid range: the server exits 0")
    else:
        serve_client.skip("uid range", "a policy's uid_range needs root")

    # ---- combined, and past the deadline: files, a refused syscall, a child, a sleep ----
    for how, srv, cl in (("warm", W, w), ("cold", C, c)):
        mark = marker()
        code = ("import ctypes, errno\n"
                "print(open('/input/a.txt').read().strip(), flush=True)\n"
                "libc = ctypes.CDLL(None, use_errno=True)\n"
                "r = libc.mount(b'none', b'/input', b'tmpfs', 32, None)  # MS_REMOUNT\n"
                "print('mount', errno.errorcode.get(ctypes.get_errno()) if r else 'DONE', flush=True)\n"
                + marker_code(mark, then="time.sleep(30)"))
        if how == "warm":
            ok(srv.wait_pool(1), "combined: ready")
        t0 = time.monotonic()
        # cold, the deadline counts from the jail's creation: room for its setup
        m, _ = cl.run("r7" + how, code, input={"a.txt": b64(b"first\n")},
                      timeout=1.5 if how == "warm" else 3, wait=60)
        took = time.monotonic() - t0
        r = result(m)
        is_((status(m), r.get("reason"), r.get("start")), ("timeout", "wall_time", how),
            "combined (%s): a run with files, a refused mount and a child ends at its deadline" % how)
        is_((r.get("stdout") or "").splitlines()[:3], ["first", "mount EPERM", "started"],
            "combined (%s): ...after reading its file and being refused the remount" % how)
        ok(took < 12, "combined (%s): ...not at the 30 s sleep (%.1f s)" % (how, took))
        ok("mount" in [v.get("syscall") for v in r.get("violations") or []],
           "combined (%s): the mount is a violation" % how)
        ok(wait_until(lambda: not procs(marker_pattern(mark)), 10), "combined (%s): its child is gone" % how)

    # ---- a worker refuses a go naming a file outside /input ------------------------------
    bad_names = ["../escape", "a/b", ".hidden", "", "new\nline"]
    outcomes = []
    for name in bad_names:
        a, b = socket.socketpair()
        p = subprocess.Popen([ACTJAIL, "run", "--json", "--warm-fd", str(b.fileno())],
                             pass_fds=[b.fileno()], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        b.close()
        f = a.makefile("rb")
        ready = json.loads(f.readline() or "null")
        go = {"op": "go", "code": "print('ran')", "timeout_ms": 5000, "memory_mib": 256,
              "tools": None, "input": {name: b64(b"x"), "fine.txt": b64(b"y")}}
        a.sendall((json.dumps(go) + "\n").encode())
        out, err = p.communicate(timeout=60)
        a.close()
        try:
            res = json.loads(out)
        except ValueError:
            res = {}
        outcomes.append((ready and ready.get("op"), res.get("stdout"), res.get("status") != "ok"))
    is_(outcomes, [("ready", "", True)] * len(bad_names),
        "bad go: '../escape', 'a/b', '.hidden', '' and a newline: the worker was ready, "
        "refused the go, and the program never ran")

    # ---- the cold worker's option, directly: what --input-files refuses -------------
    d = os.path.join(serve_client.T, "inf")
    os.makedirs(d)
    with open(os.path.join(d, "ok.txt"), "w") as f:
        f.write("fine\n")
    r, rc, err = actjail_run("print(open('/input/ok.txt').read(), end='')", "--input-files", d)
    is_((rc, (r or {}).get("stdout")), (0, "fine\n"), "--input-files: a directory's files at /input")
    cases = []
    for what, make in (("a subdirectory", lambda p: os.mkdir(p)),
                       ("a symlink", lambda p: os.symlink("/etc/passwd", p)),
                       ("a fifo", lambda p: os.mkfifo(p)),
                       ("a hidden name", None)):
        bad = os.path.join(serve_client.T, "bad-%d" % len(cases))
        os.makedirs(bad)
        make(os.path.join(bad, "x")) if make else open(os.path.join(bad, ".x"), "w").close()
        r, rc, err = actjail_run("print(1)", "--input-files", bad)
        cases.append((what, rc, r is None and "--input-files" in err))
    many = os.path.join(serve_client.T, "many")
    os.makedirs(many)
    for i in range(101):
        open(os.path.join(many, "f%d" % i), "w").close()
    r, rc, err = actjail_run("print(1)", "--input-files", many)
    cases.append(("101 files", rc, r is None and "100 files" in err))
    r, rc, err = actjail_run("print(1)", "--input-files", d, "--input", d)
    cases.append(("with --input", rc, r is None and "--input-files" in err))
    is_(cases, [(w, 2, True) for w in ("a subdirectory", "a symlink", "a fifo", "a hidden name",
                                       "101 files", "with --input")],
        "--input-files: a subdirectory, a symlink, a fifo, a hidden name, 101 files, or beside "
        "--input: a usage error naming it, and nothing runs")

    # ---- outside: nothing left ------------------------------------------------------
    for srv in (W, C, S):
        is_(srv.stop(), 0, "%s: the server exits 0" % srv.name)
    is_(host_mounts(), mounts_before, "outside: the host's mount table is as before")


main(body)
