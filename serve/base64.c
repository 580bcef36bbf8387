/* base64.c - RFC 4648 base64 (see base64.h). */
#include "serve/base64.h"

#include <errno.h>
#include <stdbool.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void base64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long base64_decode(const char *in, size_t len, unsigned char *out)
{
	size_t i, o = 0;

	if (len % 4)
		return -EINVAL;
	for (i = 0; i < len; i += 4) {
		int a = value(in[i]), b = value(in[i + 1]), c, d;
		bool last = i + 4 == len;
		unsigned v;

		if (a < 0 || b < 0)
			return -EINVAL;
		if (last && in[i + 2] == '=' && in[i + 3] == '=') {
			if (b & 15) /* bits left over: not canonical */
				return -EINVAL;
			out[o++] = (unsigned char)(a << 2 | b >> 4);
			break;
		}
		c = value(in[i + 2]);
		if (c < 0)
			return -EINVAL;
		if (last && in[i + 3] == '=') {
			if (c & 3)
				return -EINVAL;
			v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6;
			out[o++] = (unsigned char)(v >> 16);
			out[o++] = (unsigned char)(v >> 8);
			break;
		}
		d = value(in[i + 3]);
		if (d < 0)
			return -EINVAL;
		v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	return (long)o;
}
