#!/usr/bin/env bash
# 74-serve-suite.t - the attack suite through `actjail serve`, warm and cold.
#
# Every tests/security/attack-*.t runs twice more, unchanged, with ACTJAIL
# pointing at tests/tools/actjail-via-serve: each `actjail run --json` of
# the test becomes a request to a server of its own (the test's options
# written into that server's policy), handed to a warm jail (--pool 1) or
# to a cold worker (--pool 0). The test's own checks - inside and outside,
# host canaries, the secret, leftover processes - then judge the server's
# jails as they judge `actjail run`'s: same outcomes or a failure here. The
# wrapper fails the run (exit 3) when it did not start warm or cold as
# asked, when the server answered with an error instead of a result, or
# when the server did not exit 0 after it.
#
# Not run through the server, and why (each a skip line):
#   attack-inotify-exhaust  releases its program through a file the host
#                           adds to the --input directory while it runs; a
#                           request's input files are copied at hand-over
#   attack-write-outside    binds an --input directory with a subdirectory;
#                           a request's input is flat files
#
# attack-kill-launcher kills the "launcher" with SIGKILL: here the wrapper,
# whose server then dies too (PR_SET_PDEATHSIG), its workers with it
# (--die-with-parent), and the jails with them: nothing may be left.
source "$(dirname "$0")/lib.sh"
VIA_TOOL=$TOP/tests/tools/actjail-via-serve
if [ -n "${ACTJAIL_SANITIZED:-}" ]; then
	# the ASan build: one way (warm) keeps the time bounded; cold jails
	# are `actjail run`s that the suite already runs under ASan
	ways="warm"
else
	ways="warm cold"
fi

why_not() {
	case "$1" in
	attack-inotify-exhaust.t) echo "the host releases the program through a file added to --input while it runs; request input is copied at hand-over" ;;
	attack-write-outside.t) echo "--input has a subdirectory; a request's input is flat files" ;;
	esac
}

for via in $ways; do
	for t in "$TOP"/tests/security/attack-*.t; do
		name=$(basename "$t")
		why=$(why_not "$name")
		if [ -n "$why" ]; then
			skip "$via: $name" "$why"
			continue
		fi
		: >"$T/via.log"
		real=$ACTJAIL
		ACTJAIL_REAL=$real ACTJAIL=$VIA_TOOL ACTJAIL_VIA=$via ACTJAIL_VIA_LOG=$T/via.log ACTJAIL_VIA_TMP=$T \
			"$t" >"$T/out" 2>"$T/err"
		trc=$?
		plan=$(grep -Ec '^1\.\.[0-9]+' "$T/out")
		want=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$T/out" | head -1)
		got=$(grep -Ec '^(not )?ok [0-9]+' "$T/out")
		bad=$(grep -E '^not ok [0-9]+' "$T/out" | grep -v '# TODO')
		runs=$(wc -l <"$T/via.log")
		other=$(grep -vc "^$via " "$T/via.log")
		if [ "$trc" = 0 ] && [ "$plan" = 1 ] && [ "${want:-x}" = "$got" ] && [ -z "$bad" ] &&
			[ "$runs" -gt 0 ] && [ "$other" = 0 ]; then
			ok 0 "$via: $name: its $got checks pass, its $runs run(s) all started $via"
		else
			ok 1 "$via: $name: its $got checks pass, its $runs run(s) all started $via"
			diag '#   exit %s, plan %s of %s checks, %s run(s) not %s\n' "$trc" "${want:-none}" "$got" "$other" "$via"
			# each failing check with the comment lines under it, the
			# wrapper's own failures, and the end of the test's stderr
			diag '%s\n' "$(awk '/^not ok / && !/# TODO/ {p = 1; print; next} /^#/ && p {print; next} {p = 0}' "$T/out" |
				head -40 | sed 's/^/#   /')"
			diag '%s\n' "$(grep '^FAIL ' "$T/via.log" | head -5 | cut -c1-1500 | sed 's/^/#   /')"
			diag '%s\n' "$(tail -15 "$T/err" | cut -c1-500 | sed 's/^/#   stderr: /')"
		fi
	done
done
done_testing
