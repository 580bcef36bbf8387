#!/usr/bin/env bash
# The jail's filesystem: exactly the expected mounts, read-only where it
# should be, sized tmpfs where it may write, /input a read-only view of the
# host dir, and nothing of the host reachable (paths, /proc, fd and symlink
# tricks). Attacked from inside; the host's canary dir is checked from outside.
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

MARK=930.01
HOST=$T/host
IN=$T/input
mkdir -p "$HOST" "$IN/sub"
SECRET="canary-$$-$RANDOM$RANDOM"
echo "$SECRET" >"$HOST/canary.txt"
echo "input-a $SECRET" >"$IN/a.txt"
echo "input-b" >"$IN/sub/b.txt"
ln -s "$HOST/canary.txt" "$IN/to-host-canary"  # resolves on the host, not inside
ln -s /etc/passwd "$IN/to-etc-passwd"
# writable by anyone: only the read-only mount can refuse a write
chmod 777 "$IN" "$IN/sub" "$HOST"
chmod 666 "$IN/a.txt" "$IN/sub/b.txt" "$HOST/canary.txt"
snap() { # a listing of DIR with sizes, modes, times and content hashes
	(cd "$1" && find . -printf '%p %y %s %m %T@\n' | sort && find . -type f -exec sha256sum {} + | sort)
}
host_before=$(snap "$HOST")
in_before=$(snap "$IN")
leak="actjail-leak-$$-$RANDOM"

# jrun from inside the host canary dir: a relative path that escaped would land there
jrun_here() {
	local here=$PWD
	cd "$HOST" || return
	jrun "$@"
	cd "$here" || return
}

# ---- the mount table ----------------------------------------------------------------
# What the launcher binds (jail/mount.c), computed from this host: optional
# sources only where they exist, real top-level dirs where / is not merged,
# and any host submounts below a bound tree (binds are recursive).
expected_mounts() { # expected_mounts [INPUT_DIR [EXTRA_POINT...]]
	"$PY" - "$@" <<'PY'
import os, sys
binds = {"/usr": "/usr"}
if len(sys.argv) > 1 and sys.argv[1]:
    binds[sys.argv[1]] = "/input"
for d in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
    if os.path.isdir(d) and not os.path.islink(d):
        binds[d] = d
for f in ("/etc/ld.so.cache", "/etc/alternatives", "/etc/ssl/certs", "/etc/ssl/openssl.cnf",
          "/etc/services", "/etc/protocols", "/etc/mime.types", "/etc/fonts", "/etc/matplotlibrc",
          "/etc/timezone", "/dev/tty"):
    if os.path.exists(f):
        binds[f] = f
points = ["/", "/dev", "/dev/pts", "/proc", "/proc/sys", "/dev/shm", "/tmp", "/output"]
# /proc files masked with an empty read-only file, where this kernel has them
points += [p for p in ("/proc/keys", "/proc/key-users", "/proc/kcore", "/proc/timer_list",
                       "/proc/sched_debug", "/proc/latency_stats", "/proc/cmdline",
                       "/proc/sys/kernel/random/boot_id") if os.path.exists(p)]
points += ["/dev/" + d for d in ("null", "zero", "full", "random", "urandom")]
points += binds.values()
points += sys.argv[2:]
def unescape(s):
    return s.encode().decode("unicode_escape")
for line in open("/proc/self/mountinfo"):
    mp = unescape(line.split()[4])
    for src, dst in binds.items():
        if mp.startswith(src.rstrip("/") + "/"):
            points.append(dst + mp[len(src.rstrip("/")):])
print(" ".join(sorted(points)))
PY
}
expected=$(expected_mounts "$IN")

jrun_here --input "$IN" <<'PY'
import json, os
res = {"points": [], "opts": {}, "super": {}}
for line in open("/proc/self/mountinfo"):
    f = line.split()
    mp = f[4].encode().decode("unicode_escape")
    res["points"].append(mp)
    res["opts"][mp] = f[5].split(",")
    sep = f.index("-")
    res["super"][mp] = [f[sep + 1]] + sorted(f[sep + 3].split(","))
