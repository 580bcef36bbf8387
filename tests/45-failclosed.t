#!/usr/bin/env bash
# 45-failclosed.t - paths that must fail closed and results that must not
# lie: tools outliving a killed launcher, capture and audit failures on the
# host, policies that take away what init needs, early signals, caller
# limits, long messages, silent downgrades, --verbose violations.
source "$(dirname "$0")/lib.sh"

for m in 91 92 93; do on_exit "kill_marker '^sleep 987\\.$m'"; done

# --- a command tool dies with a launcher killed by SIGKILL ----------------------
# The tool's shell starts a child (sleep) of its own: PR_SET_PDEATHSIG on the
# shell alone would leave the sleep running as the launcher's user.
echo 'print(call_tool("slow", x=1))' >"$T/slow.py"
"$ACTJAIL" run --tool 'slow=sleep 987.91; cat' "$T/slow.py" >/dev/null 2>&1 &
launcher=$!
if wait_seen '^sleep 987.91'; then
	kill -KILL "$launcher"
	wait "$launcher" 2>/dev/null
	check "a killed launcher's command tool (and the tool's child) is gone" wait_gone '^sleep 987.91'
else
	ok 1 "the slow tool started"
fi

# --- a tool over max_output is reported as such, not as the signal that ended it
cat >"$T/big.py" <<'PY'
try:
    call_tool("big")
except ToolError as e:
    print(e)
PY
jrun --tool 'big=yes' <"$T/big.py"
like "$(field 'r["stdout"]')" "tool big printed more than 1048576 bytes" "a tool over max_output: 'printed more than N bytes'"
unlike "$(field 'r["stdout"]')" "signal" "a tool over max_output: not 'killed by signal 9'"

# --- capture: the destination removed during the run ----------------------------
cat >"$T/cap.py" <<'PY'
import os, time
open("/output/a.txt", "w").write("hello")
os.mkdir("/output/sub")
open("/output/sub/b.txt", "w").write("x")
print("written", flush=True)
time.sleep(1)
PY
mkdir "$T/out1"
"$ACTJAIL" run --json --output "$T/out1" "$T/cap.py" >"$T/result.json" 2>"$T/stderr" &
launcher=$!
sleep 0.5
rm -rf "$T/out1"
wait "$launcher"
rc=$?
is "$rc" 125 "--output removed during the run: exit 125"
is "$(field '(r["status"], r["reason"], len(r["files"]))')" '["capture_error", "output", 0]' "--output removed: status capture_error, no files"
is "$(field 'sorted(s["path"] for s in r["skipped_files"])')" '["a.txt", "sub/b.txt"]' "--output removed: every file the program left is listed"
is "$(field '[(s["path"], s["reason"], s["host_failure"], bool(s["errno"])) for s in r["skipped_files"]]')" \
	'[["a.txt", "cannot write destination", true, true], ["sub/b.txt", "cannot create directory", true, true]]' \
	"--output removed: each with the reason and its errno"
like "$(cat "$T/stderr")" "capture into .*: 2 files not written" "--output removed: said on stderr"

# a program's own refusals (a symlink) are not a capture failure
mkdir "$T/out2"
jrun --output "$T/out2" <<<'import os; open("/output/ok.txt","w").write("1"); os.symlink("/etc/passwd", "/output/l")'
is "$(field '(r["status"], r["skipped_files"][0]["host_failure"], r["skipped_files"][0]["errno"])')" '["ok", false, null]' \
	"a planted symlink: skipped, and the run is still ok"

# a full destination, without --json: the exit status and stderr say so (root: a small tmpfs)
if is_root && mkdir "$T/small" && mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null; then
	on_exit "umount '$T/small' 2>/dev/null"
	echo 'open("/output/big.bin","wb").write(b"x" * 200000); print("done")' >"$T/full.py"
	"$ACTJAIL" run --output "$T/small" "$T/full.py" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	is "$rc" 125 "a full --output: exit 125 without --json"
	like "$(cat "$T/stderr")" "big.bin: No space left on device" "a full --output: stderr names the file and ENOSPC"
	is "$(find "$T/small" -mindepth 1 | wc -l)" 0 "a full --output: nothing partial left in it"
	umount "$T/small"
