#!/usr/bin/env bash
# 36-capture.t - files left in /output: listed with size and sha256, copied
# into --output DIR; everything else (links, special files, unsafe names,
# too deep, over the limits) skipped with the documented reason. What the
# jail plants must never make the launcher touch a host file outside DIR.
source "$(dirname "$0")/lib.sh"

# listing of $T (names, types, sizes, link targets) minus the paths given
snapshot() {
	local ex=() p
	for p in "$@" "$T/result.json" "$T/stderr" "$T/rc"; do ex+=(-path "$p" -prune -o); done
	find "$T" "${ex[@]}" -printf '%P %y %s %l\n' | sort
}

# --- the host side: DIR with traps, a canary outside it --------------------
D=$T/out
mkdir -p "$D" "$T/hostdir"
printf 'CANARY\n' >"$T/canary"
ln -s "$T/canary" "$D/existing"  # a link in DIR to the canary: to be replaced, not followed
printf 'host keep\n' >"$D/keep.txt" # the jail plants a symlink of this name
ln -s "$T/hostdir" "$D/sub"        # the jail writes /output/sub/x.txt
canary_sum=$(sha256sum <"$T/canary")

cat >"$T/cap.py" <<EOF
import os, socket
os.makedirs("/output/a/b")
open("/output/hello.txt", "w").write("hello\n")
open("/output/empty.txt", "w").close()
with open("/output/a/b/data.bin", "wb") as f:
    f.write(os.urandom(100000))
open("/output/a/run.sh", "w").write("#!/bin/sh\n")
os.chmod("/output/a/run.sh", 0o755)
open("/output/existing", "w").write("from jail\n")
os.symlink("$T/canary", "/output/link_canary")
os.symlink("/etc/passwd", "/output/keep.txt")
os.symlink("..", "/output/dotdot")
os.makedirs("/output/sub")
open("/output/sub/x.txt", "w").write("into the host dir?\n")
open("/output/h1", "w").write("hard")
os.link("/output/h1", "/output/h2")
os.mkfifo("/output/fifo")
s = socket.socket(socket.AF_UNIX)
s.bind("/output/sock")
open("/output/new\nline", "w").write("x")
open("/output/esc\x1b[31m", "w").write("x")
open(b"/output/bad\xff", "w").write("x")
open("/output/caf\u00e9.txt", "w").write("utf-8 name\n")
p = "/output/" + "/".join("d%d" % i for i in range(20))
os.makedirs(p)
open(p + "/deep.txt", "w").write("deep")
open("/output/d0/shallow.txt", "w").write("shallow")
print("planted")
EOF
before=$(snapshot "$D")
jrun --output "$D" <"$T/cap.py"
# DIR holds a file "sub" where the program made a directory: the files
# below it cannot be written, so the capture failed (capture_error, 125)
is "$rc:$(field '(r["status"], r["stdout"])')" '125:["capture_error", "planted\n"]' "planting run: capture_error (a file in DIR stands where sub/ goes)"

is "$(field 'sorted(f["path"] for f in r["files"])')" \
	'["a/b/data.bin", "a/run.sh", "caf\u00e9.txt", "d0/shallow.txt", "empty.txt", "existing", "hello.txt"]' \
	"files: exactly the regular, single-link, safely named ones"
is "$(field 'sorted((s["path"], s["reason"]) for s in r["skipped_files"])')" \
	"$("$PY" -c 'import json; print(json.dumps(sorted([
	("bad\ufffd", "unsafe name"),
	("d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16", "too deep"),
	("dotdot", "symlink"), ("esc\x1b[31m", "unsafe name"), ("fifo", "fifo"),
	("h1", "hardlink"), ("h2", "hardlink"), ("keep.txt", "symlink"),
	("link_canary", "symlink"), ("new\nline", "unsafe name"), ("sock", "socket"),
	("sub/x.txt", "destination is not a directory")])))')" \
	"skipped_files: each with its documented reason"

# sizes and sha256 of the copies, computed on the host
bad=""
while IFS=' ' read -r path size sum; do
	[ -f "$D/$path" ] && [ ! -L "$D/$path" ] || { bad="$bad $path:not-copied"; continue; }
	[ "$(stat -c %s "$D/$path")" = "$size" ] || bad="$bad $path:size"
	[ "$(sha256sum <"$D/$path" | cut -d' ' -f1)" = "$sum" ] || bad="$bad $path:sha256"
done < <(field '"\n".join("%s %d %s" % (f["path"], f["size"], f["sha256"]) for f in r["files"])')
is "$bad" "" "every listed file is copied with the listed size and sha256"
is "$(field '[(f["size"], f["sha256"]) for f in r["files"] if f["path"] == "hello.txt"]')" \
	"[[6, \"$(printf 'hello\n' | sha256sum | cut -d' ' -f1)\"]]" "hello.txt: size 6 and the sha256 of its content"
is "$(field '[f["size"] for f in r["files"] if f["path"] in ("empty.txt", "a/b/data.bin")]')" \
	"[100000, 0]" "sizes of an empty file and a binary one"
is "$(stat -c %a "$D/a/run.sh"):$(stat -c %a "$D/hello.txt")" "755:644" "modes: executable kept, nothing more"

is "$(cat "$T/canary")" CANARY "the canary outside DIR is untouched"
is "$(sha256sum <"$T/canary")" "$canary_sum" "the canary's bytes are the same"
check "DIR/existing, a link to the canary, was replaced by a regular file" \
	test -f "$D/existing" -a ! -L "$D/existing"
