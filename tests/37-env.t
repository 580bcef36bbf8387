#!/usr/bin/env bash
# What the program inherits: a clean environment (nothing of the caller's,
# not even in /proc), the fixed hostname, exactly fds 0-3, a non-dumpable
# init it cannot kill or read, and no way to see or signal host processes.
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

MARK=937.01
SECRET="xyz-$$-$RANDOM$RANDOM"
export ACTJAIL_SECRET_CANARY="$SECRET"
canary_start
echo "fd canary $SECRET" >"$T/fd7.txt"

# ---- the environment --------------------------------------------------------------
jrun --env FOO=bar --env "EMPTY=" <<'PY'
import json, os
res = {"env": dict(os.environ)}
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "environment run status ok"
is "$(out 'sorted(o["env"])')" '["EMPTY", "FOO", "HOME", "LANG", "PATH", "PYTHONDONTWRITEBYTECODE"]' \
	"the environment is exactly the clean set plus --env"
is "$(out 'o["env"]["PATH"]')" /usr/local/bin:/usr/bin:/bin "PATH"
is "$(out 'o["env"]["HOME"]')" /tmp "HOME=/tmp"
is "$(out 'o["env"]["LANG"]')" C.UTF-8 "LANG=C.UTF-8"
is "$(out 'o["env"]["PYTHONDONTWRITEBYTECODE"]')" 1 "PYTHONDONTWRITEBYTECODE=1"
is "$(out 'o["env"]["FOO"]')" bar "--env FOO=bar"
is "$(out 'repr(o["env"]["EMPTY"])')" "''" "--env EMPTY= gives an empty value"

# the same for a program run with exec, from the environ block itself
jexec -- /usr/bin/env
is "$(field 'r["status"]')" ok "exec env: status ok"
is "$(field '" ".join(sorted(l.split("=")[0] for l in r["stdout"].splitlines()))')" \
	"HOME LANG PATH PYTHONDONTWRITEBYTECODE" "exec env: exactly the clean set"

# ---- the caller's secret appears nowhere ------------------------------------------
jrun --env "HOSTPID=$$" <<'PY'
import json, os
secret_name = "ACTJAIL_SECRET_CANARY"
res = {}
res["in_environ"] = secret_name in os.environ
res["self_environ"] = open("/proc/self/environ", "rb").read().decode("latin-1")
res["self_cmdline_has_secret"] = b"xyz-" in open("/proc/self/cmdline", "rb").read()
def read(p):
    try:
        return open(p, "rb").read().decode("latin-1")
    except OSError as e:
        return "ERR " + type(e).__name__
res["init_environ"] = read("/proc/1/environ")
res["init_cmdline"] = read("/proc/1/cmdline")
found, readable = [], []
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    for f in ("environ", "cmdline", "comm", "status"):
        t = read("/proc/%s/%s" % (pid, f))
        if not t.startswith("ERR"):
            readable.append(pid + "/" + f)
        if secret_name in t or "xyz-" in t:
            found.append(pid + "/" + f)
res["found"] = found
res["readable"] = sorted(readable)
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "secret run status ok"
like "$(out 'o["self_environ"].replace(chr(0), " ")')" "HOME=/tmp" "control: /proc/self/environ is readable and holds HOME"
is "$(out 'o["in_environ"]')" false "the caller's ACTJAIL_SECRET_CANARY is not in os.environ"
unlike "$(out 'o["self_environ"].replace(chr(0), " ")')" "ACTJAIL_SECRET|$SECRET" "not in /proc/self/environ"
is "$(out 'o["self_cmdline_has_secret"]')" false "not in /proc/self/cmdline"
is "$(out 'o["init_environ"]')" "ERR PermissionError" "/proc/1/environ is unreadable"
is "$(out 'o["init_cmdline"].strip(chr(0))')" "" "/proc/1/cmdline is empty (the launcher's argv is wiped)"
is "$(out 'o["found"]')" '[]' "no readable /proc/*/{environ,cmdline,comm,status} holds the secret"
like "$(out '" ".join(o["readable"])')" '(^| )2/environ( |$)' \
	"control: the scan did read the program's own environ"
unlike "$(field 'json.dumps(r)')" "$SECRET" "the secret is nowhere in the result"

# ---- hostname ------------------------------------------------------------------------
jrun <<'PY'
import json, os, socket
print(json.dumps({"gethostname": socket.gethostname(), "uname": os.uname().nodename,
                  "etc": open("/etc/hostname").read(),
                  "proc": open("/proc/sys/kernel/hostname").read(),
                  "domain": open("/proc/sys/kernel/domainname").read(),
                  "hosts": open("/etc/hosts").read()}))
PY
is "$(out 'o["gethostname"]')" sandbox "gethostname() is sandbox"
is "$(out 'o["uname"]')" sandbox "uname nodename is sandbox"
is "$(out 'repr(o["etc"])')" "'sandbox\\n'" "/etc/hostname is sandbox"
is "$(out 'repr(o["proc"])')" "'sandbox\\n'" "/proc/sys/kernel/hostname is sandbox"
is "$(out 'repr(o["domain"])')" "'\\n'" "the NIS domain name is empty"
like "$(out 'o["hosts"]')" '127\.0\.0\.1.*sandbox' "/etc/hosts resolves sandbox locally"
host_name=$(uname -n)
host_re=$(printf '%s' "$host_name" | sed 's/[.[\*^$()+?{}|]/\\&/g')
case $host_name in
sandbox | localhost | localhost.*) skip "host name invisible" "the host is called $host_name" ;;
*)
	unlike "$(out 'json.dumps({k: v for k, v in o.items() if k != "hosts"})')" \
		"(^|[^a-zA-Z0-9-])${host_re}([^a-zA-Z0-9-]|\$)" "the host's name ($host_name) appears nowhere"
	;;
