/*
 * msg.h - the server's protocol lines (docs/protocol.md, "The server"):
 * each is one JSON object and a newline, malloc'd, with its length in *len;
 * NULL when out of memory. Arguments named *_json are compact JSON text
 * the caller produced (message_encode), put in as they are.
 */
#ifndef ACTJAIL_MSG_H
#define ACTJAIL_MSG_H

#include <stddef.h>
#include <stdint.h>

/* {"op":"error","id":ID|null,"code":CODE,"error":TEXT} */
char *msg_error(const char *id_json, const char *code, const char *text, size_t *len);
/* {"op":"call","id":ID,"call_id":N,"tool":TOOL,"args":ARGS} */
char *msg_call(const char *id_json, const char *call_id_json, const char *tool,
	       const char *args_json, size_t *len);
/* {"op":"done","id":ID,"result":RESULT} */
char *msg_done(const char *id_json, const char *result_json, size_t *len);
/* A JSON string of s[0..n) (invalid UTF-8 becomes U+FFFD), without newline. */
char *msg_string(const char *s, size_t n);

#endif
