#!/usr/bin/env bash
# 38-exec.t - actjail exec: exit codes, not found / not executable, the
# caller's stdin relayed (large, byte-exact, never a hang), the same jail as
# run, and with a terminal: a fresh pty of the jail's own, TIOCSTI refused,
# an interactive shell that can be driven, the caller's terminal restored.
source "$(dirname "$0")/lib.sh"

# --- exit codes and exec errors ----------------------------------------------
out=$("$ACTJAIL" exec -- /bin/sh -c 'echo hi; exit 3' </dev/null 2>"$T/stderr")
rc=$?
is "$rc:$out" "3:hi" "exec sh -c 'echo hi; exit 3': exit 3, output streamed"
jexec -- /bin/sh -c 'echo hi; exit 3'
is "$rc:$(field '(r["status"], r["exit_code"], r["stdout"], r["exec_error"])')" \
	'3:["error", 3, "hi\n", null]' "--json: status error, exit_code 3"
jexec -- true
is "$rc:$(field '(r["status"], r["exit_code"])')" '0:["ok", 0]' "exec true (found in PATH): ok"

jexec -- no-such-program-4711
is "$rc" 127 "not found in PATH: exit 127"
is "$(field '(r["status"], r["exit_code"])')" '["error", 127]' "not found: status error, exit_code 127"
like "$(field 'r["exec_error"]')" 'No such file or directory' "not found: exec_error says why"
jexec -- /no/such/program
is "$rc:$(field 'r["exit_code"]')" "127:127" "absolute path not found: 127"
jexec -- /etc/passwd
is "$rc" 126 "/etc/passwd (not executable): exit 126"
is "$(field '(r["status"], r["exit_code"])')" '["error", 126]' "not executable: status error, exit_code 126"
like "$(field 'r["exec_error"]')" 'Permission denied' "not executable: exec_error says why"
jexec -- /usr
is "$rc:$(field 'r["exit_code"]')" "126:126" "a directory: 126"
"$ACTJAIL" exec -- no-such-program-4711 </dev/null >"$T/stdout" 2>"$T/stderr"
rc=$?
is "$rc:$(cat "$T/stdout")" "127:" "not found without --json: 127, nothing on stdout"
like "$(cat "$T/stderr")" '^actjail: no-such-program-4711: No such file or directory' \
	"not found without --json: one line on stderr"

# --- stdin -----------------------------------------------------------------------
out=$(echo data | "$ACTJAIL" exec -- cat 2>/dev/null)
is "$out" data "stdin relayed: echo data | actjail exec -- cat"
out=$(printf 'a\nb\n' | "$ACTJAIL" exec --json -- /bin/sh -c 'read x; read y; echo "$y$x"' 2>/dev/null |
	"$PY" -c 'import json,sys; print(json.load(sys.stdin)["stdout"], end="")')
is "$out" ba "stdin relayed with --json"

head -c 5000000 /dev/urandom >"$T/big"
want=$(sha256sum <"$T/big" | cut -d' ' -f1)
# A regular file as stdin cannot be polled, a pipe can: either way a program
# that reads it all and writes nothing until EOF must get all of it. This one
# makes its stdin pipe large (so the relay's writes never block) and reads
# late; --timeout is a backstop.
cat >"$T/late.py" <<'EOF'
import fcntl, hashlib, sys, time
fcntl.fcntl(0, 1031, 1 << 20)  # F_SETPIPE_SZ
time.sleep(0.3)
print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())
EOF
"$ACTJAIL" exec --json --timeout 3 -- python3 -c "$(cat "$T/late.py")" <"$T/big" >"$T/result.json" 2>"$T/stderr"
is "$(field '(r["status"], r["stdout"].strip())')" "[\"ok\", \"$want\"]" \
	"5 MB from a regular file on stdin, read late: all of it, no stall"
