#!/usr/bin/env bash
# The seccomp filter, attacked from inside the jail with raw syscalls
# (ctypes libc.syscall). Each refused call is made with arguments the kernel
# itself would answer differently where possible (EFAULT, EBADF, EINVAL,
# ESRCH or success), so EPERM can only come from the filter; positive
# controls in the same runs show the program was otherwise working.
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"
[ "$(uname -m)" = x86_64 ] || skip_all "syscall numbers below are x86_64's"

MARK=933.01
HOST=$T/host
mkdir "$HOST"
echo "canary $$ $RANDOM" >"$HOST/canary.txt"
snap() { (cd "$HOST" && find . -printf '%p %s %m %T@\n' | sort && sha256sum canary.txt); }
before=$(snap)

# ---- refused families: one run, one JSON object of {name: errno name} ------
jrun <<'PY'
import ctypes, errno, json, os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {}

def sc(name, nr, *args):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    if r == 0 and nr in (56,):          # a clone that got through: the child leaves at once
        os._exit(0)
    e = ctypes.get_errno()
    res[name] = "ok" if r >= 0 else errno.errorcode.get(e, str(e))

NOPE = b"/nonexistent-actjail\0"
nope = ctypes.cast(ctypes.c_char_p(NOPE), ctypes.c_void_p).value

