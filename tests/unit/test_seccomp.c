/*
 * test_seccomp.c - policy/seccomp.c: the compiled BPF is run by a small
 * interpreter here (so every decision can be checked without loading it),
 * then policy/default.json is loaded into a forked child that attacks it
 * from inside and runs CPython 3 with threads, subprocess, multiprocessing,
 * ctypes, mmap, sqlite3 and asyncio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/policy.h"
#include "policy/seccomp.h"
#include "tests/tap.h"

#define BPF_BAD 0xdeadbeefU /* the interpreter met something it does not know */
#define X32_BIT 0x40000000

struct prog {
	struct sock_filter insns[4096];
	size_t n;
};

static int compile_text(const char *text, struct policy *p, scmp_filter_ctx *ctx, char *err,
			size_t errlen)
{
	int r = policy_parse(text, strlen(text), "t.json", p, err, errlen);

	if (r)
		return r;
	r = seccomp_compile(&p->seccomp, "t.json", ctx, err, errlen);
	if (r)
		policy_free(p);
	return r;
}

static int export(scmp_filter_ctx ctx, struct prog *prog)
{
	FILE *f = tmpfile();
	long size;

	if (!f)
		return -errno;
	if (seccomp_export_bpf(ctx, fileno(f)) || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    (size_t)size > sizeof(prog->insns) || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	prog->n = fread(prog->insns, sizeof(prog->insns[0]), (size_t)size / 8, f);
	fclose(f);
	return prog->n ? 0 : -EIO;
}

/* Classic BPF as the kernel runs a seccomp filter, for the opcodes libseccomp emits. */
static uint32_t run(const struct prog *p, uint32_t arch, int nr, const uint64_t args[6])
{
	struct seccomp_data d = { .nr = nr, .arch = arch };
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	if (args)
		memcpy(d.args, args, sizeof(d.args));
	for (size_t pc = 0; pc < p->n; pc++) {
		const struct sock_filter *i = &p->insns[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k % 4 || i->k + 4 > sizeof(d))
				return BPF_BAD;
			memcpy(&a, (const char *)&d + i->k, 4);
			break;
		case BPF_LD | BPF_MEM:
			a = mem[i->k % BPF_MEMWORDS];
			break;
		case BPF_LDX | BPF_MEM:
			x = mem[i->k % BPF_MEMWORDS];
			break;
		case BPF_ST:
			mem[i->k % BPF_MEMWORDS] = a;
			break;
		case BPF_STX:
			mem[i->k % BPF_MEMWORDS] = x;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			a |= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += a & i->k ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return BPF_BAD;
		}
	}
	return BPF_BAD;
}

static uint32_t call(const struct prog *p, const char *name, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t args[6] = { a0, a1, a2 };

	return run(p, AUDIT_ARCH_X86_64, seccomp_syscall_resolve_name(name), args);
}

#define EPERM_ACT (SECCOMP_RET_ERRNO | EPERM)

