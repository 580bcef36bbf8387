#!/usr/bin/env python3
"""reap-check.py LEFTOVERS CMD...: run CMD as this process's child, this
process being a child subreaper (PR_SET_CHILD_SUBREAPER), and once CMD has
exited append to LEFTOVERS a line "PID CMDLINE" for every process of CMD's
that is still alive (it has been reparented to us), then kill and reap it.
Exits with CMD's status (128 + signal when it was killed).

Run on actjail: the launcher reaps the jail's init, and the kernel empties a
pid namespace before its init can be reaped (pid_namespaces(7)), so a jail
that outlived its launcher shows up here as its init, whatever its
processes did inside (double forks, setsid, ignored signals)."""
import ctypes
import os
import signal
import subprocess
import sys

libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.exit("reap-check: PR_SET_CHILD_SUBREAPER: %s" % os.strerror(ctypes.get_errno()))
p = subprocess.Popen(sys.argv[2:])
rc = p.wait()
left = []
for task in os.listdir("/proc/self/task"):
    with open("/proc/self/task/%s/children" % task) as f:
        left += [int(x) for x in f.read().split()]
with open(sys.argv[1], "a") as out:
    for pid in left:
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            cmd = "?"
        out.write("%d %s\n" % (pid, cmd or "(no cmdline)"))
for pid in left:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
sys.exit(rc if rc >= 0 else 128 - rc)
