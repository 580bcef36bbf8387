#!/usr/bin/env bash
# Attack: load eBPF into the kernel (the verifier and JITs are a classic
# escalation path): bpf(BPF_MAP_CREATE) of an array map and a ring
# buffer, bpf(BPF_PROG_LOAD) of a two-instruction socket filter and of a
# kprobe program, BPF_BTF_LOAD, BPF_OBJ_GET of a pinned object, and
# BPF_PROG_GET_NEXT_ID / BPF_MAP_GET_FD_BY_ID to enumerate the host's
# programs and maps. Safe outcome: every call EPERM and bpf listed in the
# violations with the count; a classic BPF socket filter
# (SO_ATTACH_FILTER, no bpf syscall) still works as a control. Stopped by:
# seccomp (bpf is not allowed); behind it, no CAP_BPF/CAP_SYS_ADMIN and
# kernel.unprivileged_bpf_disabled where the host sets it.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os, socket, struct
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}
def bpf(name, cmd, attr):
    buf = ctypes.create_string_buffer(attr.ljust(128, b"\0"))
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(321), ctypes.c_long(cmd), buf, ctypes.c_long(128))
    if r >= 0:
        os.close(r)
    res[name] = "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
bpf("map_create array", 0, struct.pack("IIII", 2, 4, 4, 1))           # BPF_MAP_TYPE_ARRAY
bpf("map_create ringbuf", 0, struct.pack("IIII", 27, 0, 0, 4096))     # BPF_MAP_TYPE_RINGBUF
insns = struct.pack("BBhi", 0xb7, 0, 0, 0) + struct.pack("BBhi", 0x95, 0, 0, 0)   # r0 = 0; exit
code = ctypes.create_string_buffer(insns)
lic = ctypes.create_string_buffer(b"GPL")
for name, ptype in (("prog_load socket_filter", 1), ("prog_load kprobe", 2)):
    bpf(name, 5, struct.pack("IIQQ", ptype, 2, ctypes.addressof(code), ctypes.addressof(lic)))
bpf("btf_load", 18, struct.pack("QQII", 0, 0, 0, 0))
path = ctypes.create_string_buffer(b"/sys/fs/bpf/x")
bpf("obj_get", 7, struct.pack("Q", ctypes.addressof(path)))
bpf("prog_get_next_id", 11, struct.pack("II", 0, 0))
bpf("map_get_fd_by_id", 14, struct.pack("I", 1))
res["count"] = len(res)
# control: classic BPF on a socket needs no bpf(2)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
prog = ctypes.create_string_buffer(struct.pack("HBBI", 6, 0, 0, 0xffff))   # ret #0xffff
fprog = struct.pack("HL", 1, ctypes.addressof(prog))
try:
    s.setsockopt(socket.SOL_SOCKET, 26, fprog)                      # SO_ATTACH_FILTER
    res["cbpf"] = "ok"
except OSError as e:
    res["cbpf"] = errno.errorcode[e.errno]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'sorted(k for k, v in o.items() if v == "EPERM")')" \
	'["btf_load", "map_create array", "map_create ringbuf", "map_get_fd_by_id", "obj_get", "prog_get_next_id", "prog_load kprobe", "prog_load socket_filter"]' \
	"inside: BPF_MAP_CREATE, BPF_PROG_LOAD, BPF_BTF_LOAD, BPF_OBJ_GET, BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID: all EPERM"
is "$(out 'o["cbpf"]')" ok "control: a classic BPF socket filter (no bpf syscall) attaches"
is "$(field '[(v["syscall"], v["nr"], v["count"], v["errno"]) for v in r["violations"]]')" \
	"[[\"bpf\", 321, $(out 'o["count"]'), \"EPERM\"]]" "outside: violations list bpf, every call"
is "$(field '[v["first_args"][0] for v in r["violations"]]')" '[0]' "outside: the first was BPF_MAP_CREATE"
# control: unjailed, root may create a map here (an unprivileged user usually may not)
host=$("$PY" -c '
import ctypes, errno, struct
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(321, 0, ctypes.create_string_buffer(struct.pack("IIII", 2, 4, 4, 1).ljust(128, b"\0")), 128)
print("ok" if r >= 0 else errno.errorcode[ctypes.get_errno()])')
if [ "$host" = ok ]; then
	ok 0 "control: unjailed, BPF_MAP_CREATE works for $(id -un) on this host (only the jail refuses)"
else
	skip "control: unjailed BPF_MAP_CREATE" "the host refuses it to $(id -un) too ($host)"
fi
attack_end
done_testing
