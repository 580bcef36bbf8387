#!/usr/bin/python3
# 46-end.t - the end of a run: when the program ends, the jail's init kills
# and reaps whatever the program left behind, and only then reports; the
# launcher answers on that report, before the init has finished tearing the
# namespaces down, and reaps the init after the result (jail/spawn.c
# end_and_report, jail/supervise.c supervise_reap_late). So:
#   - when the result can be read, nothing the program started runs any more
#     (a process that ignores SIGTERM, one in its own session, one writing to
#     /output in a loop, one holding stdout open), seen from the host;
#   - what they wrote before is in the result, and nothing after;
#   - the launcher leaves no process behind once it exits;
#   - cpu_ms and memory_peak_kib still count every process the jail reaped,
#     with cgroups and without them (--no-cgroup: from the init's report only);
#   - as `run` and as `exec`.
# And the runner's last words, {"op":"exit"}: with a cgroup, the run may end
# on them before the kernel has torn the runner down, but only when /proc
# shows that nothing else is left (jail/exitseen.c). Forged by a program that
# goes on (and then runs past its deadline), said before the main thread
# alone exits while another thread works on, said with a child left
# running, or under a policy that lets io_uring run: each ends as it would
# without the hint, with the real status, output and files.
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from serve_client import (ACTJAIL, is_, kill_marker, like, main, marker, ok, on_exit,  # noqa: E402
                          procs)
import serve_client  # noqa: E402

LEFTOVERS = r"""
import os, signal, subprocess, sys, time
mark = sys.argv[1] if len(sys.argv) > 1 else MARK
# 1. ignores SIGTERM, in its own session
subprocess.Popen(["/usr/bin/python3", "-c",
                  "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)",
                  "987.%s.ignorer" % mark], start_new_session=True)
# 2. writes to /output in a loop, forever
subprocess.Popen(["/usr/bin/python3", "-c",
                  "import os, sys\nn = 0\nwhile True:\n    n += 1\n"
                  "    with open('/output/count.tmp', 'w') as f: f.write(str(n))\n"
                  "    os.replace('/output/count.tmp', '/output/count')\n",
                  "987.%s.writer" % mark])
# 3. holds stdout open, printing
subprocess.Popen(["/usr/bin/python3", "-c",
                  "import time\nwhile True:\n    print('tick', flush=True); time.sleep(0.01)",
                  "987.%s.ticker" % mark])
while not os.path.exists("/output/count"):
    time.sleep(0.01)
time.sleep(0.2)
print("main done", flush=True)
"""


def run_and_look(mode, mark, extra=()):
    """Start the launcher, read its result, and look at the host at once:
    (result, marker processes alive at the moment the result was read,
    launcher's exit code, marker processes alive after it exited)."""
    out = os.path.join(serve_client.T, "out-%s" % mode)
    os.makedirs(out, exist_ok=True)
    os.chmod(out, 0o777)
    code = LEFTOVERS.replace("MARK", repr(mark))
    if mode == "run":
        argv = [ACTJAIL, "run", "--json", "--timeout", "20", "--output", out, *extra, "-"]
        stdin = code.encode()
    else:
        prog = os.path.join(serve_client.T, "leftovers.py")
        with open(prog, "w") as f:
            f.write(code)
        os.chmod(prog, 0o644)
        argv = [ACTJAIL, "exec", "--json", "--timeout", "20", "--output", out,
                "--input", serve_client.T, *extra, "--", "/usr/bin/python3", "/input/leftovers.py", mark]
        stdin = b""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(stdin)
    p.stdin.close()
    raw = p.stdout.read()  # to the launcher's close of stdout, right after the result
    alive_at_result = procs(r"987\.%s\." % mark)
    rc = p.wait(60)
    err = p.stderr.read().decode(errors="replace")
    try:
        r = json.loads(raw)
    except ValueError:
        r = {"unparsed": raw.decode(errors="replace"), "stderr": err}
    return r, alive_at_result, rc, procs(r"987\.%s\." % mark), out


