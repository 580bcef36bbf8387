#!/usr/bin/env bash
# Attack: exhaust the host's process table under --pids 32: fork in a loop
# (children exec a marked sleep), then start threads in a loop, then run a
# classic fork bomb (every process forks forever) until the deadline; a
# second jail is started from the host while the bomb runs. Safe outcome:
# fork fails with EAGAIN and thread creation with "can't start new thread"
# below 32 tasks; the bomb ends at --timeout (status "timeout", reason
# "wall_time"); the second jail runs normally; nothing is left. Stopped by:
# pids cgroup (root) and RLIMIT_NPROC, counted per user namespace (both);
# the pid namespace (SIGKILL to everything at the deadline).
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="5$$$RANDOM"
on_exit "kill_marker '^sleep 1000 $MARK\$'"
attack_begin
jattack --pids 32 --timeout 4 --env "MARK=$MARK" <<'PY' &
import errno, json, os, signal, threading, time
res = {}
# 1. fork until refused
kids, err = [], None
while len(kids) < 1000:
    try:
        pid = os.fork()
    except OSError as e:
        err = errno.errorcode[e.errno]
        break
    if pid == 0:
        try:
            os.execv("/usr/bin/sleep", ["sleep", "1000", os.environ["MARK"]])
        finally:
            os._exit(127)
    kids.append(pid)
res["forks"], res["fork_err"] = len(kids), err
res["tasks_at_fork_limit"] = len([p for p in os.listdir("/proc") if p.isdigit()])
time.sleep(0.5)                 # the marked sleeps are seen from the host
for pid in kids:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
# 2. threads until refused
threads, terr = [], None
release = threading.Event()
while len(threads) < 1000:
    try:
        t = threading.Thread(target=release.wait, daemon=True)
        t.start()
        threads.append(t)
    except RuntimeError as e:
        terr = str(e)
        break
res["threads"], res["thread_err"] = len(threads), terr
release.set()
for t in threads:
    t.join()
print(json.dumps(res), flush=True)
# 3. the real bomb (every process forks forever), until the deadline
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.001)
PY
bomb=$!
wait_seen "^sleep 1000 $MARK\$"
ok $? "outside: the bomb's marked children are seen from the host"
max=0
for _ in $(seq 1 40); do # the most seen at once, while the program holds them
	n=$(pgrep -c -f -- "^sleep 1000 $MARK\$")
	[ "$n" -gt "$max" ] && max=$n
	[ "$max" -ge 20 ] && break
	sleep 0.02
done
[ "$max" -ge 20 ] && [ "$max" -le 32 ]
ok $? "outside: the host sees at most 32 of them ($max)"
wait_gone "^sleep 1000 $MARK\$" # the program killed them: the threads, then the real bomb
echo 'import subprocess; print(sum(range(10)), subprocess.run(["/usr/bin/true"]).returncode)' |
	"$ACTJAIL" run --json --timeout 20 - >"$T/second.json" 2>/dev/null
is "$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], r["stdout"].strip())' "$T/second.json")" \
	"ok 45 0" "outside: a second jail started during the bomb runs (and forks) normally"
kill -0 "$bomb" 2>/dev/null
ok $? "outside: the bomb was still running meanwhile"
sh -c 'exit 7'
is $? 7 "outside: the host can still fork"
wait "$bomb"   # jattack in a subshell: its rc is lost, the result has exit_code
is "$(field '(r["exit_code"], r["status"], r["reason"])')" '[124, "timeout", "wall_time"]' \
	"the bomb ends at the deadline: exit 124, status timeout, reason wall_time"
is "$(out 'o["fork_err"]')" EAGAIN "inside: fork is refused with EAGAIN"
forks=$(out 'o["forks"]')
tasks=$(out 'o["tasks_at_fork_limit"]')
[ "$forks" -ge 20 ] && [ "$tasks" -le 32 ]
ok $? "inside: refused at the limit: $forks children forked, $tasks processes in the jail (<= 32)"
like "$(out 'o["thread_err"]')" "can't start new thread" "inside: thread creation is refused"
threads=$(out 'o["threads"]')
[ "$threads" -ge 20 ] && [ "$threads" -le 31 ]
ok $? "inside: $threads threads started before the refusal (<= 31 besides the program)"
is "$(pgrep -f -- "^sleep 1000 $MARK\$")" "" "outside: no marked sleep left"
attack_end
done_testing