else
	for _ in 1 2 3; do skip "full --output" "a small tmpfs needs root"; done
fi

# a launcher killed during capture leaves no temporary or partial file
cat >"$T/many.py" <<'PY'
for i in range(6):
    open("/output/f%d.bin" % i, "wb").write(bytes([65 + i]) * (10 << 20))
PY
mkdir "$T/out3"
"$ACTJAIL" run --memory 256 --output "$T/out3" "$T/many.py" >/dev/null 2>&1 &
launcher=$!
for _ in $(seq 1 400); do
	[ -n "$(ls -A "$T/out3")" ] && break
	sleep 0.005
done
kill -KILL "$launcher" 2>/dev/null
wait "$launcher" 2>/dev/null
is "$(find "$T/out3" -name '.actjail-*' | wc -l)" 0 "killed during capture: no .actjail-*.tmp left"
bad=0
for f in "$T"/out3/*; do
	[ -e "$f" ] || continue
	[ "$(stat -c %s "$f")" = $((10 << 20)) ] || bad=$((bad + 1))
done
is "$bad" 0 "killed during capture: every file present is complete ($(find "$T/out3" -type f | wc -l) of 6)"

# --- the audit log: opened before the jail exists; records whole or not at all --
echo 'print(call_tool("mark"))' >"$T/mark.py"
"$ACTJAIL" run --json --audit-log "$T/no/such/dir/audit.log" --tool "mark=touch $T/ran; echo 1" "$T/mark.py" >"$T/result.json" 2>"$T/stderr"
rc=$?
is "$rc" 125 "an unusable --audit-log: exit 125"
is "$(field '(r["status"], r["setup_error"]["step"])')" '["setup_error", "audit log"]' "an unusable --audit-log: a setup error at 'audit log'"
ok "$([ ! -e "$T/ran" ]; echo $?)" "an unusable --audit-log: the program never ran"
mkfifo "$T/fifo"
"$ACTJAIL" run --audit-log "$T/fifo" "$T/mark.py" >/dev/null 2>&1
is "$?" 125 "a FIFO as --audit-log: refused (exit 125), not blocked on"
if is_root && mkdir "$T/tiny" && mount -t tmpfs -o size=8k tmpfs "$T/tiny" 2>/dev/null; then
	on_exit "umount '$T/tiny' 2>/dev/null"
	head -c 7000 /dev/zero >"$T/tiny/fill"
	: >"$T/tiny/audit.log"
	jrun --audit-log "$T/tiny/audit.log" <<<'print("x" * 100)'
	is "$rc" 125 "a full audit log: exit 125"
	is "$(field '(r["status"], r["audit_error"])')" '["ok", "ENOSPC"]' "a full audit log: the run's status, and audit_error ENOSPC"
	is "$(wc -c <"$T/tiny/audit.log")" 0 "a full audit log: no partial line left"
	rm "$T/tiny/fill"
	jrun --audit-log "$T/tiny/audit.log" <<<'pass'
	is "$(field 'r["audit_error"]')" null "after space is freed: audit_error null"
	check "after space is freed: the log is whole JSON lines" "$PY" -c '
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "" and len(lines) == 2, lines
json.loads(lines[0])' "$T/tiny/audit.log"
	umount "$T/tiny"
else
	for _ in 1 2 3 4 5; do skip "full audit log" "a small tmpfs needs root"; done
fi

# --- a policy that takes away what the jail's init needs -----------------------
for drop in setsid sendmsg; do
	"$PY" -c '
import json, sys
p = json.load(open(sys.argv[1]))
p["seccomp"]["allow"] = [s for s in p["seccomp"]["allow"] if s != sys.argv[2]]
json.dump(p, open(sys.argv[3], "w"))' "$TOP/policy/default.json" "$drop" "$T/no-$drop.json"
	timeout 20 "$ACTJAIL" run --json --policy "$T/no-$drop.json" - <<<'print(1)' >"$T/result.json" 2>"$T/stderr"
	rc=$?
	is "$rc" 125 "a policy without $drop: refused with exit 125 (not a hang, not a silent error)"
	like "$(cat "$T/stderr")" "needs after the filter: $drop" "a policy without $drop: the message names it"
done

# --- signals early in the launcher's life ----------------------------------------
# Whatever moment SIGTERM comes, the launcher either dies before main (then
# nothing exists yet) or prints a whole result, and leaves no cgroup.
# The launcher is started from Python: Popen returns once exec succeeded, so
# the signal reaches actjail itself, at delays from 0 to ~3 ms.
bad=$("$PY" - "$ACTJAIL" <<'PY'
import json, os, signal, subprocess, sys, time, glob
bad = []
for i in range(30):
    p = subprocess.Popen([sys.argv[1], "run", "--json", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep((i % 7) * 0.0005)
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(b"pass\n")
    if out:
        try:
            json.loads(out)
        except ValueError:
            bad.append("%d: not JSON" % i)
    elif p.returncode != -signal.SIGTERM:
        bad.append("%d: no output, status %d" % (i, p.returncode))
    if glob.glob("/sys/fs/cgroup/*/**/actjail-*-%d-*" % p.pid, recursive=True):
        bad.append("%d: cgroup left" % i)
