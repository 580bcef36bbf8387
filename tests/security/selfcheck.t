#!/usr/bin/env bash
# The jail's self-check: before the program starts, init reads every layer
# back from the kernel; the result's "enforced" is that read-back, and it
# must agree with what the program itself sees.
source "$(dirname "$(dirname "$0")")/lib.sh"

if is_root; then host=65534; else host=$(id -u); fi
cat >"$T/see.py" <<'PY'
import json
st = dict(l.split(":\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\t" in l)
mounts = [l.split() for l in open("/proc/self/mountinfo")]
print(json.dumps({
    "mounts": len(mounts),
    "writable": sum(1 for m in mounts if not m[5].startswith("ro")),
    "uid_map": ":".join(open("/proc/self/uid_map").read().split()[:2]),
    "seccomp": st["Seccomp"], "nnp": st["NoNewPrivs"],
}))
PY
jrun <"$T/see.py"
is "$(field '(r["enforced"]["seccomp"], r["enforced"]["no_new_privs"], r["enforced"]["capabilities"], r["enforced"]["network"])')" \
	'["filter", 1, "none", "lo"]' "enforced: seccomp filter, no_new_privs, no capabilities, lo alone"
is "$(field 'r["enforced"]["uid_map"]')" "1000:$host" "enforced: the uid map as set up"
is "$(field 'r["enforced"]["uid_map"]')" "$(out 'o["uid_map"]')" "the program sees the same uid map"
is "$(field 'r["enforced"]["mounts"]')" "$(out 'o["mounts"]')" "the program sees as many mounts as init checked"
is "$(field 'r["enforced"]["writable_mounts"]')" "$(out 'o["writable"]')" "and as many writable ones"
is "$(field 'r["enforced"]["writable_mounts"]')" 5 "writable: /proc, /dev/shm, /tmp, /output, /dev/pts only"
is "$(out '(o["seccomp"], o["nnp"])')" '["2", "1"]' "the program is under the filter with no_new_privs"
is "$(field 'r["enforced"]["seccomp_filters"]')" 1 "enforced: exactly one seccomp filter, the jail's"

abi=$("$PY" -c 'import ctypes; print(max(0, ctypes.CDLL(None).syscall(444, None, 0, 1)))')
is "$(field 'r["enforced"]["landlock_abi"]')" "$abi" "enforced: the Landlock ABI ($abi)"
# a launcher that itself runs under a filter (a container's): the jail has
# that one and its own, and the self-check counts both
"$PY" - "$ACTJAIL" <<'PY' >"$T/result.json" 2>"$T/stderr"
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
insn = struct.pack("HBBI", 0x06, 0, 0, 0x7fff0000)  # BPF_RET | BPF_K: SECCOMP_RET_ALLOW
buf = ctypes.create_string_buffer(insn)
prog = struct.pack("HxxxxxxQ", 1, ctypes.addressof(buf))
pbuf = ctypes.create_string_buffer(prog)
libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
assert libc.prctl(38, 1, 0, 0, 0) == 0                        # PR_SET_NO_NEW_PRIVS
assert libc.prctl(22, 2, ctypes.addressof(pbuf), 0, 0) == 0, ctypes.get_errno()  # SECCOMP_MODE_FILTER
r, w = os.pipe()
os.write(w, b"print(open('/proc/self/status').read().split('Seccomp_filters:')[1].split()[0])\n")
os.close(w)
os.dup2(r, 0)
os.execv(sys.argv[1], [sys.argv[1], "run", "--json", "-"])
PY
if grep -q Seccomp_filters /proc/self/status; then
	is "$(field '(r["status"], r["enforced"]["seccomp_filters"], r["stdout"].strip())')" '["ok", 2, "2"]' \
		"under an inherited filter: the jail checks it has that one and its own"
else
	skip "inherited filter count" "this kernel has no Seccomp_filters in /proc/PID/status (before 5.9)"
fi
done_testing
