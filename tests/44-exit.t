#!/usr/bin/env bash
# The runner's exit (bridge/runner.py, _exit): what the interpreter's own
# exit would do and a program can see still happens — non-daemon threads
# finish, atexit handlers run, files left open are flushed (at module
# level, through os.fdopen, pathlib, a replaced sys.stdout), the exit
# status is the program's — and the interpreter is not torn down object by
# object afterwards.
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

mkdir -p "$T/out"
chmod 777 "$T/out"
cat >"$T/p.py" <<'PY'
import atexit, io, os, pathlib, sys, threading, time
f = open("/output/plain.txt", "w"); f.write("plain")
b = open("/output/bytes.bin", "wb"); b.write(b"\x00\x01bytes")
g = os.fdopen(os.open("/output/fdopen.txt", os.O_WRONLY | os.O_CREAT, 0o644), "w"); g.write("fdopen")
h = pathlib.Path("/output/pathlib.txt").open("a"); h.write("pathlib")
big = open("/output/big.txt", "w"); big.write("x" * 100000)
atexit.register(lambda: print("atexit ran", flush=False))
def late():
    time.sleep(0.3)
    print("thread finished")
threading.Thread(target=late).start()
print("open is io.open:", open is io.open)
PY
jrun --output "$T/out" <"$T/p.py"
is "$rc" 0 "exit 0"
is "$(field 'r["stdout"]')" "open is io.open: True
thread finished
atexit ran" "the non-daemon thread finished, then the atexit handler ran, their output kept"
for f in plain.txt:plain fdopen.txt:fdopen pathlib.txt:pathlib; do
	is "$(cat "$T/out/${f%%:*}" 2>/dev/null)" "${f#*:}" "a file left open is flushed: ${f%%:*}"
done
is "$(od -An -c "$T/out/bytes.bin" | tr -d ' ')" '\0001bytes' "... a binary one too"
is "$(wc -c <"$T/out/big.txt")" 100000 "... a big one whole"

echo 'import sys; sys.stdout = open("/output/redirected.txt", "w"); print("to the file")' >"$T/q.py"
rm -f "$T/out"/*
jrun --output "$T/out" <"$T/q.py"
is "$(cat "$T/out/redirected.txt" 2>/dev/null)" "to the file" "a replaced sys.stdout is flushed"

for c in 'import sys; sys.exit(3)':3 'raise ValueError("x")':1 'import sys; sys.exit("bye")':1 'pass':0 'import os; os._exit(7)':7; do
	echo "${c%:*}" | "$ACTJAIL" run - >/dev/null 2>&1
	is "$?" "${c##*:}" "exit status of: ${c%:*}"
done

# a daemon thread does not hold the exit; a non-daemon one past the deadline is a timeout
echo 'import threading, time; threading.Thread(target=time.sleep, args=(30,), daemon=True).start(); print("bye")' | "$ACTJAIL" run --json - >"$T/result.json" 2>/dev/null
is "$(field '(r["status"], r["stdout"], r["duration_ms"] < 10000)')" '["ok", "bye\n", true]' "a daemon thread does not hold the exit"
echo 'import threading, time; threading.Thread(target=time.sleep, args=(30,)).start(); print("bye")' | "$ACTJAIL" run --json --timeout 2 - >"$T/result.json" 2>/dev/null
is "$(field '(r["status"], r["stdout"])')" '["timeout", "bye\n"]' "a non-daemon thread is waited for, up to the deadline"
# multiprocessing's workers and its atexit hook still end cleanly
cat >"$T/mp.py" <<'PY'
import multiprocessing as mp
def sq(x):
    return x * x
if __name__ == "__main__":
    with mp.get_context("fork").Pool(2) as p:
        print(sum(p.map(sq, range(10))))
    q = mp.get_context("fork").Process(target=print, args=("child",))
    q.start()
    q.join()
PY
jrun <"$T/mp.py"
is "$(field '(r["status"], r["stdout"])')" '["ok", "285\nchild\n"]' "multiprocessing (fork): pool and process, clean exit"
done_testing
