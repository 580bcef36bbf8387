#!/usr/bin/env bash
# Attack: get at raw hardware or kernel memory through device nodes. The
# program opens /dev/mem, /dev/kmem, /dev/port, /dev/kmsg, /dev/sda,
# /dev/vda, /dev/tty0, /dev/console, /dev/kvm, /dev/fuse, /dev/net/tun,
# /dev/loop-control, /dev/ptmx, /proc/kcore and /proc/kmsg, and makes its
# own nodes with mknod in /tmp, /dev/shm and /output: char 1:1 (mem),
# 1:2 (kmem), 1:11 (kmsg), 4:0 (tty0), block 8:0 (sda), 253:0 (vda) and a
# 0:0 whiteout. Run twice: with the default policy, and with Landlock off
# to show the wall behind it. Safe outcome: /dev holds only null, zero,
# full, random, urandom, tty (and fd/std*, shm, and pts, the jail's own
# devpts instance, with ptmx linked to its multiplexer, which opens);
# everything else is ENOENT (/proc/kmsg EACCES); mknod is EACCES under Landlock, EPERM without it
# (no CAP_MKNOD); the one node the kernel lets anyone make (the 0:0
# whiteout) cannot be opened (nodev mounts: EACCES) and is not captured
# from /output. Stopped by: mount namespace (a minimal /dev of bind
# mounts), Landlock (no MAKE_CHAR/MAKE_BLOCK), no capabilities in the
# user namespace (CAP_MKNOD), nodev on every writable mount.
source "$(dirname "$(dirname "$0")")/lib.sh"
cat >"$T/dev.py" <<'PY'
import errno, json, os, stat
res = {"open": {}, "mknod": {}, "opened_nodes": {}}
for p in ("/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg", "/dev/sda", "/dev/vda", "/dev/tty0",
          "/dev/console", "/dev/kvm", "/dev/fuse", "/dev/net/tun", "/dev/loop-control", "/dev/ptmx",
          "/dev/pts/ptmx", "/dev/userfaultfd", "/proc/kcore", "/proc/kmsg", "/sys/dev/block"):
    for mode in (os.O_RDONLY, os.O_RDWR):
        try:
            os.close(os.open(p, mode))
            res["open"]["%s %d" % (p, mode)] = "ok"
        except OSError as e:
            res["open"]["%s %d" % (p, mode)] = errno.errorcode[e.errno]
nodes = {"mem": (stat.S_IFCHR, 1, 1), "kmem": (stat.S_IFCHR, 1, 2), "kmsg": (stat.S_IFCHR, 1, 11),
         "tty0": (stat.S_IFCHR, 4, 0), "sda": (stat.S_IFBLK, 8, 0), "vda": (stat.S_IFBLK, 253, 0),
         "whiteout": (stat.S_IFCHR, 0, 0)}
for d in ("/tmp", "/dev/shm", "/output"):
    for name, (kind, major, minor) in nodes.items():
        p = "%s/%s" % (d, name)
        try:
            os.mknod(p, kind | 0o666, os.makedev(major, minor))
            res["mknod"][p] = "ok"
        except OSError as e:
            res["mknod"][p] = errno.errorcode[e.errno]
            continue
        try:
            os.close(os.open(p, os.O_RDWR))
            res["opened_nodes"][p] = "ok"
        except OSError as e:
            res["opened_nodes"][p] = errno.errorcode[e.errno]
res["dev"] = sorted(os.listdir("/dev"))
res["pts"] = sorted(os.listdir("/dev/pts"))
res["devices"] = {}
for n in res["dev"]:
    st = os.lstat("/dev/" + n)
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        res["devices"][n] = "%s %d:%d" % ("c" if stat.S_ISCHR(st.st_mode) else "b",
                                          os.major(st.st_rdev), os.minor(st.st_rdev))
print(json.dumps(res))
PY
attack_begin
jattack --timeout 10 <"$T/dev.py"
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["dev"]')" '["fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero"]' \
	"inside: /dev holds only the minimal set"
is "$(out 'o["devices"]')" '{"full": "c 1:7", "null": "c 1:3", "random": "c 1:8", "tty": "c 5:0", "urandom": "c 1:9", "zero": "c 1:5"}' \
	"inside: its only devices are null, zero, full, random, urandom, tty"
is "$(out 'o["pts"]')" '["ptmx"]' "inside: /dev/pts is the jail's own devpts: its ptmx and no terminal"
is "$(out 'sorted(set(v for k, v in o["open"].items() if "ptmx" in k))')" '["ok"]' \
	"inside: /dev/ptmx and /dev/pts/ptmx open (new ptys of the jail's own devpts)"
is "$(out 'sorted(set(v for k, v in o["open"].items() if not k.startswith("/proc/kmsg") and "ptmx" not in k))')" '["ENOENT"]' \
	"inside: /dev/mem, kmem, port, kmsg, sda, vda, tty0, console, kvm, fuse, tun, /proc/kcore, /sys: ENOENT"
is "$(out 'sorted(set(v for k, v in o["open"].items() if k.startswith("/proc/kmsg")))')" '["EACCES"]' \
	"inside: /proc/kmsg: EACCES"
ll_abi=$(field 'r["landlock"]["abi"]')
if [ "$ll_abi" != null ]; then
	is "$(out 'sorted(set(o["mknod"].values()))')" '["EACCES"]' \
		"inside: mknod of every device and the whiteout in /tmp, /dev/shm, /output: EACCES (Landlock)"
else
	is "$(out 'sorted(set(v for k, v in o["mknod"].items() if not k.endswith("/whiteout")))')" '["EPERM"]' \
		"inside: mknod of every device in /tmp, /dev/shm, /output: EPERM (no Landlock here)"
fi
is "$(out '[k for k, v in o["opened_nodes"].items() if v == "ok"]')" '[]' "inside: no node made inside could be opened"
is "$(field '[f["path"] for f in r["files"]]')" '[]' "outside: nothing captured from /output"

# the wall behind Landlock: the kernel's own CAP_MKNOD check and nodev mounts
if make_policy "$T/off.json"; then
	"$PY" - "$T/off.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["landlock"] = "off"; json.dump(p, open(sys.argv[1], "w"))
PY
	jattack --timeout 10 --policy "$T/off.json" <"$T/dev.py"
	is "$(field '(r["status"], r["landlock"]["abi"])')" '["ok", null]' "Landlock off: the program ran without Landlock"
	is "$(out 'sorted(set(v for k, v in o["mknod"].items() if not k.endswith("/whiteout")))')" '["EPERM"]' \
		"Landlock off, inside: mknod of mem, kmem, kmsg, tty0, sda, vda: EPERM (no CAP_MKNOD)"
	is "$(out 'sorted(set(v for k, v in o["mknod"].items() if k.endswith("/whiteout")))')" '["ok"]' \
		"Landlock off, inside: the 0:0 whiteout can be made (the kernel lets anyone)"
	is "$(out 'sorted(set(o["opened_nodes"].values()))')" '["EACCES"]' \
		"Landlock off, inside: but not opened (nodev mounts: EACCES)"
	is "$(out 'sorted(set(v for k, v in o["open"].items() if "ptmx" not in k))')" '["EACCES", "ENOENT"]' \
		"Landlock off, inside: the host's devices are still missing"
	is "$(field '[(f["path"], f["reason"]) for f in r["skipped_files"]]')" '[["whiteout", "device"]]' \
		"Landlock off, outside: capture refuses the device node in /output"
else
	for n in 1 2 3 4 5 6; do skip "Landlock off $n" "policy/default.json not found"; done
fi
attack_end
done_testing