print(len(bad), *bad)
PY
)
is "$bad" 0 "SIGTERM at the launcher's start (30 tries): a whole JSON result or nothing begun, no cgroup left"

# --- the limits reported are the ones applied, under a caller's lower ulimit ----
(
	ulimit -n 32
	jrun <<<'import resource; print(resource.getrlimit(resource.RLIMIT_NOFILE)[1])'
	echo "$rc" >"$T/rc"
)
is "$(field '(r["limits"]["open_files"], r["stdout"].strip())')" '[32, "32"]' "ulimit -n 32: limits.open_files is 32, as the jail sees"
like "$(cat "$T/stderr")" "lowers open_files from 256 to 32" "ulimit -n 32: a warning says so"

# --- messages that point at the cause --------------------------------------------
echo 'print(1)' >"$T/one.py"
if [ -n "${ACTJAIL_SANITIZED:-}" ]; then
	for _ in 1 2 3 4; do skip "ulimit -n 3 and a tiny ulimit -v" "ASan needs descriptors and address space of its own"; done
else
	# under a limit of 3 the shell cannot even redirect: Python sets it for actjail alone
	"$PY" -c '
import resource, subprocess, sys
r = subprocess.run([sys.argv[1], "run", sys.argv[2]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (3, 3)))
open(sys.argv[3], "wb").write(r.stderr)
print(r.returncode)' "$ACTJAIL" "$T/one.py" "$T/stderr" >"$T/rc"
	is "$(cat "$T/rc")" 125 "ulimit -n 3: a setup error (125), not a usage error about a good FILE"
	like "$(cat "$T/stderr")" "open-file limit of 3 \\(ulimit -n\\)" "ulimit -n 3: the hint names the limit"
	# The smallest address-space limit the kernel can exec the launcher
	# under depends on the binary's size: from 2048 KiB up, in 16 KiB steps,
	# the first limit the launcher starts under (the kernel kills an exec
	# that cannot map it with SIGSEGV) is too low for it to run a jail.
	"$PY" -c '
import resource, subprocess, sys
for kib in range(2048, 8192, 16):
    r = subprocess.run([sys.argv[1], "run", sys.argv[2]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (kib << 10, kib << 10)))
    if r.returncode != -11:
        break
open(sys.argv[3], "wb").write(r.stderr)
print(r.returncode, kib)' "$ACTJAIL" "$T/one.py" "$T/stderr" >"$T/rc"
	read -r vrc vkib <"$T/rc"
	is "$vrc" 125 "ulimit -v $vkib (the least the launcher starts under): exit 125"
	like "$(cat "$T/stderr")" "memory limit of $vkib KiB \\(ulimit -v or -d\\)" "ulimit -v $vkib: the hint names the caller's limit, not the policy"
fi

