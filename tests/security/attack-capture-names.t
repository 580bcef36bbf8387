#!/usr/bin/env bash
# Attack: plant file names that break whatever reads the result or the
# destination: a newline (fakes lines in logs), an escape sequence (rewrites
# the reviewer's terminal), invalid UTF-8 (breaks JSON consumers), a name
# starting with "-" (an option to a later shell command), "..."-style
# names, a 255-byte name, and a name equal to a host path. Safe outcome:
# names with control characters or invalid UTF-8 are never copied and are
# reported ("unsafe name") with U+FFFD in place of bad bytes; plain odd
# names are copied under exactly their name inside the destination;
# nothing is created outside it. Stopped by: capture's name rules and
# UTF-8 sanitising of the result.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
D=$T/dest
mkdir -p "$D"
jattack --output "$D" <<'PY'
import os
names = [b"line\nbreak", b"esc\x1b[2Jclear", b"bad\xff\xfeutf8", b"tab\there", b"del\x7f"]
for n in names:
    with open(b"/output/" + n, "w") as f:
        f.write("x")
for n in ("-rf", "...", "..\u2024", " space ", "\u00e9t\u00e9", "x" * 255):
    with open("/output/" + n, "w") as f:
        f.write("ok")
print("planted")
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(field 'sorted(v["path"] for v in r["violations"] if v["kind"] == "capture" and v["reason"] == "unsafe name")')" \
	"$("$PY" -c 'import json; print(json.dumps(sorted(["line\nbreak", "esc\x1b[2Jclear", "bad\ufffd\ufffdutf8", "tab\there", "del\x7f"])))')" \
	"outside: the five unsafe names are reported, bad bytes as U+FFFD"
is "$(field 'len(r["files"])')" 6 "the six odd but safe names are captured"
is "$(cd "$D" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | "$PY" -c 'import sys, json; print(json.dumps([l.rstrip("\n") for l in sys.stdin]))')" \
	"$("$PY" -c 'import json; print(json.dumps(sorted([" space ", "-rf", "...", "..\u2024", "x" * 255, "\u00e9t\u00e9"], key=lambda s: s.encode())))')" \
	"outside: the destination holds exactly those six names"
is "$(find "$T" -mindepth 1 -maxdepth 1 -newer "$HOST_SECRET" ! -name result.json ! -name stderr ! -name 'canary*' ! -name leftovers ! -name dest -printf '%f\n' | sort | tr '\n' ' ')" \
	"" "outside: nothing was created next to the destination"
attack_end
done_testing
