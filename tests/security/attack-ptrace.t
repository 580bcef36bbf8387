#!/usr/bin/env bash
# Attack: control or read another process: ptrace PTRACE_ATTACH and
# PTRACE_SEIZE on init (pid 1, which holds the launcher's side of the
# jail) and on its own child, PTRACE_PEEKDATA, PTRACE_TRACEME in a forked
# child; process_vm_readv / process_vm_writev on init and on the child
# (real iovecs, so only a refusal stops them); pidfd_open of init and of
# the child, then pidfd_getfd to steal their descriptors; kcmp. Safe
# outcome: every call EPERM and listed in the violations (pidfd_open
# itself is allowed and works); the child runs on untraced (TracerPid 0).
# Stopped by: seccomp (ptrace, process_vm_readv/writev, pidfd_getfd, kcmp
# are not allowed); behind it, init is not dumpable.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os, subprocess, time
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}
def sc(name, nr, *a):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[a_ if isinstance(a_, ctypes._SimpleCData) or hasattr(a_, "_type_")
                                           else ctypes.c_long(a_) for a_ in a])
    res[name] = r if r >= 0 else errno.errorcode[ctypes.get_errno()]
    return r
child = subprocess.Popen(["/usr/bin/sleep", "30"])
time.sleep(0.05)
PTRACE_TRACEME, PTRACE_PEEKDATA, PTRACE_ATTACH, PTRACE_SEIZE = 0, 2, 16, 0x4206
for who, pid in (("init", 1), ("child", child.pid)):
    sc("attach " + who, 101, PTRACE_ATTACH, pid, 0, 0)
    sc("seize " + who, 101, PTRACE_SEIZE, pid, 0, 0)
    sc("peekdata " + who, 101, PTRACE_PEEKDATA, pid, 0x400000, 0)
# PTRACE_TRACEME in a forked child (so its parent, the program, would trace it)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    ctypes.set_errno(0)
    rc = libc.syscall(ctypes.c_long(101), ctypes.c_long(PTRACE_TRACEME), 0, 0, 0)
    os.write(w, (errno.errorcode[ctypes.get_errno()] if rc < 0 else "ok").encode())
    os._exit(0)
os.waitpid(pid, 0)
res["traceme"] = os.read(r, 64).decode()
# process_vm_readv/writev with a real local buffer and a remote address from the target's maps
buf = ctypes.create_string_buffer(64)
local = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 64)
def remote_addr(pid):
    try:
        return int(open("/proc/%d/maps" % pid).readline().split("-")[0], 16)
    except OSError:
        return 0x400000
for who, pid in (("init", 1), ("child", child.pid)):
    remote = (ctypes.c_void_p * 2)(remote_addr(pid), 64)
    sc("process_vm_readv " + who, 310, pid, local, 1, remote, 1, 0)
    sc("process_vm_writev " + who, 311, pid, local, 1, remote, 1, 0)
    pidfd = sc("pidfd_open " + who, 434, pid, 0)
    for fd in (0, 1, 2, 3):
        sc("pidfd_getfd %s %d" % (who, fd), 438, pidfd, fd, 0)
    os.close(pidfd)
    sc("kcmp " + who, 312, os.getpid(), pid, 0, 0, 0)     # KCMP_FILE
res["child_tracer"] = [l.split()[1] for l in open("/proc/%d/status" % child.pid) if l.startswith("TracerPid")][0]
res["child_alive"] = child.poll() is None
res["self_tracer"] = [l.split()[1] for l in open("/proc/self/status") if l.startswith("TracerPid")][0]
child.kill()
child.wait()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out '[o[k + " " + w] for w in ("init", "child") for k in ("attach", "seize", "peekdata")]')" \
	'["EPERM", "EPERM", "EPERM", "EPERM", "EPERM", "EPERM"]' \
	"inside: PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_PEEKDATA on init and on its own child: EPERM"
is "$(out 'o["traceme"]')" EPERM "inside: PTRACE_TRACEME in a forked child: EPERM"
is "$(out '[o[k + " " + w] for w in ("init", "child") for k in ("process_vm_readv", "process_vm_writev")]')" \
	'["EPERM", "EPERM", "EPERM", "EPERM"]' "inside: process_vm_readv/writev on init and the child: EPERM"
like "$(out '(o["pidfd_open init"], o["pidfd_open child"])')" '^\[[0-9]+, [0-9]+\]$' \
	"control: pidfd_open of init and of the child works"
is "$(out 'sorted(set(v for k, v in o.items() if k.startswith("pidfd_getfd")))')" '["EPERM"]' \
	"inside: pidfd_getfd of init's and the child's fds 0-3: EPERM"
is "$(out '(o["kcmp init"], o["kcmp child"])')" '["EPERM", "EPERM"]' "inside: kcmp: EPERM"
is "$(out '(o["child_tracer"], o["child_alive"], o["self_tracer"])')" '["0", true, "0"]' \
	"inside: the child runs on untraced, and nothing traces the program"
is "$(field '[(v["syscall"], v["count"]) for v in r["violations"]]')" \
	'[["ptrace", 7], ["process_vm_readv", 2], ["process_vm_writev", 2], ["pidfd_getfd", 8], ["kcmp", 2]]' \
	"outside: violations list ptrace (7), process_vm_readv/writev, pidfd_getfd (8), kcmp"
attack_end
done_testing
