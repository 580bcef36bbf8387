#!/usr/bin/env bash
# Attack: gather kernel and host intelligence for a kernel exploit or to
# fingerprint the host: kernel symbol addresses (/proc/kallsyms, modules,
# iomem, ioports), the kernel log (syslog(2), /proc/kmsg, /dev/kmsg),
# kernel stacks (/proc/self/stack, /proc/1/stack), kernel memory
# (/proc/kcore), timers and scheduler state of every host task
# (/proc/timer_list, /proc/sched_debug), slab, vmalloc and physical page
# layout (kpageflags, its own pagemap's frame numbers), /sys/kernel and
# /sys, and the boot id. Safe outcome: addresses read as zero, the log
# and every per-task kernel view are refused, /sys is not there. Stopped
# by: user namespace (no CAP_SYSLOG or CAP_SYS_ADMIN in the host's: kernel
# pointers print as 0, root-only /proc files refused), seccomp (syslog),
# mount namespace (no /sys, a minimal /dev), non-dumpable init; timer_list,
# sched_debug, kcore and the boot id masked with an empty file.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack <<'PY'
import ctypes, errno, json, os, re
libc = ctypes.CDLL(None, use_errno=True)
res = {}
def read(p, n=-1):
    try:
        with open(p, "rb") as f:
            return f.read(n).decode("latin-1")
    except OSError as e:
        return "ERR " + errno.errorcode[e.errno]
def addresses(p, pattern):
    t = read(p)
    if t.startswith("ERR"):
        return t
    found = re.findall(pattern, t, re.M)
    return {"lines": t.count("\n"), "nonzero": sum(1 for a in found if int(a, 16) != 0)}
res["kallsyms"] = addresses("/proc/kallsyms", r"^([0-9a-f]+) ")
res["modules"] = addresses("/proc/modules", r" 0x([0-9a-f]+)")
res["iomem"] = addresses("/proc/iomem", r"^\s*([0-9a-f]+)-")
res["ioports"] = addresses("/proc/ioports", r"^\s*([0-9a-f]+)-")
res["refused"] = {p: read(p, 4096)[:60] for p in (
    "/proc/self/stack", "/proc/1/stack", "/proc/1/syscall", "/proc/kcore", "/proc/timer_list",
    "/proc/sched_debug", "/proc/kmsg", "/dev/kmsg", "/proc/vmallocinfo", "/proc/slabinfo",
    "/proc/kpageflags", "/proc/kpagecount", "/sys/kernel/notes", "/sys/kernel/debug")}
# its own page table is readable, but not the physical frames behind it
page = ctypes.create_string_buffer(4096)
page[0] = b"x"
addr = ctypes.addressof(page)
with open("/proc/self/pagemap", "rb") as f:
    f.seek(addr // 4096 * 8)
    entry = int.from_bytes(f.read(8), "little")
res["pagemap"] = {"present": bool(entry >> 63), "pfn": entry & ((1 << 55) - 1)}
res["sys"] = {p: os.path.exists(p) for p in ("/sys", "/sys/kernel", "/sys/fs/cgroup", "/sys/firmware")}
buf = ctypes.create_string_buffer(4096)
def syslog(action, b, n):
    r = libc.syscall(103, action, b, n)
    return r if r >= 0 else errno.errorcode[ctypes.get_errno()]
res["syslog"] = {"read_all": syslog(3, buf, 4096), "size_buffer": syslog(10, None, 0),
                 "read_clear": syslog(4, buf, 4096)}
res["boot_id"] = read("/proc/sys/kernel/random/boot_id").strip()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
lines=$(out 'o["kallsyms"]["lines"]')
is "$(out 'o["kallsyms"]["nonzero"]')" 0 "inside: /proc/kallsyms: every one of $lines symbol addresses reads as 0"
[ "${lines:-0}" -gt 1000 ] 2>/dev/null
ok $? "inside: control: /proc/kallsyms was read whole ($lines symbols)"
for f in modules iomem ioports; do
	like "$(out "o['$f'] if isinstance(o['$f'], str) else o['$f']['nonzero']")" '^(0|ERR E[A-Z]+)$' \
		"inside: /proc/$f: refused or every address 0 ($(out "o['$f']"))"
done
is "$(out '[p for p, v in o["refused"].items() if not v.startswith("ERR ") and v != ""]')" '[]' \
	"inside: kernel stacks, syscalls, kcore, timer_list, sched_debug, kmsg, vmalloc and slab info, page flags and counts, /sys/kernel: all refused or masked empty"
is "$(out '(o["pagemap"]["present"], o["pagemap"]["pfn"])')" '[true, 0]' \
	"inside: /proc/self/pagemap shows a present page but no physical frame number (0)"
is "$(out 'o["sys"]')" '{"/sys": false, "/sys/kernel": false, "/sys/fs/cgroup": false, "/sys/firmware": false}' \
	"inside: there is no /sys"
is "$(out 'sorted(set(o["syslog"].values()))')" '["EPERM"]' "inside: syslog(2) read, size and read-clear: EPERM"
is "$(field '[v["syscall"] for v in r["violations"]]')" '["syslog"]' "syslog is reported as a violation"
host_boot_id=$(cat /proc/sys/kernel/random/boot_id)
is "$(out 'o["boot_id"]')" "" "inside: the host's boot id ($host_boot_id) is not visible (masked empty)"
attack_end
done_testing