# (kernel's own answer for these arguments, without the filter, in comments)
sc("ptrace", 101, 2, 999999, 0, 0)                  # ESRCH
sc("ptrace_attach", 101, 16, 999999, 0, 0)          # ESRCH
sc("process_vm_readv", 310, 1, 0, 0, 0, 0, 1)       # EINVAL (flags)
sc("process_vm_writev", 311, 1, 0, 0, 0, 0, 1)      # EINVAL (flags)
sc("mount", 165, 0, 0, 0, 0, 0)                     # EFAULT
sc("umount2", 166, nope, 0xffff)                    # EINVAL (flags)
sc("pivot_root", 155, nope, nope)                   # EPERM (no CAP_SYS_ADMIN)
sc("chroot", 161, nope)                             # ENOENT
sc("unshare_0", 272, 0)                             # ok
sc("unshare_newuser", 272, 0x10000000)              # ok: a user ns needs no capability
sc("unshare_newns", 272, 0x00020000)                # EPERM (no CAP_SYS_ADMIN)
sc("setns", 308, -1, 0)                             # EBADF
sc("clone_newuser", 56, 0x10000000 | 17, 0, 0, 0, 0)
sc("clone_newnet", 56, 0x40000000 | 17, 0, 0, 0, 0)
sc("clone_newns", 56, 0x00020000 | 17, 0, 0, 0, 0)
sc("clone_newpid", 56, 0x20000000 | 17, 0, 0, 0, 0)
sc("clone_newuser_newns_newnet", 56, 0x50020000 | 17, 0, 0, 0, 0)
sc("keyctl", 250, 0xdead, 0, 0, 0, 0)               # EOPNOTSUPP
sc("add_key", 248, 0, 0, 0, 0, 0)                   # EFAULT
sc("request_key", 249, 0, 0, 0, 0)                  # EFAULT
sc("bpf", 321, 0xffff, 0, 0)                        # EINVAL
sc("perf_event_open", 298, 0, 0, -1, -1, 0)         # EFAULT
sc("userfaultfd", 323, 0xffff)                      # EINVAL
sc("io_uring_setup", 425, 1, 0)                     # EFAULT
sc("io_uring_enter", 426, -1, 0, 0, 0, 0, 0)        # EBADF
sc("io_uring_register", 427, -1, 0, 0, 0)           # EBADF
sc("kexec_load", 246, 0, 0, 0, 0)                   # EPERM (ENOSYS if not built)
sc("kexec_file_load", 320, -1, -1, 0, 0, 0)         # EPERM (ENOSYS if not built)
sc("init_module", 175, 0, 0, 0)                     # EPERM (ENOSYS if not built)
sc("finit_module", 313, -1, 0, 0)                   # EPERM
sc("delete_module", 176, 0, 0)                      # EPERM
sc("open_by_handle_at", 304, -1, 0, 0)              # EBADF/EPERM
sc("name_to_handle_at", 303, -100, 0, 0, 0, 0)      # EFAULT
sc("personality_bsd", 135, 0x0006)                  # ok (PER_BSD)
sc("personality_addr_no_randomize", 135, 0x0040000) # ok
sc("personality_linux32", 135, 0x0008)              # ok (PER_LINUX32)
sc("acct", 163, 0)                                  # EPERM
sc("swapon", 167, nope, 0)                          # EPERM
sc("swapoff", 168, nope)                            # EPERM
sc("reboot", 169, 0, 0, 0, 0)                       # EINVAL/EPERM
sc("iopl", 172, 0)                                  # ok: level 0 needs nothing (or ENOSYS)
sc("ioperm", 173, 0, 0, 0)                          # EINVAL (or ENOSYS)
sc("clone3", 435, 0, 0)                             # EFAULT/EINVAL
sc("ioctl_tiocsti", 16, 0, 0x5412, 0)               # ENOTTY (stdin is a pipe)
sc("ioctl_tiocsti_high", 16, 0, 0x100005412, 0)     # the kernel truncates cmd to 32 bits
sc("ioctl_tioclinux", 16, 0, 0x541C, 0)             # ENOTTY
sc("socket_netlink", 41, 16, 3, 9)                  # NETLINK_AUDIT: ok
sc("socket_packet", 41, 17, 3, 0)                   # EPERM
sc("sethostname", 170, 0, 0)                        # EFAULT/EPERM
# the new mount API, other processes' fds and memory, the kernel log, clocks
sc("open_tree", 428, -1, 0, 0)                      # EFAULT
sc("move_mount", 429, -1, 0, -1, 0, 0)              # EPERM
sc("fsopen", 430, 0, 0)                             # EPERM
sc("fsconfig", 431, -1, 0, 0, 0, 0)                 # EINVAL
sc("fsmount", 432, -1, 0, 0)                        # EPERM
sc("fspick", 433, -1, 0, 0)                         # EPERM
sc("mount_setattr", 442, -1, 0, 0, 0, 0)            # EINVAL
sc("pidfd_getfd", 438, -1, 0, 0)                    # EBADF
sc("process_madvise", 440, -1, 0, 0, 0, 0)          # EBADF
sc("kcmp", 312, os.getpid(), os.getpid(), 0, 0, 0)  # ok
sc("syslog", 103, 10, 0, 0)                         # EPERM (dmesg_restrict) or ok
sc("quotactl", 179, 0, 0, 0, 0)                     # ENODEV
sc("settimeofday", 164, 0, 0)                       # EPERM
sc("clock_settime", 227, 99, 0)                     # EINVAL
sc("adjtimex", 159, 0)                              # EFAULT
sc("setdomainname", 171, 0, 0)                      # EPERM
sc("vhangup", 153)                                  # EPERM
sc("fanotify_init", 300, 0, 0)                      # EPERM

# positive controls in the same process
sc("ctl_getpid", 39)
sc("ctl_personality_query", 135, 0xffffffff)
sc("ctl_ioctl_tcgets", 16, 0, 0x5401, 0)            # ENOTTY: ioctl itself is allowed
sc("ctl_socket_inet", 41, 2, 1, 0)
sc("ctl_socket_unix", 41, 1, 1, 0)
res["ctl_getpid_value"] = os.getpid()
res["ctl_personality_after"] = libc.personality(0xffffffff)
print(json.dumps(res))
PY
is "$rc" 0 "refused-syscall run exits 0"
is "$(field 'r["status"]')" ok "refused-syscall run status ok"

