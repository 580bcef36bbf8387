/*
 * fuzz_netaddr.c - libFuzzer target for jail/netaddr.c: any bytes, as the
 * jail may leave them where connect's or sendto's address points. The first
 * byte picks the output buffer's size (1..64); an address off the loopback
 * must come out terminated, within the buffer, as "a.b.c.d:port" or
 * "[v6]:port" (or a prefix of it when the buffer is short).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jail/netaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[65];
	size_t outlen;
	uint8_t *copy;

	if (size < 1)
		return 0;
	outlen = (size_t)(data[0] % 64) + 1;
	/* an exact-size heap copy, so that ASan sees any read past the end */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	memset(out, 'X', sizeof(out));
	if (netaddr_off_loopback(copy, size - 1, out, outlen)) {
		size_t n = strnlen(out, outlen);

		if (n == outlen || out[outlen] != 'X')
			abort(); /* unterminated, or written past the buffer */
		if (n && out[0] != '[' && (out[0] < '0' || out[0] > '9'))
			abort();
	}
	free(copy);
	return 0;
}
