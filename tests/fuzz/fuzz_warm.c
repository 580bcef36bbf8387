/*
 * fuzz_warm.c - libFuzzer target for jail/warm.c's reading of the server's
 * go: any bytes on a warm jail's --warm-fd, fed through a socketpair in
 * pieces. The reader either takes one go within the policy's bounds, waits
 * for more, or refuses with a reason; it never accepts a go that loosens the
 * limits, carries a command tool, or names an input file that is not one
 * plain path component.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jail/warm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct limits l = { .timeout_ms = 30000, .memory_mib = 512, .max_message_bytes = 1 << 16 };
	struct warm w;
	int sv[2], r = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		abort();
	if (warm_init(&w, sv[0], l.max_message_bytes) < 0)
		abort();
	w.announced = true;
	if (size && write(sv[1], data, size) != (ssize_t)size)
		abort();
	(void)close(sv[1]);
	for (int i = 0; i < 4 && r == 0; i++)
		r = warm_readable(&w, &l);
	if (r == 1) {
		if (!w.go.code || w.go.timeout_ms == 0 || w.go.timeout_ms > l.timeout_ms ||
		    w.go.memory_mib < 16 || w.go.memory_mib > l.memory_mib)
			abort();
		if (w.go.tools_json && strstr(w.go.tools_json, "\"command\""))
			abort();
		/* input files: each name one plain component, never more files
		 * than a warm /input has inodes for */
		if (w.go.ninputs > WARM_INPUT_MAX_FILES)
			abort();
		for (size_t i = 0; i < w.go.ninputs; i++) {
			const char *n = w.go.inputs[i].name;

			if (!n || !n[0] || n[0] == '.' || strchr(n, '/') || strlen(n) > 255 ||
			    !warm_input_name(n, strlen(n)))
				abort();
		}
	} else if (r < 0 && !w.err[0]) {
		abort(); /* a refusal always says why */
	}
	warm_free(&w);
	(void)close(sv[0]);
	return 0;
}
