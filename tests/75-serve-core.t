#!/usr/bin/env bash
# 75-serve-core.t - the launcher's core tests through `actjail serve`, warm
# and cold.
#
# tests/74 runs the attack suite through the server; this file runs the
# tests of the launcher's own guarantees the same way: the mount table, the
# network, capabilities, seccomp, limits and namespace counts, the deadline
# and signals, capture, the environment, the bridge and tools, the exit,
# the end of a run, and 60-longrun (every event the loop watches, then a
# run past the deadline). Each file runs unchanged with ACTJAIL pointing at
# tests/tools/actjail-via-serve in its lenient mode (ACTJAIL_VIA_ELSE=direct):
# every `actjail run --json` that a request can carry becomes a request to a
# server of its own, handed to a warm jail (--pool 1) or to a cold worker
# (--pool 0); the rest runs the launcher itself, and the log says why (a run
# without --json streams its output, --relay-fd and `exec` have no request
# field, an --input with a subdirectory or an --output DIR that already
# holds files are the launcher's host side). A signal to the launcher stays
# a signal to the launcher: 35 and 60 send theirs to ACTJAIL_REAL.
#
# For each file and way: every check of the file passes and its plan is
# complete, at least one run went through the server, every such run
# started as asked, and none failed in the wrapper.
source "$(dirname "$0")/lib.sh"
VIA_TOOL=$TOP/tests/tools/actjail-via-serve
CORE="20-run 30-mount 31-net 32-caps 33-seccomp 34-limits 34b-ucounts 35-timeout 41-compat
36-capture 37-env 39-bridge 40-tools 44-exit 46-end 60-longrun"
if [ -n "${ACTJAIL_SANITIZED:-}" ]; then
	# as in 74: the ASan build runs warm only; cold workers are
	# `actjail run`s, which the files themselves run under ASan
	ways="warm"
else
	ways="warm cold"
fi

for via in $ways; do
	for name in $CORE; do
		t=$TOP/tests/$name.t
		: >"$T/via.log"
		real=$ACTJAIL
		ACTJAIL_REAL=$real ACTJAIL=$VIA_TOOL ACTJAIL_VIA=$via ACTJAIL_VIA_ELSE=direct \
			ACTJAIL_VIA_LOG=$T/via.log ACTJAIL_VIA_TMP=$T "$t" >"$T/out" 2>"$T/err"
		trc=$?
		plan=$(grep -Ec '^1\.\.[0-9]+' "$T/out")
		want=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$T/out" | head -1)
		got=$(grep -Ec '^(not )?ok [0-9]+' "$T/out")
		bad=$(grep -E '^not ok [0-9]+' "$T/out" | grep -v '# TODO')
		served=$(grep -c "^$via " "$T/via.log")
		direct=$(grep -c '^direct ' "$T/via.log")
		failed=$(grep -c '^FAIL ' "$T/via.log")
		other=$(grep -Evc "^($via|direct|FAIL) " "$T/via.log")
		what="$via: $name: its $got checks pass; $served run(s) through the server, all $via; $direct direct"
		if [ "$trc" = 0 ] && [ "$plan" = 1 ] && [ "${want:-x}" = "$got" ] && [ -z "$bad" ] &&
			[ "$served" -gt 0 ] && [ "$failed" = 0 ] && [ "$other" = 0 ]; then
			ok 0 "$what"
		else
			ok 1 "$what"
			printf '#   exit %s, plan %s of %s checks, %s failed in the wrapper, %s started otherwise\n' \
				"$trc" "${want:-none}" "$got" "$failed" "$other"
			printf '%s\n' "$bad" | head -20 | sed 's/^/#   /'
			grep -E '^(FAIL|direct) ' "$T/via.log" | sort | uniq -c | head -8 | sed 's/^/#   /'
			# on stderr too, which prove shows: the next failure names its checks
			grep -E -A4 '^not ok [0-9]+' "$T/out" | head -40 | sed "s/^/# $via $name: /" >&2
			grep -E '^FAIL ' "$T/via.log" | head -5 | sed "s/^/# $via $name: /" >&2
		fi
	done
done
done_testing
