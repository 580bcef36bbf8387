/* config.c - `actjail serve` options, and the operator's policy and tools
 * (see server.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/config.h"
#include "jail/util.h"
#include "serve/server.h"

enum {
	O_SOCKET = 256,
	O_SOCKET_MODE,
	O_SOCKET_GROUP,
	O_ALLOW_UID,
	O_ALLOW_GID,
	O_POLICY,
	O_TOOLS,
	O_CONCURRENCY,
	O_QUEUE,
	O_POOL,
	O_MAX_REQUEST,
	O_MAX_CONN,
	O_IDLE,
	O_GRACE,
	O_HELP,
};

static const struct option options[] = {
	{ "socket", required_argument, NULL, O_SOCKET },
	{ "socket-mode", required_argument, NULL, O_SOCKET_MODE },
	{ "socket-group", required_argument, NULL, O_SOCKET_GROUP },
	{ "allow-uid", required_argument, NULL, O_ALLOW_UID },
	{ "allow-gid", required_argument, NULL, O_ALLOW_GID },
	{ "policy", required_argument, NULL, O_POLICY },
	{ "tools", required_argument, NULL, O_TOOLS },
	{ "concurrency", required_argument, NULL, O_CONCURRENCY },
	{ "queue", required_argument, NULL, O_QUEUE },
	{ "pool", required_argument, NULL, O_POOL },
	{ "max-request-bytes", required_argument, NULL, O_MAX_REQUEST },
	{ "max-connections", required_argument, NULL, O_MAX_CONN },
	{ "idle-timeout", required_argument, NULL, O_IDLE },
	{ "grace", required_argument, NULL, O_GRACE },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
	"usage: actjail serve --socket PATH [OPTIONS]\n"
	"  --socket PATH           the Unix socket to listen on (or systemd's LISTEN_FDS)\n"
	"  --socket-mode MODE      its permissions, octal (default 0660)\n"
	"  --socket-group GROUP    its group (name or number)\n"
	"  --allow-uid UID         accept clients of this uid (repeatable)\n"
	"  --allow-gid GID         accept clients of this gid (repeatable)\n"
	"  --policy FILE           the server's policy: requests may tighten it, never loosen it\n"
	"  --tools FILE            command tools every execution may call (operator's manifest)\n"
	"  --concurrency N         jails running at once (default: the number of CPUs)\n"
	"  --queue N               requests waiting beyond those (default 64; past it: busy)\n"
	"  --pool N                warm jails kept ready (default 0)\n"
	"  --max-request-bytes N   longest request line (default 64 MiB)\n"
	"  --max-connections N     clients at once (default 1024)\n"
	"  --idle-timeout SECONDS  a client that stops mid-line is dropped (default 30)\n"
	"  --grace SECONDS         on SIGTERM, how long running executions may finish (default 30)\n";

__attribute__((format(printf, 1, 2))) static _Noreturn void serve_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "actjail serve: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage_text);
	exit(2);
}

static uint64_t number(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v) < 0) {
		fprintf(stderr,
			"actjail serve: %s: expected a number from %llu to %llu, got '%s'\n", opt,
			(unsigned long long)min, (unsigned long long)max, s);
		exit(2);
	}
	return v;
}

static uint64_t seconds(const char *opt, const char *s, uint64_t max_ms)
{
	uint64_t v;

	if (parse_seconds_ms(s, 1, max_ms, &v) < 0) {
		fprintf(stderr, "actjail serve: %s: expected seconds, got '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

/* A group's id by name from /etc/group: the launcher is linked statically,
 * without NSS. 0 or -ENOENT. */
static int group_by_name(const char *name, gid_t *gid)
{
	FILE *f = fopen("/etc/group", "re");
	char line[4096];
	size_t n = strlen(name);
	int r = -ENOENT;

	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char *p;
		uint64_t v;

		if (strncmp(line, name, n) != 0 || line[n] != ':')
			continue;
		p = strchr(line + n + 1, ':');
		if (!p)
			continue;
		*strchrnul(p + 1, ':') = '\0';
		if (parse_u64(p + 1, 0, UINT32_MAX - 1, &v) == 0) {
			*gid = (gid_t)v;
			r = 0;
		}
		break;
	}
	fclose(f);
	return r;
}

