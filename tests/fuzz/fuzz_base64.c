/*
 * fuzz_base64.c - libFuzzer target for serve/base64.c: any bytes as a
 * client's input file. Decoding never writes past len / 4 * 3 bytes, and
 * whatever decodes encodes back to exactly the input (the decoder is strict:
 * one text per byte string); any bytes encode and decode back to themselves.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1), *enc;
	unsigned char *out = malloc(size / 4 * 3 + 1), *back;
	long n;

	if (!text || !out)
		abort();
	memcpy(text, data, size);
	n = base64_decode(text, size, out);
	if (n >= 0) {
		enc = malloc(base64_encoded_len((size_t)n) + 1);
		if (!enc)
			abort();
		base64_encode(out, (size_t)n, enc);
		if (strlen(enc) != size || memcmp(enc, text, size))
			abort(); /* a second text for the same bytes: not strict */
		free(enc);
	}
	/* the other way: bytes -> text -> the same bytes */
	enc = malloc(base64_encoded_len(size) + 1);
	back = malloc(size / 3 * 3 + 3);
	if (!enc || !back)
		abort();
	base64_encode(data, size, enc);
	n = base64_decode(enc, strlen(enc), back);
	if (n != (long)size || memcmp(back, data, size))
		abort();
	free(enc);
	free(back);
	free(text);
	free(out);
	return 0;
}
