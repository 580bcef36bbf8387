#!/usr/bin/env bash
# Resource limits: the rlimits the program sees, and what happens when it
# runs into them (fork bomb, memory bomb, file size, CPU spin), from inside
# and from the host (a second jail still works, nothing is left running).
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

MARK_FORK=934.01   # the measured fork bomb's children
MARK_BOMB=934.02   # the real fork bomb
MARK_SPIN=934.03   # spinning children of a CPU-limited program
HOST=$T/host
mkdir "$HOST"
echo "canary $$" >"$HOST/canary.txt"
snap() { (cd "$HOST" && find . -printf '%p %s %m %T@\n' | sort && sha256sum canary.txt); }
before=$(snap)
jf() { # jf FILE EXPR: EXPR over the result object r in FILE
	"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2" 2>&1
}

LIMITS_PY='
import json, resource
res = {}
for line in open("/proc/self/limits").readlines()[1:]:
    name, soft, hard = line[:26].strip(), line[26:47].strip(), line[47:68].strip()
    res[name] = soft + "/" + hard
def raise_(name, r, v):
    try:
        resource.setrlimit(r, (v, v))
        res[name] = "ok"
    except (OSError, ValueError) as e:
        res[name] = type(e).__name__
raise_("raise_nproc", resource.RLIMIT_NPROC, 100000)
raise_("raise_core", resource.RLIMIT_CORE, 1 << 30)
raise_("raise_fsize", resource.RLIMIT_FSIZE, 1 << 40)
print(json.dumps(res))
'

# ---- the limits the program sees ------------------------------------------------
jrun <<<"$LIMITS_PY"
is "$(field 'r["status"]')" ok "default-limits run status ok"
is "$(out 'o["Max cpu time"]')" unlimited/unlimited "default: no CPU limit"
is "$(out 'o["Max file size"]')" 67108864/67108864 "default: RLIMIT_FSIZE 64 MiB"
is "$(out 'o["Max data size"]')" 536870912/536870912 "default: RLIMIT_DATA 512 MiB"
is "$(out 'o["Max core file size"]')" 0/0 "default: RLIMIT_CORE 0"
# with a pids cgroup the rlimit stands one above it, a second wall behind it
nproc=64
[ "$(field 'r["limits"]["enforced_by"]["pids"]')" = cgroup+rlimit ] && nproc=65
is "$(out 'o["Max processes"]')" "$nproc/$nproc" "default: RLIMIT_NPROC 64 (65 behind a pids cgroup)"
is "$(out 'o["Max open files"]')" 256/256 "default: RLIMIT_NOFILE 256"
is "$(out 'o["Max locked memory"]')" 0/0 "default: RLIMIT_MEMLOCK 0"
is "$(out 'o["Max msgqueue size"]')" 0/0 "default: RLIMIT_MSGQUEUE 0"
for r in raise_nproc raise_core raise_fsize; do
	like "$(out "o['$r']")" '^(OSError|ValueError|PermissionError)$' "$r: a limit cannot be raised"
done

jrun --memory 100 --pids 20 --cpu-time 5 <<<"$LIMITS_PY"
is "$(field 'r["status"]')" ok "custom-limits run status ok"
is "$(out 'o["Max data size"]')" 104857600/104857600 "--memory 100: RLIMIT_DATA 100 MiB"
nproc=20
[ "$(field 'r["limits"]["enforced_by"]["pids"]')" = cgroup+rlimit ] && nproc=21
is "$(out 'o["Max processes"]')" "$nproc/$nproc" "--pids 20: RLIMIT_NPROC 20 (21 behind a pids cgroup)"
is "$(out 'o["Max cpu time"]')" 5/6 "--cpu-time 5: RLIMIT_CPU 5 s soft, 6 s hard"
is "$(field '[r["limits"][k] for k in ("memory_mib", "pids", "cpu_time")]')" '[100, 20, 5.0]' \
	"the result reports the effective limits"

