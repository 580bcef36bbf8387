#!/usr/bin/env bash
# Attack: slip past a syscall filter written for x86_64 numbers by using
# another ABI of the same kernel: the x32 ABI (nr | 0x40000000: x32
# unshare(CLONE_NEWUSER), where the number without the bit is an allowed
# one) and the i386 ABI (int 0x80 from an executable page: i386 unshare
# is 310, and getpid 20, numbers that mean something else on x86_64).
# Each run first starts a child (sleep), to show the kill leaves nothing.
# Safe outcome: the process is killed at the first such call: status
# "killed", signal 31 (SIGSYS), exit 159, its output stops right before
# it; the child is gone with the jail. Stopped by: seccomp (the filter
# checks the architecture and the x32 bit first: SCMP_ACT_KILL_PROCESS);
# the pid namespace takes the child down.
source "$(dirname "$(dirname "$0")")/lib.sh"
[ "$(uname -m)" = x86_64 ] || skip_all "the ABIs below are x86_64's"
attack_begin

# ---- x32: unshare (272) with the x32 bit -------------------------------------
jattack --timeout 10 <<'PY'
import ctypes, subprocess
libc = ctypes.CDLL(None)
libc.syscall.restype = ctypes.c_long
subprocess.Popen(["/usr/bin/sleep", "30"])
print("before", flush=True)
r = libc.syscall(ctypes.c_long(0x40000000 | 272), ctypes.c_long(0x10000000))
print("after", r, flush=True)
PY
is "$(field '(r["status"], r["signal"], r["exit_code"])')" '["killed", 31, 159]' \
	"x32 unshare(CLONE_NEWUSER): killed by SIGSYS (status killed, exit 159)"
is "$rc" 159 "x32: actjail exits 159"
is "$(field 'r["stdout"]')" before "x32: the program ran up to the call and no further"

# ---- i386: int 0x80 ----------------------------------------------------------
cat >"$T/int80.py" <<'PY'
import ctypes, mmap, subprocess, sys
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
nr, arg = int(sys.argv[1]), int(sys.argv[2])
# mov eax, nr; mov ebx, arg; int 0x80; ret
m.write(bytes([0xb8]) + nr.to_bytes(4, "little") + bytes([0xbb]) + arg.to_bytes(4, "little") + bytes([0xcd, 0x80, 0xc3]))
f = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(m)))
if len(sys.argv) > 3:
    subprocess.Popen(["/usr/bin/sleep", "30"])
print("before", flush=True)
print("result", f(), flush=True)
PY
# unjailed, i386 getpid must work, or this kernel has no ia32 emulation to attack
host_int80=$("$PY" "$T/int80.py" 20 0 2>/dev/null | tail -n1)
if printf '%s' "$host_int80" | grep -Eq '^result [0-9]+$'; then
	ok 0 "control: unjailed, int 0x80 getpid works on this host ($host_int80)"
	mkdir -p "$T/in"
	cp "$T/int80.py" "$T/in/"
	for call in "310 $((0x10000000)) unshare(CLONE_NEWUSER)" "20 0 getpid"; do
		read -r nr arg what <<<"$call"
		jattack --timeout 10 --input "$T/in" <<PY
import sys
sys.argv = ["int80.py", "$nr", "$arg", "child"]
exec(open("/input/int80.py").read())
PY
		is "$(field '(r["status"], r["signal"], r["exit_code"])')" '["killed", 31, 159]' \
			"int 0x80 $what: killed by SIGSYS (status killed, exit 159)"
		is "$(field 'r["stdout"]')" before "int 0x80 $what: the program ran up to the call and no further"
	done
else
	skip "control: unjailed int 0x80" "no ia32 emulation on this kernel ($host_int80)"
	for n in 1 2 3 4; do skip "int 0x80 $n" "no ia32 emulation on this kernel"; done
fi
attack_end
done_testing
