/*
 * main.c - actjail's command line: parse it into one struct config, load the
 * policy, compile the seccomp filter, then spawn, supervise, capture and
 * report. Everything that can be refused is refused before the jail exists.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include "jail/config.h"
#include "jail/describe.h"
#include "jail/exitcodes.h"
#include "jail/limits.h"
#include "jail/log.h"
#include "jail/program.h"
#include "jail/mount.h"
#include "jail/mountpath.h"
#include "jail/run.h"
#include "jail/spawn.h"
#include "jail/supervise.h"
#include "jail/timing.h"
#include "serve/serve.h"
#include "jail/util.h"
#include "jail/warm.h"
#include "jail/verify.h"
#include "bridge/message.h"
#include "policy/seccomp.h"

static const char usage_text[] =
	"Usage: actjail run [OPTIONS] [FILE|-]\n"
	"       actjail exec [OPTIONS] -- PROGRAM [ARGS...]\n"
	"       actjail tools describe [--json] [--tools FILE] [--tool NAME=COMMAND]...\n"
	"       actjail serve --socket PATH [OPTIONS]   (a service: actjail serve --help)\n"
	"\n"
	"Run untrusted Python (run) or any program (exec) in a jail of user, mount, pid,\n"
	"net, ipc, uts and cgroup namespaces, with no capabilities and a seccomp filter.\n"
	"\n"
	"Options:\n"
	"  --json               print exactly one JSON result object on stdout\n"
	"  --timeout SECONDS    wall-clock limit, fractional allowed (default 30)\n"
	"  --memory MIB         memory limit (RLIMIT_DATA; default 512)\n"
	"  --pids N             process limit (default 64)\n"
	"  --cpu-time SECONDS   CPU time limit (default none)\n"
	"  --input DIR          bind DIR read-only at /input (--mount DIR:/input)\n"
	"  --mount HOST:JAIL    bind the directory HOST read-only at JAIL (repeatable)\n"
	"  --output DIR         copy the files left in /output into DIR (must exist)\n"
	"  --policy FILE        policy file (default: the built-in policy/default.json)\n"
	"  --env NAME=VALUE     add to the jail's clean environment (repeatable)\n"
	"  --tool NAME=COMMAND  a host tool the program may call (repeatable; run by /bin/sh)\n"
	"  --tools FILE         a JSON manifest of host tools (docs/protocol.md)\n"
	"  --relay-fd N         forward tool calls over the caller's descriptor N\n"
	"  --transcript         record tool call arguments and results in the result\n"
	"  --max-calls N        tool calls per run (default 100000)\n"
	"  --max-in-flight N    tool calls at once (default 64)\n"
	"  --max-bridge-bytes N bytes through the bridge per run (default 1073741824)\n"
	"  --cpus N             CPU quota, fractional (cgroups; default 1)\n"
	"  --cgroup-parent PATH create the jail's cgroup under this delegated cgroup\n"
	"  --no-cgroup          limits by rlimits only, even as root\n"
	"  --audit-log FILE     append one JSON line about the run to FILE\n"
	"  --uid-range START:COUNT  as root, give each jail its own host uid/gid from\n"
	"                       this range (locked in /run/actjail/uids)\n"
	"  --quiet              no summary or warnings on stderr\n"
	"  --verbose            describe what actjail does on stderr\n"
	"  --die-with-parent    end the run (as on SIGTERM) when the parent process dies\n"
	"  --help, --version\n"
	"\n"
	"Exit status: the program's own; 124 time limit; 125 the jail could not be\n"
	"built, or its files or audit record could not be written; 126 cannot execute;\n"
	"127 not found; 128+N killed by signal N; 2 usage.\n"
	"Options on the command line override the policy file. See actjail(1).\n";

enum opt {
	OPT_JSON = 256,
	OPT_TIMEOUT,
	OPT_WARM,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPU,
	OPT_INPUT,
	OPT_INPUT_FILES,
	OPT_OUTPUT,
	OPT_POLICY,
	OPT_ENV,
	OPT_QUIET,
	OPT_VERBOSE,
	OPT_HELP,
	OPT_VERSION,
	OPT_TOOL,
	OPT_TOOLS,
	OPT_RELAY,
	OPT_TRANSCRIPT,
	OPT_MAX_CALLS,
	OPT_MAX_IN_FLIGHT,
	OPT_MAX_BRIDGE,
	OPT_CPUS,
	OPT_CGROUP_PARENT,
	OPT_UID_RANGE,
	OPT_NO_CGROUP,
	OPT_DIE_WITH_PARENT,
	OPT_AUDIT_LOG,
	OPT_MOUNT,
};

static const struct option options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "pids", required_argument, NULL, OPT_PIDS },
	{ "cpu-time", required_argument, NULL, OPT_CPU },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "input-files", required_argument, NULL, OPT_INPUT_FILES },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "tool", required_argument, NULL, OPT_TOOL },
	{ "tools", required_argument, NULL, OPT_TOOLS },
	{ "relay-fd", required_argument, NULL, OPT_RELAY },
	{ "warm-fd", required_argument, NULL, OPT_WARM },
	{ "transcript", no_argument, NULL, OPT_TRANSCRIPT },
	{ "max-calls", required_argument, NULL, OPT_MAX_CALLS },
	{ "max-in-flight", required_argument, NULL, OPT_MAX_IN_FLIGHT },
	{ "max-bridge-bytes", required_argument, NULL, OPT_MAX_BRIDGE },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT },
	{ "uid-range", required_argument, NULL, OPT_UID_RANGE },
	{ "no-cgroup", no_argument, NULL, OPT_NO_CGROUP },
	{ "die-with-parent", no_argument, NULL, OPT_DIE_WITH_PARENT },
	{ "audit-log", required_argument, NULL, OPT_AUDIT_LOG },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	{ NULL, 0, NULL, 0 },
};

/* Command-line values that override the policy; set ones are non-zero. */
struct overrides {
	uint64_t timeout_ms, memory_mib, pids, cpu_time_ms;
	uint64_t max_calls, max_in_flight, max_bridge_bytes;
	uint64_t cpu_millis;
	bool cpus_set;
	const char *cgroup_parent;
	bool no_cgroup;
	uint64_t uid_start, uid_count;
	bool cpu_set;
	char **env;
	size_t nenv;
};

