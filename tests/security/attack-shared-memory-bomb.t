#!/usr/bin/env bash
# Attack: exhaust memory with what RLIMIT_DATA does not count: a 128 MiB
# MAP_SHARED anonymous mapping, two 60 MiB memfds (each below RLIMIT_FSIZE)
# mapped and touched, and a 128 MiB SysV shared memory segment, each page
# touched, under --memory 64 (one run per kind). Safe outcome with a memory
# cgroup (root): the jail is OOM-killed at the limit, status "oom", reason
# "memory", its peak below 100 MiB. Rootless there is no memory cgroup and
# --memory is RLIMIT_DATA only, which does not count shared memory: a known
# gap (docs/SECURITY.md, 34-limits.t), reported as TODO until the launcher
# bounds it. Stopped by: memory cgroup (root); nothing rootless.
source "$(dirname "$(dirname "$0")")/lib.sh"
todo_ok() { # todo_ok STATUS NAME REASON: a TAP TODO test (its failure is expected)
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2 # TODO $3"; else echo "not ok $_tap_n - $2 # TODO $3"; fi
}
attack_begin
for how in shared memfd sysv; do
	jattack --memory 64 --timeout 20 --env "HOW=$how" <<'PY'
import ctypes, mmap, os
how = os.environ["HOW"]
size = 128 << 20
if how == "shared":
    maps = [mmap.mmap(-1, size)]                    # MAP_SHARED | MAP_ANONYMOUS
elif how == "memfd":
    maps = []
    for name in ("bomb1", "bomb2"):
        fd = os.memfd_create(name)
        os.ftruncate(fd, 60 << 20)                  # below RLIMIT_FSIZE (64 MiB)
        maps.append(mmap.mmap(fd, 60 << 20))
else:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    sid = libc.shmget(0, size, 0o1600)              # IPC_PRIVATE, IPC_CREAT | 0600
    addr = libc.shmat(sid, None, 0)
    maps = [(ctypes.c_char * size).from_address(addr)]
touched = 0
for m in maps:
    for i in range(0, len(m), 4096):
        m[i] = 1
    touched += len(m) >> 20
print("touched", touched, "MiB")
PY
	peak=$(field 'r["memory_peak_kib"]')
	if [ "$(field 'r["limits"]["enforced_by"]["memory_mib"]')" = cgroup+rlimit ]; then
		# a memory cgroup counts every page: the jail is OOM-killed at the limit
		is "$(field '(r["status"], r["reason"])')" '["oom", "memory"]' "$how: status oom, reason memory"
		is "$(field 'r["stdout"]')" "" "inside: $how: the program never finished touching its pages"
		[ "$peak" -lt $((100 * 1024)) ]
		ok $? "outside: $how: the jail's peak memory stayed below 100 MiB ($peak KiB)"
	else
		is "$(field 'r["limits"]["enforced_by"]["memory_mib"]')" rlimit \
			"$how: rootless, --memory is enforced by RLIMIT_DATA alone"
		[ "$(field 'r["status"]')" = oom ]
		todo_ok $? "$how: status oom (got $(field 'r["status"]'): $(field 'r["stdout"]'))" \
			"without a memory cgroup (rootless) --memory is RLIMIT_DATA only"
		[ "$peak" -lt $((100 * 1024)) ]
		todo_ok $? "outside: $how: the jail's peak memory stayed below 100 MiB ($peak KiB)" \
			"without a memory cgroup (rootless) --memory is RLIMIT_DATA only"
	fi
done
attack_end
done_testing