res["points"].sort()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "mountinfo run status ok"
is "$(out '" ".join(o["points"])')" "$expected" "mountinfo lists exactly the expected mount points, each once"
optof() { out "','.join(x for x in o['opts'].get('$1', ['MISSING']) if x in ('ro','rw','nosuid','nodev','noexec'))"; }
is "$(optof /)" ro,nosuid,nodev "/ is ro,nosuid,nodev"
is "$(optof /usr)" ro,nosuid,nodev "/usr is ro,nosuid,nodev"
is "$(optof /dev)" ro,nosuid,noexec "/dev is ro,nosuid,noexec"
is "$(optof /dev/null)" ro,nosuid,noexec "/dev/null bind is ro,nosuid,noexec"
is "$(optof /dev/pts)" rw,nosuid,noexec "/dev/pts is rw,nosuid,noexec"
is "$(out '[x for x in o["super"]["/dev/pts"] if not x.startswith("gid=")]')" \
	'["devpts", "max=32", "mode=620", "ptmxmode=666", "rw"]' "/dev/pts is the jail's own devpts (ptmx 0666, at most 32 ptys)"
is "$(optof /proc)" rw,nosuid,nodev,noexec "/proc is nosuid,nodev,noexec"
is "$(optof /proc/sys)" ro,nosuid,nodev,noexec "/proc/sys is read-only"
is "$(optof /tmp)" rw,nosuid,nodev "/tmp is rw,nosuid,nodev"
is "$(optof /dev/shm)" rw,nosuid,nodev,noexec "/dev/shm is rw,nosuid,nodev,noexec"
is "$(optof /output)" rw,nosuid,nodev "/output is rw,nosuid,nodev"
is "$(optof /input)" ro,nosuid,nodev "/input is ro,nosuid,nodev"
is "$(out '[x for x in o["super"]["/tmp"] if x.startswith(("size=", "nr_inodes="))] + o["super"]["/tmp"][:1]')" \
	'["nr_inodes=16384", "size=65536k", "tmpfs"]' "/tmp is a 64 MiB tmpfs"
is "$(out '[x for x in o["super"]["/dev/shm"] if x.startswith("size=")] + o["super"]["/dev/shm"][:1]')" \
	'["size=16384k", "tmpfs"]' "/dev/shm is a 16 MiB tmpfs"
is "$(out '[x for x in o["super"]["/output"] if x.startswith(("size=", "nr_inodes="))] + o["super"]["/output"][:1]')" \
	'["nr_inodes=1024", "size=65536k", "tmpfs"]' "/output is a 64 MiB, 1024-inode tmpfs"
is "$(out 'o["super"]["/"][0]')" tmpfs "/ is a tmpfs"
is "$(out 'o["super"]["/proc"][0]')" proc "/proc is a procfs"

# With a terminal (exec, stdin a tty) the jail gets a pty of its own: only
# that pty is added, as /dev/console (/dev/pts is the jail's own devpts), and
# it is not the caller's terminal.
cat >"$T/pty.py" <<'PY'
import os, subprocess, sys
prog = r'''
import json, os
print(json.dumps({"tty": os.ttyname(0), "rdev": os.fstat(0).st_rdev,
                  "points": sorted(l.split()[4] for l in open("/proc/self/mountinfo"))}))
'''
m, s = os.openpty()
p = subprocess.run([sys.argv[1], "exec", "--json", "--", "/usr/bin/python3", "-c", prog],
                   stdin=s, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20)
open(sys.argv[2], "w").write(str(os.fstat(s).st_rdev))
sys.stdout.buffer.write(p.stdout)
PY
"$PY" "$T/pty.py" "$ACTJAIL" "$T/pty.rdev" >"$T/result.json" 2>"$T/stderr"
is "$(field 'r["status"]')" ok "pty mountinfo run status ok"
jail_tty=$(out 'o["tty"]')
is "$jail_tty" /dev/console "stdin inside is the jail's console ($jail_tty)"
is "$(out '" ".join(o["points"])')" "$(expected_mounts "" /dev/console)" \
	"with a pty, mountinfo adds exactly that pty, at /dev/console"
[ "$(out 'o["rdev"]')" != "$(cat "$T/pty.rdev")" ]
ok $? "the jail's terminal is not the caller's"

# ---- read-only places ------------------------------------------------------------------
jrun_here --input "$IN" <<'PY'
import errno, json, os
res = {}
def attempt(name, f, *a):
    try:
        r = f(*a)
        if isinstance(r, int) and name.startswith("open"):
            os.close(r)
        res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode[e.errno]