cat "$T/big" | "$ACTJAIL" exec --json --timeout 3 -- python3 -c "$(cat "$T/late.py")" >"$T/result.json" 2>"$T/stderr"
is "$(field '(r["status"], r["stdout"].strip())')" "[\"ok\", \"$want\"]" \
	"5 MB from a pipe on stdin, read late: all of it, no stall"
"$ACTJAIL" exec --json --timeout 5 -- sha256sum <"$T/big" >"$T/result.json" 2>"$T/stderr"
is "$(field '(r["status"], r["stdout"][:64])')" "[\"ok\", \"$want\"]" \
	"5 MB from a regular file on stdin reach sha256sum inside byte-exact"
out=$(cat "$T/big" | "$ACTJAIL" exec -- sha256sum 2>/dev/null | cut -d' ' -f1)
is "$out" "$want" "5 MB from a pipe on stdin reach the program byte-exact"
if make_policy "$T/bigout.json" stdout_bytes=8388608; then
	cat "$T/big" | "$ACTJAIL" exec --policy "$T/bigout.json" -- cat >"$T/big.out" 2>"$T/stderr"
	rc=$?
	check "5 MB through cat (pipe in, pipe out): byte-exact" cmp -s "$T/big" "$T/big.out"
	"$ACTJAIL" exec --policy "$T/bigout.json" -- cat <"$T/big" >"$T/big.out" 2>"$T/stderr"
	is "$rc:$?" "0:0" "5 MB through cat: exit 0 both ways"
	check "5 MB through cat (file in, file out): byte-exact" cmp -s "$T/big" "$T/big.out"
else
	skip "5 MB through cat" "policy/default.json not found"
	skip "5 MB through cat" "policy/default.json not found"
	skip "5 MB through cat" "policy/default.json not found"
fi
"$ACTJAIL" exec -- cat <"$T/big" >"$T/big.out" 2>/dev/null
is "$(stat -c %s "$T/big.out")" 1048576 "5 MB through cat with the default policy: stdout stops at 1 MiB"

start=$(date +%s%N)
yes | timeout -s KILL 20 "$ACTJAIL" exec -- /bin/sh -c 'exit 4' 2>/dev/null
rc=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
is "$rc" 4 "endless stdin the program never reads: its exit code, no hang"
if [ "$elapsed" -lt 10000 ]; then ok 0 "endless unread stdin: returned in ${elapsed} ms"; else
	ok 1 "endless unread stdin: returned in ${elapsed} ms"
fi
out=$(yes | head -c 100000 | timeout -s KILL 20 "$ACTJAIL" exec -- head -c 10 2>/dev/null)
is "$?:$out" "0:$(printf 'y\ny\ny\ny\ny\n')" "program closes stdin early: no hang, no error"
out=$(timeout -s KILL 20 "$ACTJAIL" exec -- cat 2>/dev/null <&-)
is "$?:$out" "0:" "caller's stdin closed: the program sees EOF"

# --- the same jail as run ----------------------------------------------------------
jexec -- /bin/sh -c 'id -u; id -g; hostname; cat /etc/hostname; echo $HOME; test -w /output && echo output-writable; test -w /usr || echo usr-ro'
is "$(field 'r["stdout"]')" "$(printf '1000\n1000\nsandbox\nsandbox\n/tmp\noutput-writable\nusr-ro')" \
	"exec: uid/gid 1000, hostname sandbox, HOME /tmp, /output writable, /usr read-only"
jrun <<<'import os, socket; print(os.getuid(), os.getgid(), socket.gethostname(), os.environ["HOME"])'
is "$(field 'r["stdout"]')" "1000 1000 sandbox /tmp" "run: the same identity and hostname"
jexec -- /usr/bin/python3 -c 'import os; print(os.getpid(), os.getppid(), sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))'
is "$(field 'r["stdout"]')" "2 1 [1, 2]" "exec: pid 2 under the jail's init; only the jail's processes in /proc"

