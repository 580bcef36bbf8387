#!/usr/bin/env bash
# Attack: plant files whose reading would hang or harm the launcher: a FIFO
# (an open for reading blocks forever without a writer), a listening Unix
# socket, a device node (attempted with mknod), a file the program made
# unreadable, and a directory it made unsearchable. Safe outcome: capture
# finishes (the run ends well before its deadline, status ok), the FIFO
# and the socket are skipped and reported in violations, mknod is refused
# inside, nothing but regular files reaches the destination. Stopped by:
# capture's file-type checks (O_NONBLOCK | O_NOFOLLOW opens, fstat before
# read); Landlock and no CAP_MKNOD for mknod.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
D=$T/dest
mkdir -p "$D"
jattack --timeout 20 --output "$D" <<'PY'
import json, os, socket, stat
res = {}
os.mkfifo("/output/fifo")
s = socket.socket(socket.AF_UNIX)
s.bind("/output/sock")
s.listen(1)
for name, mode in (("chr", stat.S_IFCHR | 0o666), ("blk", stat.S_IFBLK | 0o666)):
    try:
        os.mknod("/output/" + name, mode, os.makedev(1, 1))
        res[name] = "made"
    except OSError as e:
        res[name] = e.errno
open("/output/locked", "w").write("no\n")
os.chmod("/output/locked", 0)
os.makedirs("/output/closed")
open("/output/closed/inside", "w").write("x\n")
os.chmod("/output/closed", 0)
open("/output/fine.txt", "w").write("fine\n")
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the run ended normally: capture did not hang on the FIFO"
is "$(out '[o["chr"], o["blk"]]')" '[13, 13]' "inside: mknod of devices fails with EACCES (Landlock; EPERM without it)"
is "$(field 'sorted((v["path"], v["reason"]) for v in r["violations"] if v["kind"] == "capture")')" \
	'[["fifo", "fifo"], ["sock", "socket"]]' "outside: the FIFO and the socket are reported"
like "$(field '[f["path"] for f in r["files"]]')" '"fine.txt"' "the regular file is still captured"
is "$(cd "$D" && find . ! -type f ! -type d | wc -l)" 0 "outside: only regular files and directories in the destination"
attack_end
done_testing