static void test_default_bpf(const struct prog *p)
{
	static const char *const denied[] = {
		"ptrace",
		"process_vm_readv",
		"process_vm_writev",
		"mount",
		"umount2",
		"pivot_root",
		"chroot",
		"move_mount",
		"open_tree",
		"fsopen",
		"fsmount",
		"fsconfig",
		"fspick",
		"mount_setattr",
		"unshare",
		"setns",
		"keyctl",
		"add_key",
		"request_key",
		"bpf",
		"perf_event_open",
		"userfaultfd",
		"io_uring_setup",
		"io_uring_enter",
		"io_uring_register",
		"kexec_load",
		"kexec_file_load",
		"init_module",
		"finit_module",
		"delete_module",
		"open_by_handle_at",
		"name_to_handle_at",
		"acct",
		"swapon",
		"swapoff",
		"reboot",
		"iopl",
		"ioperm",
		"lookup_dcookie",
		"quotactl",
		"nfsservctl",
		"syslog",
		"vhangup",
		"pidfd_getfd",
		"kcmp",
		"settimeofday",
		"clock_settime",
		"adjtimex",
		"clock_adjtime",
		"sethostname",
		"setdomainname",
		"uselib",
		"create_module",
		"get_kernel_syms",
		"query_module",
		"_sysctl",
		"fanotify_init",
		"modify_ldt",
		"seccomp",
	};
	static const uint64_t ns_flags[] = { 0x20000,	 0x02000000, 0x04000000, 0x08000000,
					     0x10000000, 0x20000000, 0x40000000, 0x80 };
	const uint64_t thread = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
				CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
				CLONE_CHILD_CLEARTID;
	int bad = 0, wrong = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	is_int(call(p, "getpid", 0, 0, 0), SECCOMP_RET_ALLOW, "getpid allowed");
	is_int(call(p, "execve", 0, 0, 0), SECCOMP_RET_ALLOW, "execve allowed");
	is_int(run(p, AUDIT_ARCH_X86_64, X32_BIT | SYS_getpid, NULL), SECCOMP_RET_KILL_PROCESS,
	       "x32 getpid (nr | 0x40000000) kills the process");
	is_int(run(p, AUDIT_ARCH_X86_64, X32_BIT | SYS_ptrace, NULL), SECCOMP_RET_KILL_PROCESS,
	       "x32 ptrace kills the process");
	is_int(run(p, AUDIT_ARCH_I386, 20 /* i386 getpid */, NULL), SECCOMP_RET_KILL_PROCESS,
	       "i386 ABI kills the process");
	is_int(run(p, AUDIT_ARCH_X86_64, 1000, NULL), EPERM_ACT, "unknown number gets EPERM");
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		if (call(p, denied[i], 0, 0, 0) != EPERM_ACT) {
			ok(0, "%s is denied", denied[i]);
			bad++;
		}
	ok(bad == 0, "%zu dangerous syscalls get EPERM", sizeof(denied) / sizeof(denied[0]));

	is_int(call(p, "clone", SIGCHLD, 0, 0), SECCOMP_RET_ALLOW, "clone for fork allowed");
	is_int(call(p, "clone", thread, 0, 0), SECCOMP_RET_ALLOW, "clone for a thread allowed");
	for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++)
		is_int(call(p, "clone", thread | ns_flags[i], 0, 0), EPERM_ACT,
		       "clone with ns flag");
	is_int(call(p, "clone3", 0, 0, 0), SECCOMP_RET_ERRNO | ENOSYS, "clone3 gets ENOSYS");

	is_int(call(p, "ioctl", 0, 0x5401, 0), SECCOMP_RET_ALLOW, "ioctl TCGETS allowed");
	is_int(call(p, "ioctl", 0, 0x5421, 0), SECCOMP_RET_ALLOW, "ioctl FIONBIO allowed");
	is_int(call(p, "ioctl", 0, 0x80045430, 0), SECCOMP_RET_ALLOW, "ioctl TIOCGPTN allowed");
	is_int(call(p, "ioctl", 0, 0x5412, 0), EPERM_ACT, "ioctl TIOCSTI denied");
	is_int(call(p, "ioctl", 0, 0x541c, 0), EPERM_ACT, "ioctl TIOCLINUX denied");
	is_int(call(p, "ioctl", 0, 0x100005412ULL, 0), EPERM_ACT, "TIOCSTI | 1 << 32 denied");
	is_int(call(p, "ioctl", 0, 0xffffffff0000541cULL, 0), EPERM_ACT, "TIOCLINUX, high bits");
	/* every low-32 value near the two, and a million pseudo-random commands */
	for (uint64_t cmd = 0x5300; cmd < 0x5600; cmd++) {
		uint32_t want = cmd == 0x5412 || cmd == 0x541c ? EPERM_ACT : SECCOMP_RET_ALLOW;

		wrong += call(p, "ioctl", 0, cmd | (cmd << 40), 0) != want;
	}
	for (int i = 0; i < 1000000; i++) {
		uint32_t lo, want;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		lo = (uint32_t)seed;
		want = lo == 0x5412 || lo == 0x541c ? EPERM_ACT : SECCOMP_RET_ALLOW;
		wrong += call(p, "ioctl", 0, seed, 0) != want;
	}
	is_int(wrong, 0, "ioctl decisions match 'cmd & 0xffffffff not in {TIOCSTI, TIOCLINUX}'");

	is_int(call(p, "socket", AF_UNIX, SOCK_STREAM, 0), SECCOMP_RET_ALLOW, "socket AF_UNIX");
	is_int(call(p, "socket", AF_INET, SOCK_DGRAM, 0), SECCOMP_RET_ALLOW, "socket AF_INET");
	is_int(call(p, "socket", AF_INET6, SOCK_STREAM, 0), SECCOMP_RET_ALLOW, "socket AF_INET6");
	is_int(call(p, "socket", AF_NETLINK, SOCK_RAW, 0), SECCOMP_RET_ALLOW,
	       "socket AF_NETLINK, NETLINK_ROUTE allowed");
	is_int(call(p, "socket", AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, 0), SECCOMP_RET_ALLOW,
	       "socket AF_NETLINK dgram, NETLINK_ROUTE allowed");
	is_int(call(p, "socket", AF_NETLINK, SOCK_RAW, 9), EPERM_ACT, "NETLINK_AUDIT denied");
	is_int(call(p, "socket", AF_NETLINK, SOCK_RAW, 4), EPERM_ACT, "NETLINK_SOCK_DIAG denied");
	is_int(call(p, "socket", AF_NETLINK, SOCK_RAW, 0x100000000ULL), EPERM_ACT,
	       "NETLINK_ROUTE with high bits in the protocol denied (fails closed)");
	is_int(call(p, "socket", AF_PACKET, SOCK_RAW, 0), EPERM_ACT, "socket AF_PACKET denied");
	is_int(call(p, "socket", AF_VSOCK, SOCK_STREAM, 0), EPERM_ACT, "socket AF_VSOCK denied");
	is_int(call(p, "socketpair", AF_UNIX, SOCK_STREAM, 0), SECCOMP_RET_ALLOW, "socketpair");
	is_int(call(p, "personality", 0xffffffff, 0, 0), SECCOMP_RET_ALLOW, "personality query");
	is_int(call(p, "personality", 0, 0, 0), SECCOMP_RET_ALLOW, "personality PER_LINUX");
	is_int(call(p, "personality", 0x0040000, 0, 0), EPERM_ACT, "ADDR_NO_RANDOMIZE denied");
	is_int(call(p, "prlimit64", 0, 7, 0), SECCOMP_RET_ALLOW, "prlimit64 read allowed");
	is_int(call(p, "prlimit64", 0, 7, 0x7ffd0000), SECCOMP_RET_ALLOW,
	       "prlimit64 write on the caller (pid 0) allowed");
	is_int(call(p, "prlimit64", 0xffffffff00000000ULL, 7, 0x7ffd0000), SECCOMP_RET_ALLOW,
	       "prlimit64 write, pid 0 in the low 32 bits (the kernel's pid_t) allowed");
	is_int(call(p, "prlimit64", 7, 7, 0), SECCOMP_RET_ALLOW, "prlimit64 read of pid 7 allowed");
	is_int(call(p, "prlimit64", 7, 7, 0x7ffd0000), EPERM_ACT,
	       "prlimit64 write on pid 7 denied");
	is_int(call(p, "setrlimit", 7, 0x7ffd0000, 0), SECCOMP_RET_ALLOW,
	       "setrlimit (the caller's) allowed");
}