eperm="ptrace ptrace_attach process_vm_readv process_vm_writev mount umount2 pivot_root chroot
 unshare_0 unshare_newuser unshare_newns setns clone_newuser clone_newnet clone_newns clone_newpid
 clone_newuser_newns_newnet keyctl add_key request_key bpf perf_event_open userfaultfd
 io_uring_setup io_uring_enter io_uring_register kexec_load kexec_file_load init_module
 finit_module delete_module open_by_handle_at name_to_handle_at personality_bsd
 personality_addr_no_randomize personality_linux32 acct swapon swapoff reboot iopl ioperm
 ioctl_tiocsti ioctl_tiocsti_high ioctl_tioclinux socket_netlink socket_packet sethostname
 open_tree move_mount fsopen fsconfig fsmount fspick mount_setattr pidfd_getfd process_madvise kcmp
 syslog quotactl settimeofday clock_settime adjtimex setdomainname vhangup fanotify_init"
for s in $eperm; do
	is "$(out "o.get('$s')")" EPERM "$s refused with EPERM"
done
is "$(out 'o.get("clone3")')" ENOSYS "clone3 answers ENOSYS (so libc falls back to clone)"
is "$(out 'o.get("ctl_getpid")')" ok "control: getpid works"
is "$(out 'o.get("ctl_getpid_value")')" 2 "control: the program is pid 2 of its namespace"
is "$(out 'o.get("ctl_personality_query")')" ok "control: personality(0xffffffff) (query) allowed"
is "$(out 'o.get("ctl_personality_after")')" 0 "personality unchanged after the refused calls"
is "$(out 'o.get("ctl_ioctl_tcgets")')" ENOTTY "control: other ioctls reach the kernel (ENOTTY on a pipe)"
is "$(out 'o.get("ctl_socket_inet")')" ok "control: socket(AF_INET) works"
is "$(out 'o.get("ctl_socket_unix")')" ok "control: socket(AF_UNIX) works"

# ---- TIOCSTI/TIOCLINUX on a real terminal: exec with a pty on stdin ---------
# The launcher gives the jail a pty of its own; the ioctls are tried on it,
# and the host's terminal (our master) must receive nothing.
cat >"$T/pty.py" <<'PY'
import os, subprocess, sys
prog = r'''
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
res = {"isatty": os.isatty(0)}
def io(name, cmd, arg):
    ctypes.set_errno(0)
    r = libc.ioctl(0, ctypes.c_ulong(cmd), arg)
    res[name] = "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
c = ctypes.c_char(b"x")
io("tiocsti", 0x5412, ctypes.byref(c))
io("tiocsti_high", 0x100005412, ctypes.byref(c))
io("tioclinux", 0x541C, ctypes.byref(c))
io("tiocgwinsz", 0x5413, ctypes.create_string_buffer(8))
print(json.dumps(res))
'''
m, s = os.openpty()
p = subprocess.run([sys.argv[1], "exec", "--json", "--", "/usr/bin/python3", "-c", prog],
                   stdin=s, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20)
os.set_blocking(m, False)
try:
    leaked = os.read(m, 4096)
except BlockingIOError:
    leaked = b""
open(sys.argv[2], "w").write(repr(leaked))
sys.stdout.buffer.write(p.stdout)
sys.exit(p.returncode)
PY
"$PY" "$T/pty.py" "$ACTJAIL" "$T/pty.leak" >"$T/result.json" 2>"$T/stderr"
rc=$?
is "$rc" 0 "pty run exits 0"
is "$(out 'o.get("isatty")')" true "pty run: stdin is a terminal inside"
is "$(out 'o.get("tiocsti")')" EPERM "TIOCSTI on the jail's terminal: EPERM"
is "$(out 'o.get("tiocsti_high")')" EPERM "TIOCSTI with high bits set on the terminal: EPERM"
is "$(out 'o.get("tioclinux")')" EPERM "TIOCLINUX on the terminal: EPERM"
is "$(out 'o.get("tiocgwinsz")')" ok "control: TIOCGWINSZ on the terminal works"
is "$(cat "$T/pty.leak")" "b''" "nothing reached the caller's terminal"

