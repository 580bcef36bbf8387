/*
 * test_json.c - bridge/json.c: values, positions, and hostile input.
 */
#include <errno.h>
#include <stdint.h>

#include "bridge/json.h"
#include "tests/tap.h"

static int parse(const char *s, size_t len, unsigned depth, struct json_node **n,
		 struct json_error *e)
{
	return json_parse(s, len, depth, n, e);
}

/* Parse s and expect an error at line:col whose message contains needle. */
static void bad(const char *s, size_t len, unsigned line, unsigned col, const char *needle,
		const char *name)
{
	struct json_node *n = (struct json_node *)1;
	struct json_error e;
	int r = parse(s, len, 64, &n, &e);
	char where[32];

	is_int(r, -EINVAL, name);
	ok(n == NULL, "%s: no tree", name);
	snprintf(where, sizeof(where), "%u:%u", e.line, e.column);
	{
		char want[32];

		snprintf(want, sizeof(want), "%u:%u", line, col);
		is_str(where, want, name);
	}
	like(e.message, needle, name);
	ok(strchr(e.message, '\n') == NULL, "%s: message is one line", name);
}

#define BAD(s, line, col, needle) bad(s, sizeof(s) - 1, line, col, needle, #s)

static void test_values(void)
{
	const char *src = "{\n  \"a\": [1, -2.5e3, true, false, null],\n"
			  "  \"s\": \"h\\u00e9\\ud83d\\ude00\\n\",\n  \"z\": \"a\\u0000b\",\n"
			  "  \"big\": 123456789012345678901234567890\n}";
	struct json_node *n = NULL;
	struct json_error e;
	const struct json_node *a, *s, *z, *big;
	int64_t i;
	uint64_t u;
	double d;

	is_int(parse(src, strlen(src), 64, &n, &e), 0, "document parses");
	if (!n)
		return;
	is_int(n->type, JSON_OBJECT, "root is an object");
	is_int(n->u.object.len, 4, "four members");
	a = json_get(n, "a");
	ok(a && a->type == JSON_ARRAY && a->u.array.len == 5, "array of five");
	if (a && a->u.array.len == 5) {
		is_int(a->line, 2, "array line");
		is_int(a->column, 8, "array column");
		is_int(a->u.array.items[1]->column, 12, "second item column");
		is_str(a->u.array.items[1]->u.number.text, "-2.5e3", "number text kept");
		is_int(json_get_i64(a->u.array.items[0], &i), 0, "1 is an i64");
		is_int(i, 1, "value 1");
		is_int(json_get_i64(a->u.array.items[1], &i), -EINVAL, "-2.5e3 not an integer");
		is_int(json_get_double(a->u.array.items[1], &d), 0, "-2.5e3 is a double");
		ok(d == -2500.0, "value -2500");
		is_int(json_get_u64(a->u.array.items[1], &u), -EINVAL, "u64 of fraction");
		is_int(a->u.array.items[2]->type, JSON_BOOL, "true is bool");
		ok(a->u.array.items[2]->u.boolean && !a->u.array.items[3]->u.boolean, "bools");
		is_int(a->u.array.items[4]->type, JSON_NULL, "null");
		is_int(a->u.array.items[4]->column, 33, "null column");
	}
	s = json_get(n, "s");
	ok(s && s->type == JSON_STRING, "string member");
	if (s) {
		is_str(s->u.string.ptr, "h\xc3\xa9\xf0\x9f\x98\x80\n", "escapes decoded");
		is_int(s->line, 3, "string line");
		is_int(s->column, 8, "string column");
	}
	z = json_get(n, "z");
	ok(z && z->u.string.len == 3 && memcmp(z->u.string.ptr, "a\0b", 4) == 0,
	   "embedded NUL kept with its length");
	big = json_get(n, "big");
	ok(big && big->type == JSON_NUMBER, "huge number parses");
	if (big) {
		is_str(big->u.number.text, "123456789012345678901234567890", "raw text");
		is_int(json_get_i64(big, &i), -ERANGE, "i64 ERANGE");
		is_int(json_get_u64(big, &u), -ERANGE, "u64 ERANGE");
		is_int(big->line, 5, "last member line");
	}
	ok(json_get(n, "missing") == NULL, "missing key");
	ok(json_get(a, "a") == NULL, "json_get on array");
	json_free(n);
}

