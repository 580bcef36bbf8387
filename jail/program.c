/*
 * program.c - what the jail runs (see program.h): for run, the code read
 * from FILE or stdin and the runner's bootstrap; for both, the clean
 * environment.
 */
#define _GNU_SOURCE
#include "jail/program.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail/log.h"
#include "jail/util.h"

/* python3 -c of run: load the runner's bytecode (built with this python3;
 * its magic number says so), or compile its source when python3 changed. */
static const char runner_bootstrap[] =
	"import sys\n"
	"d = '" JAIL_RUNNER_DIR "/'\n"
	"try:\n"
	"    with open(d + 'runner.pyc', 'rb') as f:\n"
	"        b = f.read()\n"
	"except OSError:\n"
	"    b = b''\n"
	"if b[:4] == sys.modules['_frozen_importlib_external'].MAGIC_NUMBER:\n"
	"    import marshal\n"
	"    exec(marshal.loads(b[16:]))\n"
	"else:\n"
	"    with open(d + 'runner.py') as f:\n"
	"        exec(compile(f.read(), '<actjail-runner>', 'exec'))\n";

void program_read_code(struct config *cfg, const char *file)
{
	size_t max = cfg->policy.limits.max_message_bytes;
	int fd = 0, r;

	cfg->code_name = xstrdup(file ? file : "-");
	if (file && strcmp(file, "-") != 0) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		/* out of descriptors or memory is the launcher's condition, not a
		 * bad FILE (log_hint names the limit) */
		if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOMEM))
			die("read program", errno, "%s", file);
		if (fd < 0)
			usage_error("%s: %s", file, strerror(errno));
	}
	/* The program travels as one bridge message; leave room for framing. */
	r = read_all_fd(fd, max > 4096 ? max - 4096 : max, &cfg->code, &cfg->code_len);
	if (fd != 0)
		(void)close(fd);
	if (r == -EFBIG)
		usage_error("%s: program larger than the bridge's message limit (%zu bytes)",
			    cfg->code_name, max);
	if (r == -ENOMEM)
		die("read program", ENOMEM, "%s", cfg->code_name);
	if (r < 0)
		usage_error("%s: %s", cfg->code_name, strerror(-r));
	if (!utf8_valid(cfg->code, cfg->code_len))
		usage_error("%s: the program is not valid UTF-8", cfg->code_name);
}

void program_runner_argv(struct config *cfg)
{
	if (access(JAIL_PYTHON, X_OK) < 0)
		die("python3", errno, "%s", JAIL_PYTHON);
	cfg->argv = xcalloc(6, sizeof(char *));
	cfg->argv[0] = xstrdup(JAIL_PYTHON);
	cfg->argv[1] = xstrdup("-I");
	cfg->argv[2] = xstrdup("-S");
	cfg->argv[3] = xstrdup("-c");
	cfg->argv[4] = (char *)runner_bootstrap;
}

void program_env(struct config *cfg, char *const *extra, size_t nextra)
{
	static const char *const base[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp",
					    "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1" };
	size_t cap = ARRAY_SIZE(base) + cfg->policy.nenv + nextra + 2, n = 0, i, k;
	char **env = xcalloc(cap, sizeof(char *));
	const char *term = getenv("TERM");

	/* later entries replace earlier ones of the same name */
	for (i = 0; i < ARRAY_SIZE(base) + cfg->policy.nenv + nextra + 1; i++) {
		char *e;
		size_t nl;

		if (i < ARRAY_SIZE(base)) {
			e = xstrdup(base[i]);
		} else if (i < ARRAY_SIZE(base) + cfg->policy.nenv) {
			const struct policy_env *pe = &cfg->policy.env[i - ARRAY_SIZE(base)];
			size_t len = strlen(pe->name) + strlen(pe->value) + 2;

			e = xmalloc(len);
			(void)snprintf(e, len, "%s=%s", pe->name, pe->value);
		} else if (i < ARRAY_SIZE(base) + cfg->policy.nenv + nextra) {
			e = xstrdup(extra[i - ARRAY_SIZE(base) - cfg->policy.nenv]);
		} else if (cfg->use_pty && term && strlen(term) < 64 && !strchr(term, '/')) {
			/* the terminal type is needed to drive the jail's pty */
			size_t len = strlen(term) + 6;

			e = xmalloc(len);
			(void)snprintf(e, len, "TERM=%s", term);
		} else {
			continue;
		}
		nl = (size_t)(strchr(e, '=') - e);
		for (k = 0; k < n; k++)
			if (!strncmp(env[k], e, nl + 1))
				break;
		if (k < n) {
			free(env[k]);
			env[k] = e;
		} else {
			env[n++] = e;
		}
	}
	env[n] = NULL;
	cfg->envp = env;
}

static void free_strv(char **v, const char *keep)
{
	for (size_t i = 0; v && v[i]; i++)
		if (v[i] != keep)
			free(v[i]);
	free(v);
}

void program_free(struct config *cfg)
{
	free(cfg->code);
	free((char *)cfg->code_name);
	free_strv(cfg->argv, runner_bootstrap);
	free_strv(cfg->envp, NULL);
	cfg->code = NULL;
	cfg->code_name = NULL;
	cfg->argv = cfg->envp = NULL;
}
