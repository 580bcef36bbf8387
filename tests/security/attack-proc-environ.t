#!/usr/bin/env bash
# Attack: steal the launcher's environment. The test exports a host-only
# token (ACTJAIL_TEST_HOST_TOKEN) before starting the jail; the program
# reads /proc/PID/environ and cmdline of every visible pid and thread,
# opens /proc/PID/mem of each (init's too) and scans its writable memory
# (stack, heap, anonymous maps) for the token, and looks for the variable
# in its own environment. Safe outcome: the token is nowhere: not in any
# environ, cmdline or memory the program can read, not in the result;
# init's environ, mem and maps are EACCES and its cmdline is empty.
# Stopped by: the clean environment (the launcher execs the program with
# a fixed set), the wiped argv/environment and non-dumpable init, the pid
# namespace (the launcher itself is not visible).
source "$(dirname "$(dirname "$0")")/lib.sh"
HOST_TOKEN="host-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ACTJAIL_TEST_HOST_TOKEN="$HOST_TOKEN"
attack_begin
jattack --timeout 10 <<'PY'
import errno, json, os, re, subprocess
pat = re.compile(rb"host-token-[0-9a-f]{24}")
child = subprocess.Popen(["/usr/bin/sleep", "30"])
res = {"pids": [], "found": [], "read": [], "errors": {}, "mem_bytes": 0}
def note(p, data):
    res["read"].append(p)
    for m in pat.findall(data):
        res["found"].append([p, m.decode()])
    if b"ACTJAIL_TEST_HOST_TOKEN" in data and not p.endswith("/mem"):
        res["found"].append([p, "the variable's name"])
tasks = []
for pid in sorted(os.listdir("/proc")):
    if not pid.isdigit():
        continue
    res["pids"].append(int(pid))
    tasks.append("/proc/" + pid)
    tasks += ["/proc/%s/task/%s" % (pid, t) for t in os.listdir("/proc/%s/task" % pid)]
for t in tasks:
    for f in ("environ", "cmdline", "maps"):
        try:
            note(t + "/" + f, open(t + "/" + f, "rb").read())
        except OSError as e:
            res["errors"][t + "/" + f] = e.errno
    try:
        mem = open(t + "/mem", "rb", buffering=0)
    except OSError as e:
        res["errors"][t + "/mem"] = e.errno
        continue
    try:
        maps = open(t + "/maps").read().splitlines()
    except OSError as e:
        res["errors"][t + "/mem maps"] = e.errno
        maps = []
    for line in maps:
        f = line.split()
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        if not f[1].startswith("rw") or (len(f) > 5 and not f[5].startswith("[") and f[5] != ""):
            continue      # writable anonymous memory, heap and stack only
        try:
            mem.seek(lo)
            data = mem.read(min(hi - lo, 64 << 20))
        except OSError:
            continue
        res["mem_bytes"] += len(data)
        note(t + "/mem", data)
    mem.close()
res["own_env_has_var"] = "ACTJAIL_TEST_HOST_TOKEN" in os.environ
res["init_cmdline"] = open("/proc/1/cmdline", "rb").read().decode("latin-1")
res["child"] = child.pid
child.kill()
child.wait()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["pids"] == [1, 2, o["child"]]')" true "inside: init, the program and its child are all it sees"
is "$(out 'o["found"]')" '[]' "inside: the token is in no environ, cmdline or memory the program could read"
is "$(out 'o["own_env_has_var"]')" false "inside: the variable is not in the program's environment"
is "$(out 'sorted(k for k, v in o["errors"].items() if k.startswith("/proc/1/") and v == 13)')" \
	'["/proc/1/environ", "/proc/1/maps", "/proc/1/mem", "/proc/1/task/1/environ", "/proc/1/task/1/maps", "/proc/1/task/1/mem"]' \
	"inside: init's environ, maps and mem (and its thread's): EACCES"
is "$(out 'sorted(k for k in o["errors"] if not k.startswith("/proc/1/"))')" '[]' \
	"control: every other process's files could be read"
is "$(out 'repr(o["init_cmdline"].strip(chr(0)))')" "''" "inside: init's cmdline is only NULs (the launcher's argv wiped)"
is "$(out '"/proc/2/environ" in o["read"] and "/proc/2/mem" in o["read"] and "/proc/%d/mem" % o["child"] in o["read"]')" \
	true "control: the scan read the program's and its child's environ and memory"
like "$(out 'o["mem_bytes"]')" '^[0-9]{6,}$' "control: it scanned memory in earnest (over 100 kB)"
if grep -qF -- "$HOST_TOKEN" "$T/result.json" "$T/stderr"; then
	ok 1 "outside: the host token appears nowhere in the result"
else
	ok 0 "outside: the host token appears nowhere in the result"
fi
attack_end
done_testing