W = os.O_WRONLY | os.O_CREAT | os.O_EXCL
attempt("create_root", os.open, "/leak", W, 0o644)
attempt("mkdir_root", os.mkdir, "/leakdir")
attempt("create_usr", os.open, "/usr/leak", W, 0o644)
attempt("create_usr_bin", os.open, "/usr/bin/leak", W, 0o644)
attempt("create_etc", os.open, "/etc/leak", W, 0o644)
attempt("chmod_etc_passwd", os.chmod, "/etc/passwd", 0o666)
attempt("rename_etc_hosts", os.rename, "/etc/hosts", "/etc/hosts2")
attempt("unlink_etc_hostname", os.unlink, "/etc/hostname")
attempt("symlink_etc", os.symlink, "/tmp/x", "/etc/leak-link")
attempt("create_dev", os.open, "/dev/leak", W, 0o644)
attempt("mknod_dev", os.mkfifo, "/dev/leak-fifo")
attempt("unlink_dev_null", os.unlink, "/dev/null")
attempt("chmod_proc_sys", os.chmod, "/proc/sys/kernel/hostname", 0o666)   # else EPERM
attempt("create_input", os.open, "/input/leak", W, 0o644)
attempt("write_input_file", os.open, "/input/a.txt", os.O_WRONLY)
attempt("truncate_input_file", os.truncate, "/input/a.txt", 0)
attempt("unlink_input_file", os.unlink, "/input/sub/b.txt")
attempt("mkdir_input", os.mkdir, "/input/leakdir")
# controls: the permission check passes, so only the mount can refuse
res["root_owner"] = os.stat("/").st_uid
res["input_a_mode"] = oct(os.stat("/input/a.txt").st_mode & 0o777)
res["access_root_w"] = os.access("/", os.W_OK)
res["access_input_w"] = os.access("/input/a.txt", os.W_OK)
res["etc_passwd"] = open("/etc/passwd").read()
for d in ("/dev/null", "/dev/zero", "/dev/full", "/dev/urandom"):
    try:
        with open(d, "r+b", buffering=0) as f:
            res["rw" + d] = [len(f.read(16)), f.write(b"x")]
    except OSError as e:
        res["rw" + d] = errno.errorcode[e.errno]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "read-only run status ok"
for c in create_root mkdir_root create_usr create_usr_bin create_etc chmod_etc_passwd rename_etc_hosts \
	unlink_etc_hostname symlink_etc create_dev mknod_dev unlink_dev_null chmod_proc_sys create_input \
	write_input_file truncate_input_file unlink_input_file mkdir_input; do
	is "$(out "o['$c']")" EROFS "$c: EROFS"
done
is "$(out 'o["root_owner"]')" 1000 "control: / belongs to the sandbox user (so only ro refuses)"
is "$(out 'o["input_a_mode"]')" 0o666 "control: /input/a.txt is mode 666"
is "$(out 'o["access_root_w"]')" false "access(/, W_OK) false"
is "$(out 'o["access_input_w"]')" false "access(/input/a.txt, W_OK) false"
is "$(out 'o["etc_passwd"].splitlines()[1]')" sandbox:x:1000:1000:sandbox:/tmp:/bin/sh \
	"/etc/passwd is the generated one"
unlike "$(out 'o["etc_passwd"]')" '(^|\n)(daemon|bin|sys|www-data):' "/etc/passwd has no host users"
is "$(out 'o["rw/dev/null"]')" '[0, 1]' "control: /dev/null reads empty and takes writes"
is "$(out 'o["rw/dev/zero"]')" '[16, 1]' "control: /dev/zero reads zeros"
is "$(out 'o["rw/dev/full"]')" ENOSPC "control: /dev/full gives ENOSPC"
is "$(out 'o["rw/dev/urandom"]')" '[16, 1]' "control: /dev/urandom reads"

