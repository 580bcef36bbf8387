#!/usr/bin/env bash
# 10-cli.t - the command line: --help and --version; usage errors exit 2 with
# one "actjail: ..." line, print nothing on stdout and start nothing; an
# invalid policy exits 125 naming FILE:LINE:COL; where the program comes from.
source "$(dirname "$0")/lib.sh"

A=$ACTJAIL

# --- help and version -------------------------------------------------------
out=$("$A" --help 2>"$T/stderr")
rc=$?
is "$rc" 0 "--help exits 0"
like "$out" '^Usage: actjail run \[OPTIONS\] \[FILE\|-\]' "--help starts with the usage of run"
like "$out" 'actjail exec \[OPTIONS\] -- PROGRAM' "--help shows the usage of exec"
like "$out" '--timeout SECONDS' "--help lists the options"
like "$out" '124 time limit' "--help lists the exit codes"
is "$(cat "$T/stderr")" "" "--help writes nothing on stderr"

out=$("$A" run --help 2>/dev/null)
rc=$?
is "$rc" 0 "run --help exits 0"
like "$out" '^Usage: actjail run' "run --help shows the usage"

out=$("$A" --version 2>"$T/stderr")
rc=$?
is "$rc" 0 "--version exits 0"
like "$out" '^actjail [0-9]+\.[0-9]+\.[0-9]+$' "--version prints 'actjail X.Y.Z'"

# --- usage errors -----------------------------------------------------------
# A program that leaves a trace if it ever runs.
mkdir -p "$T/out" "$T/in" "$T/adir"
printf 'open("/output/started", "w").write("ran")\nprint("ran")\n' >"$T/prog.py"
printf 'precious\n' >"$T/afile"

# usage NAME REGEX ARGS...: actjail ARGS exits 2 with exactly one error line
# (besides the --help hint) matching "^actjail: .*REGEX", nothing on stdout,
# and nothing ran: no /output/started in $T/out, no process with the marker
# of the exec cases (sleep 987.70). A hang counts as a failure.
on_exit "kill_marker '^sleep 987\\.70\$'"
usage() {
	local name=$1 re=$2 lines
	shift 2
	rm -rf "$T/out" && mkdir "$T/out"
	timeout -s KILL 20 "$A" "$@" <"$T/prog.py" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	is "$rc" 2 "$name: exit 2"
	grep -v "^Try 'actjail --help' for more information\.\$" "$T/stderr" >"$T/errlines"
	lines=$(wc -l <"$T/errlines")
	if [ "$lines" -eq 1 ]; then
		like "$(cat "$T/errlines")" "^actjail: .*$re" "$name: one clear line on stderr"
	else
		ok 1 "$name: one clear line on stderr"
		sed 's/^/#   stderr: /' "$T/stderr"
	fi
	is "$(wc -c <"$T/stdout")" 0 "$name: nothing on stdout"
	is "$(ls -A "$T/out")$(pgrep -f '^sleep 987\.70$')" "" "$name: nothing started, nothing in --output"
}
# the program of the exec cases, if it ever ran
started=(/bin/sh -c 'echo ran >/output/started; exec sleep 987.70')

usage "no command" 'missing command'
usage "unknown command" "unknown command 'frobnicate'" frobnicate --json
usage "unknown option" "--no-such-option" run --json --no-such-option --output "$T/out" "$T/prog.py"
usage "missing FILE" "$T/missing\\.py: No such file or directory" \
	run --json --output "$T/out" "$T/missing.py"
usage "FILE is a directory" "$T/adir: Is a directory" run --json --output "$T/out" "$T/adir"
if is_root; then
	skip "unreadable FILE (mode 000)" "root reads any file"
	skip "unreadable FILE (mode 000)" "root reads any file"
	skip "unreadable FILE (mode 000)" "root reads any file"
	skip "unreadable FILE (mode 000)" "root reads any file"
else
	cp "$T/prog.py" "$T/secret.py" && chmod 000 "$T/secret.py"
	usage "unreadable FILE (mode 000)" "$T/secret\\.py: Permission denied" \
		run --json --output "$T/out" "$T/secret.py"
fi
usage "two FILEs" 'one FILE at most' run --json --output "$T/out" "$T/prog.py" "$T/prog.py"
usage "--input missing" "--input $T/no-such-dir" \
	run --json --input "$T/no-such-dir" --output "$T/out" "$T/prog.py"
usage "--input is a file" "--input $T/afile: not a directory" \
	run --json --input "$T/afile" --output "$T/out" "$T/prog.py"
usage "--output missing" "--output $T/no-such-dir" run --json --output "$T/no-such-dir" "$T/prog.py"
usage "--output is a file" "--output $T/afile: not a directory" \
	run --json --output "$T/afile" "$T/prog.py"
is "$(cat "$T/afile")" "precious" "--output FILE: the file is untouched"
for v in -1 abc 0 "" 0.5s; do
	usage "--timeout '$v'" "--timeout: '$v'" run --json --timeout "$v" --output "$T/out" "$T/prog.py"
