#!/usr/bin/env bash
# Attack: rearrange the jail's filesystem to reach or write the host's:
# mount a tmpfs, a proc and a bind of / ; remount / and /usr read-write;
# umount /usr and detach /proc; pivot_root; chroot; and the new mount API
# (open_tree 428 on /usr with OPEN_TREE_CLONE, move_mount 429, fsopen 430
# of tmpfs, fsconfig 431, fsmount 432, fspick 433 on /, mount_setattr 442
# to clear MOUNT_ATTR_RDONLY); then mount(8) itself. Each call is given
# arguments the kernel would accept or answer otherwise (EFAULT, EINVAL,
# ENOENT) so EPERM can only come from the filter. Safe outcome: every call
# EPERM, each syscall listed in the violations; mount(8) fails; the mount
# table is the same afterwards and / and /usr still refuse writes.
# Stopped by: seccomp (none of these syscalls is allowed); behind it, no
# capabilities (CAP_SYS_ADMIN) and mounts locked by the user namespace.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os, subprocess
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}
order = []
def sc(name, sysname, nr, *a):
    ctypes.set_errno(0)
    conv = [ctypes.c_char_p(x) if isinstance(x, bytes) else ctypes.c_long(x) for x in a]
    r = libc.syscall(ctypes.c_long(nr), *conv)
    res[name] = "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
    if r > 2:
        os.close(r)
    if sysname not in order:
        order.append(sysname)
mountinfo = open("/proc/self/mountinfo").read()
os.mkdir("/tmp/m")
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
sc("mount tmpfs", "mount", 165, b"none", b"/tmp/m", b"tmpfs", 0, b"size=1m")
sc("mount proc", "mount", 165, b"proc", b"/tmp/m", b"proc", 0, 0)
sc("bind /", "mount", 165, b"/", b"/tmp/m", 0, MS_BIND | MS_REC, 0)
sc("remount / rw", "mount", 165, 0, b"/", 0, MS_REMOUNT | MS_BIND, 0)
sc("remount /usr rw", "mount", 165, 0, b"/usr", 0, MS_REMOUNT | MS_BIND, 0)
sc("make / private", "mount", 165, 0, b"/", 0, MS_PRIVATE | MS_REC, 0)
sc("umount /usr", "umount2", 166, b"/usr", 0)
sc("detach /proc", "umount2", 166, b"/proc", 2)                    # MNT_DETACH
sc("pivot_root", "pivot_root", 155, b"/tmp", b"/tmp/m")
sc("chroot /tmp", "chroot", 161, b"/tmp")
sc("open_tree /usr", "open_tree", 428, -100, b"/usr", 1 | 0x80000)  # OPEN_TREE_CLONE|CLOEXEC
sc("move_mount", "move_mount", 429, -100, b"/usr", -100, b"/tmp/m", 0)
sc("fsopen tmpfs", "fsopen", 430, b"tmpfs", 0)
sc("fsconfig", "fsconfig", 431, 0, 6, 0, 0, 0)                        # FSCONFIG_CMD_CREATE on fd 0
sc("fsmount", "fsmount", 432, 0, 0, 0)
sc("fspick /", "fspick", 433, -100, b"/", 0)
attr = ctypes.create_string_buffer(32)                                 # struct mount_attr: clear RDONLY
ctypes.memmove(attr, (ctypes.c_uint64 * 4)(0, 1, 0, 0), 32)
ctypes.set_errno(0)
r = libc.syscall(ctypes.c_long(442), ctypes.c_long(-100), ctypes.c_char_p(b"/usr"), ctypes.c_long(0),
                 attr, ctypes.c_long(32))
res["mount_setattr /usr rw"] = "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
order.append("mount_setattr")
p = subprocess.run(["/usr/bin/mount", "-t", "tmpfs", "none", "/tmp/m"], capture_output=True, text=True)
res["mount(8)"] = p.returncode
res["mountinfo_same"] = open("/proc/self/mountinfo").read() == mountinfo
for path in ("/", "/usr"):
    try:
        open(path + "/pwned", "w")
        res["write " + path] = "ok"
    except OSError as e:
        res["write " + path] = errno.errorcode[e.errno]
res["order"] = order
res["root_ls"] = sorted(os.listdir("/"))
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'sorted(k for k, v in o.items() if v == "EPERM")')" \
	'["bind /", "chroot /tmp", "detach /proc", "fsconfig", "fsmount", "fsopen tmpfs", "fspick /", "make / private", "mount proc", "mount tmpfs", "mount_setattr /usr rw", "move_mount", "open_tree /usr", "pivot_root", "remount / rw", "remount /usr rw", "umount /usr"]' \
	"inside: mount, umount2, pivot_root, chroot, open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr: all EPERM"
like "$(out 'o["mount(8)"]')" '^[1-9]' "inside: mount(8) fails"
is "$(out 'o["mountinfo_same"]')" true "inside: the mount table is unchanged"
is "$(out '(o["write /"], o["write /usr"])')" '["EROFS", "EROFS"]' "inside: / and /usr still refuse writes (EROFS)"
is "$(field '[v["syscall"] for v in r["violations"]][:len(json.loads(r["stdout"])["order"])]')" "$(out 'o["order"]')" \
	"outside: violations list each of them, in the order first tried (mount(8)'s calls come after)"
# mount(8) adds its own refused calls (mount, or fsopen/fsconfig/... where
# libmount uses the new API): at least the program's count for each
is "$(field '[(v["syscall"], v["count"] >= {"mount": 6, "umount2": 2}.get(v["syscall"], 1)) for v in r["violations"]][:len(json.loads(r["stdout"])["order"])]')" \
	"$(out '[[s, True] for s in o["order"]]')" "outside: each counted at least as often as the program tried it (mount 6, umount2 2)"
is "$(field '[(v["syscall"], v["count"]) for v in r["violations"] if v["syscall"] in ("pivot_root", "chroot")]')" \
	'[["pivot_root", 1], ["chroot", 1]]' "outside: pivot_root and chroot exactly once"
attack_end
done_testing