# --- with a terminal ----------------------------------------------------------------
mkdir -p "$T/in"
cat >"$T/in/tty.py" <<'EOF'
import fcntl, json, os, termios
r = {"isatty": [os.isatty(0), os.isatty(1), os.isatty(2)], "rdev": os.fstat(0).st_rdev,
     "same": os.fstat(0).st_rdev == os.fstat(1).st_rdev == os.fstat(2).st_rdev}
try:
    r["ttyname"] = os.ttyname(0)
except OSError as e:
    r["ttyname"] = "error %d" % e.errno
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"X")
    r["tiocsti"] = "allowed"
except OSError as e:
    r["tiocsti"] = e.errno
try:
    fd = os.open("/dev/tty", os.O_RDWR)
    r["devtty"] = os.tcgetpgrp(fd) == os.tcgetpgrp(0) == os.getpgrp()
    try:
        fcntl.ioctl(fd, termios.TIOCSTI, b"X")
        r["devtty_tiocsti"] = "allowed"
    except OSError as e:
        r["devtty_tiocsti"] = e.errno
except OSError as e:
    r["devtty"] = "error %d" % e.errno
print("RESULT " + json.dumps(r))
EOF
pty_run "" "" "$ACTJAIL" exec --input "$T/in" -- /usr/bin/python3 /input/tty.py >"$T/pty.out" 2>&1
rc=$?
read -r host_rdev lflag_before lflag_after <"$T/pty.info"
res=$(tr -d '\r' <"$T/pty.out" | sed -n 's/^RESULT //p')
is "$rc" 0 "under a terminal: exit 0"
j() { "$PY" -c 'import json,sys; print(json.dumps(eval(sys.argv[2], {"r": json.loads(sys.argv[1])})))' "$res" "$1" 2>&1; }
is "$(j 'r["isatty"]')" "[true, true, true]" "the program's stdin, stdout and stderr are a tty"
is "$(j 'r["same"]')" true "one terminal for all three"
rdev=$(j 'r["rdev"]')
if [ -n "$rdev" ] && [ "$rdev" != "$host_rdev" ] && [ "$((rdev >> 8))" -ge 136 ] && [ "$((rdev >> 8))" -le 143 ]; then
	ok 0 "its tty is a fresh pty ($((rdev >> 8)):$((rdev & 255))), not the caller's ($((host_rdev >> 8)):$((host_rdev & 255)))"
else
	ok 1 "its tty is a fresh pty ($rdev), not the caller's ($host_rdev)"
fi
is "$(j 'r["ttyname"]')" '"/dev/console"' "ttyname() works inside: the terminal is the jail's /dev/console"
is "$(j 'r["tiocsti"]')" 1 "TIOCSTI on the jail's tty is refused (EPERM)"
is "$(j '(r["devtty"], r.get("devtty_tiocsti"))')" "[true, 1]" "/dev/tty is the jail's pty (our foreground group), TIOCSTI refused there too"
is "$lflag_after" "$lflag_before" "the caller's terminal modes are restored afterwards"

pty_run '$ ' $'echo $((6*7))\nexit 7\n' "$ACTJAIL" exec -- /bin/sh -i >"$T/pty.out" 2>&1
rc=$?
is "$rc" 7 "interactive shell: its exit status passes through"
is "$(tr -d '\r' <"$T/pty.out" | grep -cx 42)" 1 "interactive shell: the computed 42 comes back"
read -r _ lflag_before lflag_after <"$T/pty.info"
is "$lflag_after" "$lflag_before" "interactive shell: the caller's terminal modes are restored"

pty_run "" "" "$ACTJAIL" exec -- /bin/sh -c 'stty -a | grep -o -- "-\?icanon"' >"$T/pty.out" 2>&1
is "$(tr -d '\r' <"$T/pty.out" | head -n1)" icanon "the jail's pty starts with the caller's settings (canonical mode)"

done_testing
