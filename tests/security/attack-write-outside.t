#!/usr/bin/env bash
# Attack: write outside the scratch space. In /, /usr, /usr/bin, /etc,
# /input (a host directory bound with --input, its files and dirs mode
# 0666/0777 so only the mount can refuse), /dev, /run, /run/actjail, /bin,
# /lib and /proc (also reached as /proc/self/..), the program tries to
# create, mkdir, symlink, mkfifo, link, rename, unlink, chmod, chown,
# utime, truncate, setxattr, and the same through descriptors (fchmod,
# futimens, fsetxattr), through a symlink made in /tmp and through
# /proc/self/root. Safe outcome: EROFS on every read-only mount (EACCES
# where the file's mode already refuses, ENOENT/EPERM in /proc), the host
# input directory byte-for-byte unchanged; /tmp, /dev/shm and /output
# still take writes (positive control). Stopped by: read-only bind mounts
# and the read-only tmpfs root (mount namespace); Landlock behind them.
source "$(dirname "$(dirname "$0")")/lib.sh"
IN=$T/input
mkdir -p "$IN/sub"
echo "input a" >"$IN/a.txt"
echo "input b" >"$IN/sub/b.txt"
chmod 0777 "$IN" "$IN/sub"
chmod 0666 "$IN/a.txt" "$IN/sub/b.txt"
in_state() { (cd "$IN" && find . -printf '%p %y %m %s %U %G %T@ %C@\n' | sort && cat a.txt sub/b.txt) | sha256sum; }
in_before=$(in_state)
attack_begin
jattack --timeout 10 --input "$IN" <<'PY'
import errno, json, os
res = {"dirs": {}, "files": {}, "proc": {}, "ctl": {}}
def attempt(d, name, f, *a):
    try:
        r = f(*a)
        if isinstance(r, int) and name.startswith("open"):
            os.close(r)
        d[name] = "ok"
    except OSError as e:
        d[name] = errno.errorcode[e.errno]