static void test_numbers(void)
{
	static const struct {
		const char *text;
		int i64_rc;
		int64_t i64;
		int u64_rc;
		uint64_t u64;
	} t[] = {
		{ "9223372036854775807", 0, INT64_MAX, 0, 9223372036854775807ULL },
		{ "9223372036854775808", -ERANGE, 0, 0, 9223372036854775808ULL },
		{ "-9223372036854775808", 0, INT64_MIN, -ERANGE, 0 },
		{ "-9223372036854775809", -ERANGE, 0, -ERANGE, 0 },
		{ "18446744073709551615", -ERANGE, 0, 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0, -ERANGE, 0 },
		{ "-0", 0, 0, 0, 0 },
		{ "-1", 0, -1, -ERANGE, 0 },
		{ "1e3", -EINVAL, 0, -EINVAL, 0 },
	};

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct json_node *n = NULL;
		struct json_error e;
		int64_t i = 0;
		uint64_t u = 0;

		if (parse(t[k].text, strlen(t[k].text), 4, &n, &e)) {
			ok(0, "%s parses", t[k].text);
			continue;
		}
		is_int(json_get_i64(n, &i), t[k].i64_rc, t[k].text);
		if (!t[k].i64_rc)
			ok(i == t[k].i64, "%s i64 value", t[k].text);
		is_int(json_get_u64(n, &u), t[k].u64_rc, t[k].text);
		if (!t[k].u64_rc)
			ok(u == t[k].u64, "%s u64 value", t[k].text);
		json_free(n);
	}
	{
		struct json_node *n = NULL;
		struct json_error e;
		double d;

		is_int(parse("1e999", 5, 4, &n, &e), 0, "1e999 parses");
		is_int(json_get_double(n, &d), -ERANGE, "1e999 is not a finite double");
		json_free(n);
		is_int(parse("\"1\"", 3, 4, &n, &e), 0, "string parses");
		is_int(json_get_i64(n, (int64_t *)&d), -EINVAL, "string is not a number");
		json_free(n);
	}
}

static void test_errors(void)
{
	BAD("", 1, 1, "empty input");
	BAD("  \n ", 2, 2, "empty input");
	BAD("[1,", 1, 4, "end of input");
	BAD("{\"a\":1} x", 1, 9, "trailing garbage");
	BAD("{\"a\":1}{}", 1, 8, "trailing garbage");
	BAD("[1]\n\n]", 3, 1, "trailing garbage");
	BAD("{\n \"x\": 1,\n \"y\": 2,\n \"x\": 3}", 4, 2, "duplicate key \"x\"");
	BAD("[{\"k\":{}, \"k\":[]}]", 1, 11, "duplicate key \"k\"");
	BAD("{\"a\\u0000\":1, \"a\\u0000\":2}", 1, 15, "duplicate key \"a\\x00\"");
	BAD("[\"\xff\"]", 1, 2, "UTF-8");
	BAD("[\"\xc0\x80\"]", 1, 2, "UTF-8");	      /* overlong NUL */
	BAD("[\"\xed\xa0\x80\"]", 1, 2, "UTF-8");     /* encoded surrogate */
	BAD("[\"\xf4\x90\x80\x80\"]", 1, 2, "UTF-8"); /* above U+10FFFF */
	BAD("[\"\\ud800\"]", 1, 2, "surrogate");
	BAD("[\"\\udc00\"]", 1, 2, "surrogate");
	BAD("[\"\\ud800\\u0041\"]", 1, 2, "surrogate");
	BAD("{\"\\udc00\":1}", 1, 2, "surrogate");
	BAD("[1, 2 3]", 1, 7, "");
	BAD("{\"a\" 1}", 1, 6, "");
	BAD("[01]", 1, 3, "");
	BAD("\xef\xbb\xbf[]", 1, 1, "unexpected character");
	BAD("/* c */ []", 1, 1, "");
	BAD("{\"a\":1,}", 1, 8, "");
	BAD("[\"a\nb\"]", 1, 2, "");
	BAD("nul", 1, 4, "");
	{
		static const char nul[] = "[1,\0 2]";

		bad(nul, sizeof(nul) - 1, 1, 4, "unexpected character", "embedded NUL byte");
	}
}

