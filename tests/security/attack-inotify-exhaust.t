#!/usr/bin/env bash
# Attack: exhaust the inotify allowance of the host user that owns the
# jail's user namespace (host root when actjail runs as root, the caller
# when rootless): inotify counts are kept per user namespace and charged to
# the owner at every level above (kernel/ucount.c), so a jail holding all
# of them would leave that user, and every other jail, with EMFILE from
# inotify_init1. The program takes up to 200 instances and 9000 watches,
# tries to raise its namespace's limit, then holds everything while the
# test checks from outside (told through a tool call; released through a
# file in /input).
# Safe outcome: inotify_init1 fails with EMFILE after 8 instances and
# inotify_add_watch with ENOSPC after 8192 watches; the limit cannot be
# written; while the jail holds them the same host user creates instances
# and watches, and a second jail gets its own 8; the result's
# enforced.ucounts names the caps. Stopped by: the caps the jail's init
# sets on its own user namespace (/proc/sys/user, before dropping
# CAP_SYS_RESOURCE), read-only /proc/sys, no capabilities.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
mkdir -p "$T/in"
chmod 0755 "$T/in"
# host side: as the user that launched, N instances and a watch on each
inotify_host() {
	"$PY" - "$1" "$T" <<'PY'
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fds, err = [], None
for _ in range(int(sys.argv[1])):
    fd = libc.inotify_init1(os.O_CLOEXEC)
    if fd < 0:
        err = errno.errorcode[ctypes.get_errno()]
        break
    if libc.inotify_add_watch(fd, sys.argv[2].encode(), 0x100) < 0:   # IN_CREATE
        err = "watch " + errno.errorcode[ctypes.get_errno()]
        break
    fds.append(fd)
print(len(fds), err or "ok")
PY
}
jattack --timeout 40 --input "$T/in" \
	--tool "holding=cat >/dev/null; touch '$T/holding'; echo true" <<'PY' &
import ctypes, errno, json, os, time
libc = ctypes.CDLL(None, use_errno=True)
res = {}
fds, err = [], None
for _ in range(200):
    fd = libc.inotify_init1(os.O_CLOEXEC)
    if fd < 0:
        err = errno.errorcode[ctypes.get_errno()]
        break
    fds.append(fd)
res["instances"] = [len(fds), err]
# watches: one per inode, spread over the instances it got
os.makedirs("/tmp/w")
n, err = 0, None
while n < 9000:
    p = "/tmp/w/%d" % n
    open(p, "w").close()
    if libc.inotify_add_watch(fds[n % len(fds)], p.encode(), 0x2) < 0:   # IN_MODIFY
        err = errno.errorcode[ctypes.get_errno()]
        break
    n += 1
res["watches"] = [n, err]
for f in ("max_inotify_instances", "max_inotify_watches"):
    try:
        with open("/proc/sys/user/" + f, "w") as fh:
            fh.write("100000\n")
        res["raise_" + f] = "ok"
    except OSError as e:
        res["raise_" + f] = errno.errorcode[e.errno]
res["told"] = call_tool("holding")
# hold everything until the test has looked from outside
for _ in range(700):
    if os.path.exists("/input/release"):
        break
    time.sleep(0.05)
res["released"] = os.path.exists("/input/release")
res["still_open"] = sum(1 for fd in fds if os.fstat(fd) is not None)
print(json.dumps(res))
PY
jail=$!
for _ in $(seq 1 400); do
	[ -e "$T/holding" ] && break
	sleep 0.05
done
check "the program reached its hold (told through a tool call)" test -e "$T/holding"
# while the jail holds its instances and watches: the same host user...
is "$(inotify_host 16)" "16 ok" "outside, meanwhile: the launching user still creates 16 inotify instances with a watch each"
# ...and another jail, which gets its own allowance
"$ACTJAIL" run --json - >"$T/second.json" 2>/dev/null <<'PY'
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
n = 0
while n < 200 and libc.inotify_init1(os.O_CLOEXEC) >= 0:
    n += 1
print(n, errno.errorcode[ctypes.get_errno()])
PY
is "$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], r["stdout"].strip())' "$T/second.json")" \
	"ok 8 EMFILE" "outside, meanwhile: a second jail gets its own 8 instances, then EMFILE"
touch "$T/in/release"
wait "$jail"
is "$(field 'r["status"]')" ok "the program ran to the end"
is "$(out 'o["released"]')" true "inside: it held everything until the test released it"
is "$(out 'o["instances"]')" '[8, "EMFILE"]' "inside: 8 inotify instances, then EMFILE"
is "$(out 'o["watches"]')" '[8192, "ENOSPC"]' "inside: 8192 watches, then ENOSPC"
is "$(out '[o["raise_max_inotify_instances"], o["raise_max_inotify_watches"]]')" '["EROFS", "EROFS"]' \
	"inside: the caps cannot be raised (read-only /proc/sys)"
is "$(out 'o["still_open"]')" 8 "inside: all 8 instances were still open at the end"
is "$(field '[r["enforced"]["ucounts"][k] for k in ("inotify_instances", "inotify_watches", "user_namespaces")]')" \
	'[8, 8192, 0]' "outside: enforced.ucounts reports inotify 8 instances, 8192 watches, no new user namespaces"
is "$(inotify_host 16)" "16 ok" "outside, afterwards: the launching user creates 16 inotify instances"
attack_end
done_testing