is "$(cat "$D/existing")" "from jail" "DIR/existing holds the jail's file"
is "$(cat "$D/keep.txt")" "host keep" "a planted symlink does not replace DIR's file of that name"
is "$(readlink "$D/sub")" "$T/hostdir" "DIR/sub, a link to a host dir, is left alone"
is "$(ls -A "$T/hostdir")" "" "nothing written through DIR/sub into the host dir"
after=$(snapshot "$D")
is "$after" "$before" "nothing outside DIR was created or changed"
is "$(cd "$D" && find . \( -name 'link_canary' -o -name 'dotdot' -o -name 'h1' -o -name 'h2' -o -name 'fifo' -o -name 'sock' -o -name 'bad*' -o -name 'esc*' -o -name 'new*' -o -name deep.txt \) -print)" \
	"" "no skipped entry exists in DIR"
is "$(find "$D" -name '.actjail-*')" "" "no temporary file left in DIR"
check "files in nested directories are copied" test -f "$D/d0/shallow.txt" -a -f "$D/a/b/data.bin"

# --- without --output: listed and hashed, nothing copied ---------------------
mkdir -p "$T/cwd"
before=$(snapshot)
(cd "$T/cwd" && jrun <<<'open("/output/only-listed.txt", "w").write("abc")'
	echo "$rc" >"$T/rc")
is "$(cat "$T/rc"):$(field 'r["files"]')" \
	"0:[{\"path\": \"only-listed.txt\", \"size\": 3, \"sha256\": \"$(printf abc | sha256sum | cut -d' ' -f1)\"}]" \
	"without --output: the file is listed with size and sha256"
after=$(snapshot)
is "$after" "$before" "without --output: nothing copied anywhere in \$T (cwd included)"

# --- limits --------------------------------------------------------------------
rm -rf "$D" && mkdir "$D"
jrun --output "$D" <<<'
for i in range(105):
    open("/output/f%03d" % i, "w").write(str(i))'
is "$(field '(r["status"], len(r["files"]), r["files"][-1]["path"])')" '["ok", 100, "f099"]' \
	"105 files: the first 100 are captured"
is "$(field '[(s["path"], s["reason"]) for s in r["skipped_files"]]')" \
	'[["f100", "file count limit"], ["f101", "file count limit"], ["f102", "file count limit"], ["f103", "file count limit"], ["f104", "file count limit"]]' \
	"105 files: 5 skipped with 'file count limit'"
is "$(find "$D" -type f | wc -l)" 100 "105 files: 100 copied"

rm -rf "$D" && mkdir "$D"
jrun --output "$D" <<<'
open("/output/big", "wb").write(b"b" * (10 * 1048576 + 1))
open("/output/max", "wb").write(b"m" * (10 * 1048576))'
is "$(field '([(f["path"], f["size"]) for f in r["files"]], r["skipped_files"])')" \
	'[[["max", 10485760]], [{"path": "big", "reason": "file size limit", "errno": null, "host_failure": false}]]' \
	"a file of 10 MiB is captured, one of 10 MiB + 1 byte is skipped (file size limit)"
is "$(ls "$D")" max "only the 10 MiB file is copied"

if make_policy "$T/small.json" capture_total_mib=2 capture_file_mib=1 capture_files=10; then
	rm -rf "$D" && mkdir "$D"
	jrun --policy "$T/small.json" --output "$D" <<<'
open("/output/a", "wb").write(b"a" * 1048576)
open("/output/b", "wb").write(b"b" * 1048576)
open("/output/c", "wb").write(b"c")
open("/output/d", "wb").write(b"d" * (1048576 + 1))'
	is "$(field '(r["limits"]["capture_total_bytes"], r["limits"]["capture_file_bytes"])')" \
		"[2097152, 1048576]" "policy capture limits show in the result"
	is "$(field '([f["path"] for f in r["files"]], [(s["path"], s["reason"]) for s in r["skipped_files"]])')" \
		'[["a", "b"], [["c", "total size limit"], ["d", "file size limit"]]]' \
		"over the total: skipped with 'total size limit'"
	is "$(ls "$D" | tr '\n' ' ')" "a b " "over the total: only what fits is copied"
else
	skip "total size limit" "policy/default.json not found"
	skip "total size limit" "policy/default.json not found"
	skip "total size limit" "policy/default.json not found"
fi

# --- a hostile DIR: the launcher writes only through DIR's own entries --------
rm -rf "$D" && mkdir "$D"
mkdir -p "$T/victim"
ln -s "$T/victim" "$D/a"               # a/ in the jail -> must not land in victim/
ln -s "$T/canary" "$D/f.txt"           # replaced, not written through
before=$(snapshot "$D")
jrun --output "$D" <<<'
import os
os.makedirs("/output/a")
open("/output/a/evil.txt", "w").write("evil")
open("/output/f.txt", "w").write("plain")'
is "$(field '([f["path"] for f in r["files"]], [(s["path"], s["reason"]) for s in r["skipped_files"]])')" \
	'[["f.txt"], [["a/evil.txt", "destination is not a directory"]]]' "hostile DIR: what was refused (each file below the link)"
is "$(ls -A "$T/victim"):$(cat "$T/canary")" ":CANARY" "hostile DIR: the victim dir and the canary are untouched"
is "$(snapshot "$D")" "$before" "hostile DIR: nothing outside DIR changed"

done_testing
