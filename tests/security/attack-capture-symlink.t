#!/usr/bin/env bash
# Attack: plant symlinks in /output so that capture reads a host file into
# the result or writes through a link on the host: links to the host
# secret's path, to /etc/shadow, to "..", a link to a directory holding a
# file, and a link named like a file the host's output directory already
# has. Safe outcome: no link is followed; each is skipped ("symlink") and
# reported in violations (kind "capture"); the host's output directory
# gets only the regular file, its existing file stays as it was.
# Stopped by: capture (openat2 with RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH
# on the jail's own /output, O_NOFOLLOW; renameat into a held directory).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
D=$T/dest
mkdir -p "$D"
printf 'host keeps this\n' >"$D/keep.txt"
jattack --output "$D" <<'PY'
import os
secret = os.environ["HOST_SECRET"]
os.symlink(secret, "/output/secret_link")
os.symlink("/etc/shadow", "/output/shadow")
os.symlink("..", "/output/up")
os.symlink("../../../../.." + secret, "/output/relative")
os.makedirs("/output/realdir")
open("/output/realdir/inner.txt", "w").write("inner\n")
os.symlink("realdir", "/output/dirlink")
os.symlink(os.environ["HOST_DIR"], "/output/hostdir")
os.symlink("/etc/passwd", "/output/keep.txt")
open("/output/plain.txt", "w").write("plain\n")
print("planted")
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(field 'sorted(f["path"] for f in r["files"])')" '["plain.txt", "realdir/inner.txt"]' \
	"only the regular files are captured"
is "$(field 'sorted((v["path"], v["reason"], v["action"]) for v in r["violations"] if v["kind"] == "capture")')" \
	'[["dirlink", "symlink", "skipped"], ["hostdir", "symlink", "skipped"], ["keep.txt", "symlink", "skipped"], ["relative", "symlink", "skipped"], ["secret_link", "symlink", "skipped"], ["shadow", "symlink", "skipped"], ["up", "symlink", "skipped"]]' \
	"outside: every link is reported as a capture violation"
is "$(cd "$D" && find . -printf '%p %y\n' | sort | tr '\n' ' ')" \
	'. d ./keep.txt f ./plain.txt f ./realdir d ./realdir/inner.txt f ' \
	"outside: the destination holds regular files only, no link"
is "$(cat "$D/keep.txt")" "host keeps this" "outside: the host's own keep.txt is untouched"
attack_end
done_testing
