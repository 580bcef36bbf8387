/*
 * jsontext.h - strict checks of JSON string text, for json.c's parser.
 * Pure functions of their input.
 */
#ifndef ACTJAIL_JSONTEXT_H
#define ACTJAIL_JSONTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF. True when s[0..n) is valid. */
bool json_utf8_strict(const unsigned char *s, size_t n);

/* In the raw text of a string token (between its quotes), every \uD800 to
 * \uDBFF is followed by \uDC00 to \uDFFF, and no low surrogate stands
 * alone; a malformed \u escape is false too. */
bool json_surrogates_paired(const unsigned char *raw, size_t n);

#endif
