/*
 * jsontext.c - the checks of string tokens that yajl does not make (see
 * jsontext.h): yajl accepts overlong UTF-8 and encoded surrogates, and
 * silently turns unpaired \u surrogates into '?'.
 */
#include "bridge/jsontext.h"

#include <stdlib.h>
#include <string.h>

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF. Returns true when s[0..n) is valid.
 */
bool json_utf8_strict(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t need;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return false;
		}
		if (n - i - 1 < need)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= need; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += need + 1;
	}
	return true;
}

static int hex4(const unsigned char *s, size_t n, size_t at)
{
	char h[5] = { 0 };

	if (n - at < 4)
		return -1;
	memcpy(h, s + at, 4);
	if (strspn(h, "0123456789abcdefABCDEF") != 4)
		return -1;
	return (int)strtol(h, NULL, 16);
}

/* Every \uD800-\uDBFF in the raw token must be followed by \uDC00-\uDFFF, and vice versa. */
bool json_surrogates_paired(const unsigned char *raw, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		int cp;

		if (raw[i] != '\\')
			continue;
		if (raw[i + 1] != 'u') {
			i++; /* skip the escaped character, which may be a backslash */
			continue;
		}
		cp = hex4(raw, n, i + 2);
		if (cp < 0)
			return false;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return false;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			int lo;

			if (n - (i + 6) < 2 || raw[i + 6] != '\\' || raw[i + 7] != 'u')
				return false;
			lo = hex4(raw, n, i + 8);
			if (lo < 0xdc00 || lo > 0xdfff)
				return false;
			i += 6;
		}
		i += 5;
	}
	return true;
}
