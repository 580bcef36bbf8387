#!/usr/bin/env bash
# Attack: take over or disturb the host kernel itself: load a module
# (init_module with an ELF-looking image, finit_module on a file in /tmp),
# unload one (delete_module of a loaded module's name, from /proc/modules
# where readable), load a new kernel (kexec_load, kexec_file_load), reboot
# (with the right magic and an invalid command), swapon/swapoff a file in
# /tmp, process accounting to a file (acct), raw port I/O (iopl 3,
# ioperm on port 0x80), set the clock (settimeofday and clock_settime to
# 2001, adjtimex and clock_adjtime with an offset), read the kernel log
# (syslog). Safe outcome: every call EPERM, each listed in the
# violations; the host's clock (its offset from the monotonic clock) and
# its list of modules unchanged. Stopped by: seccomp (none of these is
# allowed); behind it, no capabilities (CAP_SYS_MODULE, CAP_SYS_BOOT,
# CAP_SYS_TIME, CAP_SYS_RAWIO, CAP_SYS_ADMIN) in a user namespace that
# could not use them on the host anyway; the jail shares the host's time
# namespace, so only these refusals keep the clock.
source "$(dirname "$(dirname "$0")")/lib.sh"
clock_offset() { "$PY" -c 'import time; print(round(time.time() - time.monotonic()))'; }
modules() { cut -d' ' -f1 /proc/modules 2>/dev/null | sort | tr '\n' ' '; }
offset_before=$(clock_offset)
modules_before=$(modules)
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}
order = []
def sc(name, sysname, nr, *a):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_char_p(x) if isinstance(x, bytes) else
                                          ctypes.c_long(x) if isinstance(x, int) else x for x in a])
    res[name] = r if r >= 0 else errno.errorcode[ctypes.get_errno()]
    if sysname not in order:
        order.append(sysname)
image = ctypes.create_string_buffer(b"\x7fELF\x02\x01\x01" + b"\0" * 4089)
sc("init_module", "init_module", 175, image, 4096, b"")
with open("/tmp/mod.ko", "wb") as f:
    f.write(image.raw)
fd = os.open("/tmp/mod.ko", os.O_RDONLY)
sc("finit_module", "finit_module", 313, fd, b"", 0)
try:
    victim = open("/proc/modules").readline().split()[0].encode()
except (OSError, IndexError):
    victim = b"loop"
sc("delete_module", "delete_module", 176, victim, os.O_NONBLOCK)
sc("kexec_load", "kexec_load", 246, 0, 0, 0, 0)
sc("kexec_file_load", "kexec_file_load", 320, fd, fd, 1, b"", 0)
os.close(fd)
sc("reboot", "reboot", 169, 0xfee1dead, 0x28121969, 0x12345678, 0)     # right magic, no such command
with open("/tmp/swap", "wb") as f:
    f.write(b"\0" * 65536)
sc("swapon", "swapon", 167, b"/tmp/swap", 0)
sc("swapoff", "swapoff", 168, b"/tmp/swap")
sc("acct", "acct", 163, b"/tmp/acct")
sc("iopl 3", "iopl", 172, 3)
sc("ioperm 0x80", "ioperm", 173, 0x80, 1, 1)
class Timeval(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_long), ("usec", ctypes.c_long)]
sc("settimeofday 2001", "settimeofday", 164, ctypes.byref(Timeval(1000000000, 0)), 0)
sc("clock_settime 2001", "clock_settime", 227, 0, ctypes.byref(Timeval(1000000000, 0)))
class Timex(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("pad", ctypes.c_int), ("offset", ctypes.c_long),
                ("rest", ctypes.c_long * 30)]
tx = Timex(0x8001, 0, 500000)     # ADJ_OFFSET_SINGLESHOT|ADJ_OFFSET: slew by half a second
sc("adjtimex offset", "adjtimex", 159, ctypes.byref(tx))
sc("clock_adjtime offset", "clock_adjtime", 305, 0, ctypes.byref(Timex(0x8001, 0, 500000)))
buf = ctypes.create_string_buffer(4096)
sc("syslog read_all", "syslog", 103, 3, buf, 4096)
res["order"] = order
res["year"] = __import__("time").gmtime().tm_year
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'sorted(k for k, v in o.items() if v == "EPERM")')" \
	'["acct", "adjtimex offset", "clock_adjtime offset", "clock_settime 2001", "delete_module", "finit_module", "init_module", "ioperm 0x80", "iopl 3", "kexec_file_load", "kexec_load", "reboot", "settimeofday 2001", "swapoff", "swapon", "syslog read_all"]' \
	"inside: init/finit/delete_module, kexec_load, kexec_file_load, reboot, swapon/off, acct, iopl, ioperm, settimeofday, clock_settime, adjtimex, clock_adjtime, syslog: all EPERM"
like "$(out 'o["year"]')" '^20([2-9][0-9])$' "inside: the clock still says this decade"
is "$(field '[v["syscall"] for v in r["violations"]]')" "$(out 'o["order"]')" \
	"outside: violations list each of them, in order"
is "$(field 'sorted(set(v["count"] for v in r["violations"]))')" '[1]' "outside: each once"
offset_after=$(clock_offset)
drift=$((offset_after - offset_before))
[ "${drift#-}" -le 1 ]
ok $? "outside: the host's clock is unchanged (offset from the monotonic clock moved ${drift} s)"
is "$(modules)" "$modules_before" "outside: the host's loaded modules are the same"
attack_end
done_testing
