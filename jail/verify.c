/* verify.c - the jail checks itself before the program runs (see verify.h). */
#define _GNU_SOURCE
#include "jail/verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail/limits.h"
#include "jail/log.h"

static FILE *open_or_die(const char *path)
{
	FILE *f = fopen(path, "re");

	if (!f)
		die("self-check", errno, "%s", path);
	return f;
}

/* The value after "Key:" in /proc/self/status, or die. */
static void status_field(const char *text, const char *key, char *out, size_t len)
{
	const char *p = strstr(text, key);
	size_t n;

	if (!p || (p != text && p[-1] != '\n'))
		die("self-check", 0, "no %s in /proc/self/status", key);
	p += strlen(key);
	p += strspn(p, " \t");
	n = strcspn(p, "\n");
	(void)snprintf(out, len, "%.*s", (int)n, p);
}

/* The value of key in a /proc/self/status text, or NULL. */
static const char *status_value(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	while (p && p != text && p[-1] != '\n')
		p = strstr(p + 1, key);
	return p ? p + strlen(key) + strspn(p + strlen(key), " \t") : NULL;
}

int verify_own_filters(void)
{
	char text[4096];
	const char *v;
	size_t n;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	v = status_value(text, "Seccomp_filters:");
	return v ? (int)strtol(v, NULL, 10) : -1;
}

/* Seccomp mode 2 with exactly one filter more than the launcher had (ours;
 * Seccomp_filters exists from Linux 5.9), no_new_privs, no capabilities. */
static void check_status(int inherited, int *filters)
{
	static const char *const caps[] = { "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:" };
	char text[4096], v[64];
	size_t n;
	FILE *f = open_or_die("/proc/self/status");

	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	status_field(text, "Seccomp:", v, sizeof(v));
	if (strcmp(v, "2") != 0)
		die("self-check", 0, "seccomp mode is %s, not 2 (filter)", v);
	*filters = -1;
	if (inherited >= 0 && status_value(text, "Seccomp_filters:")) {
		status_field(text, "Seccomp_filters:", v, sizeof(v));
		*filters = (int)strtol(v, NULL, 10);
		if (*filters != inherited + 1)
			die("self-check", 0, "%s seccomp filters, expected %d", v, inherited + 1);
	}
	status_field(text, "NoNewPrivs:", v, sizeof(v));
	if (strcmp(v, "1") != 0)
		die("self-check", 0, "no_new_privs is %s", v);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		status_field(text, caps[i], v, sizeof(v));
		if (strspn(v, "0") != strlen(v) || !*v)
			die("self-check", 0, "%s %s is not empty", caps[i], v);
	}
}

static void check_map(const char *path, unsigned inside, unsigned host)
{
	unsigned a, b, c;
	char extra[8];
	FILE *f = open_or_die(path);
	int n = fscanf(f, "%u %u %u %7s", &a, &b, &c, extra);

	fclose(f);
	if (n != 3 || a != inside || b != host || c != 1)
		die("self-check", 0, "%s is not \"%u %u 1\"", path, inside, host);
}

/* Whether the comma-separated opts hold the option opt. */
static bool has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = opts; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, opt, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* Fields 5 (mount point) and 6 (mount options) of a mountinfo line, cut in
 * place; false for a line without them. */
static bool mountinfo_fields(char *line, char **mpoint, char **opts)
{
	char *field[6], *save = NULL;

	for (int i = 0; i < 6; i++) {
		field[i] = strtok_r(i ? NULL : line, " \n", &save);
		if (!field[i])
			return false;
	}
	*mpoint = field[4];
	*opts = field[5];
	return true;
}

/* A caller's tree (--input, --mount) and every host mount below it:
 * read-only, nosuid, nodev; idmapped where the launcher made it so. */
static void check_input_mount(const struct config *cfg, const char *mpoint, const char *opts,
			      bool *seen)
{
	for (unsigned i = 0; i < cfg->nmounts; i++) {
		const struct input_mount *m = &cfg->mounts[i];
		size_t n = strlen(m->target);
		bool top = !strcmp(mpoint, m->target);

		if (!top && (strncmp(mpoint, m->target, n) != 0 || mpoint[n] != '/'))
			continue;
		if (!has_opt(opts, "ro") || !has_opt(opts, "nosuid") || !has_opt(opts, "nodev"))
			die("self-check", 0, "%s is not mounted ro,nosuid,nodev", mpoint);
		if (top && m->idmapped && !has_opt(opts, "idmapped"))
			die("self-check", 0, "%s is not idmapped", mpoint);
		if (top)
			seen[i] = true;
	}
}

/* Every mount nosuid, and read-only but for the scratch ones, /proc, the
 * jail's own terminal (/dev/tty, /dev/console) and its devpts (noexec);
 * every caller's tree there. Returns how many mounts there are. */
