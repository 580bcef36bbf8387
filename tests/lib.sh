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
_cleanup_hooks=()

_lib_cleanup() {
	local h
	for h in "${_cleanup_hooks[@]+"${_cleanup_hooks[@]}"}"; do eval "$h"; done
	rm -rf "$T"
}
trap _lib_cleanup EXIT

on_exit() { _cleanup_hooks+=("$1"); }

ok() { # ok CONDITION_STATUS NAME
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
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
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

like() { # like GOT REGEX NAME (grep -E)
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"
		printf '#   %s\n#   does not match: %s\n' "$(printf '%s' "$1" | head -c 600)" "$2"
	fi
}

unlike() { # unlike GOT REGEX NAME
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '#   %s\n#   matches: %s\n' "$(printf '%s' "$1" | head -c 600)" "$2"
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
