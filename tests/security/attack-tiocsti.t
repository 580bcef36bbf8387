#!/usr/bin/env bash
# Attack: type a command into the caller's terminal, to be run by the
# user's shell once the jail exits: ioctl TIOCSTI (one byte at a time of
# "echo MARK"), also with high bits set in the request (0x100005412,
# 0xdead000000005412, which the kernel truncates to TIOCSTI), and
# TIOCLINUX (paste selection, 0x541C) on fds 0-2 and /dev/tty. Tried
# under `actjail run` (stdio are pipes, no terminal), on a pty of the
# jail's own devpts made its controlling terminal, and under
# `actjail exec` started from a host shell whose controlling terminal is
# a pseudo-terminal; that shell afterwards reads one line from its
# terminal, as an interactive shell would. Safe outcome: every TIOCSTI and
# TIOCLINUX is EPERM (and listed in the violations as ioctl), while other
# ioctls work; the host shell reads nothing and the marker never
# appears on the host terminal; the terminal's modes are restored.
# Stopped by: seccomp (ioctl request checked on its low 32 bits) and the
# launcher's fresh pty for the jail (never the caller's terminal).
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="injected-$$-$RANDOM"
mkdir -p "$T/in"
cat >"$T/in/tiocsti.py" <<'PY'
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
text = ("echo %s\n" % os.environ["MARK"]).encode()
res = {"isatty": os.isatty(0), "sti": {}, "linux": {}, "ctl": {}}
def ioctl(fd, req, arg):
    ctypes.set_errno(0)
    r = libc.ioctl(fd, ctypes.c_ulong(req), arg)
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
fds = {"0": 0, "1": 1, "2": 2}
try:
    fds["/dev/tty"] = os.open("/dev/tty", os.O_RDWR)
except OSError as e:
    res["dev_tty"] = errno.errorcode[e.errno]
for name, fd in fds.items():
    for req in (0x5412, 0x100005412, 0xdead000000005412):
        outcomes = set()
        for ch in text:
            outcomes.add(ioctl(fd, req, ctypes.byref(ctypes.c_char(bytes([ch])))))
        res["sti"]["%s %#x" % (name, req)] = sorted(outcomes)
    for sub in (2, 3, 6):            # TIOCL_SETSEL, TIOCL_PASTESEL, TIOCL_GETFGCONSOLE
        res["linux"]["%s %d" % (name, sub)] = ioctl(fd, 0x541C, ctypes.byref(ctypes.c_char(bytes([sub]))))
    res["ctl"][name] = ioctl(fd, 0x5413, ctypes.create_string_buffer(8))    # TIOCGWINSZ
res["n_refused"] = sum(len(text) for v in res["sti"].values() if v == ["EPERM"]) + \
    sum(1 for v in res["linux"].values() if v == "EPERM")
print("RESULT " + json.dumps(res))
PY

attack_begin
# ---- without a terminal: actjail run --------------------------------------
jattack --timeout 10 --input "$T/in" --env "MARK=$MARK" <<'PY'
exec(open("/input/tiocsti.py").read())
PY
is "$(field 'r["status"]')" ok "run: the program ran"
res=$(field 'r["stdout"]' | sed -n 's/^RESULT //p')
j() { "$PY" -c 'import json,sys; print(json.dumps(eval(sys.argv[2], {"r": json.loads(sys.argv[1])})))' "$res" "$1" 2>&1; }
is "$(j 'r["isatty"]')" false "run: stdin is not a terminal"
is "$(j 'sorted(set(x for v in r["sti"].values() for x in v))')" '["EPERM"]' \
	"run, inside: TIOCSTI (plain and with high bits) on fds 0-2: EPERM, not ENOTTY"
is "$(j 'sorted(set(r["linux"].values()))')" '["EPERM"]' "run, inside: TIOCLINUX: EPERM"
is "$(j 'sorted(set(r["ctl"].values()))')" '["ENOTTY"]' "control: TIOCGWINSZ reaches the kernel (ENOTTY on a pipe)"
is "$(j 'r.get("dev_tty")')" '"ENXIO"' "run, inside: /dev/tty leads nowhere without a controlling terminal (ENXIO)"
# the rules for TIOCSTI and TIOCLINUX have the default action (EPERM), so the
# refusals go the default's way and are reported (docs/result.md)
is "$(field '[(v["syscall"], v["count"], v["errno"]) for v in r["violations"]]')" "[[\"ioctl\", $(j 'r["n_refused"]'), \"EPERM\"]]" \
	"run, outside: violations list ioctl, once for each refused call"
is "$(field '[hex(v["first_args"][1] & 0xffffffff) for v in r["violations"]]')" '["0x5412"]' \
	"run, outside: the first refused request was TIOCSTI"
unlike "$(field 'r["stdout"] + r["stderr"]')" "$MARK" "run: the marker never came back"

