/*
 * json.c - JSON tree with positions, built from yajl's callback parser.
 *
 * yajl does the lexing and the grammar; this file builds nodes, records
 * where each value starts, bounds nesting, refuses duplicate keys and
 * re-validates strings more strictly than yajl does (yajl accepts overlong
 * UTF-8, encoded surrogates and unpaired \u surrogates, which it silently
 * turns into '?').
 *
 * Positions: the whole input goes to yajl in one yajl_parse() call, so
 * yajl_get_bytes_consumed() inside a callback is the absolute offset just
 * after the current token. The token itself starts at the first byte after
 * the previous token that is neither white space nor ',' or ':' (the only
 * tokens that have no callback). The one exception is a number that ends
 * the input: yajl only sees its end when yajl_complete_parse() feeds a
 * single space, so offsets during that call are clamped to the input end.
 */
#define _GNU_SOURCE /* strtod_l */
#include "bridge/json.h"
#include "bridge/jsontext.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* Recursion in json_free() follows nesting, so the caller's bound is capped. */
#define JSON_DEPTH_CAP 1024

struct frame {
	struct json_node *node;
	size_t cap;
	size_t *key_offs; /* objects: offset of each key, for duplicate errors */
	bool have_key;	  /* objects: keys[len] is set, its value not yet */
};

struct parser {
	const unsigned char *buf;
	size_t len;
	size_t prev_end; /* offset just after the previous token */
	size_t cur_off;	 /* position() cursor: cur_off is at cur_line:cur_col */
	unsigned cur_line, cur_col;
	bool finishing; /* inside yajl_complete_parse() */
	yajl_handle h;
	struct json_node *root;
	struct frame *stack;
	size_t depth, stack_cap;
	unsigned max_depth;
	size_t nodes, max_nodes;
	int error; /* set by a callback that cancels: -EINVAL or -ENOMEM */
	size_t err_off;
	char msg[sizeof(((struct json_error *)0)->message)];
};