# ---- writable places fill up at their sizes, in memory --------------------------------
# Files of 40 MiB (below RLIMIT_FSIZE, 64 MiB) until the tmpfs is full.
jrun_here --env "LEAK=$leak" <<'PY'
import errno, json, os
res = {}
leak = os.environ["LEAK"]
chunk = b"\xa5" * (1 << 20)
def fill(d, size_mib):
    total, err, n = 0, None, 0
    while err is None and n < 4:
        path = "%s/%s.%d" % (d, leak, n)
        n += 1
        with open(path, "wb", buffering=0) as f:
            for i in range(40):
                try:
                    total += f.write(chunk)
                except OSError as e:
                    err = errno.errorcode[e.errno]
                    break
    # a partial write may have landed before the error
    used = sum(os.path.getsize("%s/%s.%d" % (d, leak, i)) for i in range(n))
    st = os.statvfs(d)
    res[d] = {"err": err, "mib": round(used / (1 << 20)), "free": st.f_bfree,
              "read_back": open("%s/%s.0" % (d, leak), "rb").read(4).hex()}
    for i in range(n):
        os.unlink("%s/%s.%d" % (d, leak, i))
    res[d]["after_unlink"] = os.statvfs(d).f_bfree * st.f_bsize >> 20
fill("/tmp", 64)
fill("/dev/shm", 16)
fill("/output", 64)
# /output's inode limit
n, err = 0, None
while n < 1100:
    try:
        open("/output/i%d" % n, "w").close()
        n += 1
    except OSError as e:
        err = errno.errorcode[e.errno]
        break
res["inodes"] = [n, err]
for i in range(n):
    os.unlink("/output/i%d" % i)
with open("/output/kept.txt", "w") as f:
    f.write("kept")