/* Compile text and run one call through it. */
static uint32_t decide(const char *text, const char *name, uint64_t a0, uint64_t a1)
{
	struct policy p;
	scmp_filter_ctx ctx;
	static struct prog prog;
	char err[512];
	uint32_t v;

	if (compile_text(text, &p, &ctx, err, sizeof(err))) {
		diag(err);
		return BPF_BAD;
	}
	v = export(ctx, &prog) ? BPF_BAD : call(&prog, name, a0, a1, 0);
	seccomp_release(ctx);
	policy_free(&p);
	return v;
}

static void refuse(const char *text, const char *want)
{
	struct policy p;
	scmp_filter_ctx ctx = NULL;
	char err[512] = "";
	int r = compile_text(text, &p, &ctx, err, sizeof(err));

	ok(r < 0 && ctx == NULL, "refused: %s", want);
	is_str(err, want, "  message");
	if (!r) {
		seccomp_release(ctx);
		policy_free(&p);
	}
}

#define HEAD	      "{\"seccomp\": {\"default_action\": \"errno:EPERM\", "
#define ARG(i, op, v) "{\"index\": " #i ", \"op\": \"" op "\", \"value\": " #v "}"
#define MASKED(i, m, v)                                                                            \
	"{\"index\": " #i ", \"op\": \"masked_eq\", \"mask\": " #m ", \"value\": " #v "}"

