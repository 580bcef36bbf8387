#!/usr/bin/env bash
# Attack: make a new user namespace (where it would be root, with a full
# capability set, the usual first step of a kernel exploit) or any other
# namespace: unshare with CLONE_NEWUSER, NEWNS, NEWNET, NEWPID, NEWIPC,
# NEWUTS, NEWCGROUP, NEWTIME, alone and combined; raw clone (nr 56) with
# the same flags; clone3 (nr 435) with CLONE_NEWUSER; and the unshare(1)
# tool. Safe outcome: unshare and clone with namespace flags are EPERM and
# reported in violations; clone3 is ENOSYS (an explicit rule, so libc
# falls back to clone; not listed); unshare(1) fails; the program's
# namespaces are the same afterwards; plain fork still works. Stopped by:
# seccomp (unshare not allowed; clone only without namespace flags,
# checked on its flags argument; clone3 answered ENOSYS since its flags
# sit in memory the filter cannot read).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os, struct, subprocess
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
FLAGS = {"NEWUSER": 0x10000000, "NEWNS": 0x00020000, "NEWNET": 0x40000000, "NEWPID": 0x20000000,
         "NEWIPC": 0x08000000, "NEWUTS": 0x04000000, "NEWCGROUP": 0x02000000, "NEWTIME": 0x00000080,
         "NEWUSER|NEWNS|NEWNET": 0x50020000}
SIGCHLD = 17
res = {"unshare": {}, "clone": {}, "clone3": {}, "leaked_children": 0}
ns_before = {n: os.readlink("/proc/self/ns/" + n) for n in ("user", "mnt", "net", "pid", "ipc", "uts", "cgroup")}
def sc(nr, *a):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(x) for x in a])
    return r, ctypes.get_errno()
for name, f in FLAGS.items():
    r, e = sc(272, f)
    res["unshare"][name] = "ok" if r == 0 else errno.errorcode[e]
    r, e = sc(56, f | SIGCHLD, 0, 0, 0, 0)
    if r == 0:
        os._exit(0)          # a child that got through leaves at once
    if r > 0:
        os.waitpid(r, 0)
        res["leaked_children"] += 1
    res["clone"][name] = "ok" if r > 0 else errno.errorcode[e]
# clone3: struct clone_args {flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, ...}
for name, f in (("NEWUSER", FLAGS["NEWUSER"]), ("none", 0)):
    args = ctypes.create_string_buffer(struct.pack("QQQQQQQQ", f, 0, 0, 0, SIGCHLD, 0, 0, 0))
    r, e = sc(435, ctypes.addressof(args), 64)
    if r == 0:
        os._exit(0)
    if r > 0:
        os.waitpid(r, 0)
        res["leaked_children"] += 1
    res["clone3"][name] = "ok" if r > 0 else errno.errorcode[e]
p = subprocess.run(["/usr/bin/unshare", "-U", "-r", "/usr/bin/id", "-u"], capture_output=True, text=True)
res["unshare_cmd"] = [p.returncode, p.stdout.strip()]
# control: a plain fork (clone with SIGCHLD only) works
r, e = sc(56, SIGCHLD, 0, 0, 0, 0)
if r == 0:
    os._exit(7)
res["plain_clone"] = os.waitstatus_to_exitcode(os.waitpid(r, 0)[1]) if r > 0 else errno.errorcode[e]
res["ns_same"] = ns_before == {n: os.readlink("/proc/self/ns/" + n) for n in ns_before}
res["nr_unshare"] = len(res["unshare"])
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'sorted(set(o["unshare"].values()))')" '["EPERM"]' \
	"inside: unshare with NEWUSER, NEWNS, NEWNET, NEWPID, NEWIPC, NEWUTS, NEWCGROUP, NEWTIME: EPERM"
is "$(out 'sorted(set(o["clone"].values()))')" '["EPERM"]' "inside: clone (56) with each of those flags: EPERM"
is "$(out 'o["clone3"]')" '{"NEWUSER": "ENOSYS", "none": "ENOSYS"}' "inside: clone3 (435): ENOSYS, with or without flags"
is "$(out 'o["leaked_children"]')" 0 "inside: no clone got through"
like "$(out 'o["unshare_cmd"][0]')" '^[1-9]' "inside: unshare -U -r fails"
unlike "$(out 'o["unshare_cmd"][1]')" '^0$' "inside: unshare -U -r never prints uid 0"
is "$(out 'o["plain_clone"]')" 7 "control: clone with SIGCHLD alone (a fork) works"
is "$(out 'o["ns_same"]')" true "inside: its namespaces are unchanged"
# unshare(1) adds its own unshare call
is "$(field '[(v["syscall"], v["count"]) for v in r["violations"] if v["syscall"] in ("unshare", "clone")]')" \
	"[[\"unshare\", $(($(out 'o["nr_unshare"]') + 1))], [\"clone\", $(out 'o["nr_unshare"]')]]" \
	"outside: violations list unshare (each call, unshare(1)'s too) and clone (each namespace flag)"
is "$(field '[v["syscall"] for v in r["violations"] if v["syscall"] == "clone3"]')" '[]' \
	"outside: clone3 (refused by an explicit rule) is not listed"
is "$(field '[v["first_args"][0] for v in r["violations"] if v["syscall"] in ("unshare", "clone")]')" \
	"[$((0x10000000)), $((0x10000000 | 17))]" "outside: first_args show CLONE_NEWUSER"
attack_end
done_testing
