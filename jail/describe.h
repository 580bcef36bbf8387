/*
 * describe.h - `actjail tools describe` (describe.c).
 */
#ifndef ACTJAIL_DESCRIBE_H
#define ACTJAIL_DESCRIBE_H

#include <stdbool.h>

#include "bridge/tools.h"

/* Print the tools and the instructions for a model on stdout, as text or
 * as one JSON object. The exit status: 0, or 1 when stdout failed. */
int describe_tools(const struct toolset *ts, bool json);

#endif
