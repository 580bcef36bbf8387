#!/usr/bin/env bash
# Attack: burn the host's CPUs past --cpu-time 2: ignore SIGXCPU, try to
# raise or remove the CPU limit (and move the soft one up), then spin in
# eight threads running machine code (ctypes, outside the GIL, so they run
# in parallel) and in the main thread, under --timeout 10. Safe outcome: the
# hard limit cannot be raised or removed (seccomp lets a process set its own
# limits, and the kernel refuses raising a hard one without CAP_SYS_RESOURCE
# in the initial user namespace: EPERM); the soft one may move up to the
# hard one (the kernel's rule; it only forgoes the SIGXCPU warning); the process
# is killed on CPU time (SIGXCPU is ignored: SIGKILL at the hard limit): status
# "timeout", reason "cpu_time", not the 10 s wall clock; nothing is left.
# As root the jail's CPU quota (--cpus, default 1) also holds the threads
# to one CPU; rootless they may use every CPU until the limit. Stopped by:
# RLIMIT_CPU (hard limit: no CAP_SYS_RESOURCE), CPU cgroup quota (root).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --cpu-time 2 --timeout 10 <<'PY'
import ctypes, json, mmap, resource, signal, threading
res = {}
signal.signal(signal.SIGXCPU, signal.SIG_IGN)
soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
res["rlimit_cpu"] = [soft, hard]
try:
    resource.setrlimit(resource.RLIMIT_CPU, (hard + 100, hard + 100))
    res["raise_hard"] = "ok"
except (OSError, ValueError) as e:
    res["raise_hard"] = str(e)
try:
    resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    res["unlimit"] = "ok"
except (OSError, ValueError) as e:
    res["unlimit"] = str(e)
try:
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))   # the soft limit up to the hard one
    res["soft_to_hard"] = "ok"
except (OSError, ValueError) as e:
    res["soft_to_hard"] = type(e).__name__
res["rlimit_cpu_after"] = list(resource.getrlimit(resource.RLIMIT_CPU))
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(b"\xeb\xfe")                        # jmp .
spin = ctypes.CFUNCTYPE(None)(ctypes.addressof(ctypes.c_char.from_buffer(m)))
for i in range(8):
    threading.Thread(target=spin, daemon=True).start()
res["threads"] = threading.active_count()
print(json.dumps(res), flush=True)
while True:
    pass
PY
is "$rc" 124 "exit 124"
is "$(field '(r["status"], r["reason"])')" '["timeout", "cpu_time"]' \
	"status timeout, reason cpu_time (not the 10 s wall clock)"
is "$(field 'r["signal"]')" 9 "killed by SIGKILL at the hard CPU limit (SIGXCPU was ignored)"
is "$(field 'r["limits"]["enforced_by"]["cpu_time"]')" rlimit "limits.enforced_by.cpu_time is rlimit"
cpu=$(field 'r["cpu_ms"]')
[ "$cpu" -ge 1900 ] && [ "$cpu" -le 8000 ]
ok $? "the jail used about the allowed CPU time, not much more (cpu_ms $cpu, hard limit 3 s)"
is "$(out 'o["rlimit_cpu"]')" '[2, 3]' "inside: RLIMIT_CPU 2 s soft, 3 s hard"
is "$(out '[o["raise_hard"], o["unlimit"]]')" '["not allowed to raise maximum limit", "not allowed to raise maximum limit"]' \
	"inside: the hard CPU limit cannot be raised or removed (EPERM from the kernel)"
is "$(out '[o["soft_to_hard"], o["rlimit_cpu_after"]]')" '["ok", [3, 3]]' \
	"inside: the soft limit may move up to the hard one, no further"
is "$(field 'r["violations"]')" '[]' \
	"no violations: the filter lets a process set its own limits, the kernel refuses the raise"
is "$(out 'o["threads"]')" 9 "inside: eight spinning threads and the main thread"
attack_end
done_testing
