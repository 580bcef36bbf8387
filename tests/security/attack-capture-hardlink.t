#!/usr/bin/env bash
# Attack: plant hard links in /output, hoping capture copies a file under
# two names (one of them chosen to collide), or that a link to a file
# outside /output (in /tmp, or a read-only /input file) carries it out.
# Safe outcome: links across mounts fail (EXDEV); a file with two names in
# /output is skipped under both ("hardlink") and reported in violations;
# the host input file and the destination are as expected. Stopped by:
# mount boundaries (EXDEV) and capture's single-link rule.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
D=$T/dest
IN=$T/input
mkdir -p "$D" "$IN"
printf 'input data\n' >"$IN/data.txt"
chmod -R a+rX "$IN"
in_sum=$(sha256sum <"$IN/data.txt")
jattack --input "$IN" --output "$D" <<'PY'
import json, os
res = {}
for src in ("/input/data.txt", "/tmp/t.txt", "/etc/passwd"):
    if src == "/tmp/t.txt":
        open(src, "w").write("tmp\n")
    try:
        os.link(src, "/output/" + os.path.basename(src) + ".lnk")
        res[src] = "linked"
    except OSError as e:
        res[src] = e.errno
open("/output/a", "w").write("twice\n")
os.link("/output/a", "/output/b")
os.makedirs("/output/d")
os.link("/output/a", "/output/d/c")
open("/output/single", "w").write("once\n")
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out '[o["/input/data.txt"], o["/tmp/t.txt"], o["/etc/passwd"]]')" '[18, 18, 18]' \
	"inside: links out of /output's mount fail with EXDEV"
is "$(field 'sorted(f["path"] for f in r["files"])')" '["single"]' "only the single-link file is captured"
is "$(field 'sorted((v["path"], v["reason"]) for v in r["violations"] if v["kind"] == "capture")')" \
	'[["a", "hardlink"], ["b", "hardlink"], ["d/c", "hardlink"]]' \
	"outside: each name of the linked file is reported"
is "$(cd "$D" && find . -type f | sort | tr '\n' ' ')" './single ' "outside: the destination has the single file only"
is "$(sha256sum <"$IN/data.txt")" "$in_sum" "outside: the host's input file is unchanged"
attack_end
done_testing