# ---- the jail's own ptys (its devpts instance): os.openpty, made a ---------
# controlling terminal in a new session; TIOCSTI there is refused as well
# (it could only type into the jail's own terminal, but the rule is one).
jattack --timeout 10 --env "MARK=$MARK" <<'PY'
import ctypes, errno, json, os, select
libc = ctypes.CDLL(None, use_errno=True)
m, s = os.openpty()
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.setsid()
    res = {"ctty": libc.ioctl(s, 0x540E, 0) == 0}                 # TIOCSCTTY
    fds = {"slave": s, "/dev/tty": os.open("/dev/tty", os.O_RDWR)}
    for name, fd in fds.items():
        for req in (0x5412, 0x100005412):
            ctypes.set_errno(0)
            rc = libc.ioctl(fd, ctypes.c_ulong(req), ctypes.byref(ctypes.c_char(b"X")))
            res["%s %#x" % (name, req)] = "ok" if rc >= 0 else errno.errorcode[ctypes.get_errno()]
    os.write(w, json.dumps(res).encode())
    os._exit(0)
os.waitpid(pid, 0)
res = json.loads(os.read(r, 4096))
res["ttyname"] = os.ttyname(s)
res["typed"] = bool(select.select([s], [], [], 0.2)[0])              # input on the slave side?
print("RESULT " + json.dumps(res))
PY
res=$(field 'r["stdout"]' | sed -n 's/^RESULT //p')
is "$(field 'r["status"]')" ok "own pty: the program ran"
like "$(j 'r["ttyname"]')" '^"/dev/pts/[0-9]+"$' "own pty: os.openpty() gives a pty of the jail's devpts"
is "$(j 'r["ctty"]')" true "own pty: it became the controlling terminal of a new session"
is "$(j '[r[k] for k in sorted(r) if k.startswith(("slave", "/dev/tty"))]')" '["EPERM", "EPERM", "EPERM", "EPERM"]' \
	"own pty, inside: TIOCSTI (plain and high bits) on the slave and on /dev/tty: EPERM"
is "$(j 'r["typed"]')" false "own pty, inside: nothing was typed into it"
is "$(field '[(v["syscall"], v["count"]) for v in r["violations"]]')" '[["ioctl", 4]]' \
	"own pty, outside: the four refusals are reported"

# ---- with a terminal: actjail exec from a host shell on a pty ---------------
# After actjail exits the shell reads a line from its terminal (waiting up
# to 1 s): what an injected command would reach.
pty_run "" "" /bin/bash -c '"$1" exec --timeout 10 --input "$2" --env "MARK=$3" -- /usr/bin/python3 /input/tiocsti.py
	echo "EXIT:$?"
	if read -r -t 1 line; then echo "HOST-READ:$line"; else echo "HOST-READ-NOTHING"; fi' \
	bash "$ACTJAIL" "$T/in" "$MARK" >"$T/pty.out" 2>&1
out=$(tr -d '\r' <"$T/pty.out")
res=$(printf '%s\n' "$out" | sed -n 's/^RESULT //p')
is "$(printf '%s\n' "$out" | sed -n 's/^EXIT://p')" 0 "exec under a terminal: exit 0"
is "$(j 'r["isatty"]')" true "exec: stdin is a terminal inside"
is "$(j 'sorted(set(x for v in r["sti"].values() for x in v))')" '["EPERM"]' \
	"exec, inside: TIOCSTI (plain and with high bits) on fds 0-2 and /dev/tty: EPERM"
is "$(j 'sorted(r["sti"])')" \
	'["/dev/tty 0x100005412", "/dev/tty 0x5412", "/dev/tty 0xdead000000005412", "0 0x100005412", "0 0x5412", "0 0xdead000000005412", "1 0x100005412", "1 0x5412", "1 0xdead000000005412", "2 0x100005412", "2 0x5412", "2 0xdead000000005412"]' \
	"exec: tried on fds 0, 1, 2 and /dev/tty"
is "$(j 'sorted(set(r["linux"].values()))')" '["EPERM"]' "exec, inside: TIOCLINUX: EPERM"
is "$(j 'sorted(set(r["ctl"].values()))')" '["ok"]' "control: TIOCGWINSZ on the terminal works"
is "$(printf '%s\n' "$out" | grep '^HOST-READ')" HOST-READ-NOTHING "outside: the host shell read nothing from its terminal"
is "$(printf '%s\n' "$out" | grep -c -- "$MARK")" 0 "outside: the marker never appeared on the host terminal"
read -r _ lflag_before lflag_after <"$T/pty.info"
is "$lflag_after" "$lflag_before" "outside: the terminal's modes are restored"

# control: the same injection from outside the jail reaches the shell (where
# the host allows TIOCSTI: root, or dev.tty.legacy_tiocsti=1)
pty_run "" "" /bin/bash -c '"$1" -c "
import fcntl, sys, termios
for ch in (\"echo ctl-%s\n\" % sys.argv[1]).encode():
    fcntl.ioctl(0, termios.TIOCSTI, bytes([ch]))
" "$2"
	echo "EXIT:$?"
	if read -r -t 1 line; then echo "HOST-READ:$line"; else echo "HOST-READ-NOTHING"; fi' \
	bash "$PY" "$MARK" >"$T/pty.out" 2>&1
out=$(tr -d '\r' <"$T/pty.out")
if [ "$(printf '%s\n' "$out" | sed -n 's/^EXIT://p')" = 0 ]; then
	is "$(printf '%s\n' "$out" | grep '^HOST-READ')" "HOST-READ:echo ctl-$MARK" \
		"control: unjailed, TIOCSTI does reach the shell (so the check above can fail)"
else
	skip "control: unjailed TIOCSTI reaches the shell" "this host refuses TIOCSTI to $(id -un) (dev.tty.legacy_tiocsti)"
fi
attack_end
done_testing