with open("/tmp/%s" % leak, "w") as f:
    f.write("in the jail only")
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "fill run status ok"
for d in /tmp:64 /dev/shm:16 /output:64; do
	p=${d%:*} mib=${d#*:}
	is "$(out "o['$p']['err']")" ENOSPC "$p fills up: ENOSPC"
	like "$(out "o['$p']['mib']")" "^($((mib - 1))|$mib)\$" "$p held about $mib MiB"
	is "$(out "o['$p']['free']")" 0 "$p had no free block left"
	is "$(out "o['$p']['read_back']")" a5a5a5a5 "$p: the data read back"
	like "$(out "o['$p']['after_unlink']")" "^($((mib - 1))|$mib)\$" "$p: the space came back after unlink"
done
like "$(out 'o["inodes"][0]')" '^10(1[5-9]|2[0-4])$' "/output holds about 1024 inodes"
is "$(out 'o["inodes"][1]')" ENOSPC "/output inode limit: ENOSPC"
is "$(field '[f["path"] for f in r["files"]]')" '["kept.txt"]' "capture lists only what was left in /output"
is "$(find /tmp /var/tmp "$TOP" -xdev -name "$leak*" 2>/dev/null | head -n3)" "" \
	"none of the jail's files is on the host's disk (/tmp, /var/tmp, the checkout)"
is "$(ls -A "$HOST" | tr '\n' ' ')" "canary.txt " "nothing landed in the launcher's working dir"

# ---- /input is the host dir, read-only -----------------------------------------------
jrun_here --input "$IN" <<'PY'
import errno, json, os
res = {}
res["ls"] = sorted(os.listdir("/input"))
res["ls_sub"] = os.listdir("/input/sub")
res["a"] = open("/input/a.txt").read()
for l in ("to-host-canary", "to-etc-passwd"):
    res[l + "_target"] = os.readlink("/input/" + l)
    try:
        res[l] = open("/input/" + l).read()[:40]
    except OSError as e:
        res[l] = errno.errorcode[e.errno]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "/input run status ok"
is "$(out 'o["ls"]')" "$(cd "$IN" && ls -A | "$PY" -c 'import json,sys; print(json.dumps(sorted(sys.stdin.read().split())))')" \
	"/input lists the host dir's entries"
is "$(out 'o["ls_sub"]')" '["b.txt"]' "/input/sub lists b.txt"
is "$(out 'o["a"]')" "input-a $SECRET" "/input/a.txt has the host file's content"
is "$(out 'o["to-host-canary_target"]')" "$HOST/canary.txt" "control: the host symlink reads as a host path"
is "$(out 'o["to-host-canary"]')" ENOENT "a host symlink to a host path resolves inside the jail (ENOENT)"
like "$(out 'o["to-etc-passwd"]')" '^root:x:0:0:root:/root:/usr/sbin/nologin' \
	"a host symlink to /etc/passwd reads the jail's passwd"

# ---- the host is invisible ---------------------------------------------------------------
jrun_here --input "$IN" --env "HOSTDIR=$HOST" --env "TOPDIR=$TOP" --env "TDIR=$T" --env "HOSTPID=$$" <<'PY'
import errno, json, os
res = {}
def probe(p):
    try:
        os.lstat(p)
        return "exists"
    except OSError as e:
        return errno.errorcode[e.errno]
for p in ("/root", "/home", "/work", "/var", "/srv", "/mnt", "/boot", "/sys", "/run/user", "/opt",
          "/etc/shadow", "/etc/sudoers", "/etc/hostname.host", "/etc/ssh", "/etc/machine-id",
          os.environ["HOSTDIR"] + "/canary.txt", os.environ["HOSTDIR"], os.environ["TOPDIR"],
          os.environ["TDIR"], "/proc/" + os.environ["HOSTPID"]):
    res[p] = probe(p)
# controls
for p in ("/usr/bin/python3", "/etc/passwd", "/etc/hostname", "/tmp", "/output", "/input/a.txt"):
    res["ctl " + p] = probe(p)
res["root_ls"] = sorted(os.listdir("/"))
# /run holds the runner alone (actjail run), read-only like the rest of /
res["run_ls"] = sorted(os.listdir("/run")) + sorted(os.listdir("/run/actjail"))
try:
    open("/run/actjail/evil.py", "w")
    res["run_write"] = "ok"
except OSError as e:
    res["run_write"] = errno.errorcode[e.errno]
res["dotdot"] = [os.stat("/..").st_ino == os.stat("/").st_ino,
                 os.stat("/usr/../../..").st_ino == os.stat("/").st_ino]
os.chdir("/usr/../../..")
res["cwd"] = os.getcwd()
res["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
res["mypid"] = os.getpid()
# /proc tricks
def readlink(p):
    try:
        return os.readlink(p)
    except OSError as e:
        return errno.errorcode[e.errno]
def listdir(p):
    try:
        return sorted(os.listdir(p))
    except OSError as e:
        return errno.errorcode[e.errno]
res["proc1_root"] = readlink("/proc/1/root")
res["proc1_cwd"] = readlink("/proc/1/cwd")
res["proc1_root_ls"] = listdir("/proc/1/root/")
res["proc1_fd_ls"] = listdir("/proc/1/fd")
res["self_root"] = readlink("/proc/self/root")
res["self_root_ls"] = listdir("/proc/self/root/")
res["self_cwd"] = readlink("/proc/self/cwd")
res["self_fd_ls"] = sorted(os.listdir("/proc/self/fd"))
res["self_fds"] = {fd: readlink("/proc/self/fd/%d" % fd) for fd in range(4)}
res["dev_fd_ls"] = listdir("/dev/fd/")
res["proc_mounts_roots"] = sorted({l.split()[3] for l in open("/proc/1/mountinfo")} if os.access("/proc/1/mountinfo", os.R_OK) else [])
res["self_mount_roots"] = sorted({l.split()[3] for l in open("/proc/self/mountinfo")})
# a child's view of its parent's root: still the jail's
import subprocess
res["child_parent_root"] = subprocess.run(["/usr/bin/ls", "/proc/%d/root/" % os.getpid()],
                                          capture_output=True, text=True).stdout.split()
# a symlink made inside to a host path
os.symlink(os.environ["HOSTDIR"] + "/canary.txt", "/tmp/l1")
os.symlink("/etc/passwd", "/tmp/l2")
os.symlink(os.environ["HOSTDIR"] + "/canary.txt", "/output/to-host")
try:
    res["l1"] = open("/tmp/l1").read()
except OSError as e:
    res["l1"] = errno.errorcode[e.errno]
res["l2"] = open("/tmp/l2").read()[:40]
try:
    with open("/tmp/l1", "w") as f:        # creating through a dangling link
        f.write("written through the link")
    res["l1_write"] = "ok"
except OSError as e:
    res["l1_write"] = errno.errorcode[e.errno]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "invisible-host run status ok"
for p in /root /home /work /var /srv /mnt /boot /sys /run/user /opt /etc/shadow /etc/sudoers /etc/ssh \
	/etc/machine-id "$HOST/canary.txt" "$HOST" "$TOP" "$T" "/proc/$$"; do
	is "$(out "o['$p']")" ENOENT "invisible inside: $p"
done
for p in /usr/bin/python3 /etc/passwd /etc/hostname /tmp /output /input/a.txt; do
	is "$(out "o['ctl $p']")" exists "control: visible inside: $p"
done
is "$(out 'o["root_ls"]')" "$("$PY" -c '
import json, os
names = {"usr", "etc", "dev", "proc", "tmp", "output", "input", "run"}
names |= {d[1:] for d in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32") if os.path.lexists(d)}
print(json.dumps(sorted(names)))')" "/ holds only the jail's entries"
is "$(out 'o["run_ls"]')" '["actjail", "main.py", "runner.py", "runner.pyc"]' "/run holds only the runner and the program's source"
is "$(out 'o["run_write"]')" EROFS "/run/actjail is read-only"
is "$(out 'o["dotdot"]')" '[true, true]' "/.. and /usr/../../.. are /"
is "$(out 'o["cwd"]')" / "chdir(/usr/../../..) lands on /"
is "$(out 'o["pids"]')" '[1, 2]' "/proc shows only the jail's pids (init and the program)"
is "$(out 'o["mypid"]')" 2 "the program is pid 2"
is "$(out 'o["proc1_root"]')" EACCES "/proc/1/root: EACCES (init is not dumpable)"
is "$(out 'o["proc1_cwd"]')" EACCES "/proc/1/cwd: EACCES"
is "$(out 'o["proc1_root_ls"]')" EACCES "listing /proc/1/root/: EACCES"
is "$(out 'o["proc1_fd_ls"]')" EACCES "listing /proc/1/fd: EACCES"
is "$(out 'o["self_root"]')" / "/proc/self/root is /"
is "$(out 'o["self_root_ls"] == o["root_ls"]')" true "/proc/self/root/ lists the jail's /"
is "$(out 'o["self_cwd"]')" / "/proc/self/cwd is /"
is "$(out '" ".join(o["self_fd_ls"])')" "0 1 2 3 4" "/proc/self/fd: 0-3 and the listing's own fd"
is "$(out '[o["self_fds"][k].split(":")[0] for k in "0123"]')" '["pipe", "pipe", "pipe", "socket"]' \
	"fds 0-2 are pipes and 3 the bridge socket: no host file"
is "$(out 'o["dev_fd_ls"]')" '["0", "1", "2", "3", "4"]' "/dev/fd/ is the program's own fds"
is "$(out '[r for r in o["self_mount_roots"] if r not in ("/", "/usr", "/sys", "/null", "/zero", "/full", "/random", "/urandom", "/etc/ld.so.cache", "/etc/alternatives", "/etc/ssl/certs", "/etc/ssl/openssl.cnf", "/etc/services", "/etc/protocols", "/etc/mime.types", "/etc/fonts", "/etc/matplotlibrc", "/etc/timezone", "/tty", "/.masked//deleted")]')" \
	"[\"$IN\"]" "mount roots reveal nothing of the host beyond the bound paths (the /proc masks show their own deleted file)"
is "$(out 'o["child_parent_root"] == o["root_ls"]')" true "a child sees its parent's /proc/PID/root as the jail's /"
is "$(out 'o["l1"]')" ENOENT "a symlink made inside to the host canary is dangling"
like "$(out 'o["l2"]')" '^root:x:0:0:root:/root:/usr/sbin/nologin' "a symlink to /etc/passwd reads the jail's"
like "$(out 'o["l1_write"]')" '^(ENOENT|EROFS)$' "writing through the dangling link fails"
is "$(field '[(s["path"], s["reason"]) for s in r["skipped_files"]]')" '[["to-host", "symlink"]]' \
	"capture refuses the symlink in /output"

# ---- outside: the host is untouched ------------------------------------------------------
jrun <<PY
import subprocess
subprocess.Popen(["/usr/bin/sleep", "$MARK"])
print("started")
PY
is "$(field 'r["stdout"]')" started "background child run"
check "no process left behind (sleep $MARK)" wait_gone "sleep $MARK"
is "$(snap "$HOST")" "$host_before" "host canary dir unchanged"
is "$(snap "$IN")" "$in_before" "host input dir unchanged"
is "$(cat "$HOST/canary.txt")" "$SECRET" "host canary file content unchanged"
[ -e "/tmp/$leak" ]
is $? 1 "the jail's /tmp file is not in the host's /tmp"

done_testing
