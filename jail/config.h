/*
 * config.h - everything one run needs, built by main.c from the command line
 * and the policy, then read-only for the rest of the launcher.
 */
#ifndef ACTJAIL_CONFIG_H
#define ACTJAIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "bridge/tools.h"
#include "jail/cgroup.h"
#include "policy/policy.h"

struct warm_input;

#define JAIL_UID	1000u /* the sandbox user inside the jail */
#define JAIL_GID	1000u
#define JAIL_HOSTNAME	"sandbox"
#define JAIL_PYTHON	"/usr/bin/python3"
#define JAIL_RUNNER_DIR "/run/actjail" /* runner.py and runner.pyc, read-only */

enum run_mode {
	MODE_RUN,
	MODE_EXEC
};

#define CONFIG_MAX_MOUNTS 32 /* --input and --mount together */

/* One read-only tree of the host in the jail (--mount HOST:JAIL; --input
 * DIR is DIR:/input). */
struct input_mount {
	const char *option; /* "--input" or "--mount", for messages */
	char *host;	    /* the host directory, as given */
	char *target;	    /* where in the jail (checked by mountpath_check) */
	int tree_fd;	    /* idmapped: the launcher's detached tree, else -1 */
	bool idmapped;	    /* owner and group appear as the jail's (mount.h) */
};

struct config {
	enum run_mode mode;
	bool json;
	const char *code_name; /* FILE as given, or "-" */
	char *code;	       /* run: the program text (valid UTF-8) */
	size_t code_len;
	char **argv; /* the program's argv (run: python3 + runner) */
	char **envp; /* the program's whole environment */
	struct input_mount mounts[CONFIG_MAX_MOUNTS]; /* in command-line order */
	unsigned nmounts;
	const char *output_dir;	 /* host path or NULL */
	int output_dir_fd;	 /* output_dir, opened before the jail exists, or -1 */
	const char *policy_path; /* NULL: the embedded default */
	struct policy policy;	 /* limits, identity, env, seccomp */
	uid_t host_uid;		 /* the host ids that map to JAIL_UID/JAIL_GID */
	gid_t host_gid;
	bool as_root;		   /* launcher runs as root */
	bool use_pty;		   /* exec with a terminal on stdin */
	struct toolset tools;	   /* command tools (--tool, --tools) */
	int relay_fd;		   /* --relay-fd, or -1 */
	int warm_fd;		   /* --warm-fd (actjail serve's workers), or -1 */
	bool warm_input;	   /* warm, nothing bound at /input: an empty tmpfs there,
				    * written from outside at the hand-over (warm.h); also
				    * cold with --input-files */
	const char *input_files;   /* --input-files DIR (actjail serve's cold workers) */
	struct warm_input *inputs; /* its files, read before the jail is built */
	size_t ninputs;
	unsigned long long input_kib; /* the /input tmpfs's size when warm_input */
	bool transcript;	      /* record arguments and results of tool calls */
	const char *cgroup_parent;    /* --cgroup-parent, else the policy's, else NULL */
	bool no_cgroup;		      /* --no-cgroup */
	bool reports_violations;      /* refusals come to the launcher (seccomp listener) */
	int inherited_filters;	      /* seccomp filters the launcher runs under, -1 unknown */
	const char *audit_log;	      /* --audit-log FILE, or NULL */
	int audit_fd;		      /* audit_log, opened before the jail exists, or -1 */
	struct cgroup_jail cg;	      /* the jail's cgroups; version CG_NONE without */
	bool cg_deferred;	      /* v1: made while the jail is built (cgdefer.h) */
	int uid_lock_fd;	      /* lock on the per-jail uid of --uid-range, or -1 */
	uint32_t uid_range_start, uid_range_count;
	bool uid_range_from_cli; /* --uid-range given (an error rootless, not a warning) */
	bool cpus_from_cli;	 /* --cpus given and non-zero (said when not applied) */
};

/* Embedded at build time (jail/embed.S). */
extern const char actjail_runner_py[];
extern const unsigned int actjail_runner_py_len;
extern const char actjail_runner_pyc[];
extern const unsigned int actjail_runner_pyc_len;
extern const char actjail_default_policy[];
extern const unsigned int actjail_default_policy_len;

#endif
