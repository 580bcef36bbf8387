#!/usr/bin/env bash
# The runner's hints: when the jail (not the program) refused something, the
# model-facing error says so in one line; ordinary errors get no hint.
source "$(dirname "$(dirname "$0")")/lib.sh"

hint_of() { # PROGRAM -> "TYPE|HINT|LAST TRACEBACK LINE"
	printf '%s\n' "$1" | "$ACTJAIL" run --json - >"$T/result.json" 2>/dev/null
	field 'r["error"]["type"] + "|" + str(r["error"]["hint"]) + "|" + r["error"]["traceback"].splitlines()[-1]'
}
canary_start
like "$(hint_of "import socket; socket.create_connection(('127.0.0.1', $CANARY_PORT), 2)")" \
	'^ConnectionRefusedError\|network access is disabled in this sandbox.*\|hint: network access' \
	"refused connection: network hint, also in the traceback"
is "$(canary_hits)" 0 "the host's canary saw nothing"
like "$(hint_of 'import socket; socket.getaddrinfo("nothing.invalid", 80)')" \
	'^gaierror\|network access is disabled' "name resolution: network hint"
like "$(hint_of 'open("/usr/evil", "w")')" '^OSError\|writes are only allowed under /output and /tmp' \
	"write to a read-only place: writes hint"
like "$(hint_of 'open("/tmp/big", "wb").write(b"x" * (80 << 20))')" \
	'\|/tmp, /output and each file are size-limited' "a file too big: size hint"
like "$(hint_of 'import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); libc.unshare(0x10000000) == 0 or (_ for _ in ()).throw(OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno())))')" \
	'^(OSError|PermissionError)\|this operation is not permitted in the sandbox' "a refused syscall: not-permitted hint"
is "$(hint_of 'print(1/0)')" "ZeroDivisionError|None|ZeroDivisionError: division by zero" \
	"the program's own error: no hint"
is "$(hint_of 'open("/tmp/nope/x")')" "FileNotFoundError|None|FileNotFoundError: [Errno 2] No such file or directory: '/tmp/nope/x'" \
	"a missing file in /tmp: no hint"
done_testing