__attribute__((format(printf, 4, 5))) static void set_error(struct parser *p, int error, size_t off,
							    const char *fmt, ...)
{
	va_list ap;

	p->error = error;
	p->err_off = off;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

static bool is_separator(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	       c == ',' || c == ':';
}

static size_t token_end(const struct parser *p)
{
	size_t end = p->finishing ? p->len : yajl_get_bytes_consumed(p->h);

	return end > p->len ? p->len : end;
}

/* Start offset of the token yajl just reported; advances prev_end past it. */
static size_t token_begin(struct parser *p)
{
	size_t i = p->prev_end;

	while (i < p->len && is_separator(p->buf[i]))
		i++;
	p->prev_end = token_end(p);
	return i;
}

/*
 * Line and column (1-based; columns count characters, not UTF-8
 * continuation bytes) of an offset. Value offsets only grow, so a cursor
 * makes the whole parse linear; an earlier offset (only an error's) rescans.
 */
static void position(struct parser *p, size_t off, unsigned *line, unsigned *column)
{
	if (off > p->len)
		off = p->len;
	if (off < p->cur_off) {
		p->cur_off = 0;
		p->cur_line = 1;
		p->cur_col = 1;
	}
	for (; p->cur_off < off; p->cur_off++) {
		if (p->buf[p->cur_off] == '\n') {
			p->cur_line += p->cur_line < UINT32_MAX;
			p->cur_col = 1;
		} else if ((p->buf[p->cur_off] & 0xc0) != 0x80) {
			p->cur_col += p->cur_col < UINT32_MAX;
		}
	}
	*line = p->cur_line;
	*column = p->cur_col;
}

/* Validate a string token; start is the offset of its opening quote. */
static bool string_ok(struct parser *p, size_t start, const unsigned char *s, size_t n)
{
	size_t end = p->prev_end;

	if (start + 2 <= end && !json_surrogates_paired(p->buf + start + 1, end - start - 2)) {
		set_error(p, -EINVAL, start, "unpaired UTF-16 surrogate in \\u escape");
		return false;
	}
	if (!json_utf8_strict(s, n)) {
		set_error(p, -EINVAL, start, "invalid UTF-8 in string");
		return false;
	}
	return true;
}

static char *copy_bytes(const void *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		if (n)
			memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Grow *arr (of elem-sized items, capacity *cap) to hold at least want items. */
static int grow(void **arr, size_t *cap, size_t want, size_t elem)
{
	size_t ncap = *cap ? *cap : 4;
	void *n;

	if (want <= *cap)
		return 0;
	while (ncap < want) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -ENOMEM;
		ncap *= 2;
	}
	n = realloc(*arr, ncap * elem);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

/* Object members live in three parallel arrays that grow together. */
static int grow_object(struct frame *f)
{
	struct json_node *o = f->node;
	size_t want = o->u.object.len + 1, cap;
	int r;

	if (want <= f->cap)
		return 0;
	cap = f->cap;
	r = grow((void **)&o->u.object.keys, &cap, want, sizeof(char *));
	cap = f->cap;
	if (!r)
		r = grow((void **)&o->u.object.key_lens, &cap, want, sizeof(size_t));
	cap = f->cap;
	if (!r)
		r = grow((void **)&o->u.object.values, &cap, want, sizeof(struct json_node *));
	cap = f->cap;
	if (!r)
		r = grow((void **)&f->key_offs, &cap, want, sizeof(size_t));
	if (!r)
		f->cap = cap;
	return r;
}

/* Allocate a node of type t at offset start and hang it into the tree. */
static struct json_node *add_node(struct parser *p, enum json_type t, size_t start)
{
	struct json_node *n;
	struct frame *f;

	if (p->nodes >= p->max_nodes) {
		set_error(p, -EINVAL, start, "more than %zu values", p->max_nodes);
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		set_error(p, -ENOMEM, start, "out of memory");
		return NULL;
	}
	p->nodes++;
	n->type = t;
	position(p, start, &n->line, &n->column);
	if (p->depth == 0) {
		p->root = n;
		return n;
	}
	f = &p->stack[p->depth - 1];
	if (f->node->type == JSON_ARRAY) {
		struct json_node *a = f->node;

		if (grow((void **)&a->u.array.items, &f->cap, a->u.array.len + 1,
			 sizeof(struct json_node *))) {
			free(n);
			set_error(p, -ENOMEM, start, "out of memory");
			return NULL;
		}
		a->u.array.items[a->u.array.len++] = n;
	} else {
		/* yajl only calls a value callback in an object after a key */
		f->node->u.object.values[f->node->u.object.len++] = n;
		f->have_key = false;
	}
	return n;
}

static int cb_null(void *ctx)
{
	struct parser *p = ctx;

	return add_node(p, JSON_NULL, token_begin(p)) != NULL;
}

static int cb_boolean(void *ctx, int v)
{
	struct parser *p = ctx;
	struct json_node *n = add_node(p, JSON_BOOL, token_begin(p));

	if (n)
		n->u.boolean = v != 0;
	return n != NULL;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	struct parser *p = ctx;
	size_t start = token_begin(p);
	char *text = copy_bytes(s, len);
	struct json_node *n;

	if (!text) {
		set_error(p, -ENOMEM, start, "out of memory");
		return 0;
	}
	n = add_node(p, JSON_NUMBER, start);
	if (!n) {
		free(text);
		return 0;
	}
	n->u.number.text = text;
	return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	size_t start = token_begin(p);
	struct json_node *n;
	char *text;

	if (!string_ok(p, start, s, len))
		return 0;
	text = copy_bytes(s, len);
	if (!text) {
		set_error(p, -ENOMEM, start, "out of memory");
		return 0;
	}
	n = add_node(p, JSON_STRING, start);
	if (!n) {
		free(text);
		return 0;
	}
	n->u.string.ptr = text;
	n->u.string.len = len;
	return 1;
}

static int open_container(struct parser *p, enum json_type t)
{
	size_t start = token_begin(p);
	struct json_node *n;

	if (p->depth >= p->max_depth) {
		set_error(p, -EINVAL, start, "nesting deeper than %u", p->max_depth);
		return 0;
	}
	if (grow((void **)&p->stack, &p->stack_cap, p->depth + 1, sizeof(*p->stack))) {
		set_error(p, -ENOMEM, start, "out of memory");
		return 0;
	}
	n = add_node(p, t, start);
	if (!n)
		return 0;
	p->stack[p->depth++] = (struct frame){ .node = n };
	return 1;
}

static int cb_start_map(void *ctx)
{
	return open_container(ctx, JSON_OBJECT);
}

static int cb_start_array(void *ctx)
{
	return open_container(ctx, JSON_ARRAY);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	size_t start = token_begin(p);
	struct frame *f = &p->stack[p->depth - 1];
	struct json_node *o = f->node;
	char *key;

	if (!string_ok(p, start, s, len))
		return 0;
	if (grow_object(f)) {
		set_error(p, -ENOMEM, start, "out of memory");
		return 0;
	}
	key = copy_bytes(s, len);
	if (!key) {
		set_error(p, -ENOMEM, start, "out of memory");
		return 0;
	}
	o->u.object.keys[o->u.object.len] = key;
	o->u.object.key_lens[o->u.object.len] = len;
	f->key_offs[o->u.object.len] = start;
	f->have_key = true;
	return 1;
}

struct key_ref {
	const char *key;
	size_t len;
	size_t off;
};

static int key_ref_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = n ? memcmp(x->key, y->key, n) : 0;

	if (r)
		return r;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Print a key for a message: printable ASCII as is, the rest escaped, long keys cut. */
static void quote_key(char *out, size_t outlen, const char *key, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < outlen; i++) {
		unsigned char c = (unsigned char)key[i];

		if (o >= 40) {
			o += (size_t)snprintf(out + o, outlen - o, "...");
			break;
		}
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, outlen - o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

/* Sort the keys of a finished object and report the first repeated one. */
static int check_duplicates(struct parser *p, const struct frame *f)
{
	const struct json_node *o = f->node;
	size_t n = o->u.object.len, dup = SIZE_MAX;
	struct key_ref *refs;
	char shown[64];

	if (n < 2)
		return 1;
	refs = calloc(n, sizeof(*refs));
	if (!refs) {
		set_error(p, -ENOMEM, p->prev_end, "out of memory");
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		refs[i] = (struct key_ref){ o->u.object.keys[i], o->u.object.key_lens[i],
					    f->key_offs[i] };
	qsort(refs, n, sizeof(*refs), key_ref_cmp);
	for (size_t i = 1; i < n; i++) {
		if (refs[i].len == refs[i - 1].len &&
		    (refs[i].len == 0 || memcmp(refs[i].key, refs[i - 1].key, refs[i].len) == 0) &&
		    (dup == SIZE_MAX || refs[i].off < refs[dup].off))
			dup = i;
	}
	if (dup != SIZE_MAX) {
		quote_key(shown, sizeof(shown), refs[dup].key, refs[dup].len);
		set_error(p, -EINVAL, refs[dup].off, "duplicate key \"%s\"", shown);
	}
	free(refs);
	return dup == SIZE_MAX;
}

/* yajl_end_map and yajl_end_array */
static int close_container(void *ctx)
{
	struct parser *p = ctx;
	struct frame *f = &p->stack[p->depth - 1];
	int ok = 1;

	token_begin(p);
	if (f->node->type == JSON_OBJECT)
		ok = check_duplicates(p, f);
	free(f->key_offs);
	p->depth--;
	return ok;
}

static const yajl_callbacks callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_number = cb_number, /* raw text: no precision lost, no overflow */
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = close_container,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = close_container,
};

/* yajl's own message ("lexical error: invalid char in json text.\n") made one short line. */
static void yajl_message(struct parser *p, char *out, size_t outlen)
{
	static const struct {
		const char *yajl, *ours;
	} map[] = {
		{ "invalid char in json text", "unexpected character" },
		{ "premature EOF", "unexpected end of input" },
		{ "invalid bytes in UTF8 string", "invalid UTF-8 in string" },
		{ "unallowed token at this point in JSON text", "unexpected token" },
	};
	unsigned char *s = yajl_get_error(p->h, 0, p->buf, p->len);
	const char *m = s ? (const char *)s : "malformed JSON";
	const char *colon = strstr(m, "error: ");
	size_t n;

	if (colon)
		m = colon + strlen("error: ");
	n = strcspn(m, "\n");
	while (n && m[n - 1] == '.')
		n--;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strlen(map[i].yajl) == n && memcmp(map[i].yajl, m, n) == 0) {
			m = map[i].ours;
			n = strlen(m);
			break;
		}
	}
	snprintf(out, outlen, "%.*s", (int)n, m);
	if (s)
		yajl_free_error(p->h, s);
}

/*
 * Where a yajl error lies: yajl stops just after the offending byte or
 * token, so take the earlier of that byte and the first byte of the token
 * after the last good one. During yajl_complete_parse() (whose offsets
 * refer to the single " " it parses) the error is at the end of input.
 */
static size_t error_offset(struct parser *p)
{
	size_t off = yajl_get_bytes_consumed(p->h), scan = p->prev_end;

	if (p->finishing)
		return p->len;
	off = off ? off - 1 : 0;
	while (scan < p->len && is_separator(p->buf[scan]))
		scan++;
	return scan < off ? scan : off;
}

static bool all_space(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
			return false;
	return true;
}

static void parser_cleanup(struct parser *p)
{
	for (size_t i = 0; i < p->depth; i++) {
		struct frame *f = &p->stack[i];

		if (f->node->type == JSON_OBJECT && f->have_key)
			free(f->node->u.object.keys[f->node->u.object.len]);
		free(f->key_offs);
	}
	free(p->stack);
	if (p->h)
		yajl_free(p->h);
}

int json_parse(const char *buf, size_t len, unsigned max_depth, struct json_node **out,
	       struct json_error *err)
{
	return json_parse_limited(buf, len, max_depth, SIZE_MAX, out, err);
}

int json_parse_limited(const char *buf, size_t len, unsigned max_depth, size_t max_nodes,
		       struct json_node **out, struct json_error *err)
{
	struct parser p = {
		.buf = (const unsigned char *)(buf ? buf : ""),
		.len = buf ? len : 0,
		.cur_line = 1,
		.cur_col = 1,
		.max_depth = max_depth > JSON_DEPTH_CAP ? JSON_DEPTH_CAP : max_depth,
		.max_nodes = max_nodes,
	};
	yajl_status st;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	p.h = yajl_alloc(&callbacks, NULL, &p);
	if (!p.h)
		return -ENOMEM;
	/* Both are off by default; say so, since this input is untrusted. */
	if (!yajl_config(p.h, yajl_dont_validate_strings, 0) ||
	    !yajl_config(p.h, yajl_allow_comments, 0)) {
		yajl_free(p.h);
		return -EINVAL;
	}
	st = yajl_parse(p.h, p.buf, p.len);
	if (st == yajl_status_ok) {
		p.finishing = true;
		st = yajl_complete_parse(p.h);
	}
	if (st != yajl_status_ok) {
		if (!p.error) {
			p.err_off = error_offset(&p);
			if (all_space(p.buf, p.len))
				snprintf(p.msg, sizeof(p.msg), "empty input");
			else
				yajl_message(&p, p.msg, sizeof(p.msg));
			p.error = -EINVAL;
		}
		position(&p, p.err_off, &err->line, &err->column);
		snprintf(err->message, sizeof(err->message), "%s", p.msg);
		parser_cleanup(&p);
		json_free(p.root);
		return p.error;
	}
	parser_cleanup(&p);
	*out = p.root;
	return 0;
}

void json_free(struct json_node *n)
{
	if (!n)
		return;
	switch (n->type) {
	case JSON_NUMBER:
		free(n->u.number.text);
		break;
	case JSON_STRING:
		free(n->u.string.ptr);
		break;
	case JSON_ARRAY:
		for (size_t i = 0; i < n->u.array.len; i++)
			json_free(n->u.array.items[i]);
		free(n->u.array.items);
		break;
	case JSON_OBJECT:
		for (size_t i = 0; i < n->u.object.len; i++) {
			free(n->u.object.keys[i]);
			json_free(n->u.object.values[i]);
		}
		free(n->u.object.keys);
		free(n->u.object.key_lens);
		free(n->u.object.values);
		break;
	default:
		break;
	}
	free(n);
}