int serve_parse_options(int argc, char **argv, struct serve_config *cfg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	cfg->socket_mode = 0660;
	cfg->concurrency = ncpu > 0 ? (unsigned)ncpu : 1;
	cfg->queue = 64;
	cfg->max_request_bytes = 64u << 20;
	cfg->max_connections = 1024;
	cfg->idle_timeout_ms = 30000;
	cfg->grace_ms = 30000;
	cfg->setup_timeout_ms = 30000;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_SOCKET:
			cfg->socket_path = optarg;
			break;
		case O_SOCKET_MODE: {
			char *end;
			unsigned long m = strtoul(optarg, &end, 8);

			if (!*optarg || *end || m > 0777)
				serve_usage("--socket-mode: expected octal permissions, got '%s'",
					    optarg);
			cfg->socket_mode = (unsigned)m;
			break;
		}
		case O_SOCKET_GROUP: {
			uint64_t v;

			if (group_by_name(optarg, &cfg->socket_group) == 0)
				;
			else if (parse_u64(optarg, 0, UINT32_MAX - 1, &v) == 0)
				cfg->socket_group = (gid_t)v;
			else
				serve_usage("--socket-group: no group '%s'", optarg);
			cfg->socket_group_set = true;
			break;
		}
		case O_ALLOW_UID:
			cfg->allow_uid =
				xrealloc(cfg->allow_uid, (cfg->n_allow_uid + 1) * sizeof(uid_t));
			cfg->allow_uid[cfg->n_allow_uid++] =
				(uid_t)number("--allow-uid", optarg, 0, UINT32_MAX - 1);
			break;
		case O_ALLOW_GID:
			cfg->allow_gid =
				xrealloc(cfg->allow_gid, (cfg->n_allow_gid + 1) * sizeof(gid_t));
			cfg->allow_gid[cfg->n_allow_gid++] =
				(gid_t)number("--allow-gid", optarg, 0, UINT32_MAX - 1);
			break;
		case O_POLICY:
			cfg->policy_path = optarg;
			break;
		case O_TOOLS:
			cfg->tools_path = optarg;
			break;
		case O_CONCURRENCY:
			cfg->concurrency = (unsigned)number("--concurrency", optarg, 1, 1024);
			break;
		case O_QUEUE:
			cfg->queue = (unsigned)number("--queue", optarg, 0, 65536);
			break;
		case O_POOL:
			cfg->pool = (unsigned)number("--pool", optarg, 0, 1024);
			break;
		case O_MAX_REQUEST:
			cfg->max_request_bytes =
				(size_t)number("--max-request-bytes", optarg, 1024, 1u << 30);
			break;
		case O_MAX_CONN:
			cfg->max_connections =
				(unsigned)number("--max-connections", optarg, 1, 65536);
			break;
		case O_IDLE:
			cfg->idle_timeout_ms = seconds("--idle-timeout", optarg, 86400000);
			break;
		case O_GRACE:
			cfg->grace_ms = seconds("--grace", optarg, 86400000);
			break;
		case O_HELP:
			fputs(usage_text, stdout);
			exit(0);
		default:
			fprintf(stderr, "%s", usage_text);
			exit(2);
		}
	}
	if (optind < argc)
		serve_usage("unexpected argument '%s'", argv[optind]);
	if (!cfg->socket_path && !getenv("LISTEN_FDS"))
		serve_usage("%s", "--socket PATH is required (or socket activation: LISTEN_FDS)");
	return 0;
}

/* A private copy of text in workdir, for the workers: 0600, whole. */
static int snapshot(const char *workdir, const char *name, unsigned gen, const char *text,
		    size_t len, char *out, size_t outlen)
{
	int fd, r;

	if ((size_t)snprintf(out, outlen, "%s/%s-%u.json", workdir, name, gen) >= outlen)
		return -ENAMETOOLONG;
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, len);
	if (close(fd) < 0 && !r)
		r = -errno;
	if (r < 0)
		(void)unlink(out);
	return r;
}

static int read_file(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = read_all_fd(fd, 4u << 20, text, len);
	(void)close(fd);
	return r;
}

struct serve_policy *serve_policy_load(const struct serve_config *cfg, const char *workdir,
				       unsigned generation, char *err, size_t errlen)
{
	struct serve_policy *p = xcalloc(1, sizeof(*p));
	_cleanup_free_ char *text = NULL, *ttext = NULL;
	const char *ptext = actjail_default_policy;
	size_t len = actjail_default_policy_len, tlen = 0;
	int r;

	p->generation = generation;
	if (cfg->policy_path) {
		r = read_file(cfg->policy_path, &text, &len);
		if (r < 0) {
			(void)snprintf(err, errlen, "--policy %s: %s", cfg->policy_path,
				       strerror(-r));
			goto fail;
		}
		ptext = text;
	}
	r = policy_parse(ptext, len, cfg->policy_path ? cfg->policy_path : "default.json",
			 &p->policy, err, errlen);
	if (r < 0)
		goto fail;
	r = snapshot(workdir, "policy", generation, ptext, len, p->policy_file,
		     sizeof(p->policy_file));
	if (r < 0) {
		(void)snprintf(err, errlen, "policy snapshot in %s: %s", workdir, strerror(-r));
		goto fail;
	}
	if (cfg->tools_path) {
		_cleanup_free_ char *dir = xstrdup(cfg->tools_path);
		char *slash = strrchr(dir, '/');

		r = read_file(cfg->tools_path, &ttext, &tlen);
		if (r < 0) {
			(void)snprintf(err, errlen, "--tools %s: %s", cfg->tools_path,
				       strerror(-r));
			goto fail;
		}
		if (slash)
			*slash = '\0';
		r = toolset_load_manifest(&p->tools, ttext, tlen, cfg->tools_path,
					  slash ? dir : ".", err, errlen);
		if (r < 0)
			goto fail;
		/* the workers read the manifest itself: its relative commands
		 * run in its own directory (docs/serve.md, SIGHUP) */
		(void)snprintf(p->tools_file, sizeof(p->tools_file), "%s", cfg->tools_path);
	}
	return p;
fail:
	serve_policy_free(p);
	return NULL;
}

void serve_policy_free(struct serve_policy *p)
{
	if (!p)
		return;
	if (p->policy_file[0])
		(void)unlink(p->policy_file);
	policy_free(&p->policy);
	toolset_free(&p->tools);
	free(p);
}
