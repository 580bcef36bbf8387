/*
 * test_policy.c - policy/policy.c: fields, defaults, and every error's
 * exact "file:line:column: field.path: problem".
 */
#include <errno.h>
#include <seccomp.h>
#include <sys/syscall.h>

#include "policy/policy.h"
#include "tests/tap.h"

#define SECCOMP_MIN "\"seccomp\": {\"default_action\": \"errno:EPERM\"}"

static int parse(const char *text, struct policy *p, char *err, size_t errlen)
{
	return policy_parse(text, strlen(text), "p.json", p, err, errlen);
}

/* text must be refused with exactly want. */
static void refuse(const char *text, const char *want)
{
	struct policy p;
	char err[512];
	int r = parse(text, &p, err, sizeof(err));

	is_int(r, -EINVAL, want);
	is_str(err, want, "  message");
	if (!r)
		policy_free(&p);
	else
		ok(p.name == NULL && p.seccomp.rules == NULL, "  output left zeroed");
}

static void test_minimal(void)
{
	const char *text = "{" SECCOMP_MIN "}";
	struct policy p;
	struct limits d;
	char err[256] = "unset";

	is_int(parse(text, &p, err, sizeof(err)), 0, "minimal policy parses");
	is_str(err, "", "no message on success");
	is_str(p.name, "unnamed", "default name");
	policy_default_limits(&d);
	ok(memcmp(&p.limits, &d, sizeof(d)) == 0, "limits are the defaults");
	is_int(d.timeout_ms, 30000, "default timeout 30 s");
	is_int(d.memory_mib, 512, "default memory 512 MiB");
	is_int(d.capture_file_bytes, 10 << 20, "default capture file 10 MiB");
	is_int(d.max_message_bytes, 16 << 20, "default max message 16 MiB");
	is_int(p.uid, 65534, "default uid");
	is_int(p.gid, 65534, "default gid");
	is_int(p.nenv, 0, "no env");
	is_int(p.seccomp.nrules, 0, "no rules");
	ok(p.seccomp.default_action == SCMP_ACT_ERRNO(EPERM), "default action errno:EPERM");
	/* printf '{"seccomp": {"default_action": "errno:EPERM"}}' | sha256sum */
	is_str(p.sha256, "143227b3d2cfef082a53d7c2d83ba923ddd2c4672a8f699988ff790ee33c633b",
	       "sha256 of the text");
	policy_free(&p);
	ok(p.name == NULL, "policy_free zeroes");
}

