/*
 * policy.h - the actjail policy file: limits, identity, environment and the
 * seccomp profile, parsed from JSON (format: docs/policy.md).
 *
 * Ownership: policy_parse() fills a caller-provided struct policy that the
 * caller releases with policy_free(). Nothing here exits or prints; every
 * function returns 0 or -errno and, on a bad policy, writes one line naming
 * "file:line:column: field: problem" into the caller's error buffer.
 */
#ifndef ACTJAIL_POLICY_H
#define ACTJAIL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Effective limits of one run. 0 means "no limit" only where documented. */
struct limits {
	uint64_t timeout_ms;	      /* wall clock; default 30000 */
	uint64_t memory_mib;	      /* RLIMIT_DATA; default 512 */
	uint64_t pids;		      /* RLIMIT_NPROC in the jail's userns; default 64 */
	uint64_t cpu_time_ms;	      /* RLIMIT_CPU, rounded up to seconds; 0 = none */
	uint64_t open_files;	      /* RLIMIT_NOFILE; default 256 */
	uint64_t file_size_mib;	      /* RLIMIT_FSIZE; default 64 */
	uint64_t tmp_mib;	      /* size of /tmp tmpfs; default 64 */
	uint64_t shm_mib;	      /* size of /dev/shm tmpfs; default 16 */
	uint64_t output_mib;	      /* size of /output tmpfs; default 64 */
	uint64_t output_inodes;	      /* inodes of /output tmpfs; default 1024 */
	uint64_t stdout_bytes;	      /* kept (json) or forwarded; default 1 MiB */
	uint64_t stderr_bytes;	      /* default 1 MiB */
	uint64_t capture_files;	      /* default 100 */
	uint64_t capture_file_bytes;  /* default 10 MiB */
	uint64_t capture_total_bytes; /* default 64 MiB */
	uint64_t max_message_bytes;   /* one bridge line; default 16 MiB */
	uint64_t max_calls;	      /* tool calls per run; default 100000 */
	uint64_t max_bridge_bytes;    /* bytes through the bridge per run; default 1 GiB */
	uint64_t max_in_flight;	      /* tool calls at once; default 64 */
	uint64_t cpu_millis;	      /* CPU quota in thousandths of a CPU (cgroup); default 1000 */
};

/* Limits and layers a policy may mark best-effort: applied where the host
 * can, not a setup error where it cannot (docs/policy.md, "best_effort"). */
enum policy_limit_bit {
	POLICY_LIMIT_MEMORY = 1u << 0,
	POLICY_LIMIT_PIDS = 1u << 1,
	POLICY_LIMIT_CPUS = 1u << 2,
	POLICY_LAYER_VIOLATIONS = 1u << 3, /* reports through seccomp user notification */
};

/* A comparison on one syscall argument (libseccomp's SCMP_CMP_*). */
enum policy_cmp {
	POLICY_CMP_EQ,
	POLICY_CMP_NE,
	POLICY_CMP_LT,
	POLICY_CMP_LE,
	POLICY_CMP_GT,
	POLICY_CMP_GE,
	POLICY_CMP_MASKED_EQ,
};

struct policy_arg {
	unsigned index; /* 0..5 */
	enum policy_cmp op;
	uint64_t mask; /* masked_eq only */
	uint64_t value;
};

struct policy_rule {
	int nr; /* native syscall number, resolved at parse time */
	char name[48];
	uint32_t action; /* a libseccomp SCMP_ACT_* value */
	struct policy_arg args[6];
	unsigned nargs;
	unsigned line, column; /* where the rule stood, for error messages */
};

struct policy_seccomp {
	uint32_t default_action;
	/* set by the launcher, not the file: compile the default action as a
	 * user notification (the launcher answers with the default's errno and
	 * records the refused call) */
	bool notify_default;
	/* set by the launcher: connect and sendto with an address, where
	 * the policy allows them without conditions, come to the
	 * launcher too, which reports destinations off the jail's loopback
	 * (seccomp_net_notified tells which) */
	bool notify_net;
	struct policy_rule *rules;
	size_t nrules;
};

struct policy_env {
	char *name;
	char *value;
};

enum policy_landlock {
	POLICY_LANDLOCK_PREFERRED = 0, /* applied where the kernel has it (default) */
	POLICY_LANDLOCK_REQUIRED,      /* a setup error where it has not */
	POLICY_LANDLOCK_OFF,
};

struct policy {
	char *name; /* "name" field, or "unnamed" */
	struct limits limits;
	uid_t uid;		  /* host uid when the launcher is root; default 65534 */
	gid_t gid;		  /* default 65534 */
	uint32_t uid_range_start; /* identity.uid_range: per-jail host ids (root); 0 = none */
	uint32_t uid_range_count;
	char *cgroup_parent;	       /* a delegated cgroup to create jails under, or NULL */
	unsigned best_effort;	       /* enum policy_limit_bit */
	enum policy_landlock landlock; /* "landlock": "required" | "preferred" | "off" */
	struct policy_env *env;	       /* extra environment, in file order */
	size_t nenv;
	struct policy_seccomp seccomp;
	/* "preload": modules a warm runner imports before it reports ready
	 * (actjail serve --pool); dotted Python names, in file order */
	char **preload;
	size_t npreload;
	char sha256[65]; /* hex digest of the policy text */
};

/* Fill *lim with the built-in defaults documented in README.md. */
void policy_default_limits(struct limits *lim);

/*
 * Parse a policy. text need not be NUL-terminated. filename is used only in
 * messages. On error returns -EINVAL (or -ENOMEM) and writes the message to
 * err; *out is then left zeroed and needs no policy_free().
 */
int policy_parse(const char *text, size_t len, const char *filename, struct policy *out, char *err,
		 size_t errlen);

void policy_free(struct policy *p);

/* Parse "errno:EPERM", "allow", ... into an SCMP_ACT_* value; 0 or -EINVAL. */
int policy_parse_action(const char *s, uint32_t *action);

#endif