# ---- positive controls: what a normal program needs still works -------------
jrun <<'PY'
import ctypes, json, mmap, os, socket, subprocess, threading
res = {}
out = []
ths = [threading.Thread(target=lambda i=i: out.append(sum(range(i * 1000)))) for i in range(8)]
for t in ths: t.start()
for t in ths: t.join()
res["threads"] = len(out)
res["true"] = subprocess.run(["/usr/bin/true"]).returncode
res["false"] = subprocess.run(["/usr/bin/false"]).returncode
pid = os.fork()
if pid == 0:
    os._exit(7)
res["fork"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(bytes([0xb8, 0x2a, 0, 0, 0, 0xc3]))       # mov eax, 42; ret
res["mmap_exec"] = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(m)))()
a, b = socket.socketpair()
a.send(b"ping")
res["socketpair"] = b.recv(4).decode()
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
res["inet_bind"] = s.getsockname()[1] > 0
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "control run status ok"
is "$(out 'o.get("threads")')" 8 "control: 8 threads ran (clone without namespace flags)"
is "$(out 'o.get("true")')" 0 "control: subprocess /usr/bin/true exits 0"
is "$(out 'o.get("false")')" 1 "control: subprocess /usr/bin/false exits 1"
is "$(out 'o.get("fork")')" 7 "control: os.fork child's status is seen"
is "$(out 'o.get("mmap_exec")')" 42 "control: code in a PROT_EXEC mapping runs"
is "$(out 'o.get("socketpair")')" ping "control: socketpair works"
is "$(out 'o.get("inet_bind")')" true "control: AF_INET socket binds"

# ---- other ABIs: the whole process dies with SIGSYS --------------------------
# x32 getpid (__X32_SYSCALL_BIT | 39): refused by the filter's arch check even
# where the kernel has no x32 support, since seccomp sees the call first.
jrun <<'PY'
import ctypes
libc = ctypes.CDLL(None)
print("before", flush=True)
libc.syscall(ctypes.c_long(0x40000000 | 39))
print("after", flush=True)
PY
is "$(field 'r["status"]')" killed "x32 syscall: status killed"
is "$(field 'r["signal"]')" 31 "x32 syscall: signal 31 (SIGSYS)"
is "$rc" 159 "x32 syscall: exit 159"
is "$(field 'r["stdout"]')" before "x32 syscall: the program ran up to it and no further"

# i386 getpid via int 0x80 from an executable page. The same code on the host
# (no filter) must work, or the kernel has no ia32 emulation to test.
cat >"$T/int80.py" <<'PY'
import ctypes, mmap
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(bytes([0xb8, 0x14, 0, 0, 0, 0xcd, 0x80, 0xc3]))   # mov eax, 20; int 0x80; ret
f = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(m)))
print("before", flush=True)
print("pid", f(), flush=True)
PY
host_int80=$("$PY" "$T/int80.py" 2>/dev/null | tail -n1)
if printf '%s' "$host_int80" | grep -Eq '^pid [0-9]+$'; then
	jrun <"$T/int80.py"
	is "$(field 'r["status"]')" killed "int 0x80: status killed"
	is "$(field 'r["signal"]')" 31 "int 0x80: signal 31 (SIGSYS)"
	is "$rc" 159 "int 0x80: exit 159"
	is "$(field 'r["stdout"]')" before "int 0x80: the program ran up to it and no further"
else
	for n in status signal exit stdout; do skip "int 0x80 $n" "no ia32 emulation on this kernel"; done
fi

# A killed program leaves nothing behind: a child started before the SIGSYS
jrun <<PY
import ctypes, subprocess
subprocess.Popen(["/usr/bin/sleep", "$MARK"])
ctypes.CDLL(None).syscall(ctypes.c_long(0x40000000 | 39))
PY
is "$(field 'r["signal"]')" 31 "SIGSYS with a child running: killed by signal 31"
check "no process left behind (sleep $MARK)" wait_gone "sleep $MARK"
is "$(snap)" "$before" "host canary dir unchanged"

done_testing