static unsigned check_mounts(const struct config *cfg, unsigned *writable)
{
	bool seen[CONFIG_MAX_MOUNTS] = { false };
	char *line = NULL, *mpoint, *opts;
	size_t cap = 0;
	unsigned n = 0;
	FILE *f = open_or_die("/proc/self/mountinfo");

	*writable = 0;
	/* getline: a host path in a line (a bind's root) may be long */
	while (getline(&line, &cap, f) > 0) {
		/* the filesystem type follows " - ", after the fields cut below */
		const char *sep = strstr(line, " - ");
		bool devpts = sep && !strncmp(sep, " - devpts ", 10);
		bool ro, rw_ok;

		if (!mountinfo_fields(line, &mpoint, &opts))
			continue;
		n++;
		check_input_mount(cfg, mpoint, opts, seen);
		ro = has_opt(opts, "ro");
		rw_ok = !strcmp(mpoint, "/tmp") || !strcmp(mpoint, "/dev/shm") ||
			!strcmp(mpoint, "/output") || !strcmp(mpoint, "/proc") ||
			!strcmp(mpoint, "/dev/tty") || !strcmp(mpoint, "/dev/console") ||
			(!strcmp(mpoint, "/dev/pts") && devpts && has_opt(opts, "noexec"));
		if (!ro && !rw_ok)
			die("self-check", 0, "%s is mounted read-write", mpoint);
		if (!has_opt(opts, "nosuid"))
			die("self-check", 0, "%s is mounted without nosuid", mpoint);
		if (!ro)
			(*writable)++;
	}
	free(line);
	fclose(f);
	for (unsigned i = 0; i < cfg->nmounts; i++)
		if (!seen[i])
			die("self-check", 0, "%s is not mounted", cfg->mounts[i].target);
	return n;
}

/* Only lo, and up. */
static void check_net(void)
{
	char line[512];
	unsigned n = 0;
	FILE *f = open_or_die("/proc/net/dev");

	while (fgets(line, sizeof(line), f)) {
		char name[64];

		if (!strchr(line, ':') || sscanf(line, " %63[^:]:", name) != 1)
			continue;
		n++;
		if (strcmp(name, "lo") != 0) {
			fclose(f);
			die("self-check", 0, "network interface %s in the jail", name);
		}
	}
	fclose(f);
	if (n != 1)
		die("self-check", 0, "expected lo alone, found %u interfaces", n);
}

/* The user namespace's caps (limits.c), as the program will read them in
 * /proc/sys/user: " ucounts.NAME=VALUE" each, "absent" where this kernel
 * has no such limit. Appended to out (of len bytes, holding used). */
static size_t check_ucounts(char *out, size_t len, size_t used)
{
	for (size_t i = 0; i < limits_nucounts; i++) {
		const struct limits_ucount *u = &limits_ucounts[i];
		int v = limits_read_ucount(u->name), n;

		if (v < 0 && v != -ENOENT)
			die("self-check", -v, "/proc/sys/user/max_%s", u->name);
		if (v >= 0 && v != u->value)
			die("self-check", 0, "/proc/sys/user/max_%s is %d, not %d", u->name, v,
			    u->value);
		if (v >= 0)
			n = snprintf(out + used, len - used, " ucounts.%s=%d", u->name, v);
		else
			n = snprintf(out + used, len - used, " ucounts.%s=absent", u->name);
		if (n < 0 || (size_t)n >= len - used)
			die("self-check", E2BIG, "the record does not fit");
		used += (size_t)n;
	}
	return used;
}

void verify_child_or_die(const struct config *cfg, int landlock_abi, char *record, size_t len)
{
	unsigned mounts, writable;
	int filters, n;

	check_status(cfg->inherited_filters, &filters);
	check_map("/proc/self/uid_map", JAIL_UID, (unsigned)cfg->host_uid);
	check_map("/proc/self/gid_map", JAIL_GID, (unsigned)cfg->host_gid);
	mounts = check_mounts(cfg, &writable);
	check_net();
	if (cfg->policy.landlock == POLICY_LANDLOCK_REQUIRED && landlock_abi < 1)
		die("self-check", 0, "Landlock required and not applied");
	n = snprintf(record, len,
		     "seccomp=filter seccomp_filters=%d no_new_privs=1 capabilities=none "
		     "uid_map=%u:%u gid_map=%u:%u mounts=%u writable_mounts=%u network=lo "
		     "landlock_abi=%d",
		     filters, JAIL_UID, (unsigned)cfg->host_uid, JAIL_GID, (unsigned)cfg->host_gid,
		     mounts, writable, landlock_abi);
	if (n < 0 || (size_t)n >= len)
		die("self-check", E2BIG, "the record does not fit");
	(void)check_ucounts(record, len, (size_t)n);
}
