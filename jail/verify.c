/* verify.c - the jail checks itself before the program runs (see verify.h). */
#define _GNU_SOURCE
#include "jail/verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Every mount nosuid, and read-only but for the scratch ones, /proc, the
 * jail's own terminal (/dev/tty, /dev/console) and its devpts (noexec).
 * Returns how many mounts there are. */
static unsigned check_mounts(unsigned *writable)
{
	char line[1024];
	unsigned n = 0;
	FILE *f = open_or_die("/proc/self/mountinfo");

	*writable = 0;
	while (fgets(line, sizeof(line), f)) {
		char mpoint[512], opts[256];
		const char *fstype;
		bool ro, rw_ok;

		if (sscanf(line, "%*s %*s %*s %*s %511s %255s", mpoint, opts) != 2)
			continue;
		n++;
		ro = !strncmp(opts, "ro,", 3) || !strcmp(opts, "ro");
		fstype = strstr(line, " - ");
		rw_ok = !strcmp(mpoint, "/tmp") || !strcmp(mpoint, "/dev/shm") ||
			!strcmp(mpoint, "/output") || !strcmp(mpoint, "/proc") ||
			!strcmp(mpoint, "/dev/tty") || !strcmp(mpoint, "/dev/console") ||
			(!strcmp(mpoint, "/dev/pts") && fstype &&
			 !strncmp(fstype, " - devpts ", 10) && strstr(opts, "noexec"));
		if (!ro && !rw_ok) {
			fclose(f);
			die("self-check", 0, "%s is mounted read-write", mpoint);
		}
		if (!strstr(opts, "nosuid")) {
			fclose(f);
			die("self-check", 0, "%s is mounted without nosuid", mpoint);
		}
		if (!ro)
			(*writable)++;
	}
	fclose(f);
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

void verify_child_or_die(const struct config *cfg, int landlock_abi, char *record, size_t len)
{
	unsigned mounts, writable;
	int filters;

	check_status(cfg->inherited_filters, &filters);
	check_map("/proc/self/uid_map", JAIL_UID, (unsigned)cfg->host_uid);
	check_map("/proc/self/gid_map", JAIL_GID, (unsigned)cfg->host_gid);
	mounts = check_mounts(&writable);
	check_net();
	if (cfg->policy.landlock == POLICY_LANDLOCK_REQUIRED && landlock_abi < 1)
		die("self-check", 0, "Landlock required and not applied");
	(void)snprintf(record, len,
		       "seccomp=filter seccomp_filters=%d no_new_privs=1 capabilities=none "
		       "uid_map=%u:%u gid_map=%u:%u mounts=%u writable_mounts=%u network=lo "
		       "landlock_abi=%d",
		       filters, JAIL_UID, (unsigned)cfg->host_uid, JAIL_GID, (unsigned)cfg->host_gid, mounts,
		       writable, landlock_abi);
}