static void test_compiler(void)
{
	refuse(HEAD "\"allow\": [\"read\"],\n \"rules\": [{\"syscall\": \"read\", \"action\": "
		    "\"errno:ENOSYS\"}]}}",
	       "t.json:2:24: syscall \"read\": a rule without args for this syscall already stands "
	       "at t.json:1:57");
	refuse(HEAD "\"rules\": [\n{\"syscall\": \"read\", \"action\": \"allow\", \"args\": [" ARG(
		       0, "le", 5) "]},\n{\"syscall\": \"read\", \"action\": \"errno:EACCES\", "
				   "\"args\": [" ARG(0, "eq", 3) "]}]}}",
	       "t.json:3:13: syscall \"read\": overlaps the rule at t.json:2:13, which has another "
	       "action; make their args disjoint");
	refuse(HEAD
	       "\"rules\": [\n{\"syscall\": \"read\", \"action\": \"allow\", \"args\": [" MASKED(
		       0, 240,
		       16) "]},\n{\"syscall\": \"read\", \"action\": \"log\", \"args\": [" ARG(0,
											       "ge",
											       32) "]}]}}",
	       "t.json:3:13: syscall \"read\": overlaps the rule at t.json:2:13, which has another "
	       "action; make their args disjoint");
	refuse(HEAD
	       "\"allow\": [\"write\"], \"rules\": [\n{\"syscall\": \"write\", \"action\": \"log\", "
	       "\"args\": [" ARG(0, "lt", 3) "]}]}}",
	       "t.json:2:13: syscall \"write\": next to a rule without args for the same syscall, "
	       "args may only use eq and masked_eq");
	/* disjoint argument rules with different actions are fine */
	is_int(decide(HEAD
		      "\"rules\": [{\"syscall\": \"read\", \"action\": \"allow\", \"args\": [" MASKED(
			      0, 240,
			      16) "]}, {\"syscall\": \"read\", \"action\": \"log\", \"args\": "
				  "[" ARG(0, "lt", 16) "]}]}}",
		      "read", 0x1f, 0),
	       SECCOMP_RET_ALLOW, "masked_eq vs lt: disjoint, first matches");
	is_int(decide(HEAD
		      "\"rules\": [{\"syscall\": \"read\", \"action\": \"allow\", \"args\": [" ARG(
			      0, "ne",
			      3) "]}, {\"syscall\": \"read\", \"action\": \"log\", \"args\": "
				 "[" ARG(0, "eq", 3) "]}]}}",
		      "read", 3, 0),
	       SECCOMP_RET_LOG, "ne 3 vs eq 3: disjoint, second matches");
	/* a rule without args is the fallback around its exceptions */
	{
		const char *t = HEAD "\"allow\": [\"write\"], \"rules\": [{\"syscall\": \"write\", "
				     "\"action\": \"errno:EACCES\", \"args\": [" ARG(
					     0, "eq", 2) ", " MASKED(2, 1, 1) "]}]}}";

		is_int(decide(t, "write", 1, 0), SECCOMP_RET_ALLOW, "fallback allows write(1)");
		is_int(decide(t, "write", 2, 0), SECCOMP_RET_ALLOW, "write(2) with even length");
		{
			struct policy p;
			scmp_filter_ctx ctx;
			static struct prog prog;
			char err[256];
			uint64_t args[6] = { 2, 0, 5 };

			if (!compile_text(t, &p, &ctx, err, sizeof(err)) && !export(ctx, &prog)) {
				is_int(run(&prog, AUDIT_ARCH_X86_64, SYS_write, args),
				       SECCOMP_RET_ERRNO | EACCES,
				       "write(2, odd length) is EACCES");
				args[0] = 3;
				is_int(run(&prog, AUDIT_ARCH_X86_64, SYS_write, args),
				       SECCOMP_RET_ALLOW, "write(3, odd length) allowed");
				seccomp_release(ctx);
				policy_free(&p);
			} else {
				ok(0, "compile: %s", err);
			}
		}
	}
	/* rules with the default action are no-ops, not libseccomp -EACCES */
	is_int(decide(HEAD "\"rules\": [{\"syscall\": \"ptrace\", \"action\": \"errno:EPERM\"}]}}",
		      "ptrace", 0, 0),
	       EPERM_ACT, "rule with the default action compiles");
	/* exceptions whose complement would be huge are refused, not compiled slowly */
	refuse(HEAD "\"allow\": [\"read\"], \"rules\": [{\"syscall\": \"read\", \"action\": "
		    "\"log\", \"args\": [" ARG(0, "eq", 0) ", " ARG(
			    1, "eq",
			    0) "]}, {\"syscall\": \"read\", "
			       "\"action\": \"log\", \"args\": [" ARG(
				       0, "eq",
				       18446744073709551615) ", " ARG(1, "eq",
								      18446744073709551615) "]}]}}",
	       "t.json:1:57: syscall \"read\": the exceptions to this rule need more than 256 "
	       "masked_eq rules");
}