def body():
    for mode in ("run", "exec"):
        mark = marker()
        on_exit(lambda m=mark: kill_marker(r"987\.%s\." % m))
        r, at_result, rc, after, out = run_and_look(mode, mark)
        is_((rc, r.get("status"), r.get("exit_code")), (0, "ok", 0),
            "%s: the program's end is the run's end, though it left processes behind" % mode)
        is_(at_result, [], "%s: when the result can be read, none of them runs (seen from the host)" % mode)
        is_(after, [], "%s: ...and none once the launcher has exited" % mode)
        like(r.get("stdout", ""), r"tick\n(.|\n)*main done\n", "%s: the output written before the end is kept" % mode)
        with open(os.path.join(out, "count")) as f:
            first = f.read()
        ok(first.isdigit() and int(first) > 0, "%s: the writer's file is captured (%r)" % (mode, first))
        time.sleep(0.3)
        with open(os.path.join(out, "count")) as f:
            is_(f.read(), first, "%s: the captured file does not change afterwards" % mode)
        init_left = [p for p in serve_client.own_children() if p != os.getpid()]
        is_(init_left, [], "%s: the launcher reaped its jail's init before it exited" % mode)

    # usage counts every process the jail reaped, with and without cgroups
    burn = ("import os, time\n"
            "def spin(s):\n    t = time.process_time()\n    while time.process_time() - t < s: pass\n"
            "pid = os.fork()\n"
            "if pid == 0:\n    spin(0.3); os._exit(0)\n"
            "x = bytearray(64 << 20)\nfor i in range(0, len(x), 4096): x[i] = 1\n"
            "spin(0.3); os.waitpid(pid, 0)\n")
    for extra in ((), ("--no-cgroup",)):
        p = subprocess.run([ACTJAIL, "run", "--json", *extra, "-"], input=burn.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        try:
            r = json.loads(p.stdout)
        except ValueError:
            r = {}
        name = " ".join(extra) or "as configured"
        is_(r.get("status"), "ok", "usage (%s): the run is ok" % name)
        ok((r.get("cpu_ms") or 0) >= 500,
           "usage (%s): cpu_ms counts the program and its child (%s ms for 2 x 300)" % (name, r.get("cpu_ms")))
        ok((r.get("memory_peak_kib") or 0) >= 64 * 1024,
           "usage (%s): memory_peak_kib counts the 64 MiB touched (%s KiB)" % (name, r.get("memory_peak_kib")))


SEEN = "program exiting (seen from the launcher)"


def verbose_run(code, *extra, timeout=60):
    """`actjail run --json --verbose` of code: (result, stderr, wall seconds)"""
    t0 = time.monotonic()
    p = subprocess.run([ACTJAIL, "run", "--json", "--verbose", *extra, "-"], input=code.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    took = time.monotonic() - t0
    try:
        r = json.loads(p.stdout)
    except ValueError:
        r = {"unparsed": p.stdout.decode(errors="replace")}
    return r, p.stderr.decode(errors="replace"), took


def captured(out, name):
    """a captured file's text, None if it is not there"""
    try:
        with open(os.path.join(out, name)) as f:
            return f.read()
    except OSError:
        return None


def exit_hint_checks():
    """The runner's {"op":"exit"} is a hint: the run ends on it only when
    /proc shows nothing but that exit is left (jail/exitseen.c); a program
    that forges it, or leaves a thread or a child behind, ends as always."""
    out = os.path.join(serve_client.T, "out-hint")
    os.makedirs(out, exist_ok=True)
    os.chmod(out, 0o777)
    cgroups = os.geteuid() == 0

    # the plain case: the status is the program's, the output whole. The
    # hint is looked for 1 ms: a runner descheduled between its message
    # and its exit misses it, so of five runs one must take it.
    seen = []
    for _ in range(5):
        r, err, _ = verbose_run("print('x' * 70000)\nimport sys; sys.exit(3)\n")
        seen.append(SEEN in err)
        if (r.get("status"), r.get("exit_code"), len(r.get("stdout", ""))) != ("error", 3, 70001):
            break
    is_((r.get("status"), r.get("exit_code"), len(r.get("stdout", ""))), ("error", 3, 70001),
        "exit hint: sys.exit(3) ends with exit_code 3 and the output whole")
    if cgroups:
        ok(any(seen), "exit hint: ...and the run ended on the runner's exit, before its teardown (%s)" % seen)
    else:
        ok(not any(seen), "exit hint: ...and without a cgroup the run ends on the init's report")

    # forged, then the program goes on: writes, prints, and exits with 7
    forged = ("import os, time\n"
              "os.write(3, b'{\"op\":\"exit\",\"status\":0}\\n')\n"
              "for i in range(30):\n"
              "    open('/output/late', 'w').write(str(i)); time.sleep(0.02)\n"
              "print('still here', flush=True)\n"
              "os._exit(7)\n")
    r, err, _ = verbose_run(forged, "--output", out)
    is_((r.get("exit_code"), r.get("stdout"), captured(out, "late")), (7, "still here\n", "29"),
        "forged exit hint: the run goes on to the real exit (7), output and files whole")
    ok(SEEN not in err, "forged exit hint: ...the launcher did not take it")

    # forged, then run past the deadline: still a timeout at the deadline
    r, err, took = verbose_run("import os, time\nos.write(3, b'{\"op\":\"exit\",\"status\":0}\\n')\n"
                               "print('on', flush=True)\ntime.sleep(30)\n", "--timeout", "2")
    is_((r.get("status"), r.get("stdout")), ("timeout", "on\n"),
        "forged exit hint, then a long sleep: a timeout at the deadline, output kept")
    ok(1.5 < took < 15, "forged exit hint: ...ended at the deadline (%.1f s)" % took)

    # the same as exec, with a refused syscall (a seccomp notification) after the
    # hint and a flood of output, then past the deadline
    prog = os.path.join(serve_client.T, "hint-exec.py")
    with open(prog, "w") as f:
        f.write("import ctypes, os, sys, time\n"
                "os.write(3, b'{\"op\":\"exit\",\"status\":0}\\n')\n"
                "ctypes.CDLL(None, use_errno=True).syscall(250, 1, 0, 0, 0, 0)\n"
                "sys.stdout.write('y' * 200000); print('on', flush=True)\n"
                "time.sleep(30)\n")
    os.chmod(prog, 0o644)
    t0 = time.monotonic()
    p = subprocess.run([ACTJAIL, "exec", "--json", "--verbose", "--timeout", "2", "--input", serve_client.T,
                        "--", "/usr/bin/python3", "/input/hint-exec.py"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    took = time.monotonic() - t0
    try:
        r = json.loads(p.stdout)
    except ValueError:
        r = {}
    is_((r.get("status"), r.get("stdout", "").endswith("on\n"), [v.get("syscall") for v in r.get("violations") or []]),
        ("timeout", True, ["keyctl"]),
        "exec: forged hint, a refused call, 200 KB of output, then a sleep: timeout, output and violation kept")
    ok(1.5 < took < 15 and SEEN not in p.stderr.decode(errors="replace"),
       "exec: ...at the deadline (%.1f s), the hint not taken" % took)

    # the main thread leaves with exit(2) after the hint; another thread goes on
    thread = ("import ctypes, os, threading, time\n"
              "def later():\n"
              "    time.sleep(0.3)\n"
              "    open('/output/thread', 'w').write('done')\n"
              "    print('thread done', flush=True)\n"
              "    os._exit(5)\n"
              "threading.Thread(target=later).start()\n"
              "os.write(3, b'{\"op\":\"exit\",\"status\":0}\\n')\n"
              "ctypes.CDLL(None).syscall(60, 0)\n")  # SYS_exit: this thread only
    r, err, _ = verbose_run(thread, "--output", out)
    is_((r.get("exit_code"), r.get("stdout"), captured(out, "thread")), (5, "thread done\n", "done"),
        "exit hint, then the main thread alone exits: the other thread's work and status count")
    ok(SEEN not in err, "exit hint with a thread left: ...the launcher did not take it")

    # a child left running: the run ends on the init's report, the child killed before it
    mark = marker()
    on_exit(lambda: kill_marker(r"987\.%s\." % mark))
    # The parent touches 256 MiB first: its teardown then takes tens of
    # milliseconds, during which the child would still run, were the hint
    # taken with a child left (the init kills it only after reaping the parent).
    child = ("import subprocess\n"
             "x = bytearray(256 << 20)\n"
             "for i in range(0, len(x), 4096): x[i] = 1\n"
             "subprocess.Popen(['/usr/bin/python3', '-c', 'import time; time.sleep(600)', '987.%s.child'])\n"
             "print('parent done')\n" % mark)
    p = subprocess.Popen([ACTJAIL, "run", "--json", "--verbose", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(child.encode())
    p.stdin.close()
    raw = p.stdout.read()
    alive = procs(r"987\.%s\." % mark)
    p.wait(60)
    err = p.stderr.read().decode(errors="replace")
    r = json.loads(raw) if raw.strip() else {}
    is_((r.get("status"), r.get("exit_code"), alive), ("ok", 0, []),
        "exit hint with a child left: ok, and the child is gone when the result can be read")
    # (were the parent's teardown short, the hint could still be taken in its
    # 1 ms if the init had reaped the parent and killed the child by then:
    # the dying child alone is as safe, exitseen.c)
    ok(SEEN not in err, "exit hint with a child left: ...the launcher did not take it")

    # a policy that lets io_uring run never ends a run on the hint
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "policy", "default.json")) as f:
        pol = json.load(f)
    pol["name"] = "uring"
    pol["seccomp"]["allow"] = list(pol["seccomp"]["allow"]) + ["io_uring_setup", "io_uring_enter"]
    ppath = os.path.join(serve_client.T, "uring.json")
    with open(ppath, "w") as f:
        json.dump(pol, f)
    os.chmod(ppath, 0o644)
    r, err, _ = verbose_run("print(1)\n", "--policy", ppath)
    is_((r.get("status"), r.get("stdout")), ("ok", "1\n"), "io_uring allowed: the run is ok")
    ok(SEEN not in err, "io_uring allowed: ...and it ended on the init's report, not the hint")


def all_checks():
    body()
    exit_hint_checks()


main(all_checks, limit=150)
