# Variables set here (rc, CANARY_PORT, ...) are read by the scripts that source this file.
# shellcheck disable=SC2034

# tests/lib.sh - TAP helpers for actjail's shell tests (sourced by tests/*.t).
# Each test gets a private temp dir ($T) that is removed on exit, and the
# helpers below; jail tests call `jrun`, which runs Python in the jail with
# --json and leaves the result in $T/result.json and the exit status in $rc.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACTJAIL=${ACTJAIL:-$TOP/build/actjail}
PY=/usr/bin/python3
T=$(mktemp -d /tmp/actjail-test.XXXXXX)
chmod 755 "$T"
_tap_n=0
_tap_failed=0
# make sanitize sets ACTJAIL_SANITIZED: ASan's shadow memory and quarantine
# make the launcher's memory bounds meaningless there, so those checks skip.
SANITIZED_WHY="memory bounds are measured on the normal build (ASan adds shadow memory and a quarantine)"
# Run through actjail serve (tests/74-serve-suite.t): the process that runs
# is tests/tools/actjail-via-serve, a Python client, not the launcher.
if [ -n "${ACTJAIL_VIA:-}" ]; then
	SANITIZED_WHY="the launcher's memory is measured by actjail run, not through actjail serve (tests/74-serve-suite.t)"
fi
_cleanup_hooks=()

_lib_cleanup() {
	local h
	for h in "${_cleanup_hooks[@]+"${_cleanup_hooks[@]}"}"; do eval "$h"; done
	rm -rf "$T"
}
trap _lib_cleanup EXIT

on_exit() { _cleanup_hooks+=("$1"); }

# Under prove (HARNESS_ACTIVE), a failure and its diagnostics also go to
# stderr: prove shows a test's stderr but not the comments on its stdout,
# so a CI log then says why a check failed, not only its number.
ok() { # ok CONDITION_STATUS NAME
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		if [ -n "${HARNESS_ACTIVE:-}" ]; then echo "not ok $_tap_n - $2" >&2; fi
		_tap_failed=$((_tap_failed + 1))
	fi
}

diag() { # diag FORMAT ARGS...: a "#" comment (and on stderr under prove)
	# shellcheck disable=SC2059
	printf "$@"
	# shellcheck disable=SC2059
	if [ -n "${HARNESS_ACTIVE:-}" ]; then printf "$@" >&2; fi
	return 0
}

check() { # check NAME COMMAND...: ok when COMMAND succeeds
	local name=$1
	shift
	"$@"
	ok $? "$name"
}

