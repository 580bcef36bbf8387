#!/usr/bin/env bash
# Landlock, the second filesystem wall: the jail may execute only from the
# system's directories and write only in /tmp, /dev/shm and /output, even
# where the mount would allow more (/tmp, /dev/shm and /output are mounted
# without noexec). Turning Landlock off in the policy shows what it adds.
source "$(dirname "$(dirname "$0")")/lib.sh"

abi=$("$PY" -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))')
[ "$abi" -ge 1 ] 2>/dev/null || skip_all "this kernel offers no Landlock (ABI $abi)"

cat >"$T/exec.py" <<'PY'
import json, os, shutil, subprocess
res = {}
for d in ("/tmp", "/dev/shm", "/output"):
    p = d + "/mytrue"
    shutil.copy("/usr/bin/true", p)
    os.chmod(p, 0o755)
    try:
        res[d] = subprocess.run([p]).returncode
    except PermissionError:
        res[d] = "EACCES"
    os.unlink(p)
res["control /usr/bin/true"] = subprocess.run(["/usr/bin/true"]).returncode
os.mkfifo("/tmp/fifo")
os.mkdir("/tmp/dir")
import socket
s = socket.socket(socket.AF_UNIX)
s.bind("/tmp/sock")
res["writes in /tmp"] = sorted(os.listdir("/tmp"))
res["tmp noexec mount"] = [l.split()[5] for l in open("/proc/self/mountinfo") if l.split()[4] == "/tmp"][0]
print(json.dumps(res))
PY
jrun <"$T/exec.py"
is "$(field 'r["landlock"]["abi"]')" "$abi" "the result reports the Landlock ABI applied ($abi)"
is "$(field 'r["landlock"]["mode"]')" preferred "default mode: preferred"
unlike "$(out 'o["tmp noexec mount"]')" noexec "/tmp itself is mounted without noexec"
for d in /tmp /dev/shm /output; do
	is "$(out "o['$d']")" EACCES "Landlock refuses to execute from $d"
done
is "$(out 'o["control /usr/bin/true"]')" 0 "control: /usr/bin/true runs"
is "$(out 'o["writes in /tmp"]')" '["dir", "fifo", "sock"]' "control: directories, FIFOs and sockets in /tmp"

make_policy "$T/off.json" >/dev/null
"$PY" - "$T/off.json" off <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["landlock"] = sys.argv[2]; json.dump(p, open(sys.argv[1], "w"))
PY
jrun --policy "$T/off.json" <"$T/exec.py"
is "$(field '(r["landlock"]["mode"], r["landlock"]["abi"])')" '["off", null]' "policy landlock off: none applied"
is "$(out 'o["/tmp"]')" 0 "without Landlock the mount alone lets /tmp execute (what Landlock adds)"

make_policy "$T/req.json" >/dev/null
"$PY" - "$T/req.json" required <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["landlock"] = sys.argv[2]; json.dump(p, open(sys.argv[1], "w"))
PY
echo 'print("ok")' | "$ACTJAIL" run --json --policy "$T/req.json" - >"$T/result.json" 2>"$T/stderr"
is "$(field '(r["status"], r["landlock"]["abi"])')" "[\"ok\", $abi]" "policy landlock required: applied"

printf '{"landlock": "sometimes", "seccomp": {"default_action": "errno:EPERM", "allow": ["read"]}}' >"$T/bad.json"
"$ACTJAIL" run --policy "$T/bad.json" - </dev/null >/dev/null 2>"$T/stderr"
is "$?" 125 "an unknown landlock mode is a policy error"
like "$(cat "$T/stderr")" 'landlock: must be "required", "preferred" or "off"' "naming the field"

done_testing
