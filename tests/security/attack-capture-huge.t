#!/usr/bin/env bash
# Attack: make capture exhaust the host: a sparse file claiming 1 TiB (60
# MiB when the file size limit refuses that), a
# file just over the per-file limit, thousands of small files, and a
# directory tree deeper than capture descends. Safe outcome: the sparse
# and the big file are skipped by their size ("file size limit") without
# being read, files past the count limit are skipped ("file count limit"),
# the deep tree is cut ("too deep"); all are reported in violations, and
# the destination holds at most the limits. Stopped by: RLIMIT_FSIZE and
# the tmpfs size of /output (what can exist), capture limits (capture_files,
# capture_file_mib, capture_total_mib, depth 16).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
D=$T/dest
mkdir -p "$D"
jattack --timeout 30 --output "$D" <<'PY'
import json, os
res = {}
with open("/output/sparse", "wb") as f:
    try:
        f.truncate(1 << 40)
        res["sparse"] = "1TiB"
    except OSError as e:
        res["sparse"] = e.errno
    f.truncate(60 << 20)  # as big as RLIMIT_FSIZE (64 MiB) lets it be
with open("/output/big", "wb") as f:
    f.write(b"\0" * ((10 << 20) + 1))
p = "/output/deep"
for i in range(40):
    p += "/d"
os.makedirs(p)
open(p + "/bottom.txt", "w").write("bottom\n")
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the run ended normally"
is "$(field 'sorted(set((v["path"], v["reason"]) for v in r["violations"] if v["kind"] == "capture"))')" \
	'[["big", "file size limit"], ["deep/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d", "too deep"], ["sparse", "file size limit"]]' \
	"outside: the sparse and the big file (by size) and the deep tree are reported"
is "$(out 'o["sparse"]')" 27 "inside: a 1 TiB file is refused (EFBIG, RLIMIT_FSIZE)"
# the second run: more files than capture_files
jattack --timeout 30 --output "$D" <<'PY'
import os
os.makedirs("/output/many")
for i in range(150):
    open("/output/many/%03d" % i, "w").write("x")
PY
is "$(field '(r["status"], len([v for v in r["violations"] if v.get("reason") == "file count limit"]))')" \
	'["ok", 50]' "outside: the 50 files past the count limit are reported"
is "$(field 'len(r["files"])')" 100 "exactly capture_files (100) files are captured"
is "$(find "$D" -type f | wc -l)" 100 "outside: the destination holds 100 files"
size=$(du -sk "$D" | cut -f1)
ok "$([ "$size" -lt 2048 ]; echo $?)" "outside: the destination uses little disk ($size KiB), nothing of the sparse file"
attack_end
done_testing
