#!/usr/bin/env bash
# Attack: find a descriptor that leads out of the jail. The launcher is
# started with the host canary file on fd 7 and the host canary directory
# on fd 9 (a leaked directory fd would give openat(9, "secret.txt")). The
# program enumerates fds 0..4095 (fcntl, fstat, readlink /proc/self/fd/N),
# reopens each through /proc/self/fd/N and /dev/fd/N for writing, walks
# ".." with openat from every descriptor and from fresh directory fds,
# and looks at init's and its child's descriptors through /proc/PID/fd.
# Safe outcome: exactly fds 0-2 (pipes) and 3 (the bridge socket); no
# link names a path; reopening gives back only the same pipes (EACCES
# when root started the jail: the pipes are host root's; the socket:
# ENXIO); ".." stops at the jail's /; init's fds are EACCES. Stopped by:
# the launcher closing every other descriptor (close_range before exec),
# mount namespace, non-dumpable init.
source "$(dirname "$(dirname "$0")")/lib.sh"
errno() { "$PY" -c 'import errno, sys; print(getattr(errno, sys.argv[1]))' "$1"; }
attack_begin
jattack --timeout 10 7<"$HOST_SECRET" 9<"$HOST_DIR" <<'PY'
import errno, fcntl, json, os, stat, subprocess
res = {"open": [], "links": {}, "kinds": {}, "reopen": {}, "dotdot": {}}
for fd in range(4096):
    try:
        fcntl.fcntl(fd, fcntl.F_GETFD)
    except OSError:
        continue
    res["open"].append(fd)
    res["kinds"][fd] = stat.S_IFMT(os.fstat(fd).st_mode)
for fd in range(64):          # /proc agrees (and would show an fd fcntl missed)
    try:
        res["links"][fd] = os.readlink("/proc/self/fd/%d" % fd)
    except OSError as e:
        if e.errno != errno.ENOENT:
            res["links"][fd] = e.errno
res["proc_fd_ls"] = sorted(int(x) for x in os.listdir("/proc/self/fd"))
for fd in res["open"]:
    for p in ("/proc/self/fd/%d" % fd, "/dev/fd/%d" % fd):
        for mode in (os.O_WRONLY, os.O_RDWR):
            try:
                n = os.open(p, mode | os.O_NONBLOCK)
                same = os.fstat(n).st_ino == os.fstat(fd).st_ino
                os.close(n)
                res["reopen"]["%s %d" % (p, mode)] = "same" if same else "OTHER"
            except OSError as e:
                res["reopen"]["%s %d" % (p, mode)] = e.errno
# ".." from every descriptor number, and from directory fds of our own
for fd in list(range(16)):
    try:
        n = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        res["dotdot"][fd] = "OPENED " + os.readlink("/proc/self/fd/%d" % n)
        os.close(n)
    except OSError as e:
        res["dotdot"][fd] = e.errno
for start in ("/proc/self/fd", "/proc/self", "/dev/fd", "/proc/self/fd/../../..", "/tmp"):
    fd = os.open(start, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(12):
        n = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = n
    res["dotdot"][start] = [os.fstat(fd).st_ino == os.stat("/").st_ino, sorted(os.listdir(fd)) == sorted(os.listdir("/"))]
    os.close(fd)
# the secret by name, relative to the fd numbers the launcher had
for fd in (7, 9):
    try:
        res["via_fd_%d" % fd] = open("secret.txt", opener=lambda p, f: os.open(p, f, dir_fd=fd)).read()[:40]
    except OSError as e:
        res["via_fd_%d" % fd] = e.errno
# other processes' descriptors
def ls(p):
    try:
        return sorted(os.listdir(p))
    except OSError as e:
        return e.errno
res["init_fd"] = ls("/proc/1/fd")
res["init_fdinfo"] = ls("/proc/1/fdinfo")
try:
    res["init_fd0"] = os.readlink("/proc/1/fd/0")
except OSError as e:
    res["init_fd0"] = e.errno
child = subprocess.Popen(["/usr/bin/sleep", "30"], stdin=subprocess.DEVNULL)
res["child_fds"] = {x: os.readlink("/proc/%d/fd/%s" % (child.pid, x)) for x in os.listdir("/proc/%d/fd" % child.pid)}
child.kill()
child.wait()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["open"]')" '[0, 1, 2, 3]' "inside: fds 0-4095 hold exactly 0, 1, 2, 3 (not the caller's 7 and 9)"
is "$(out 'o["proc_fd_ls"]')" '[0, 1, 2, 3, 4]' "inside: /proc/self/fd agrees (4 is the listing's own fd)"
is "$(out '[o["kinds"][k] for k in sorted(o["kinds"])]')" \
	"[$((0x1000)), $((0x1000)), $((0x1000)), $((0xc000))]" "inside: 0-2 are pipes, 3 a socket"
is "$(out '[o["links"][k].split(":")[0] for k in sorted(o["links"], key=int) if k != "4"]')" \
	'["pipe", "pipe", "pipe", "socket"]' "inside: no descriptor links to a path"
# the pipes belong to the launcher: as root it made them as host root (unmapped
# inside: EACCES); rootless they are the caller's uid, the jail's own
if is_root; then
	is "$(out 'sorted(set(json.dumps(v) for k, v in o["reopen"].items() if not k.split()[0].endswith("/3")))')" \
		"[\"$(errno EACCES)\"]" "inside: reopening 0-2 through /proc and /dev/fd: EACCES (host root's pipes)"
else
	is "$(out 'sorted(set(json.dumps(v) for k, v in o["reopen"].items() if not k.split()[0].endswith("/3")))')" \
		'["\"same\""]' "inside: reopening 0-2 through /proc and /dev/fd gives back only the same pipes"
fi
is "$(out 'sorted(set(v for k, v in o["reopen"].items() if k.split()[0].endswith("/3")))')" \
	"[$(errno ENXIO)]" "inside: reopening the bridge socket: ENXIO"
is "$(out 'sorted(set(json.dumps(o["dotdot"][str(k)]) for k in range(16)))')" \
	"[\"$(errno ENOTDIR)\", \"$(errno EBADF)\"]" "inside: openat(fd, \"..\") on 0-15: ENOTDIR or EBADF, never a directory"
is "$(out 'sorted(set(json.dumps(v) for k, v in o["dotdot"].items() if k.startswith("/")))')" \
	'["[true, true]"]' "inside: \"..\" walked from /proc, /dev/fd and /tmp ends at the jail's /"
is "$(out '(o["via_fd_7"], o["via_fd_9"])')" "[$(errno EBADF), $(errno EBADF)]" \
	"inside: openat(7 or 9, \"secret.txt\"): EBADF"
is "$(out '(o["init_fd"], o["init_fdinfo"], o["init_fd0"])')" "[$(errno EACCES), $(errno EACCES), $(errno EACCES)]" \
	"inside: init's descriptors: EACCES"
is "$(out 'sorted(v.split(":")[0] for v in o["child_fds"].values())')" '["/dev/null", "pipe", "pipe"]' \
	"inside: a child holds only /dev/null and the pipes"
attack_end
done_testing
