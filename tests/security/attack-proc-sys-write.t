#!/usr/bin/env bash
# Attack: change the kernel's (the host's) settings through /proc and /sys:
# write /proc/sys/kernel/hostname, domainname, core_pattern (a pipe to a
# program is the classic escape), modprobe, randomize_va_space, sysrq,
# ns_last_pid, unprivileged_bpf_disabled, /proc/sys/vm/drop_caches and
# overcommit_memory, /proc/sys/user/max_user_namespaces,
# /proc/sys/net/ipv4/ip_forward, /proc/sys/fs/binfmt_misc/register,
# /proc/sysrq-trigger, /sys/kernel/uevent_helper, /sys/power/state; init's
# /proc/1/oom_score_adj and comm; its own /proc/self/uid_map (remap to
# root); and the syscalls sethostname/setdomainname. Safe outcome: every
# open for writing fails with EACCES (root's files), EROFS (the read-only
# /proc/sys mount) or ENOENT (not there: no /sys, or not in this kernel);
# the uid_map write is EPERM; sethostname/setdomainname are EPERM and in
# the violations; the jail's hostname is still "sandbox" and the host's
# hostname and sysctls are unchanged. Stopped by: /proc/sys mounted
# read-only, no /sys, user namespace (no capabilities over the host's
# sysctls, uid_map written once), seccomp (sethostname, setdomainname),
# uts namespace.
source "$(dirname "$(dirname "$0")")/lib.sh"
host_state() {
	hostname
	cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname /proc/sys/kernel/core_pattern \
		/proc/sys/kernel/randomize_va_space /proc/sys/vm/overcommit_memory \
		/proc/sys/user/max_user_namespaces /proc/sys/kernel/unprivileged_bpf_disabled 2>&1
	cat /proc/sys/kernel/modprobe /proc/sys/kernel/sysrq /proc/sys/net/ipv4/ip_forward 2>&1
}
host_before=$(host_state)
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os, socket
res = {"sysctl": {}, "absent_or_root": {}, "init": {}, "written": []}
def write(group, p, data=b"|/tmp/pwn %p\n"):
    for mode in (os.O_WRONLY, os.O_RDWR, os.O_WRONLY | os.O_TRUNC):
        key = "%s %d" % (p, mode)
        try:
            fd = os.open(p, mode)
        except OSError as e:
            res[group][key] = errno.errorcode[e.errno]
            continue
        try:
            os.write(fd, data)
            res["written"].append(key)
            res[group][key] = "WRITTEN"
        except OSError as e:
            res[group][key] = "write " + errno.errorcode[e.errno]
        os.close(fd)
for p in ("kernel/hostname", "kernel/domainname", "kernel/core_pattern", "kernel/randomize_va_space",
          "kernel/ns_last_pid", "kernel/unprivileged_bpf_disabled", "vm/drop_caches",
          "vm/overcommit_memory", "user/max_user_namespaces", "net/ipv4/ip_forward"):
    write("sysctl", "/proc/sys/" + p)
write("sysctl", "/proc/self/root/proc/sys/kernel/core_pattern")
# not in every kernel (this one may lack sysrq, modprobe, binfmt_misc), and no /sys in the jail
for p in ("/proc/sys/kernel/modprobe", "/proc/sys/kernel/sysrq", "/proc/sys/fs/binfmt_misc/register",
          "/proc/sysrq-trigger", "/sys/kernel/uevent_helper", "/sys/power/state", "/sys/kernel/mm/ksm/run"):
    write("absent_or_root", p, b"c\n")
for p in ("/proc/1/oom_score_adj", "/proc/1/comm", "/proc/1/uid_map"):
    write("init", p, b"-1000\n")
write("init", "/proc/self/uid_map", b"0 0 4294967295\n")
write("init", "/proc/self/gid_map", b"0 0 4294967295\n")
libc = ctypes.CDLL(None, use_errno=True)
for name, nr in (("sethostname", 170), ("setdomainname", 171)):
    ctypes.set_errno(0)
    r = libc.syscall(nr, b"pwned", 5)
    res[name] = "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
res["hostname_after"] = [socket.gethostname(), open("/proc/sys/kernel/hostname").read().strip()]
res["uid_map_after"] = open("/proc/self/uid_map").read().split()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["written"]')" '[]' "inside: nothing was written anywhere"
is "$(out 'sorted(set(v for k, v in o["sysctl"].items() if "ns_last_pid" not in k and not k.endswith(" 513")))')" '["EACCES"]' \
	"inside: opening core_pattern, hostname, drop_caches, ... for writing: EACCES (host root's files)"
is "$(out 'sorted(set(v for k, v in o["sysctl"].items() if "ns_last_pid" in k or k.endswith(" 513")))')" '["EROFS"]' \
	"inside: with O_TRUNC, and ns_last_pid (which the permission bits let through): EROFS (the read-only mount)"
like "$(out 'len(o["sysctl"])')" '^33$' "control: 11 sysctls in 3 modes were tried"
is "$(out 'sorted(set(o["absent_or_root"].values()) - {"ENOENT", "EACCES", "EROFS"})')" '[]' \
	"inside: sysrq-trigger, modprobe, binfmt_misc, /sys/...: ENOENT (or EACCES/EROFS where present)"
is "$(out 'sorted(set(v for k, v in o["absent_or_root"].items() if k.startswith("/sys/")))')" '["ENOENT"]' \
	"inside: there is no /sys"
is "$(out 'sorted(set(v for k, v in o["init"].items() if k.startswith("/proc/1/")))')" '["EACCES"]' \
	"inside: init's oom_score_adj, comm and uid_map: EACCES"
is "$(out '[v for k, v in sorted(o["init"].items()) if k.startswith("/proc/self/")]')" \
	'["write EPERM", "write EPERM", "EACCES", "write EPERM", "write EPERM", "EACCES"]' \
	"inside: remapping its own uid_map/gid_map to root: the write is EPERM (O_TRUNC: EACCES)"
is "$(out 'o["uid_map_after"]')" '["1000", "'"$(if is_root; then echo 65534; else id -u; fi)"'", "1"]' \
	"inside: the uid map is still 1000 -> one host id"
is "$(out '(o["sethostname"], o["setdomainname"])')" '["EPERM", "EPERM"]' "inside: sethostname, setdomainname: EPERM"
is "$(out 'o["hostname_after"]')" '["sandbox", "sandbox"]' "inside: the jail's hostname is still sandbox"
is "$(field '[(v["syscall"], v["count"]) for v in r["violations"]]')" '[["sethostname", 1], ["setdomainname", 1]]' \
	"outside: violations list sethostname and setdomainname"
is "$(host_state)" "$host_before" "outside: the host's hostname, domainname, core_pattern and other sysctls are unchanged"
attack_end
done_testing
