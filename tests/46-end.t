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


main(body, limit=150)
