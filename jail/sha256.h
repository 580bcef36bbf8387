/*
 * sha256.h - SHA-256 (FIPS 180-4), for the digests of captured files and of
 * policies in the run record. Pure computation: never fails, never exits.
 */
#ifndef ACTJAIL_SHA256_H
#define ACTJAIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256_ctx {
	uint32_t state[8];
	uint64_t bytes; /* total message length so far */
	unsigned char block[64];
	size_t used; /* bytes of block filled */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, unsigned char out[32]);

/* Lower-case hex of out[32] into hex[65] (NUL-terminated). */
void sha256_to_hex(const unsigned char digest[32], char hex[65]);

/* One-shot digest as lower-case hex. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
