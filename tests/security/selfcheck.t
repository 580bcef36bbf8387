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
is "$(field 'r["enforced"]["writable_mounts"]')" 4 "writable: /proc, /dev/shm, /tmp, /output only"
is "$(out '(o["seccomp"], o["nnp"])')" '["2", "1"]' "the program is under the filter with no_new_privs"
abi=$("$PY" -c 'import ctypes; print(max(0, ctypes.CDLL(None).syscall(444, None, 0, 1)))')
is "$(field 'r["enforced"]["landlock_abi"]')" "$abi" "enforced: the Landlock ABI ($abi)"
done_testing