/* ---- the real thing: load policy/default.json in a child ---- */

struct result {
	char name[80];
	int pass;
	long got;
};

static struct result results[64];
static int nresults;

static void record(const char *name, int pass, long got)
{
	if (nresults < 64) {
		snprintf(results[nresults].name, sizeof(results[0].name), "%s", name);
		results[nresults].pass = pass;
		results[nresults].got = got;
		nresults++;
	}
}

static void expect_errno(const char *name, long rc, int want)
{
	int e = errno;

	record(name, rc == -1 && e == want, rc == -1 ? e : rc);
}

static const char python_prog[] =
	"import threading, subprocess, multiprocessing as mp, mmap, ctypes, sqlite3, asyncio\n"
	"import socket, select, os, signal\n"
	"def sq(x): return x * x\n"
	"if __name__ == '__main__':\n"
	"    out = []\n"
	"    t = threading.Thread(target=lambda: out.append(1)); t.start(); t.join()\n"
	"    assert out == [1]\n"
	"    assert subprocess.run(['/usr/bin/true']).returncode == 0\n"
	"    assert subprocess.run(['/bin/sh', '-c', 'echo hi | cat'], capture_output=True)"
	".stdout == b'hi\\n'\n"
	"    with mp.get_context('fork').Pool(2) as p: assert p.map(sq, range(8))[7] == 49\n"
	"    with mp.get_context('spawn').Pool(1) as p: assert p.map(abs, [-3]) == [3]\n"
	"    m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
	"    m.write(b'\\xb8\\x2a\\x00\\x00\\x00\\xc3')\n"
	"    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))\n"
	"    assert ctypes.CFUNCTYPE(ctypes.c_int)(addr)() == 42\n"
	"    assert ctypes.CDLL(None).getpid() == os.getpid()\n"
	"    db = sqlite3.connect(':memory:'); db.execute('create table t(x)')\n"
	"    db.execute('insert into t values (7)')\n"
	"    assert db.execute('select sum(x) from t').fetchone()[0] == 7\n"
	"    async def main():\n"
	"        await asyncio.sleep(0.01)\n"
	"        r, w = await asyncio.open_connection(sock=socket.socketpair()[0])\n"
	"        return await asyncio.gather(asyncio.sleep(0, 5), asyncio.to_thread(sq, 4))\n"
	"    assert asyncio.run(main()) == [5, 16]\n"
	"    a, b = socket.socketpair(); a.send(b'x'); assert b.recv(1) == b'x'\n"
	"    p = select.poll(); p.register(b, select.POLLIN); assert p.poll(0) == []\n"
	"    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))\n"
	"    try:\n"
	"        socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)\n"
	"        raise SystemExit('netlink allowed')\n"
	"    except PermissionError: pass\n"
	"    print('python ok')\n";