# ---- core dumps are off ------------------------------------------------------------
here=$PWD
cd "$HOST" || exit 1   # the launcher's working dir: where a core file could land
jrun <<'PY'
import json, os, signal
res = {}
pid = os.fork()
if pid == 0:
    os.chdir("/tmp")               # a writable cwd, where a "core" pattern would write
    os.abort()
_, st = os.waitpid(pid, 0)
res["child"] = [os.WIFSIGNALED(st), os.WTERMSIG(st), os.WCOREDUMP(st)]
res["tmp"] = os.listdir("/tmp")
print(json.dumps(res), flush=True)
os.kill(os.getpid(), signal.SIGSEGV)
PY
cd "$here" || exit 1
is "$(out 'o["child"]')" '[true, 6, false]' "an aborting child dies of SIGABRT without a core dump"
is "$(out 'o["tmp"]')" '[]' "no core file written in its cwd"
is "$(field 'r["status"]')" killed "a program dying of SIGSEGV: status killed"
is "$(field 'r["signal"]')" 11 "signal 11"
is "$rc" 139 "exit 139"
is "$(ls -A "$HOST" | tr '\n' ' ')" "canary.txt " "no core file in the launcher's working dir"

# ---- a measured fork bomb: EAGAIN at --pids --------------------------------------
jrun --pids 16 <<PY
import errno, json, os
n, err = 0, None
while n < 200:
    try:
        pid = os.fork()
    except OSError as e:
        err = errno.errorcode[e.errno]
        break
    if pid == 0:
        try:
            os.execv("/usr/bin/sleep", ["sleep", "$MARK_FORK"])
        finally:
            os._exit(127)
    n += 1
alive = len([p for p in os.listdir("/proc") if p.isdigit()])
print(json.dumps({"n": n, "err": err, "alive": alive}))
PY
is "$(field 'r["status"]')" ok "measured fork bomb: status ok"
is "$(out 'o["err"]')" EAGAIN "fork fails with EAGAIN at the limit"
# init and the program count too: 16 - 2 children
like "$(out 'o["n"]')" '^1[2-4]$' "about 14 children forked under --pids 16"
like "$(out 'o["alive"]')" '^1[4-6]$' "at most 16 processes in the jail"
check "no process left behind (sleep $MARK_FORK)" wait_gone "sleep $MARK_FORK"

# ---- a real fork bomb, and a second jail started during it --------------------------
BOMB='
import os, time
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
'
BOMB_RE="^/usr/bin/python3 -c .* $MARK_BOMB\$"   # the bomb's processes, not the launcher
"$ACTJAIL" exec --json --pids 16 --timeout 3 -- /usr/bin/python3 -c "$BOMB" "$MARK_BOMB" \
	</dev/null >"$T/bomb.json" 2>/dev/null &
bomb=$!
max=0
for i in $(seq 1 30); do
	n=$(pgrep -f -c -- "$BOMB_RE" 2>/dev/null || true)
	[ "${n:-0}" -gt "$max" ] && max=$n
	[ "$i" -ge 10 ] && [ "$max" -ge 14 ] && break
	sleep 0.05
done
[ "$max" -ge 2 ] && [ "$max" -le 16 ]
ok $? "during the bomb the host sees at most 16 of its processes (saw $max)"
jrun <<'PY'
import os, subprocess
print("second", subprocess.run(["/usr/bin/true"]).returncode)
PY
is "$(field 'r["status"]')" ok "a second jail started during the bomb runs normally"
is "$(field 'r["stdout"]')" "second 0" "the second jail's program forked and exec'd"
sh -c 'exit 7'
is $? 7 "the host can still fork"
n=$(pgrep -f -c -- "$BOMB_RE" 2>/dev/null || true)
[ "${n:-0}" -ge 1 ]
ok $? "the bomb was still running meanwhile ($n processes)"
wait "$bomb"
is "$?" 124 "fork bomb ends at the wall-clock limit: exit 124"
is "$(jf "$T/bomb.json" 'r["status"]')" timeout "fork bomb: status timeout"
check "no process left behind (fork bomb)" wait_gone "$MARK_BOMB"