is() { # is GOT WANT NAME
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"
		diag '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

like() { # like GOT REGEX NAME (grep -E)
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"
		diag '#   %s\n#   does not match: %s\n' "$(printf '%s' "$1" | head -c 600)" "$2"
	fi
}

unlike() { # unlike GOT REGEX NAME
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		diag '#   %s\n#   matches: %s\n' "$(printf '%s' "$1" | head -c 600)" "$2"
	else ok 0 "$3"; fi
}

skip() { # skip NAME REASON
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $1: $2"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

is_root() { [ "$(id -u)" = 0 ]; }

# jrun [ACTJAIL OPTIONS...] < program: actjail run --json; sets $rc, $T/result.json
jrun() {
	"$ACTJAIL" run --json "$@" - >"$T/result.json" 2>"$T/stderr"
	rc=$?
}

# jexec [ACTJAIL OPTIONS...] -- PROGRAM...: actjail exec --json; sets $rc
jexec() {
	"$ACTJAIL" exec --json "$@" </dev/null >"$T/result.json" 2>"$T/stderr"
	rc=$?
}

# field EXPR: a Python expression over the result `r`, printed (json for non-str)
field() {
	"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$T/result.json" "$1" 2>&1
}

# out_json EXPR: evaluate EXPR over the program'"'"'s stdout parsed as JSON (`o`)
out() {
	"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
o = json.loads(r["stdout"])
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$T/result.json" "$1" 2>&1
}

# A TCP canary on the host's loopback: records every connection it accepts.
# canary_start sets CANARY_PORT; canary_hits prints how many connections came.
canary_start() {
	"$PY" - "$T/canary.port" "$T/canary.hits" <<'PY' &
import socket, sys, os
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(120)
hits = 0
try:
    while True:
        c, _ = s.accept()
        hits += 1
        open(sys.argv[2], "w").write(str(hits))
        c.close()
except Exception:
    pass
PY
	CANARY_PID=$!
	on_exit "kill $CANARY_PID 2>/dev/null"
	local _
	for _ in $(seq 1 100); do
		[ -f "$T/canary.port" ] && break
		sleep 0.05
	done
	CANARY_PORT=$(cat "$T/canary.port")
}
canary_hits() { cat "$T/canary.hits" 2>/dev/null || echo 0; }

# wait_gone PATTERN: true once no process matches (pgrep -f), within ~3 s
wait_gone() {
	local _
	for _ in $(seq 1 60); do
		pgrep -f -- "$1" >/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# ---- added for 10-cli, 20-run, 35-timeout, 36-capture, 38-exec, 39-bridge ----

# wait_seen PATTERN: true once a process matches (pgrep -f), within ~5 s
wait_seen() {
	local i
	for i in $(seq 1 100); do
		pgrep -f -- "$1" >/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# kill_marker PATTERN: SIGKILL, by pid, whatever a failed test left behind
# that matches PATTERN (a unique marker), and its parent when that is a
# jail's init (an actjail process with an empty command line).
kill_marker() {
	local p pp
	for p in $(pgrep -f -- "$1"); do
		pp=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')
		if [ -n "$pp" ] && [ "$pp" != 1 ] && [ -z "$(tr -d '\0' <"/proc/$pp/cmdline" 2>/dev/null)" ]; then
			kill -9 "$pp" 2>/dev/null
		fi
		kill -9 "$p" 2>/dev/null
	done
	return 0
}

# mem_run OUT CMD...: run CMD (stdio inherited) and write "HWM MAXRSS" to OUT:
# HWM is CMD's own peak resident set in KiB (VmHWM, sampled every 10 ms while
# it runs), MAXRSS the largest resident set of CMD or any descendant it reaped
# (getrusage(RUSAGE_CHILDREN)). /usr/bin/time may be missing; python is not.
# Returns CMD's exit status.
mem_run() {
	"$PY" -c '
import resource, subprocess, sys, time
p = subprocess.Popen(sys.argv[2:])
hwm = 0
while p.poll() is None:
    try:
        with open("/proc/%d/status" % p.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = max(hwm, int(line.split()[1]))
    except (OSError, ValueError):
        pass
    time.sleep(0.01)
with open(sys.argv[1], "w") as f:
    f.write("%d %d\n" % (hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)' "$@"
}

# make_policy FILE [KEY=JSON]...: write FILE, the default policy
# (policy/default.json) named "test" with limits.KEY set to the JSON value.
# Fails when the default policy file is not there.
make_policy() {
	[ -r "$TOP/policy/default.json" ] || return 1
	"$PY" -c '
import json, sys
p = json.load(open(sys.argv[1]))
p["name"] = "test"
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    p["limits"][k] = json.loads(v)
json.dump(p, open(sys.argv[2], "w"), indent=1)' "$TOP/policy/default.json" "$@"
}

# pty_run EXPECT INPUT CMD...: run CMD in a new session whose controlling
# terminal is a fresh pseudo-terminal, write INPUT to it once CMD's output
# contains EXPECT (at once when EXPECT is empty), and print all CMD wrote.
# Leaves in $T/pty.info "RDEV LFLAG_BEFORE LFLAG_AFTER": the device number of
# the terminal CMD got and its local modes before and after CMD ran.
# Gives up after 20 s (status 124); otherwise returns CMD's exit status.
pty_run() {
	"$PY" -c '
import fcntl, os, select, subprocess, sys, termios, time
info, expect, feed, cmd = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4:]
master, slave = os.openpty()
before = termios.tcgetattr(slave)[3]
def setup():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                     preexec_fn=setup)
out, fed, deadline, status = b"", not feed, time.time() + 20, 124
while time.time() < deadline:
    if not fed and expect in out:
        os.write(master, feed)
        fed = True
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            b = os.read(master, 65536)
        except OSError:
            b = b""
        out += b
        if b:
            continue
    if p.poll() is not None:
        while select.select([master], [], [], 0.1)[0]:
            try:
                b = os.read(master, 65536)
            except OSError:
                break
            if not b:
                break
            out += b
        status = p.returncode if p.returncode >= 0 else 128 - p.returncode
        break
else:
    p.kill()
    p.wait()
after = termios.tcgetattr(slave)[3]
with open(info, "w") as f:
    f.write("%d %d %d\n" % (os.fstat(slave).st_rdev, before, after))
sys.stdout.buffer.write(out)
sys.exit(status)' "$T/pty.info" "$@"
}

# ---- the attack suite (tests/security/attack-*.t) ----------------------------
# Each attack test runs one hostile program and checks the outcome from
# inside (what the program saw, the result) and outside (the host):
#
#   attack_begin            plant the host canaries
#   jattack [OPTIONS] <<'PY'  the hostile program (its stdout: JSON for `out`)
#   ...inside checks (is/like over field/out)...
#   attack_end              the canaries untouched, nothing of the jail left
#
# Canaries: $HOST_DIR is a host directory (mode 0777, under the test's temp
# dir) holding $HOST_SECRET, a world-readable file whose content is
# $SECRET_TOKEN: only the jail's walls keep the program from it. A TCP
# canary listens on the host's loopback ($CANARY_PORT). The program gets
# the paths and the port in its environment (HOST_DIR, HOST_SECRET,
# CANARY_PORT) but never the token. attack_end checks that HOST_DIR is
# byte-for-byte as planted, the canary accepted nothing, the token appears
# nowhere in the result, and nothing of the jail outlived its launcher.
# That last one: jattack runs actjail under tests/tools/reap-check.py, a
# child subreaper, so whatever of the launcher's outlives it (a jail's init
# would, with its whole pid namespace) becomes reap-check's child and is
# written to $T/leftovers. It does not look at other processes, so it holds
# while other jails run beside the test.

_host_dir_state() {
	(cd "$HOST_DIR" && find . -printf '%p %y %m %s %U %n\n' | sort && cat "$HOST_SECRET") | sha256sum
}

attack_begin() {
	HOST_DIR="$T/host"
	mkdir -p "$HOST_DIR/sub"
	chmod 0777 "$HOST_DIR" "$HOST_DIR/sub"
	SECRET_TOKEN="secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	HOST_SECRET="$HOST_DIR/secret.txt"
	printf '%s\n' "$SECRET_TOKEN" >"$HOST_SECRET"
	chmod 0666 "$HOST_SECRET"
	_host_state=$(_host_dir_state)
	: >"$T/leftovers"
	canary_start
	export HOST_DIR HOST_SECRET CANARY_PORT
}

# attack_end: the outside checks (four tests)
attack_end() {
	is "$(_host_dir_state)" "$_host_state" "outside: the host directory and its secret are untouched"
	is "$(canary_hits)" 0 "outside: the host's loopback canary saw no connection"
	if grep -qF -- "$SECRET_TOKEN" "$T/result.json" "$T/stderr" 2>/dev/null; then
		ok 1 "outside: the host secret appears nowhere in the result"
	else
		ok 0 "outside: the host secret appears nowhere in the result"
	fi
	is "$(cat "$T/leftovers")" "" "outside: nothing of the jail outlived its launcher"
}

# jattack [OPTIONS] <<'PY': jrun with the canaries' locations passed in
jattack() {
	"$PY" "$TOP/tests/tools/reap-check.py" "$T/leftovers" "$ACTJAIL" run --json \
		--env HOST_DIR="$HOST_DIR" --env HOST_SECRET="$HOST_SECRET" \
		--env CANARY_PORT="$CANARY_PORT" "$@" - >"$T/result.json" 2>"$T/stderr"
	rc=$?
}
