#!/usr/bin/env bash
# Attack: perf_event_open (298), a large kernel surface and a side channel
# (kernel addresses, other processes' activity): a hardware event (CPU
# cycles) and a software event (cpu-clock), each on itself (pid 0), on
# init (pid 1) and system-wide on CPU 0 (pid -1), with exclude_kernel
# set so that the host's perf_event_paranoid would allow the self ones.
# Safe outcome: every call EPERM, perf_event_open listed in the
# violations with the count. Stopped by: seccomp (perf_event_open is not
# allowed); behind it, kernel.perf_event_paranoid for the other targets.
# Unjailed, a software event on itself works on this host (a control
# shows it where it does).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}
def attr(ptype, config):
    a = ctypes.create_string_buffer(128)                  # struct perf_event_attr
    ctypes.c_uint32.from_buffer(a, 0).value = ptype
    ctypes.c_uint32.from_buffer(a, 4).value = 128         # .size
    ctypes.c_uint64.from_buffer(a, 8).value = config
    ctypes.c_uint64.from_buffer(a, 40).value = 1 | 1 << 5 | 1 << 6   # disabled, exclude_kernel, exclude_hv
    return a
for ename, ptype, config in (("hardware cycles", 0, 0), ("software cpu-clock", 1, 0)):
    for target, pid, cpu in (("self", 0, -1), ("init", 1, -1), ("cpu0", -1, 0)):
        a = attr(ptype, config)
        ctypes.set_errno(0)
        r = libc.syscall(ctypes.c_long(298), a, ctypes.c_long(pid), ctypes.c_long(cpu), ctypes.c_long(-1),
                         ctypes.c_long(8))                 # PERF_FLAG_FD_CLOEXEC
        if r >= 0:
            os.close(r)
        res["%s %s" % (ename, target)] = "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o')" \
	'{"hardware cycles self": "EPERM", "hardware cycles init": "EPERM", "hardware cycles cpu0": "EPERM", "software cpu-clock self": "EPERM", "software cpu-clock init": "EPERM", "software cpu-clock cpu0": "EPERM"}' \
	"inside: perf_event_open of a hardware and a software event, on itself, init and CPU 0: EPERM"
is "$(field '[(v["syscall"], v["nr"], v["count"], v["errno"]) for v in r["violations"]]')" \
	'[["perf_event_open", 298, 6, "EPERM"]]' "outside: violations list perf_event_open, 6 times"
host=$("$PY" -c '
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
a = ctypes.create_string_buffer(128)
ctypes.c_uint32.from_buffer(a, 0).value = 1
ctypes.c_uint32.from_buffer(a, 4).value = 128
ctypes.c_uint64.from_buffer(a, 40).value = 1 | 1 << 5 | 1 << 6
r = libc.syscall(298, a, 0, -1, -1, 8)
print("ok" if r >= 0 else errno.errorcode[ctypes.get_errno()])')
if [ "$host" = ok ]; then
	ok 0 "control: unjailed, a software event on itself works for $(id -un) here (only the jail refuses)"
else
	skip "control: unjailed perf_event_open" "the host refuses it to $(id -un) too ($host)"
fi
attack_end
done_testing