# ---- a memory bomb -------------------------------------------------------------------
jrun --memory 64 <<'PY'
import mmap
ok = bytearray(16 << 20)                 # control: 16 MiB is fine
try:
    mmap.mmap(-1, 1 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    print("mmap 1 GiB ok")
except OSError as e:
    print("mmap", e.errno)
b = bytearray()
while True:
    b += b"x" * (1 << 20)
PY
is "$(field 'r["status"]')" oom "memory bomb: status oom"
is "$(field 'r["error"]["type"]')" MemoryError "memory bomb: MemoryError"
is "$(field 'r["stdout"]')" "mmap 12" "a private 1 GiB mapping fails with ENOMEM under --memory 64"
like "$(field 'r["memory_peak_kib"] < 100 * 1024')" true "peak memory stayed below 100 MiB"
jrun --memory 64 <<'PY'
try:
    b = bytearray(200 << 20)
except MemoryError:
    print("caught")
b = bytearray(16 << 20)
print("alive", len(b) >> 20)
PY
is "$(field 'r["status"]')" ok "a caught MemoryError leaves the program running"
is "$(field 'r["stdout"]')" "caught
alive 16" "it can allocate again afterwards"

# Shared memory is not data: RLIMIT_DATA does not count MAP_SHARED anonymous
# mappings, memfds or SysV shm, so --memory does not bound them (a known gap:
# it needs a memory cgroup or RLIMIT_AS in the launcher). Kept at 128 MiB for
# the host's sake, and reported as TODO until the launcher bounds them.
todo_ok() { # todo_ok STATUS NAME REASON: a TAP TODO test (its failure is expected)
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2 # TODO $3"; else echo "not ok $_tap_n - $2 # TODO $3"; fi
}
SHARED_PY='
import ctypes, mmap, os, sys
size = 128 << 20
how = os.environ["HOW"]
if how == "shared":
    m = mmap.mmap(-1, size)                         # MAP_SHARED | MAP_ANONYMOUS
elif how == "memfd":
    fd = os.memfd_create("bomb")
    os.ftruncate(fd, 60 << 20)                      # below RLIMIT_FSIZE
    m = mmap.mmap(fd, 60 << 20)
    fd2 = os.memfd_create("bomb2")
    os.ftruncate(fd2, 60 << 20)
    m2 = mmap.mmap(fd2, 60 << 20)
    for i in range(0, 60 << 20, 4096):
        m2[i] = 1
    size = 60 << 20
else:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    sid = libc.shmget(0, size, 0o1600)              # IPC_PRIVATE, IPC_CREAT | 0600
    m = (ctypes.c_char * size).from_address(libc.shmat(sid, None, 0))
for i in range(0, size, 4096):
    m[i] = 1
print("touched")
'
for how in shared memfd sysv; do
	jrun --memory 64 --env "HOW=$how" <<<"$SHARED_PY"
	peak=$(field 'r["memory_peak_kib"]')
	if [ "$(field 'r["limits"]["enforced_by"]["memory_mib"]')" = cgroup+rlimit ]; then
		# a memory cgroup counts every page: the jail is OOM-killed at the limit
		is "$(field '(r["status"], r["reason"], r["memory_peak_kib"] < 100 * 1024)')" \
			'["oom", "memory", true]' "$how memory cannot exceed --memory 64 with a memory cgroup (peak $peak KiB)"
	else
		[ "$(field 'r["memory_peak_kib"] < 100 * 1024')" = true ]
		todo_ok $? "$how memory cannot exceed --memory 64 (peak $peak KiB, $(field 'r["status"]'))" \
			"without a memory cgroup (rootless) --memory is RLIMIT_DATA only"
	fi
done

# ---- RLIMIT_FSIZE ---------------------------------------------------------------------
jrun <<'PY'
import errno, json, os
res = {}
res["sigxfsz_ignored"] = bool(int([l for l in open("/proc/self/status") if l.startswith("SigIgn:")][0].split()[1], 16) & (1 << 24))
with open("/tmp/big", "wb", buffering=0) as f:
    f.seek((64 << 20) - 1)
    res["last_byte"] = f.write(b"x")       # control: up to the limit is fine
    try:
        f.write(b"y")
        res["past"] = "ok"
    except OSError as e:
        res["past"] = errno.errorcode[e.errno]
try:
    os.truncate("/tmp/big", (64 << 20) + 1)
    res["truncate"] = "ok"
except OSError as e:
    res["truncate"] = errno.errorcode[e.errno]
res["size"] = os.path.getsize("/tmp/big")
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "file-size run status ok"
is "$(out 'o["sigxfsz_ignored"]')" true "Python ignores SIGXFSZ"
is "$(out 'o["last_byte"]')" 1 "control: a write ending at 64 MiB succeeds"
is "$(out 'o["past"]')" EFBIG "a write past 64 MiB: EFBIG"
is "$(out 'o["truncate"]')" EFBIG "truncate past 64 MiB: EFBIG"
is "$(out 'o["size"]')" 67108864 "the file stopped at 64 MiB"
jexec -- /usr/bin/dd if=/dev/zero of=/tmp/big bs=1M seek=64 count=1
is "$(field 'r["status"]')" killed "dd past the limit (SIGXFSZ not ignored): status killed"
is "$(field 'r["signal"]')" 25 "dd: signal 25 (SIGXFSZ)"
is "$rc" 153 "dd: exit 153"

# ---- CPU time ---------------------------------------------------------------------------
jrun --cpu-time 1 --timeout 10 <<'PY'
while True:
    pass
PY
is "$(field 'r["status"]')" timeout "CPU spin with --cpu-time 1: status timeout"
is "$rc" 124 "CPU spin: exit 124"
like "$(field 'r["cpu_ms"] >= 900')" true "CPU spin used about 1 s of CPU"
is "$(field 'r["signal"]')" 24 "CPU spin: stopped by SIGXCPU (the CPU limit, not the 10 s wall clock)"

# Threads spinning in machine code (ctypes releases the GIL, so they run in
# parallel): the process's CPU time is their sum.
jrun --cpu-time 1 --timeout 10 <<'PY'
import ctypes, mmap, threading
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(b"\xeb\xfe")                        # jmp .
spin = ctypes.CFUNCTYPE(None)(ctypes.addressof(ctypes.c_char.from_buffer(m)))
for i in range(8):
    threading.Thread(target=spin).start()
spin()
PY
is "$(field 'r["status"]')" timeout "8 spinning threads: status timeout"
is "$rc" 124 "8 spinning threads: exit 124"
is "$(field 'r["signal"]')" 24 "8 spinning threads: stopped by SIGXCPU"
like "$(field 'r["cpu_ms"] >= 900')" true "8 spinning threads: about 1 s of CPU between them"

# Spinning child processes of a CPU-limited program end with it.
jrun --cpu-time 1 --timeout 10 <<PY
import subprocess
for i in range(2):
    subprocess.Popen(["/bin/sh", "-c", "while :; do :; done", "$MARK_SPIN"])
while True:
    pass
PY
is "$(field 'r["status"]')" timeout "spinning children: status timeout"
is "$(field 'r["signal"]')" 24 "spinning children: the program stopped by SIGXCPU"
check "no spinning child left behind ($MARK_SPIN)" wait_gone "$MARK_SPIN"

is "$(snap)" "$before" "host canary dir unchanged"

done_testing