static void test_full(void)
{
	const char *text =
		"{\n"
		"  \"name\": \"strict-1.0\",\n"
		"  \"limits\": {\"timeout\": 1.5, \"cpu_time\": 0.0005, \"memory_mib\": 16,\n"
		"             \"pids\": 32768, \"capture_file_mib\": 3, \"max_message_bytes\": 1024},\n"
		"  \"identity\": {\"uid\": 1000, \"gid\": 4294967294},\n"
		"  \"env\": {\"LANG\": \"C.UTF-8\", \"_x9\": \"\"},\n"
		"  \"seccomp\": {\n"
		"    \"default_action\": \"kill_process\",\n"
		"    \"allow\": [\"read\", \"write\"],\n"
		"    \"rules\": [\n"
		"      {\"syscalls\": [\"openat\", \"close\"], \"action\": \"errno:13\",\n"
		"       \"args\": [{\"index\": 2, \"op\": \"masked_eq\", \"mask\": \"0xFFFF\", "
		"\"value\": \"3\"},\n"
		"                {\"index\": 0, \"op\": \"ge\", \"value\": 18446744073709551615}]},\n"
		"      {\"syscall\": \"clone3\", \"action\": \"errno:ENOSYS\"}\n"
		"    ]\n"
		"  }\n"
		"}\n";
	struct policy p;
	char err[256];
	const struct policy_rule *r;

	if (!ok(parse(text, &p, err, sizeof(err)) == 0, "full policy parses")) {
		diag(err);
		return;
	}
	is_str(p.name, "strict-1.0", "name");
	is_int(p.limits.timeout_ms, 1500, "timeout 1.5 s is 1500 ms");
	is_int(p.limits.cpu_time_ms, 1, "0.0005 s rounds up to 1 ms");
	is_int(p.limits.memory_mib, 16, "memory_mib");
	is_int(p.limits.pids, 32768, "pids at its maximum");
	is_int(p.limits.capture_file_bytes, 3 << 20, "capture_file_mib converted to bytes");
	is_int(p.limits.max_message_bytes, 1024, "max_message_bytes");
	is_int(p.limits.open_files, 256, "unset limits keep their defaults");
	is_int(p.uid, 1000, "uid");
	ok(p.gid == 4294967294U, "gid at its maximum");
	is_int(p.nenv, 2, "two env entries");
	if (p.nenv == 2) {
		is_str(p.env[0].name, "LANG", "env name in file order");
		is_str(p.env[0].value, "C.UTF-8", "env value");
		is_str(p.env[1].value, "", "empty env value");
	}
	ok(p.seccomp.default_action == SCMP_ACT_KILL_PROCESS, "kill_process");
	is_int(p.seccomp.nrules, 5, "2 allow + 2 from syscalls + 1");
	if (p.seccomp.nrules == 5) {
		r = &p.seccomp.rules[0];
		is_str(r->name, "read", "allow[0]");
		is_int(r->nr, SYS_read, "resolved to the native number");
		ok(r->action == SCMP_ACT_ALLOW && r->nargs == 0, "allow has no args");
		is_int(r->line, 9, "allow[0] line");
		is_int(r->column, 15, "allow[0] column");
		r = &p.seccomp.rules[3];
		is_str(r->name, "close", "syscalls[1] expanded");
		ok(r->action == SCMP_ACT_ERRNO(13), "errno:13");
		is_int(r->nargs, 2, "two args");
		is_int(r->args[0].index, 2, "arg index");
		is_int(r->args[0].op, POLICY_CMP_MASKED_EQ, "masked_eq");
		ok(r->args[0].mask == 0xffff && r->args[0].value == 3, "hex mask, decimal string");
		ok(r->args[1].op == POLICY_CMP_GE && r->args[1].value == UINT64_MAX,
		   "full 64-bit JSON integer");
		is_int(r->line, 11, "rule line");
		is_int(r->column, 31, "rule column is the syscall name");
		ok(p.seccomp.rules[4].action == SCMP_ACT_ERRNO(ENOSYS), "errno:ENOSYS");
	}
	policy_free(&p);
}