esac

# ---- descriptors: exactly 0-3, even with extra ones open in the caller -------------
FDS_PY='
import fcntl, json, os, stat
res = {"open": []}
for fd in range(1024):
    try:
        fcntl.fcntl(fd, fcntl.F_GETFD)
        res["open"].append(fd)
    except OSError:
        pass
res["kinds"] = [stat.S_IFMT(os.fstat(fd).st_mode) for fd in range(4)]
print(json.dumps(res))
'
jrun 7<"$T/fd7.txt" 9>>"$T/fd9.txt" <<<"$FDS_PY"
is "$(field 'r["status"]')" ok "fd run status ok"
is "$(out 'o["open"]')" '[0, 1, 2, 3]' "run: fds exactly 0, 1, 2, 3 (caller's 7 and 9 not inherited)"
is "$(out 'o["kinds"]')" '[4096, 4096, 4096, 49152]' "fds 0-2 are pipes, fd 3 a socket"
jexec 7<"$T/fd7.txt" 9>>"$T/fd9.txt" -- /usr/bin/python3 -c "$FDS_PY"
is "$(field 'r["status"]')" ok "exec fd run status ok"
is "$(out 'o["open"]')" '[0, 1, 2, 3]' "exec: fds exactly 0, 1, 2, 3"
is "$(wc -c <"$T/fd9.txt")" 0 "nothing written through the caller's fd 9"

# ---- init: pid 1, not dumpable, not killable from inside ----------------------------------
jrun --env "HOSTPID=$$" --env "CANARYPID=$CANARY_PID" <<PY
import ctypes, errno, json, os, signal, subprocess, time
res = {}
def read(p):
    try:
        open(p, "rb").read(64)
        return "readable"
    except OSError as e:
        return errno.errorcode[e.errno]
for f in ("mem", "environ", "maps", "auxv", "stack", "syscall", "pagemap"):
    res["init_" + f] = read("/proc/1/" + f)
res["init_stat"] = read("/proc/1/stat")
st = dict(l.rstrip("\n").split(":\t", 1) for l in open("/proc/1/status"))
res["init_ppid"] = st["PPid"]
res["init_uid"] = st["Uid"].split()
res["mypid"] = os.getpid()
res["ppid"] = os.getppid()
# a victim the program may kill, to show kill(-1) reaches its own jail
victim = subprocess.Popen(["/usr/bin/sleep", "$MARK"])
time.sleep(0.05)
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGSEGV, signal.SIGKILL):
    os.kill(1, sig)                      # delivered to nobody: init has no handlers
res["kill_minus_1"] = 0
try:
    os.kill(-1, signal.SIGKILL)          # every process it may signal but itself and init
except OSError as e:
    res["kill_minus_1"] = errno.errorcode[e.errno]
res["victim"] = victim.wait()
time.sleep(0.2)
try:
    os.kill(1, 0)
    res["init_alive"] = True
except OSError:
    res["init_alive"] = False
# host processes: their pid numbers mean nothing here
for name in ("HOSTPID", "CANARYPID"):
    pid = int(os.environ[name])
    if pid in (1, os.getpid(), victim.pid):
        res[name] = "collision"
        continue
    try:
        os.kill(pid, signal.SIGKILL)
        res[name] = "signalled"
    except OSError as e:
        res[name] = errno.errorcode[e.errno]
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(434, int(os.environ["CANARYPID"]), 0)     # pidfd_open
res["pidfd_open_host"] = "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "init run: status ok (init ignored every signal)"
is "$rc" 0 "init run: exit 0"
for f in mem environ maps auxv stack syscall pagemap; do
	is "$(out "o['init_$f']")" EACCES "/proc/1/$f unreadable (init is not dumpable)"
done
is "$(out 'o["init_stat"]')" readable "control: /proc/1/stat is readable"
is "$(out 'o["init_ppid"]')" 0 "pid 1 is the namespace's init (PPid 0)"
is "$(out 'o["init_uid"]')" '["1000", "1000", "1000", "1000"]' "init runs as the sandbox user too"
is "$(out 'o["mypid"]')" 2 "the program is pid 2"
is "$(out 'o["ppid"]')" 1 "its parent is init"
is "$(out 'o["kill_minus_1"]')" 0 "kill(-1, SIGKILL) is allowed"
is "$(out 'o["victim"]')" -9 "control: kill(-1) killed the program's own child"
is "$(out 'o["init_alive"]')" true "init survived SIGTERM/INT/HUP/SEGV/KILL from inside"
is "$(out 'o["HOSTPID"]')" ESRCH "kill(host test shell's pid): ESRCH"
is "$(out 'o["CANARYPID"]')" ESRCH "kill(host canary's pid): ESRCH"
is "$(out 'o["pidfd_open_host"]')" ESRCH "pidfd_open(host canary's pid): ESRCH"
kill -0 "$CANARY_PID" 2>/dev/null
ok $? "the host canary process is alive (same host uid when unprivileged)"
is "$(canary_hits)" 0 "the host canary got no connection"
check "no process left behind (sleep $MARK)" wait_gone "sleep $MARK"

done_testing
