#!/usr/bin/env bash
# Attack: "shocker", open a host file by handle. name_to_handle_at on /,
# /usr and /usr/bin/python3 (to learn handles of the host filesystem /usr
# is bound from), then open_by_handle_at with a directory fd on / and
# /usr as the mount fd, for those handles and for forged ones (ext4 /
# btrfs / xfs root inodes, inode 2 of the host's root filesystem), which
# would bypass the mount namespace entirely. Safe outcome: every call is
# EPERM and both are reported in the result's violations; no file is
# opened. Stopped by: seccomp (neither syscall is allowed; the default
# action refuses and reports them); without CAP_DAC_READ_SEARCH the
# kernel would refuse open_by_handle_at as well.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os, struct
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
AT_FDCWD = -100
res = {"name_to_handle_at": {}, "open_by_handle_at": {}, "opened": []}
handles = []
for path in ("/", "/usr", "/usr/bin/python3", "/etc/passwd"):
    buf = ctypes.create_string_buffer(struct.pack("Ii", 128, 0) + b"\0" * 128)
    mount_id = ctypes.c_int(-1)
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(303), ctypes.c_long(AT_FDCWD), ctypes.c_char_p(path.encode()),
                     buf, ctypes.byref(mount_id), ctypes.c_long(0))
    res["name_to_handle_at"][path] = "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
    if r == 0:
        handles.append(buf.raw)
# forged handles: FILEID_INO32_GEN (1) for inode 2 gen 0 (ext2/3/4 root), btrfs's
# FILEID_BTRFS_WITHOUT_PARENT (0x4d) for objectid 256, and inode 128 (xfs root)
for htype, body in ((1, struct.pack("II", 2, 0)), (0x4d, struct.pack("QQ", 256, 5)),
                    (1, struct.pack("II", 128, 0)), (1, struct.pack("II", 11, 0))):
    handles.append(struct.pack("Ii", len(body), htype) + body)
for mpath in ("/", "/usr"):
    mfd = os.open(mpath, os.O_RDONLY | os.O_DIRECTORY)
    for i, h in enumerate(handles):
        buf = ctypes.create_string_buffer(h)
        for flags in (os.O_RDONLY, os.O_RDONLY | os.O_DIRECTORY, 0x200000):   # O_PATH
            ctypes.set_errno(0)
            r = libc.syscall(ctypes.c_long(304), ctypes.c_long(mfd), buf, ctypes.c_long(flags))
            key = "%s handle%d flags%x" % (mpath, i, flags)
            if r >= 0:
                res["opened"].append([key, os.readlink("/proc/self/fd/%d" % r)])
                os.close(r)
                res["open_by_handle_at"][key] = "ok"
            else:
                res["open_by_handle_at"][key] = errno.errorcode[ctypes.get_errno()]
    os.close(mfd)
res["count"] = len(res["open_by_handle_at"])
res["control_stat"] = os.stat("/usr/bin/python3").st_size > 0
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["name_to_handle_at"]')" \
	'{"/": "EPERM", "/usr": "EPERM", "/usr/bin/python3": "EPERM", "/etc/passwd": "EPERM"}' \
	"inside: name_to_handle_at on /, /usr and files: EPERM"
is "$(out 'sorted(set(o["open_by_handle_at"].values()))')" '["EPERM"]' \
	"inside: open_by_handle_at with every forged handle, mount fd and flags: EPERM"
is "$(out 'o["opened"]')" '[]' "inside: nothing was opened by handle"
is "$(out 'o["control_stat"]')" true "control: the same paths are reachable by name"
is "$(field '[(v["syscall"], v["nr"], v["count"], v["action"]) for v in r["violations"]]')" \
	"[[\"name_to_handle_at\", 303, 4, \"errno\"], [\"open_by_handle_at\", 304, $(out 'o["count"]'), \"errno\"]]" \
	"outside: violations list name_to_handle_at (4) and open_by_handle_at (each attempt)"
attack_end
done_testing