def dir_attacks(d, where):
    attempt(d, where + " create", os.open, where + "/leak", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    attempt(d, where + " mkdir", os.mkdir, where + "/leakdir")
    attempt(d, where + " symlink", os.symlink, "/tmp", where + "/leaklink")
    attempt(d, where + " mkfifo", os.mkfifo, where + "/leakfifo")
    attempt(d, where + " chmod", os.chmod, where, 0o777)
    attempt(d, where + " chown", os.chown, where, 1000, 1000)
    attempt(d, where + " utime", os.utime, where, (0, 0))
    attempt(d, where + " setxattr", os.setxattr, where, "user.leak", b"1")
    names = sorted(os.listdir(where))
    if names:          # move, hard-link and remove something that is there
        victim = where.rstrip("/") + "/" + names[0]
        attempt(d, where + " rename", os.rename, victim, victim + ".moved")
        if d[where + " rename"] == "ok":
            victim += ".moved"
        if os.path.isdir(victim) and not os.path.islink(victim):
            attempt(d, where + " rmdir", os.rmdir, victim)
        else:
            attempt(d, where + " unlink", os.unlink, victim)
dirs = ["/", "/usr", "/usr/bin", "/etc", "/input", "/input/sub", "/dev", "/run", "/run/actjail"]
dirs += [d for d in ("/bin", "/lib") if os.path.isdir(d) and not os.path.islink(d)]
for where in dirs:
    dir_attacks(res["dirs"], where)
for where in ("/proc", "/proc/self/..", "/proc/sys", "/proc/sys/kernel"):
    d = {}
    attempt(d, "create", os.open, where + "/leak", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    attempt(d, "mkdir", os.mkdir, where + "/leakdir")
    attempt(d, "symlink", os.symlink, "/tmp", where + "/leaklink")
    attempt(d, "chmod", os.chmod, where, 0o777)
    attempt(d, "utime", os.utime, where, (0, 0))
    res["proc"][where] = d
def file_attacks(d, f):
    attempt(d, f + " open_w", os.open, f, os.O_WRONLY)
    attempt(d, f + " open_append", os.open, f, os.O_WRONLY | os.O_APPEND)
    attempt(d, f + " truncate", os.truncate, f, 0)
    attempt(d, f + " chmod", os.chmod, f, 0o777)
    attempt(d, f + " utime", os.utime, f, (0, 0))
    attempt(d, f + " setxattr", os.setxattr, f, "user.leak", b"1")
    attempt(d, f + " link", os.link, f, f + ".hardlink")
    fd = os.open(f, os.O_RDONLY)
    attempt(d, f + " fchmod", os.fchmod, fd, 0o777)
    attempt(d, f + " fchown", os.fchown, fd, 1000, 1000)
    attempt(d, f + " futimens", os.utime, fd, (0, 0))
    attempt(d, f + " fsetxattr", os.setxattr, fd, "user.leak", b"1")
    os.close(fd)
files = ["/input/a.txt", "/input/sub/b.txt", "/etc/passwd", "/etc/hosts", "/usr/bin/python3",
         "/run/actjail/runner.py"]
for f in files:
    file_attacks(res["files"], f)
# the same files by other names
os.symlink("/input/a.txt", "/tmp/to-input")
attempt(res["files"], "/tmp/to-input open_w", os.open, "/tmp/to-input", os.O_WRONLY)
attempt(res["files"], "/proc/self/root/input/a.txt open_w", os.open, "/proc/self/root/input/a.txt", os.O_WRONLY)
attempt(res["files"], "/proc/self/cwd/../input/sub/b.txt open_w", os.open, "/proc/self/cwd/../input/sub/b.txt", os.O_WRONLY)  # cwd: /tmp
attempt(res["files"], "/tmp rename into /input", os.rename, "/tmp/to-input", "/input/moved")
res["input_a_mode"] = oct(os.stat("/input/a.txt").st_mode & 0o777)
# positive controls: the scratch space takes writes
for where in ("/tmp", "/dev/shm", "/output"):
    dir_attacks(res["ctl"], where)
    with open(where + "/written", "w") as f:
        res["ctl"][where + " write"] = f.write("data")
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'sorted(set(o["dirs"].values()))')" '["EROFS"]' \
	"inside: create/mkdir/symlink/mkfifo/rename/unlink/chmod/chown/utime/setxattr in /, /usr, /etc, /input, /dev, /run, /bin, /lib: EROFS"
like "$(out 'len(o["dirs"])')" '^(9[0-9]|1[0-9][0-9])$' "control: ten operations in each of the read-only places were tried"
is "$(out 'sorted(set(v for k, v in o["files"].items() if k.startswith(("/input/", "/tmp/", "/proc/self/"))))')" '["EROFS"]' \
	"inside: every write to /input's mode-0666 files (also via a symlink and /proc/self/root): EROFS"
is "$(out 'o["files"]["/tmp rename into /input"]')" EXDEV "inside: renaming a file from /tmp into /input: EXDEV"
is "$(out 'o["input_a_mode"]')" 0o666 "control: /input/a.txt is mode 0666 inside (only the mount refuses)"
is "$(out 'sorted(set(v for k, v in o["files"].items() if k.startswith(("/etc/", "/usr/", "/run/")) and k.split()[-1] not in ("open_w", "open_append", "truncate")))')" \
	'["EROFS"]' "inside: chmod/utime/setxattr/link/fchmod/futimens/fsetxattr of /etc, /usr, /run files: EROFS"
is "$(out 'sorted(set(v for k, v in o["files"].items() if k.startswith(("/etc/", "/usr/", "/run/")) and k.split()[-1] in ("open_w", "open_append", "truncate")))')" \
	'["EACCES"]' "inside: opening /etc, /usr, /run files for writing: EACCES (not the sandbox user's)"
is "$(out 'o["proc"]["/proc"]')" '{"create": "ENOENT", "mkdir": "ENOENT", "symlink": "ENOENT", "chmod": "EPERM", "utime": "EPERM"}' \
	"inside: /proc takes no new entries (ENOENT) nor attribute changes (EPERM)"
is "$(out 'o["proc"]["/proc/self/.."] == o["proc"]["/proc"]')" true "inside: /proc/self/.. is /proc, the same refusals"
is "$(out 'sorted(set(v for k, v in o["proc"]["/proc/sys"].items() if k in ("chmod", "utime")) | set(v for k, v in o["proc"]["/proc/sys/kernel"].items() if k in ("chmod", "utime")))')" \
	'["EROFS"]' "inside: /proc/sys is read-only (EROFS)"
is "$(out 'sorted(set(v for k, v in o["ctl"].items() if not k.endswith(" write")))')" '["ok"]' \
	"control: the same operations succeed in /tmp, /dev/shm and /output"
is "$(out '[o["ctl"][d + " write"] for d in ("/tmp", "/dev/shm", "/output")]')" '[4, 4, 4]' \
	"control: files in /tmp, /dev/shm and /output take data"
is "$(in_state)" "$in_before" "outside: the host input directory is unchanged (names, modes, owners, times, content)"
attack_end
done_testing
