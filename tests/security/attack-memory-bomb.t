#!/usr/bin/env bash
# Attack: exhaust the host's memory under --memory 64: grow anonymous
# private mappings 8 MiB at a time, touching every page (numpy-style), then
# a bytearray that doubles without end. Safe outcome: the mappings fail
# with ENOMEM below 64 MiB; the doubling dies of MemoryError: status "oom",
# reason "memory", with the jail's peak memory near the limit; the host
# does not notice. Stopped by: RLIMIT_DATA (rootless and as root) and the
# jail's memory cgroup without swap (as root).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --memory 64 --timeout 20 <<'PY'
import errno, json, mmap
res = {}
maps = []
try:
    for i in range(64):                   # up to 512 MiB
        m = mmap.mmap(-1, 8 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        for off in range(0, 8 << 20, 4096):
            m[off] = 1
        maps.append(m)
    res["mmap"] = "no limit"
except OSError as e:
    res["mmap"] = errno.errorcode[e.errno]
except MemoryError:
    res["mmap"] = "MemoryError"
res["mmap_mib"] = 8 * len(maps)
for m in maps:
    m.close()
del maps
print(json.dumps(res), flush=True)          # kept even if what follows is killed
b = bytearray(1 << 20)
while True:                                 # 1, 2, 4, ... MiB
    b = b + b
PY
is "$(field '(r["status"], r["reason"])')" '["oom", "memory"]' "status oom, reason memory"
is "$(field 'r["error"]["type"]')" MemoryError "the doubling bytearray died of MemoryError"
is "$(out 'o["mmap"]')" ENOMEM "inside: growing anonymous mappings fail with ENOMEM"
mib=$(out 'o["mmap_mib"]')
if [ "$mib" -ge 16 ] && [ "$mib" -lt 64 ]; then ok 0 "inside: ENOMEM after $mib MiB of touched mappings (< 64)"; else
	ok 1 "inside: ENOMEM after $mib MiB of touched mappings (< 64)"
fi
like "$(field 'r["limits"]["enforced_by"]["memory_mib"]')" '^(cgroup\+rlimit|rlimit)$' \
	"limits.enforced_by names what held the memory (root: cgroup+rlimit, rootless: rlimit)"
peak=$(field 'r["memory_peak_kib"]')
[ "$peak" -gt 0 ] && [ "$peak" -lt $((100 * 1024)) ]
ok $? "outside: the jail's peak memory stayed below 100 MiB ($peak KiB)"
attack_end
done_testing