done
usage "--cpu-time abc" "--cpu-time: 'abc'" run --json --cpu-time abc --output "$T/out" "$T/prog.py"
usage "--memory garbage" "--memory: '12abc'" run --json --memory 12abc --output "$T/out" "$T/prog.py"
usage "--memory -5" "--memory: '-5'" run --json --memory -5 --output "$T/out" "$T/prog.py"
usage "--pids 0" "--pids: '0'" run --json --pids 0 --output "$T/out" "$T/prog.py"
usage "--env BAD" "--env: 'BAD'" run --json --env BAD --output "$T/out" "$T/prog.py"
usage "--env 1X=y" "--env: '1X=y'" run --json --env 1X=y --output "$T/out" "$T/prog.py"
usage "--env =y" "--env: '=y'" run --json --env =y --output "$T/out" "$T/prog.py"
usage "--timeout without value" "--timeout" run --json --output "$T/out" --timeout
usage "exec without PROGRAM" 'exec: missing PROGRAM' exec --json --output "$T/out" --
usage "exec --pids 0" "--pids: '0'" exec --json --pids 0 --output "$T/out" -- "${started[@]}"
usage "exec --timeout -1" "--timeout: '-1'" exec --timeout -1 --output "$T/out" -- "${started[@]}"
usage "exec --memory 1G" "--memory: '1G'" exec --memory 1G --output "$T/out" -- "${started[@]}"
usage "exec --env BAD" "--env: 'BAD'" exec --env BAD --output "$T/out" -- "${started[@]}"
usage "exec unknown option" "--frob" exec --frob --output "$T/out" -- "${started[@]}"
usage "exec --output is a file" "--output $T/afile: not a directory" \
	exec --output "$T/afile" -- "${started[@]}"
printf 'print("caf\xe9")\n' >"$T/latin1.py"
usage "non-UTF-8 program (FILE)" "$T/latin1\\.py: the program is not valid UTF-8" \
	run --json --output "$T/out" "$T/latin1.py"
rm -rf "$T/out" && mkdir "$T/out"
"$A" run --json --output "$T/out" - <"$T/latin1.py" >"$T/stdout" 2>"$T/stderr"
rc=$?
is "$rc" 2 "non-UTF-8 program on stdin: exit 2"
like "$(head -n1 "$T/stderr")" '^actjail: -: the program is not valid UTF-8' \
	"non-UTF-8 program on stdin: says so"
is "$(ls -A "$T/out")" "" "non-UTF-8 program on stdin: nothing ran"

# --- invalid policies: 125 and FILE:LINE:COL: field: problem ----------------
printf '{\n  "name": "x",\n  "seccomp": {\n    "default_action": "allow",\n  ]\n}\n' \
	>"$T/syntax.json"
printf '{\n  "name": "x",\n  "bogus": 1,\n  "seccomp": {"default_action": "allow"}\n}\n' \
	>"$T/field.json"
printf '{\n  "seccomp": {\n    "default_action": "errno:EPERM",\n    "allow": ["read",\n              "not_a_syscall"]\n  }\n}\n' \
	>"$T/syscall.json"
policy_case() { # NAME FILE REGEX
	rm -rf "$T/out" && mkdir "$T/out"
	timeout -s KILL 20 "$A" run --policy "$2" --output "$T/out" "$T/prog.py" \
		>"$T/stdout" 2>"$T/stderr"
	rc=$?
	is "$rc" 125 "$1: exit 125"
	like "$(cat "$T/stderr")" "^actjail: (policy: )?$3" "$1: FILE:LINE:COL: field: problem"
	is "$(wc -l <"$T/stderr")" 1 "$1: one line on stderr"
	is "$(cat "$T/stdout")$(ls -A "$T/out")" "" "$1: nothing ran"
}
policy_case "policy syntax error" "$T/syntax.json" "$T/syntax\\.json:5:3: syntax error"
policy_case "policy unknown field" "$T/field.json" "$T/field\\.json:3:12: bogus: unknown field"
policy_case "policy unknown syscall" "$T/syscall.json" \
	"$T/syscall\\.json:5:15: seccomp\\.allow\\[1\\]: unknown syscall \"not_a_syscall\""

# docs/result.md: with --json, "exactly one JSON object ... whatever happened
# (also on a setup error)"; only usage errors (exit 2) print no object.
"$A" run --json --policy "$T/field.json" "$T/prog.py" >"$T/result.json" 2>"$T/stderr"
rc=$?
is "$rc" 125 "policy error with --json: exit 125"
is "$(field '(r["status"], r["exit_code"])')" '["setup_error", 125]' \
	"policy error with --json: one result object, status setup_error"

# --- where the program comes from -------------------------------------------
printf 'print("from", "file")\n' >"$T/file.py"
out=$(cd "$T" && "$A" run file.py </dev/null 2>"$T/stderr")
rc=$?
is "$rc:$out" "0:from file" "program as a relative FILE (stdin ignored)"
out=$(echo 'print("from", "file", 2)' | "$A" run "$T/file.py" 2>/dev/null)
is "$out" "from file" "FILE wins over stdin"
out=$(echo 'print("from", "dash")' | "$A" run - 2>/dev/null)
rc=$?
is "$rc:$out" "0:from dash" "program on stdin with -"
out=$(echo 'print("from", "stdin")' | "$A" run 2>/dev/null)
rc=$?
is "$rc:$out" "0:from stdin" "program on stdin without argument"
out=$(echo 'print("opts", "then", "stdin")' | "$A" run --quiet --timeout 10 2>/dev/null)
is "$out" "opts then stdin" "options and no FILE: stdin"
out=$("$A" run </dev/null 2>/dev/null)
rc=$?
is "$rc:$out" "0:" "an empty program runs and exits 0"
out=$(printf 'print("caf\xc3\xa9 \xe2\x82\xac")' | "$A" run 2>/dev/null)
is "$out" "café €" "a UTF-8 program keeps its non-ASCII text"

done_testing