static void test_depth(void)
{
	char deep[200];
	struct json_node *n = NULL;
	struct json_error e;

	memset(deep, '[', 70);
	memset(deep + 70, ']', 70);
	is_int(parse(deep, 140, 64, &n, &e), -EINVAL, "70 levels refused at 64");
	is_str(e.message, "nesting deeper than 64", "depth message");
	is_int(e.column, 65, "depth error column");
	is_int(parse(deep + 6, 128, 64, &n, &e), 0, "64 levels accepted");
	json_free(n);
	is_int(parse("[]", 2, 0, &n, &e), -EINVAL, "depth 0 refuses containers");
	is_int(parse("7", 1, 0, &n, &e), 0, "depth 0 takes scalars");
	ok(n && n->type == JSON_NUMBER && n->column == 1, "scalar at 1:1");
	json_free(n);
}

static void test_many_keys(void)
{
	size_t count = 5000, cap = count * 16 + 16, len = 0;
	char *buf = malloc(cap);
	struct json_node *n = NULL;
	struct json_error e;

	if (!buf) {
		ok(0, "malloc");
		return;
	}
	buf[len++] = '{';
	for (size_t i = 0; i < count; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s\"k%zu\":%zu", i ? "," : "", i, i);
	buf[len++] = '}';
	is_int(parse(buf, len, 8, &n, &e), 0, "5000 distinct keys");
	ok(n && n->u.object.len == count, "all members kept");
	ok(json_get(n, "k4999") && json_get(n, "k4999")->line == 1, "last key found");
	json_free(n);
	/* the same key once more, at the end */
	len--;
	len += (size_t)snprintf(buf + len, cap - len, ",\"k17\":0}");
	is_int(parse(buf, len, 8, &n, &e), -EINVAL, "duplicate among 5000");
	is_str(e.message, "duplicate key \"k17\"", "names the key");
	free(buf);
}

/* 200000 values on 200000 lines: quadratic position tracking would take minutes. */
static void test_large(void)
{
	size_t count = 200000, len = 0;
	char *buf = malloc(count * 3 + 2);
	struct json_node *n = NULL;
	struct json_error e;

	if (!buf) {
		ok(0, "malloc");
		return;
	}
	buf[len++] = '[';
	for (size_t i = 0; i < count; i++) {
		buf[len++] = '7';
		buf[len++] = i + 1 < count ? ',' : ']';
		buf[len++] = '\n';
	}
	is_int(parse(buf, len, 4, &n, &e), 0, "large array parses");
	ok(n && n->u.array.len == count && n->u.array.items[count - 1]->line == count,
	   "last of 200000 values is on line 200000");
	json_free(n);
	is_int(json_parse_limited(buf, len, 4, 1000, &n, &e), -EINVAL, "node bound refuses it");
	is_str(e.message, "more than 1000 values", "node bound message");
	is_int(e.line, 1000, "at the 1001st value (line 1000, after the array)");
	is_int(json_parse_limited("[1,2]", 5, 4, 3, &n, &e), 0, "3 values within a bound of 3");
	json_free(n);
	free(buf);
}

int main(void)
{
	test_large();
	test_values();
	test_numbers();
	test_errors();
	test_depth();
	test_many_keys();
	is_str(json_type_name(JSON_OBJECT), "object", "type name");
	return done_testing();
}
