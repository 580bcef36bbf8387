#!/usr/bin/env bash
# Setup failures: each names its step and errno, exits 125, prints a
# setup_error result with --json, and leaves nothing behind. Failures are
# provoked for real by starving the launcher of file descriptors, which makes
# a step fail in the launcher (few fds) or inside the jail's init (a few more).
source "$(dirname "$0")/lib.sh"

echo 'print("must not run")' >"$T/prog.py"
mounts_before=$(wc -l </proc/self/mountinfo)

run_limited() { # run_limited NOFILE: sets rc, $T/out, $T/err
	(
		ulimit -n "$1"
		"$ACTJAIL" run --json "$T/prog.py" >"$T/out" 2>"$T/err"
	)
	rc=$?
}

# Fewest fds: the launcher cannot even create its pipes.
run_limited 10
is "$rc" 125 "launcher-side failure exits 125"
like "$(cat "$T/err")" '^actjail: create (sockets|pipes): Too many open files' \
	"launcher-side failure names the step and errno"
is "$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], r["setup_error"]["errno"], r["stdout"])' "$T/out")" \
	"setup_error 24 " "launcher-side failure: one setup_error JSON object"

# A few more: the jail's init fails while building the filesystem.
found=
for n in $(seq 17 28); do
	run_limited "$n"
	if [ "$rc" = 125 ] && grep -Eq 'actjail: (open mount sources|write /etc|create mount point|bind mount): Too many open files' "$T/err"; then
		found=$n
		break
	fi
done
if [ -n "$found" ]; then
	ok 0 "jail-side failure (ulimit -n $found) is reported by the launcher with its step"
	is "$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], r["exit_code"], r["setup_error"]["errno"])' "$T/out")" \
		"setup_error 125 24" "jail-side failure: JSON names status, exit code and errno"
	unlike "$(cat "$T/out")" 'must not run' "the program never ran"
else
	ok 1 "no fd limit between 17 and 28 made the jail's setup fail (last: rc $rc, $(head -c 200 "$T/err"))"
	skip "jail-side JSON" "previous test failed"
	skip "program never ran" "previous test failed"
fi

is "$(wc -l </proc/self/mountinfo)" "$mounts_before" "no mount left in the host's namespace"
check "no jail process left" wait_gone 'must not run'

# A bad policy: exit 125 naming the file, line, column and field.
printf '{\n  "seccomp": {\n    "default_action": "errno:EPERM",\n    "allow": ["read", "no_such_syscall"]\n  }\n}\n' >"$T/bad.json"
"$ACTJAIL" run --policy "$T/bad.json" "$T/prog.py" >"$T/out" 2>"$T/err"
is "$?" 125 "unknown syscall in a policy: exit 125"
like "$(cat "$T/err")" "bad.json:4:[0-9]+: seccomp.allow\\[1\\].*no_such_syscall" "the error names file:line:column and the field"
is "$(cat "$T/out")" "" "nothing ran"

printf '{"seccomp": {"default_action": "errno:EPERM", "allow": ["read"]}, "limits": {"timeout": "soon"}}' >"$T/bad2.json"
"$ACTJAIL" run --policy "$T/bad2.json" "$T/prog.py" >/dev/null 2>"$T/err"
is "$?" 125 "a limit of the wrong type: exit 125"
like "$(cat "$T/err")" 'bad2.json:1:[0-9]+: limits.timeout' "names the limit"

printf '{"seccomp": {"default_action": "errno:EPERM",' >"$T/bad3.json"
"$ACTJAIL" run --policy "$T/bad3.json" "$T/prog.py" >/dev/null 2>"$T/err"
is "$?" 125 "truncated JSON: exit 125"
like "$(cat "$T/err")" 'bad3.json:1:[0-9]+: ' "truncated JSON: position named"

done_testing
