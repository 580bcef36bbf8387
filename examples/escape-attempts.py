# A few things untrusted code might try; each line prints what the jail did.
import ctypes
import os
import socket

def attempt(name, fn):
    try:
        fn()
        print(f"{name}: ALLOWED")
    except Exception as e:
        print(f"{name}: refused ({type(e).__name__}: {e})")

libc = ctypes.CDLL(None, use_errno=True)

def syscall(nr, *args):
    if libc.syscall(nr, *args) < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))

attempt("read /etc/shadow", lambda: open("/etc/shadow").read())
attempt("write /usr/bin/evil", lambda: open("/usr/bin/evil", "w"))
attempt("connect 127.0.0.1:22", lambda: socket.create_connection(("127.0.0.1", 22), 1))
attempt("unshare user namespace", lambda: syscall(272, 0x10000000))
attempt("ptrace", lambda: syscall(101, 0, 0, 0, 0))
attempt("mount tmpfs", lambda: syscall(165, b"none", b"/tmp", b"tmpfs", 0, 0))
attempt("setuid 0", lambda: os.setuid(0))
print("processes visible:", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
print("hostname:", socket.gethostname())