static void test_errors(void)
{
	refuse("", "p.json:1:1: syntax error: empty input");
	refuse("{\n  \"name\": \"x\",\n  \"name\": \"y\"}",
	       "p.json:3:3: syntax error: duplicate key \"name\"");
	refuse("{\"seccomp\": {\"default_action\": \"allow\",}}",
	       "p.json:1:40: syntax error: invalid object key (must be a string)");
	refuse("[]", "p.json:1:1: (top level): expected object, got array");
	refuse("{\"name\": \"x\"}", "p.json:1:1: seccomp: required field is missing");
	refuse("{" SECCOMP_MIN ", \"extra\": 1}", "p.json:1:57: extra: unknown field");
	refuse("{\"seccomp\": {}}",
	       "p.json:1:13: seccomp.default_action: required field is missing");
	refuse("{\"seccomp\": {\"default_action\": \"deny\"}}",
	       "p.json:1:32: seccomp.default_action: unknown action \"deny\" (allow, log, "
	       "kill_process, kill_thread, trap, errno:NAME or errno:1..4095)");
	refuse("{\"seccomp\": {\"default_action\": \"errno:0\"}}",
	       "p.json:1:32: seccomp.default_action: unknown action \"errno:0\" (allow, log, "
	       "kill_process, kill_thread, trap, errno:NAME or errno:1..4095)");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"Allow\": []}}",
	       "p.json:1:50: seccomp.Allow: unknown field");
	refuse("{\"seccomp\": {\"default_action\": \"allow\",\n"
	       "  \"allow\": [\"read\", \"write\", \"read\"]}}",
	       "p.json:2:30: seccomp.allow[2]: syscall \"read\" listed twice "
	       "(first at seccomp.allow[0])");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"allow\": [\"read\", 7]}}",
	       "p.json:1:59: seccomp.allow[1]: expected string, got number");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\"},\n"
	       " {\"syscall\": \"write\", \"action\": \"log\"},\n"
	       " {\"syscall\": \"close\", \"action\": \"log\"},\n"
	       " {\"syscall\": \"fooo\", \"action\": \"log\"}]}}",
	       "p.json:5:14: seccomp.rules[3].syscall: unknown syscall \"fooo\"");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscalls\": [\"read\", \"socketcall\"], \"action\": \"log\"}]}}",
	       "p.json:2:24: seccomp.rules[0].syscalls[1]: syscall \"socketcall\" does not exist "
	       "on this architecture");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscalls\": [\"read\", \"read\"], \"action\": \"log\"}]}}",
	       "p.json:2:24: seccomp.rules[0].syscalls[1]: syscall \"read\" listed twice");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscalls\": [], \"action\": \"log\"}]}}",
	       "p.json:2:15: seccomp.rules[0].syscalls: must not be empty");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"syscalls\": [\"write\"], \"action\": \"log\"}]}}",
	       "p.json:2:34: seccomp.rules[0]: give either \"syscall\" or \"syscalls\", not both");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\"}]}}",
	       "p.json:2:2: seccomp.rules[0].action: required field is missing");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 0, \"op\": \"eqq\", \"value\": 1}]}]}}",
	       "p.json:3:22: seccomp.rules[0].args[0].op: unknown op \"eqq\" (eq, ne, lt, le, gt, "
	       "ge, masked_eq)");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 6, \"op\": \"eq\", \"value\": 1}]}]}}",
	       "p.json:3:13: seccomp.rules[0].args[0].index: must be between 0 and 5");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 0, \"op\": \"eq\", \"value\": 1, \"mask\": 1}]}]}}",
	       "p.json:3:48: seccomp.rules[0].args[0].mask: mask is only meaningful with op "
	       "masked_eq");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 0, \"op\": \"masked_eq\", \"value\": 1}]}]}}",
	       "p.json:3:3: seccomp.rules[0].args[0].mask: required field is missing");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 0, \"op\": \"masked_eq\", \"mask\": \"0xf0\", \"value\": \"0x1f\"}]}]}}",
	       "p.json:3:60: seccomp.rules[0].args[0].value: has bits outside the mask, so the "
	       "rule could never match");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 0, \"op\": \"eq\", \"value\": -100}]}]}}",
	       "p.json:3:37: seccomp.rules[0].args[0].value: must not be negative (write the "
	       "64-bit value as a \"0x...\" string)");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 0, \"op\": \"eq\", \"value\": \"0x1ffffffffffffffff\"}]}]}}",
	       "p.json:3:37: seccomp.rules[0].args[0].value: expected a 64-bit number: decimal or "
	       "\"0x\" followed by 1 to 16 hex digits");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 0, \"op\": \"lt\", \"value\": 0}]}]}}",
	       "p.json:3:37: seccomp.rules[0].args[0].value: no value is below this, so the rule "
	       "could never match");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [\n"
	       "  {\"index\": 1, \"op\": \"eq\", \"value\": 0}, {\"index\": 1, \"op\": \"ne\", "
	       "\"value\": 0}]}]}}",
	       "p.json:3:41: seccomp.rules[0].args[1]: argument 1 is already compared in this rule "
	       "(one comparison per argument)");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"rules\": [\n"
	       " {\"syscall\": \"read\", \"action\": \"log\", \"args\": [{}, {}, {}, {}, {}, {}, "
	       "{}]}]}}",
	       "p.json:2:47: seccomp.rules[0].args: at most 6 arguments");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"timeout\": 0}}",
	       "p.json:1:70: limits.timeout: must be greater than 0 and at most 86400 seconds");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"timeout\": 86400.001}}",
	       "p.json:1:70: limits.timeout: must be greater than 0 and at most 86400 seconds");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"cpu_time\": -1}}",
	       "p.json:1:71: limits.cpu_time: must be 0 or more and at most 86400 seconds");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"memory_mib\": 15}}",
	       "p.json:1:73: limits.memory_mib: must be between 16 and 1048576");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"memory_mib\": 1048577}}",
	       "p.json:1:73: limits.memory_mib: must be between 16 and 1048576");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"pids\": 1.5}}",
	       "p.json:1:67: limits.pids: must be a whole number");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"pids\": \"8\"}}",
	       "p.json:1:67: limits.pids: expected number, got string");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"capture_total_mib\": 99999999999999999999999}}",
	       "p.json:1:80: limits.capture_total_mib: must be between 1 and 1048576");
	refuse("{" SECCOMP_MIN ", \"limits\": {\"walltime\": 5}}",
	       "p.json:1:71: limits.walltime: unknown field");
	refuse("{" SECCOMP_MIN ", \"identity\": {\"uid\": 0}}",
	       "p.json:1:68: identity.uid: 0 is host root and is refused");
	refuse("{" SECCOMP_MIN ", \"identity\": {\"uid\": 5, \"gid\": 0}}",
	       "p.json:1:78: identity.gid: 0 is host root and is refused");
	refuse("{" SECCOMP_MIN ", \"identity\": {\"uid\": 4294967295}}",
	       "p.json:1:68: identity.uid: must be between 0 and 4294967294");
	refuse("{" SECCOMP_MIN ", \"identity\": {\"user\": \"nobody\"}}",
	       "p.json:1:69: identity.user: unknown field");
	refuse("{" SECCOMP_MIN ", \"env\": {\"1X\": \"a\"}}",
	       "p.json:1:62: env.1X: name must match [A-Za-z_][A-Za-z0-9_]* (at most 128)");
	refuse("{" SECCOMP_MIN ", \"env\": {\"A-B\": \"a\"}}",
	       "p.json:1:63: env.A-B: name must match [A-Za-z_][A-Za-z0-9_]* (at most 128)");
	refuse("{" SECCOMP_MIN ", \"env\": {\"X\": \"a\\u0000b\"}}",
	       "p.json:1:61: env.X: string contains a NUL byte");
	refuse("{" SECCOMP_MIN ", \"env\": {\"X\": 1}}",
	       "p.json:1:61: env.X: expected string, got number");
	refuse("{" SECCOMP_MIN ", \"name\": \"has space\"}",
	       "p.json:1:56: name: must be 1 to 64 of [A-Za-z0-9._-]");
	refuse("{" SECCOMP_MIN ", \"limits\": null}",
	       "p.json:1:58: limits: expected object, got null");
	refuse("{\"seccomp\": {\"default_action\": \"allow\", \"allow\": [\"re\\u0000ad\"]}}",
	       "p.json:1:51: seccomp.allow[0]: unknown syscall \"re\\x00ad\"");
}