static void print_help(void)
{
	fputs(usage_text, stdout);
	exit(0);
}

static bool valid_env_name(const char *s, size_t n)
{
	size_t i;

	if (!n || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static void load_tools(struct config *cfg, const char *path);

/* --mount HOST:JAIL and --input DIR (DIR:/input): each destination once,
 * none inside another (jail/mountpath.h has the rules). */
static void add_mount(struct config *cfg, const char *option, const char *host, const char *target)
{
	char why[128], h[256], t[256], oh[256];
	struct input_mount *m;

	/* the message is one line, whatever the arguments hold */
	mountpath_quote(host, h, sizeof(h));
	mountpath_quote(target, t, sizeof(t));
	if (!*host)
		usage_error("%s: an empty host directory", option);
	if (mountpath_check(target, why, sizeof(why)) < 0)
		usage_error("%s %s: '%s' %s", option, h, t, why);
	for (unsigned i = 0; i < cfg->nmounts; i++) {
		const struct input_mount *o = &cfg->mounts[i];

		mountpath_quote(o->host, oh, sizeof(oh));
		if (!strcmp(o->target, target))
			usage_error("%s %s: %s is already the destination of %s %s; each "
				    "destination once",
				    option, h, t, o->option, oh);
		if (mountpath_overlap(o->target, target))
			usage_error("%s %s: %s overlaps %s (%s %s); destinations may not nest",
				    option, h, t, o->target, o->option, oh);
	}
	if (cfg->nmounts >= CONFIG_MAX_MOUNTS)
		usage_error("%s: at most %d directories can be mounted", option, CONFIG_MAX_MOUNTS);
	m = &cfg->mounts[cfg->nmounts++];
	m->option = option;
	m->host = xstrdup(host);
	m->target = xstrdup(target);
	m->tree_fd = -1;
}

static void parse_options(int argc, char **argv, struct config *cfg, struct overrides *ov)
{
	int c, r;

	opterr = 0; /* our own messages, in our own format */
	while ((c = getopt_long(argc, argv, "+:", options, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			cfg->json = true;
			break;
		case OPT_TIMEOUT:
			r = parse_seconds_ms(optarg, 1, 86400000, &ov->timeout_ms);
			if (r < 0)
				usage_error(
					"--timeout: '%s' is not a number of seconds between 0.001 "
					"and 86400",
					optarg);
			break;
		case OPT_CPU:
			r = parse_seconds_ms(optarg, 1, 86400000, &ov->cpu_time_ms);
			if (r < 0)
				usage_error("--cpu-time: '%s' is not a number of seconds between "
					    "0.001 and 86400",
					    optarg);
			ov->cpu_set = true;
			break;
		case OPT_MEMORY:
			if (parse_u64(optarg, 16, 1u << 20, &ov->memory_mib) < 0)
				usage_error(
					"--memory: '%s' is not a whole number of MiB between 16 "
					"and 1048576",
					optarg);
			break;
		case OPT_PIDS:
			if (parse_u64(optarg, 1, 32768, &ov->pids) < 0)
				usage_error(
					"--pids: '%s' is not a whole number between 1 and 32768",
					optarg);
			break;
		case OPT_INPUT:
			add_mount(cfg, "--input", optarg, "/input");
			break;
		case OPT_INPUT_FILES:
			/* actjail serve's cold workers: the request's files, copied
			 * into a tmpfs /input as a warm jail's are (docs/serve.md) */
			cfg->input_files = optarg;
			break;
		case OPT_MOUNT: {
			/* the last colon: JAIL never has one, HOST may */
			char *colon = strrchr(optarg, ':');

			if (!colon)
				usage_error("--mount: '%s' is not HOST:JAIL", optarg);
			*colon = '\0';
			add_mount(cfg, "--mount", optarg, colon + 1);
			*colon = ':';
			break;
		}
		case OPT_OUTPUT:
			cfg->output_dir = xstrdup(optarg);
			break;
		case OPT_POLICY:
			cfg->policy_path = xstrdup(optarg);
			break;
		case OPT_ENV: {
			const char *eq = strchr(optarg, '=');

			if (!eq || !valid_env_name(optarg, (size_t)(eq - optarg)))
				usage_error("--env: '%s' is not NAME=VALUE with NAME of letters, "
					    "digits and _",
					    optarg);
			ov->env = xrealloc(ov->env, (ov->nenv + 1) * sizeof(char *));
			ov->env[ov->nenv++] = xstrdup(optarg);
			break;
		}
		case OPT_TOOL: {
			char err[256];

			if (toolset_add_command(&cfg->tools, optarg, err, sizeof(err)) < 0)
				usage_error("%s", err);
			break;
		}
		case OPT_TOOLS:
			load_tools(cfg, optarg);
			break;
		case OPT_RELAY: {
			uint64_t fd;

			if (parse_u64(optarg, 3, 1 << 20, &fd) < 0 || fcntl((int)fd, F_GETFD) < 0)
				usage_error("--relay-fd: '%s' is not an open descriptor above 2",
					    optarg);
			cfg->relay_fd = (int)fd;
			/* ours alone: the jail must never inherit it */
			if (fcntl(cfg->relay_fd, F_SETFD, FD_CLOEXEC) < 0)
				usage_error("--relay-fd %s: %s", optarg, strerror(errno));
			break;
		}
		case OPT_WARM: {
			uint64_t fd;

			/* actjail serve's workers: the code comes over fd N once the
			 * jail is built (docs/serve.md, "Workers") */
			if (parse_u64(optarg, 3, 1 << 20, &fd) < 0 || fcntl((int)fd, F_GETFD) < 0)
				usage_error("--warm-fd: '%s' is not an open descriptor above 2",
					    optarg);
			cfg->warm_fd = (int)fd;
			if (fcntl(cfg->warm_fd, F_SETFD, FD_CLOEXEC) < 0)
				usage_error("--warm-fd %s: %s", optarg, strerror(errno));
			break;
		}
		case OPT_TRANSCRIPT:
			cfg->transcript = true;
			break;
		case OPT_MAX_CALLS:
			if (parse_u64(optarg, 1, 100000000, &ov->max_calls) < 0)
				usage_error(
					"--max-calls: '%s' is not a whole number between 1 and 1e8",
					optarg);
			break;
		case OPT_MAX_IN_FLIGHT:
			if (parse_u64(optarg, 1, 4096, &ov->max_in_flight) < 0)
				usage_error(
					"--max-in-flight: '%s' is not a whole number between 1 and "
					"4096",
					optarg);
			break;
		case OPT_CPUS:
			/* thousandths of a CPU, like a time in ms */
			if (parse_seconds_ms(optarg, 0, 1024000, &ov->cpu_millis) < 0)
				usage_error(
					"--cpus: '%s' is not a number of CPUs between 0 and 1024",
					optarg);
			ov->cpus_set = true;
			break;
		case OPT_CGROUP_PARENT:
			if (optarg[0] != '/' || strstr(optarg, "/../") || strstr(optarg, "/./"))
				usage_error("--cgroup-parent: '%s' is not an absolute path",
					    optarg);
			ov->cgroup_parent = optarg;
			break;
		case OPT_DIE_WITH_PARENT:
			/* SIGTERM when the parent dies: the loop ends the run as for
			 * any SIGTERM (the signal is blocked, read from the signalfd).
			 * A parent gone before the prctl left us to a reaper. */
			if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 || getppid() == 1)
				exit(EXIT_SETUP);
			break;
		case OPT_NO_CGROUP:
			ov->no_cgroup = true;
			break;
		case OPT_AUDIT_LOG:
			cfg->audit_log = xstrdup(optarg);
			break;
		case OPT_UID_RANGE: {
			char *colon = strchr(optarg, ':');

			if (!colon)
				usage_error("--uid-range: '%s' is not START:COUNT", optarg);
			*colon = '\0';
			if (parse_u64(optarg, 1, 4294967294U, &ov->uid_start) < 0 ||
			    parse_u64(colon + 1, 1, 65536, &ov->uid_count) < 0 ||
			    ov->uid_start + ov->uid_count - 1 > 4294967294U)
				usage_error("--uid-range: '%s:%s' is not START:COUNT of host ids",
					    optarg, colon + 1);
			break;
		}
		case OPT_MAX_BRIDGE:
			if (parse_u64(optarg, 1024, 1ull << 40, &ov->max_bridge_bytes) < 0)
				usage_error(
					"--max-bridge-bytes: '%s' is not a whole number of bytes "
					"between 1024 and 2^40",
					optarg);
			break;
		case OPT_QUIET:
			log_set_level(LOG_QUIET);
			break;
		case OPT_VERBOSE:
			log_set_level(LOG_VERBOSE);
			break;
		case OPT_HELP:
			print_help();
			break;
		case OPT_VERSION:
			printf("actjail %s\n", ACTJAIL_VERSION);
			exit(0);
		case ':':
			usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
}

static void load_tools(struct config *cfg, const char *path)
{
	char err[LOG_MSG_MAX], *text = NULL, *dir, *slash;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		usage_error("--tools %s: %s", path, strerror(errno));
	r = read_all_fd(fd, 4 << 20, &text, &len);
	(void)close(fd);
	if (r < 0)
		usage_error("--tools %s: %s", path, strerror(-r));
	/* commands of the manifest run in its directory */
	dir = realpath(path, NULL);
	if (!dir)
		usage_error("--tools %s: %s", path, strerror(errno));
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	r = toolset_load_manifest(&cfg->tools, text, len, path, dir, err, sizeof(err));
	free(text);
	free(dir);
	if (r < 0)
		usage_error("--tools %s", err);
}

/* A directory the caller can read (--input, --mount) or write (--output).
 * As root access() always agrees; whether the jail's user can read a
 * mounted directory is decided later (mount_setup_parent_or_die). */
static void check_dir(const char *opt, const char *path, bool write)
{
	struct stat st;

	if (stat(path, &st) < 0)
		usage_error("%s %s: %s", opt, path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		usage_error("%s %s: not a directory", opt, path);
	if (access(path, write ? W_OK | X_OK : R_OK | X_OK) < 0)
		usage_error("%s %s: %s", opt, path, strerror(errno));
}

static void apply_overrides(struct config *cfg, const struct overrides *ov)
{
	struct limits *l = &cfg->policy.limits;

	if (ov->timeout_ms)
		l->timeout_ms = ov->timeout_ms;
	if (ov->memory_mib)
		l->memory_mib = ov->memory_mib;
	if (ov->pids)
		l->pids = ov->pids;
	if (ov->cpu_set)
		l->cpu_time_ms = ov->cpu_time_ms;
	if (ov->max_calls)
		l->max_calls = ov->max_calls;
	if (ov->max_in_flight)
		l->max_in_flight = ov->max_in_flight;
	if (ov->max_bridge_bytes)
		l->max_bridge_bytes = ov->max_bridge_bytes;
	if (ov->cpus_set)
		l->cpu_millis = ov->cpu_millis;
	cfg->cgroup_parent = ov->cgroup_parent ? ov->cgroup_parent : cfg->policy.cgroup_parent;
	cfg->no_cgroup = ov->no_cgroup;
	if (ov->no_cgroup && ov->cgroup_parent)
		usage_error("--no-cgroup and --cgroup-parent contradict each other");
	if (ov->uid_count) {
		cfg->uid_range_start = (uint32_t)ov->uid_start;
		cfg->uid_range_count = (uint32_t)ov->uid_count;
	} else {
		cfg->uid_range_start = cfg->policy.uid_range_start;
		cfg->uid_range_count = cfg->policy.uid_range_count;
	}
}

/* fds 0-2 must exist, or a pipe or socket could land there and be mistaken
 * for a standard stream. */
static void sanitize_std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			exit(EXIT_SETUP);
}

static void config_free(struct config *cfg, struct overrides *ov)
{
	input_free(&cfg->inputs, &cfg->ninputs);
	for (unsigned i = 0; i < cfg->nmounts; i++) {
		free(cfg->mounts[i].host);
		free(cfg->mounts[i].target);
		if (cfg->mounts[i].tree_fd >= 0)
			(void)close(cfg->mounts[i].tree_fd);
	}
	free((char *)cfg->output_dir);
	if (cfg->output_dir_fd >= 0)
		(void)close(cfg->output_dir_fd);
	free((char *)cfg->policy_path);
	free((char *)cfg->audit_log);
	if (cfg->audit_fd >= 0)
		(void)close(cfg->audit_fd);
	program_free(cfg);
	toolset_free(&cfg->tools);
	for (size_t i = 0; i < ov->nenv; i++)
		free(ov->env[i]);
	free(ov->env);
	policy_free(&cfg->policy);
}

int main(int argc, char **argv, char **envp)
{
	struct config cfg = { 0 };
	struct overrides ov = { 0 };
	sigset_t mask;
	const char *cmd;
	int r;

	timing_start();
	/* Signals the event loop handles are blocked before anything exists (a
	 * cgroup, a lock, a jail): one that comes during setup then waits in
	 * the signalfd instead of killing the launcher halfway, and the loop
	 * ends the run with a result. SIGPIPE is ignored so a closed reader is
	 * an EPIPE, not our death. */
	supervise_signal_mask(&mask);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		perror("actjail: block signals");
		return EXIT_SETUP;
	}
	signal(SIGPIPE, SIG_IGN);
	/* A caller that ignores SIGCHLD (SIG_IGN survives execve) would have
	 * the kernel reap the jail's init, a server's workers and the tools
	 * before wait4 could: no status, no usage, "no child processes". */
	signal(SIGCHLD, SIG_DFL);
	sanitize_std_fds();
	cfg.cg.v2_fd = -1;
	cfg.output_dir_fd = -1;
	cfg.audit_fd = -1;
	cfg.uid_lock_fd = -1;
	spawn_note_process_strings(argc, argv, envp);
	if (argc < 2)
		usage_error("missing command: run or exec");
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		print_help();
	if (!strcmp(cmd, "--version")) {
		printf("actjail %s\n", ACTJAIL_VERSION);
		return 0;
	}
	cfg.relay_fd = -1;
	cfg.warm_fd = -1;
	if (!strcmp(cmd, "serve"))
		return serve_main(argc, argv);
	if (!strcmp(cmd, "tools")) {
		if (argc < 3 || strcmp(argv[2], "describe") != 0)
			usage_error(
				"tools: expected 'actjail tools describe [--json] [--tools FILE] "
				"[--tool NAME=COMMAND]...'");
		optind = 3;
		parse_options(argc, argv, &cfg, &ov);
		if (optind < argc)
			usage_error("tools describe: unexpected argument '%s'", argv[optind]);
		r = describe_tools(&cfg.tools, cfg.json);
		config_free(&cfg, &ov);
		return r;
	}
	if (!strcmp(cmd, "run"))
		cfg.mode = MODE_RUN;
	else if (!strcmp(cmd, "exec"))
		cfg.mode = MODE_EXEC;
	else
		usage_error("unknown command '%s' (expected run, exec, tools or serve)", cmd);

	optind = 2;
	parse_options(argc, argv, &cfg, &ov);
	for (unsigned i = 0; i < cfg.nmounts; i++)
		check_dir(cfg.mounts[i].option, cfg.mounts[i].host, false);
	if (cfg.output_dir)
		check_dir("--output", cfg.output_dir, true);
	if (cfg.mode == MODE_EXEC) {
		int i, n = argc - optind;

		if (n < 1)
			usage_error(
				"exec: missing PROGRAM (actjail exec [OPTIONS] -- PROGRAM [ARGS])");
		cfg.argv = xcalloc((size_t)n + 1, sizeof(char *));
		for (i = 0; i < n; i++)
			cfg.argv[i] = xstrdup(argv[optind + i]);
		cfg.use_pty = isatty(0) == 1;
	} else if (argc - optind > 1) {
		usage_error("run: one FILE at most");
	} else if (cfg.warm_fd >= 0 && argc > optind) {
		usage_error("run --warm-fd: the code comes over the descriptor, not from FILE");
	}
	if (cfg.warm_fd >= 0 && cfg.mode != MODE_RUN)
		usage_error("--warm-fd: run only");
	/* a warm jail's /input: the request's files, written at the hand-over,
	 * unless the command line binds something there */
	cfg.warm_input = cfg.warm_fd >= 0 || cfg.input_files;
	for (size_t i = 0; i < cfg.nmounts; i++)
		if (!strcmp(cfg.mounts[i].target, "/input") ||
		    !strncmp(cfg.mounts[i].target, "/input/", 7)) {
			if (cfg.input_files)
				usage_error("--input-files: something else is bound at /input");
			cfg.warm_input = false;
		}
	if (cfg.input_files) {
		char err[512];

		if (cfg.mode != MODE_RUN || cfg.warm_fd >= 0)
			usage_error("--input-files: run only, and not with --warm-fd (a go "
				    "carries a warm jail's files)");
		if (input_load_dir(cfg.input_files, &cfg.inputs, &cfg.ninputs, err, sizeof(err)) <
		    0)
			usage_error("--input-files %s", err);
	}
	for (size_t i = 0; i < cfg.tools.n; i++)
		if (!cfg.tools.tools[i].command && cfg.relay_fd < 0)
			usage_error("tool %s has no command: the relay serves it, and there is no "
				    "--relay-fd",
				    cfg.tools.tools[i].name);

	if (cfg.json)
		run_report_setup_errors(&cfg);
	timing_mark("command line");
	run_load_policy(&cfg);
	timing_mark("policy parsed");
	apply_overrides(&cfg, &ov);
	limits_clamp_to_caller(&cfg.policy.limits);
	if (cfg.mode == MODE_RUN) {
		if (cfg.warm_fd < 0)
			program_read_code(&cfg, argc > optind ? argv[optind] : NULL);
		else
			cfg.code_name = xstrdup("<warm>");
		program_runner_argv(&cfg);
	}
	program_env(&cfg, ov.env, ov.nenv);
	cfg.uid_range_from_cli = ov.uid_count != 0;
	cfg.cpus_from_cli = ov.cpus_set && ov.cpu_millis;
	timing_mark("program and environment");
	r = run_jail(&cfg);
	config_free(&cfg, &ov);
	return r;
}
