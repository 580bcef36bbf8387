#!/usr/bin/env bash
# Attack: exhaust the launcher's memory (or the caller's disk) through the
# output: write 200 MB to stdout and 200 MB to stderr, interleaved, as fast
# as possible, then exit 0 only if every byte was accepted. Safe outcome:
# the launcher keeps draining both pipes (the program is not blocked or
# killed), keeps the first 1 MiB of each (stdout_truncated and
# stderr_truncated), delivers the result, and its own memory stays small.
# Stopped by: the launcher (truncation at stdout_bytes/stderr_bytes,
# bounded buffers).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
# jattack, measured: mem_run (lib.sh) samples the launcher's peak memory
mem_run "$T/mem" "$ACTJAIL" run --json --env HOST_DIR="$HOST_DIR" --env HOST_SECRET="$HOST_SECRET" \
	--env CANARY_PORT="$CANARY_PORT" --timeout 30 - >"$T/result.json" 2>"$T/stderr" <<'PY'
import os, sys, time
chunk_o, chunk_e = b"o" * (1 << 20), b"e" * (1 << 20)
written = [0, 0]
for i in range(200):
    for k, (fd, chunk) in enumerate(((1, chunk_o), (2, chunk_e))):
        v = memoryview(chunk)
        while v:
            n = os.write(fd, v)
            written[k] += n
            v = v[n:]
time.sleep(0.3)   # let the sampler see the launcher once all output went through
sys.exit(0 if written == [200 << 20, 200 << 20] else 3)
PY
rc=$?
read -r hwm maxrss <"$T/mem"
is "$rc:$(field '(r["status"], r["exit_code"])')" '0:["ok", 0]' \
	"inside: every one of the 400 MB was accepted (the program exits 0), status ok"
is "$(field '(len(r["stdout"]), r["stdout_truncated"], len(r["stderr"]), r["stderr_truncated"])')" \
	'[1048576, true, 1048576, true]' "the result keeps 1 MiB of each stream, both marked truncated"
is "$(field '("".join(sorted(set(r["stdout"]))), "".join(sorted(set(r["stderr"]))))')" '["o", "e"]' \
	"the kept output is the program's own bytes, each stream its own"
if [ -n "${ACTJAIL_SANITIZED:-}${ACTJAIL_VIA:-}" ]; then
	skip "200 MB of output: launcher peak RSS" "$SANITIZED_WHY"
	skip "200 MB of output: largest process" "$SANITIZED_WHY"
else
	[ "$hwm" -gt 0 ] && [ "$hwm" -lt 16384 ]
	ok $? "outside: the launcher's peak RSS stayed small (${hwm} KiB < 16 MiB)"
	[ "$maxrss" -lt 65536 ]
	ok $? "outside: no process it ran grew large (largest ${maxrss} KiB < 64 MiB)"
fi
size=$(wc -c <"$T/result.json")
[ "$size" -lt $((4 << 20)) ]
ok $? "outside: the result itself is bounded ($size bytes)"
attack_end
done_testing