long="$T/$(printf 'd%.0s' $(seq 1 120))/$(printf 'e%.0s' $(seq 1 120))"
mkdir -p "$long"
"$PY" -c '
import json, sys
p = json.load(open(sys.argv[1]))
p["limits"]["memory_mib"] = 999999999
json.dump(p, open(sys.argv[2], "w"))' "$TOP/policy/default.json" "$long/pol.json"
"$ACTJAIL" run --json --policy "$long/pol.json" "$T/one.py" >"$T/result.json" 2>"$T/stderr"
like "$(cat "$T/stderr")" "pol.json:[0-9]+:[0-9]+: limits.memory_mib: must be between 16 and" "a policy error under a long path keeps the field and the bounds"
like "$(field 'r["setup_error"]["detail"]')" "limits.memory_mib: must be between 16 and" "... in the JSON result too"

# --- no silent downgrades ---------------------------------------------------------
"$PY" -c '
import json, sys
p = json.load(open(sys.argv[1]))
p["seccomp"]["default_action"] = "allow"
p["seccomp"]["allow"] = []
json.dump(p, open(sys.argv[2], "w"))' "$TOP/policy/default.json" "$T/allow.json"
jrun --policy "$T/allow.json" <<<'pass'
is "$(field '(r["status"], r["policy"]["default_action"])')" '["ok", "allow"]' "default_action allow: shown in the result"
like "$(cat "$T/stderr")" 'default_action "allow"' "default_action allow: warned about on stderr"
jrun <<<'pass'
is "$(field 'r["policy"]["default_action"]')" "errno:EPERM" "the default policy: policy.default_action errno:EPERM"
if is_root; then
	skip "--uid-range rootless" "runs as root here (tests/run-unprivileged repeats it as nobody)"
	skip "--cpus rootless" "runs as root here"
else
	jrun --uid-range 300000:4 <<<'pass'
	is "$(field '(r["status"], r["setup_error"]["step"])')" '["setup_error", "uid range"]' "--uid-range rootless: an error, not ignored"
	jrun --cpus 0.5 <<<'pass'
	like "$(cat "$T/stderr")" "--cpus not applied" "--cpus rootless (cpus best-effort): warned about, not dropped silently"
fi

# --- leases and the stack limit ---------------------------------------------------
# A read lease (F_SETLEASE) on a file the jail owns (its own, or one of an
# idmapped --mount) would make a host writer wait up to lease-break-time;
# the stack is not in RLIMIT_DATA, so its hard limit is pinned to the soft.
jrun <<'PY'
import fcntl, os, resource
fd = os.open("/tmp/lease", os.O_RDONLY | os.O_CREAT, 0o600)
try:
    fcntl.fcntl(fd, 1024, fcntl.F_RDLCK)  # F_SETLEASE
    print("lease taken")
except OSError as e:
    print("lease", e.errno)
s, h = resource.getrlimit(resource.RLIMIT_STACK)
print("stack", s == h, h <= 64 << 20)
try:
    resource.setrlimit(resource.RLIMIT_STACK, (h + 4096, h + 4096))
    print("stack raised")
except (OSError, ValueError):
    print("stack stays")
PY
is "$(field 'r["stdout"]')" "lease 1
stack True True
stack stays" "F_SETLEASE refused (EPERM); RLIMIT_STACK hard = soft, and it cannot be raised"

# --- --verbose names each violation ---------------------------------------------
cat >"$T/viol.py" <<'PY'
import ctypes, os, socket
s = socket.socket()
try:
    s.connect(("192.0.2.10", 443))
except OSError:
    pass
ctypes.CDLL(None).syscall(163, 0)  # acct: not in the allowlist
os.symlink("/etc/passwd", "/output/link")
PY
"$ACTJAIL" run --verbose "$T/viol.py" >/dev/null 2>"$T/stderr"
like "$(cat "$T/stderr")" "violation: network: connect to 192\\.0\\.2\\.10:443 refused \\(ENETUNREACH\\)" "--verbose: the network destination"
like "$(cat "$T/stderr")" "violation: syscall acct \\(163\\) refused \\(EPERM\\)" "--verbose: the syscall"
like "$(cat "$T/stderr")" "violation: capture /output/link refused: symlink" "--verbose: the capture path"

done_testing