static void child_checks(void)
{
	char c = 'x';
	int fd, fds[2];
	struct clone_args ca = { .flags = 0, .exit_signal = SIGCHLD };
	pid_t pid;
	int status;
	char out[64];

	expect_errno("unshare(CLONE_NEWUSER) is EPERM", unshare(CLONE_NEWUSER), EPERM);
	expect_errno("mount tmpfs is EPERM", mount("none", "/mnt", "tmpfs", 0, NULL), EPERM);
	/* in a grandchild: were it allowed, the tracee would stop at its next signal */
	pid = fork();
	if (pid == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1 && errno == EPERM ? 0 : 1);
	status = -1;
	waitpid(pid, &status, 0);
	record("ptrace(PTRACE_TRACEME) is EPERM", status == 0, status);
	expect_errno("socket(AF_NETLINK, NETLINK_AUDIT) is EPERM", socket(AF_NETLINK, SOCK_RAW, 9),
		     EPERM);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	record("socket(AF_INET) works", fd >= 0, fd);
	if (fd >= 0)
		close(fd);
	expect_errno("ioctl(TIOCSTI | 1 << 32) is EPERM",
		     syscall(SYS_ioctl, 0, 0x100000000UL | TIOCSTI, &c), EPERM);
	expect_errno("ioctl(TIOCLINUX) is EPERM", syscall(SYS_ioctl, 0, 0x541cUL, &c), EPERM);
	if (pipe(fds) == 0) {
		expect_errno("ioctl(pipe, TCGETS) reaches the kernel: ENOTTY",
			     ioctl(fds[0], TCGETS, NULL), ENOTTY);
		close(fds[0]);
		close(fds[1]);
	}
	expect_errno("clone3 is ENOSYS", syscall(SYS_clone3, &ca, sizeof(ca)), ENOSYS);
	expect_errno("clone(CLONE_NEWUSER) is EPERM",
		     syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), EPERM);
	expect_errno("setns is EPERM", syscall(SYS_setns, 0, 0), EPERM);
	expect_errno("keyctl is EPERM", syscall(SYS_keyctl, 0, 0, 0, 0, 0), EPERM);
	expect_errno("bpf is EPERM", syscall(SYS_bpf, 0, 0, 0), EPERM);
	expect_errno("personality(READ_IMPLIES_EXEC) is EPERM", personality(0x0400000), EPERM);
	record("personality(0xffffffff) works", personality(0xffffffff) != -1, 0);

	/* x32 getpid: libseccomp's x86_64 filter must reject the x32 bit */
	pid = fork();
	if (pid == 0) {
		syscall(X32_BIT | SYS_getpid);
		_exit(0);
	}
	status = 0;
	waitpid(pid, &status, 0);
	record("x32 getpid is killed by SIGSYS", WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
	       status);

	if (pipe(fds)) {
		record("pipe for python's output", 0, errno);
		return;
	}
	pid = fork();
	if (pid == 0) {
		/* stdout to the pipe keeps TAP output clean; stderr still shows failures */
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		/* a hang is a failure, not a stuck test run; alarm() survives execve */
		alarm(120);
		/* a full argv[0]: python derives sys.executable (used by spawn) from it */
		execl("/usr/bin/python3", "/usr/bin/python3", "-I", "-S", "-c", python_prog,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	memset(out, 0, sizeof(out));
	for (size_t got = 0; got < sizeof(out) - 1;) {
		ssize_t r = read(fds[0], out + got, sizeof(out) - 1 - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	status = 0;
	waitpid(pid, &status, 0);
	record("python3 exits 0", WIFEXITED(status) && WEXITSTATUS(status) == 0, status);
	record("python3: threads, subprocess, multiprocessing, ctypes, mmap, sqlite3, asyncio",
	       strcmp(out, "python ok\n") == 0, (long)strlen(out));
}

static void test_behaviour(void)
{
	FILE *f = fopen("policy/default.json", "r");
	static char buf[1 << 16];
	struct policy p;
	scmp_filter_ctx ctx;
	char err[512];
	int fds[2], status = 0;
	size_t n;
	pid_t pid;

	if (!f || access("/usr/bin/python3", X_OK)) {
		ok(0, "policy/default.json and /usr/bin/python3 present");
		if (f)
			fclose(f);
		return;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (policy_parse(buf, n, "policy/default.json", &p, err, sizeof(err)) ||
	    seccomp_compile(&p.seccomp, "policy/default.json", &ctx, err, sizeof(err))) {
		ok(0, "default policy compiles: %s", err);
		return;
	}
	if (pipe(fds)) {
		ok(0, "pipe");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int r;

		close(fds[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(3);
		r = seccomp_load(ctx);
		record("seccomp_load", r == 0, r);
		if (r == 0)
			child_checks();
		if (write(fds[1], results, sizeof(results[0]) * (size_t)nresults) < 0)
			_exit(4);
		_exit(0);
	}
	close(fds[1]);
	nresults = 0;
	for (;;) {
		/* a weakened filter can leave the child stopped (say, ptrace-stopped
		 * after a PTRACE_TRACEME that was not refused): fail, do not hang */
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		ssize_t got;

		if (poll(&pfd, 1, 180 * 1000) != 1) {
			ok(0, "confined child answered within 180 s");
			kill(pid, SIGKILL);
			break;
		}
		got = read(fds[0], &results[nresults], sizeof(results[0]));
		if (got != (ssize_t)sizeof(results[0]) || ++nresults == 64)
			break;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	is_int(status, 0, "confined child exited cleanly");
	is_int(nresults, 19, "child reported every result");
	for (int i = 0; i < nresults; i++)
		if (!ok(results[i].pass, "in the jail: %s", results[i].name))
			printf("#   got %ld\n", results[i].got);
	seccomp_release(ctx);
	policy_free(&p);
}

/* The launcher's compile: refusals by the default action and the network
 * checks (connect; sendto with an address) come to the listener. */
static void test_notify(const char *text)
{
	static struct prog prog;
	uint64_t to[6] = { 3, 0x1000, 1, 0, 0x2000, 16 }, plain[6] = { 3, 0x1000, 1, 0, 0, 0 };
	struct policy p;
	scmp_filter_ctx ctx;
	char err[512];

	if (!ok(policy_parse(text, strlen(text), "d.json", &p, err, sizeof(err)) == 0,
		"default.json parses for the notify compile")) {
		diag(err);
		return;
	}
	p.seccomp.notify_default = p.seccomp.notify_net = true;
	ok(seccomp_net_notified(&p.seccomp, SCMP_SYS(connect)) &&
		   seccomp_net_notified(&p.seccomp, SCMP_SYS(sendto)) &&
		   !seccomp_net_notified(&p.seccomp, SCMP_SYS(sendmsg)) &&
		   !seccomp_net_notified(&p.seccomp, SCMP_SYS(ptrace)),
	   "network checks: connect and sendto, not sendmsg or a refused call");
	if (!ok(seccomp_compile(&p.seccomp, "d.json", &ctx, err, sizeof(err)) == 0,
		"compiles with a notifying default and network checks") ||
	    !ok(export(ctx, &prog) == 0, "exported")) {
		diag(err);
		policy_free(&p);
		return;
	}
	is_int(call(&prog, "connect", 3, 0x1000, 16), SECCOMP_RET_USER_NOTIF, "connect: notified");
	is_int(run(&prog, AUDIT_ARCH_X86_64, SCMP_SYS(sendto), to), SECCOMP_RET_USER_NOTIF,
	       "sendto with an address: notified");
	is_int(run(&prog, AUDIT_ARCH_X86_64, SCMP_SYS(sendto), plain), SECCOMP_RET_ALLOW,
	       "sendto without an address (send): allowed");
	is_int(call(&prog, "sendmsg", 3, 0x1000, 0), SECCOMP_RET_ALLOW, "sendmsg: allowed");
	is_int(call(&prog, "ptrace", 0, 1, 0), SECCOMP_RET_USER_NOTIF, "a refused call: notified");
	is_int(call(&prog, "read", 0, 0, 0), SECCOMP_RET_ALLOW, "read: allowed");
	seccomp_release(ctx);
	p.seccomp.notify_net = false;
	ok(!seccomp_net_notified(&p.seccomp, SCMP_SYS(connect)), "no network checks unless asked");
	policy_free(&p);
}

/* seccomp_policy_action: what a policy decides for known arguments (the
 * launcher's check that init's own calls are allowed). */
static void test_policy_action(void)
{
	static const char text[] =
		"{\"seccomp\": {\"default_action\": \"errno:EPERM\", \"allow\": [\"read\"],"
		" \"rules\": ["
		"  {\"syscall\": \"clone\", \"action\": \"allow\", \"args\": [{\"index\": 0,"
		"   \"op\": \"masked_eq\", \"mask\": \"0x7e020080\", \"value\": 0}]},"
		"  {\"syscall\": \"ioctl\", \"action\": \"allow\"},"
		"  {\"syscall\": \"ioctl\", \"action\": \"errno:EPERM\", \"args\": [{\"index\": 1,"
		"   \"op\": \"masked_eq\", \"mask\": \"0xffffffff\", \"value\": \"0x5412\"}]}]}}";
	struct policy p;
	char err[512];
	uint64_t args[6] = { 0 };
	uint32_t act = 0;

	if (!ok(policy_parse(text, strlen(text), "a.json", &p, err, sizeof(err)) == 0,
		"policy_action: the policy parses")) {
		diag(err);
		return;
	}
	ok(seccomp_policy_action(&p.seccomp, SCMP_SYS(read), args, 0, &act) == 0 &&
		   act == SCMP_ACT_ALLOW,
	   "policy_action: a plain allow");
	ok(seccomp_policy_action(&p.seccomp, SCMP_SYS(setsid), args, 0, &act) == 0 &&
		   act == SCMP_ACT_ERRNO(EPERM),
	   "policy_action: an unnamed syscall gets the default");
	args[0] = SIGCHLD;
	ok(seccomp_policy_action(&p.seccomp, SCMP_SYS(clone), args, 1, &act) == 0 &&
		   act == SCMP_ACT_ALLOW,
	   "policy_action: fork's clone flags match the argument rule");
	args[0] = CLONE_NEWUSER | SIGCHLD;
	ok(seccomp_policy_action(&p.seccomp, SCMP_SYS(clone), args, 1, &act) == 0 &&
		   act == SCMP_ACT_ERRNO(EPERM),
	   "policy_action: clone with a namespace flag falls to the default");
	ok(seccomp_policy_action(&p.seccomp, SCMP_SYS(clone), args, 0, &act) == -EAGAIN,
	   "policy_action: an unknown compared argument is -EAGAIN");
	args[1] = 0x540E; /* TIOCSCTTY */
	ok(seccomp_policy_action(&p.seccomp, SCMP_SYS(ioctl), args, 2, &act) == 0 &&
		   act == SCMP_ACT_ALLOW,
	   "policy_action: ioctl TIOCSCTTY takes the fallback allow");
	args[1] = 0x5412; /* TIOCSTI */
	ok(seccomp_policy_action(&p.seccomp, SCMP_SYS(ioctl), args, 2, &act) == 0 &&
		   act == SCMP_ACT_ERRNO(EPERM),
	   "policy_action: ioctl TIOCSTI is refused");
	policy_free(&p);
}

int main(void)
{
	static char buf[1 << 16];
	static struct prog prog;
	FILE *f = fopen("policy/default.json", "r");
	struct policy p;
	scmp_filter_ctx ctx;
	char err[512];
	size_t n;

	if (!f)
		skip_all("run from the repository root (policy/default.json)");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (!ok(policy_parse(buf, n, "policy/default.json", &p, err, sizeof(err)) == 0,
		"default.json parses") ||
	    !ok(seccomp_compile(&p.seccomp, "policy/default.json", &ctx, err, sizeof(err)) == 0,
		"default.json compiles")) {
		diag(err);
		return done_testing();
	}
	if (ok(export(ctx, &prog) == 0, "BPF exported (%zu instructions)", prog.n))
		test_default_bpf(&prog);
	seccomp_release(ctx);
	policy_free(&p);
	test_notify(buf);
	test_policy_action();
	test_compiler();
	test_behaviour();
	return done_testing();
}
