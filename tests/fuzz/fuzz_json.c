/*
 * fuzz_json.c - libFuzzer target for bridge/json.c: any bytes in, a tree or
 * a one-line error out, and every accessor safe on whatever came back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct json_node *n, unsigned depth)
{
	int64_t i;
	uint64_t u;
	double d;

	if (depth > 64 || n->line == 0 || n->column == 0)
		abort();
	switch (n->type) {
	case JSON_NUMBER:
		/* results do not matter, only that nothing crashes */
		(void)json_get_i64(n, &i);
		(void)json_get_u64(n, &u);
		(void)json_get_double(n, &d);
		break;
	case JSON_STRING:
		if (n->u.string.ptr[n->u.string.len] != '\0')
			abort();
		break;
	case JSON_ARRAY:
		for (size_t k = 0; k < n->u.array.len; k++)
			walk(n->u.array.items[k], depth + 1);
		break;
	case JSON_OBJECT:
		for (size_t k = 0; k < n->u.object.len; k++) {
			/* keys are unique, so a key without NUL bytes finds its own value */
			if (strlen(n->u.object.keys[k]) == n->u.object.key_lens[k] &&
			    json_get(n, n->u.object.keys[k]) != n->u.object.values[k])
				abort();
			walk(n->u.object.values[k], depth + 1);
		}
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_node *root = NULL;
	struct json_error err;

	if (json_parse((const char *)data, size, 64, &root, &err) == 0) {
		walk(root, 1);
		json_free(root);
	} else if (root != NULL || strchr(err.message, '\n') || err.line == 0 || err.column == 0) {
		abort();
	}
	return 0;
}
