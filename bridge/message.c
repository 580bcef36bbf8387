/* message.c - bridge messages (see message.h). */
#define _GNU_SOURCE
#include "bridge/message.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl_gen.h>

#include "jail/util.h"

static int gstr(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0
											     : -1;
}

static int gstrn(yajl_gen g, const char *s, size_t n)
{
	return yajl_gen_string(g, (const unsigned char *)s, n) == yajl_gen_status_ok ? 0 : -1;
}

/* Take the generated text and append the newline that frames it. */
static char *finish(yajl_gen g, size_t *len)
{
	const unsigned char *buf;
	size_t n;
	char *out = NULL;

	if (yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok) {
		out = malloc(n + 2);
		if (out) {
			memcpy(out, buf, n);
			out[n] = '\n';
			out[n + 1] = '\0';
			*len = n + 1;
		}
	}
	yajl_gen_free(g);
	return out;
}

static yajl_gen new_gen(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	/* Refuse to emit invalid UTF-8 rather than send a broken message. */
	if (g)
		yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	return g;
}

char *message_exec(const char *code, size_t code_len, const char *filename, size_t *len)
{
	yajl_gen g = new_gen();

	if (!g)
		return NULL;
	if (yajl_gen_map_open(g) != yajl_gen_status_ok || gstr(g, "op") || gstr(g, "exec") ||
	    gstr(g, "filename") || gstr(g, filename) || gstr(g, "code") ||
	    gstrn(g, code, code_len) || yajl_gen_map_close(g) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return NULL;
	}
	return finish(g, len);
}

char *message_protocol_error(const char *text, size_t *len)
{
	yajl_gen g = new_gen();
	size_t n;
	char *clean;
	int bad;

	if (!g)
		return NULL;
	clean = utf8_sanitize(text, strlen(text), &n);
	bad = yajl_gen_map_open(g) != yajl_gen_status_ok || gstr(g, "op") || gstr(g, "error") ||
	      gstr(g, "error") || gstrn(g, clean, n) || yajl_gen_map_close(g) != yajl_gen_status_ok;
	free(clean);
	if (bad) {
		yajl_gen_free(g);
		return NULL;
	}
	return finish(g, len);
}

int message_parse(const char *line, size_t len, struct json_node **root, const char **op,
		  char *why, size_t whylen)
{
	struct json_node *n = NULL;
	struct json_error e;
	const struct json_node *o;
	int r;

	*root = NULL;
	r = json_parse(line, len, MESSAGE_MAX_DEPTH, &n, &e);
	if (r == -ENOMEM) {
		(void)snprintf(why, whylen, "out of memory");
		return r;
	}
	if (r < 0) {
		(void)snprintf(why, whylen, "invalid JSON at column %u: %s", e.column, e.message);
		return -EINVAL;
	}
	if (n->type != JSON_OBJECT) {
		(void)snprintf(why, whylen, "a message must be a JSON object");
		json_free(n);
		return -EINVAL;
	}
	o = json_get(n, "op");
	if (!o || o->type != JSON_STRING) {
		(void)snprintf(why, whylen, "a message needs a string \"op\"");
		json_free(n);
		return -EINVAL;
	}
	*op = o->u.string.ptr;
	*root = n;
	return 0;
}

const char *message_string(const struct json_node *obj, const char *key, size_t *len)
{
	const struct json_node *v = json_get(obj, key);

	if (!v || v->type != JSON_STRING)
		return NULL;
	if (len)
		*len = v->u.string.len;
	return v->u.string.ptr;
}
