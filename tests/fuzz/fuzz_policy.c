/*
 * fuzz_policy.c - libFuzzer target for policy/policy.c and the seccomp
 * compiler: any bytes in, a policy and a filter or a
 * "file:line:column: field: problem" message out.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "policy/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	scmp_filter_ctx ctx = NULL;
	char err[512];
	int r = policy_parse((const char *)data, size, "f.json", &p, err, sizeof(err));

	if (r) {
		if (r == -EINVAL && (strncmp(err, "f.json:", 7) != 0 || strchr(err, '\n')))
			abort();
		return 0;
	}
	if (strlen(p.sha256) != 64)
		abort();
	r = seccomp_compile(&p.seccomp, "f.json", &ctx, err, sizeof(err));
	if (r == 0)
		seccomp_release(ctx);
	else if (ctx != NULL || strncmp(err, "f.json", 6) != 0)
		abort();
	policy_free(&p);
	return 0;
}