static void test_boundaries(void)
{
	static const char *const good[] = {
		"{" SECCOMP_MIN ", \"limits\": {\"timeout\": 86400}}",
		"{" SECCOMP_MIN ", \"limits\": {\"timeout\": 8.64e4}}",
		"{" SECCOMP_MIN ", \"limits\": {\"timeout\": 0.001}}",
		"{" SECCOMP_MIN ", \"limits\": {\"cpu_time\": 0}}",
		"{" SECCOMP_MIN ", \"limits\": {\"memory_mib\": 1048576}}",
		"{" SECCOMP_MIN ", \"identity\": {\"uid\": 1, \"gid\": 1}}",
		"{" SECCOMP_MIN ", \"env\": {\"_\": \"\\u00e9\"}}",
	};
	static const char *const bad[] = {
		"{" SECCOMP_MIN ", \"limits\": {\"timeout\": 1e999999999999}}",
		"{" SECCOMP_MIN ", \"limits\": {\"timeout\": 0.0000}}",
		"{" SECCOMP_MIN ", \"limits\": {\"open_files\": 7}}",
		"{" SECCOMP_MIN ", \"limits\": {\"max_message_bytes\": 1073741825}}",
	};
	struct policy p;
	char err[256];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int r = parse(good[i], &p, err, sizeof(err));

		if (!ok(r == 0, "accepted: %s", good[i]))
			diag(err);
		if (!r)
			policy_free(&p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(bad[i], &p, err, sizeof(err));

		ok(r == -EINVAL && strncmp(err, "p.json:1:", 9) == 0, "refused: %s", bad[i]);
		if (!r)
			policy_free(&p);
	}
	is_int(parse("{" SECCOMP_MIN ", \"limits\": {\"timeout\": 1e-9}}", &p, err, sizeof(err)), 0,
	       "1e-9 s is accepted");
	is_int(p.limits.timeout_ms, 1, "and rounds up to 1 ms");
	policy_free(&p);
	is_int(parse("{" SECCOMP_MIN ", \"limits\": {\"timeout\": 2.5e1}}", &p, err, sizeof(err)),
	       0, "exponent form");
	is_int(p.limits.timeout_ms, 25000, "2.5e1 s is 25000 ms");
	policy_free(&p);
}

