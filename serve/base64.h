/*
 * base64.h - RFC 4648 base64 (standard alphabet, padded), for the files a
 * server request carries into /input and a result carries out of /output.
 * Pure code: never exits, never prints.
 */
#ifndef ACTJAIL_BASE64_H
#define ACTJAIL_BASE64_H

#include <stddef.h>

/* Encoded length of n bytes (without a NUL). */
size_t base64_encoded_len(size_t n);
/* Encode n bytes into out (base64_encoded_len(n) + 1 bytes, NUL-terminated). */
void base64_encode(const unsigned char *in, size_t n, char *out);
/* Decode strictly: only the alphabet, padding only at the end, length a
 * multiple of 4, no bits left over. out must hold len / 4 * 3 bytes. The
 * decoded length, or -EINVAL. */
long base64_decode(const char *in, size_t len, unsigned char *out);

#endif
