#!/usr/bin/env bash
# The attack suite's own outside checks must be able to fail: each is run
# here against a breach made on purpose (outside any jail) and must report
# "not ok"; then against a clean run and must report "ok".
source "$(dirname "$(dirname "$0")")/lib.sh"

# attack_end's four lines, in a subshell so its counters stay its own
end_lines() { (attack_end) | sed -n 's/^\(not ok\|ok\) [0-9]* - outside: \(.*\)$/\1|\2/p'; }

attack_begin
jattack <<<'print("harmless")'
is "$(end_lines | grep -c '^ok|')" 4 "a harmless program passes all four outside checks"

# a leftover: reap-check must catch what outlives the command it runs
"$PY" "$TOP/tests/tools/reap-check.py" "$T/leftovers" sh -c 'sleep 30 & sleep 0.3; exit 0'
like "$(cat "$T/leftovers")" '^[0-9]+ sleep 30$' "reap-check records a process that outlived its command"
like "$(end_lines)" '^not ok\|nothing of the jail outlived its launcher' "attack_end fails on it"
ok "$(pgrep -f '^sleep 30$' >/dev/null; echo $((1 - $?)))" "reap-check killed it"
: >"$T/leftovers"

printf 'x' >>"$HOST_SECRET"
like "$(end_lines)" '^not ok\|the host directory and its secret are untouched' "a changed secret is caught"
printf '%s\n' "$SECRET_TOKEN" >"$HOST_SECRET"
touch "$HOST_DIR/sub/new"
like "$(end_lines)" '^not ok\|the host directory and its secret are untouched' "a new file in the host directory is caught"
rm "$HOST_DIR/sub/new"

echo "$SECRET_TOKEN" >>"$T/stderr"
like "$(end_lines)" '^not ok\|the host secret appears nowhere' "the token in the result is caught"
: >"$T/stderr"

"$PY" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2).close()' "$CANARY_PORT"
for _ in $(seq 1 40); do [ "$(canary_hits)" != 0 ] && break; sleep 0.05; done
like "$(end_lines)" '^not ok\|the host.s loopback canary saw no connection' "a connection to the canary is caught"
done_testing