static void test_actions(void)
{
	static const struct {
		const char *s;
		int rc;
		uint32_t action;
	} t[] = {
		{ "allow", 0, SCMP_ACT_ALLOW },
		{ "log", 0, SCMP_ACT_LOG },
		{ "kill_process", 0, SCMP_ACT_KILL_PROCESS },
		{ "kill_thread", 0, SCMP_ACT_KILL_THREAD },
		{ "trap", 0, SCMP_ACT_TRAP },
		{ "errno:EPERM", 0, SCMP_ACT_ERRNO(EPERM) },
		{ "errno:ENOSYS", 0, SCMP_ACT_ERRNO(ENOSYS) },
		{ "errno:EACCES", 0, SCMP_ACT_ERRNO(EACCES) },
		{ "errno:EINVAL", 0, SCMP_ACT_ERRNO(EINVAL) },
		{ "errno:ENOTSUP", 0, SCMP_ACT_ERRNO(EOPNOTSUPP) },
		{ "errno:EOPNOTSUPP", 0, SCMP_ACT_ERRNO(EOPNOTSUPP) },
		{ "errno:EAFNOSUPPORT", 0, SCMP_ACT_ERRNO(EAFNOSUPPORT) },
		{ "errno:1", 0, SCMP_ACT_ERRNO(1) },
		{ "errno:4095", 0, SCMP_ACT_ERRNO(4095) },
		{ "errno:4096", -EINVAL, 0 },
		{ "errno:0", -EINVAL, 0 },
		{ "errno:01", -EINVAL, 0 },
		{ "errno:+1", -EINVAL, 0 },
		{ "errno:", -EINVAL, 0 },
		{ "errno:eperm", -EINVAL, 0 },
		{ "ALLOW", -EINVAL, 0 },
		{ "kill", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t a = 0xdeadbeef;
		int r = policy_parse_action(t[i].s, &a);

		is_int(r, t[i].rc, t[i].s);
		if (!r && t[i].rc == 0)
			ok(a == t[i].action, "  %s -> 0x%08x", t[i].s, a);
	}
}

static void test_best_effort(void)
{
	struct policy p;
	char err[512];

	if (ok(parse("{" SECCOMP_MIN ", \"best_effort\": [\"cpus\", \"violations\"]}", &p, err,
		     sizeof(err)) == 0,
	       "best_effort takes limits and the violations layer")) {
		is_int(p.best_effort, POLICY_LIMIT_CPUS | POLICY_LAYER_VIOLATIONS,
		       "  both bits set");
		policy_free(&p);
	} else {
		diag(err);
	}
	refuse("{" SECCOMP_MIN ", \"best_effort\": [\"landlock\"]}",
	       "p.json:1:64: best_effort[0]: not a limit or layer that can be best-effort "
	       "(memory_mib, pids, cpus, violations)");
}

static void test_preload(void)
{
	struct policy p;
	char err[512];
	int r = parse("{" SECCOMP_MIN
		      ", \"preload\": [\"numpy\", \"xml.etree.ElementTree\", \"_x1\"]}",
		      &p, err, sizeof(err));

	is_int(r, 0, "preload: module names");
	if (!r) {
		is_int((long)p.npreload, 3, "  three");
		is_str(p.preload[1], "xml.etree.ElementTree", "  dotted, kept as written");
		policy_free(&p);
	} else {
		diag(err);
	}
	refuse("{" SECCOMP_MIN ", \"preload\": [\"os; import x\"]}",
	       "p.json:1:60: preload: each entry must be a module name such as \"numpy\" or "
	       "\"xml.etree.ElementTree\"");
	refuse("{" SECCOMP_MIN ", \"preload\": [\"a..b\"]}",
	       "p.json:1:60: preload: each entry must be a module name such as \"numpy\" or "
	       "\"xml.etree.ElementTree\"");
	refuse("{" SECCOMP_MIN ", \"preload\": [\"1abc\"]}",
	       "p.json:1:60: preload: each entry must be a module name such as \"numpy\" or "
	       "\"xml.etree.ElementTree\"");
	refuse("{" SECCOMP_MIN ", \"preload\": \"numpy\"}",
	       "p.json:1:59: preload: expected array, got string");
}

static void test_default_file(void)
{
	FILE *f = fopen("policy/default.json", "r");
	static char buf[1 << 16];
	struct policy p;
	char err[256];
	size_t n;

	if (!ok(f != NULL, "policy/default.json readable (tests run from the repo root)"))
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (!ok(policy_parse(buf, n, "policy/default.json", &p, err, sizeof(err)) == 0,
		"default.json parses")) {
		diag(err);
		return;
	}
	is_str(p.name, "default", "its name");
	ok(p.seccomp.default_action == SCMP_ACT_ERRNO(EPERM), "it is an allowlist (errno:EPERM)");
	ok(p.seccomp.nrules > 200, "it has %zu rules", p.seccomp.nrules);
	policy_free(&p);
}

int main(void)
{
	test_minimal();
	test_full();
	test_errors();
	test_boundaries();
	test_actions();
	test_best_effort();
	test_preload();
	test_default_file();
	return done_testing();
}
