/*
 * caps.h - leave the jail with no privilege at all: every capability set
 * empty (effective, permitted, inheritable, ambient, bounding), securebits
 * locked so none can come back through a uid change or exec, and
 * no_new_privs set. Child side, after every step that needs a capability.
 */
#ifndef ACTJAIL_CAPS_H
#define ACTJAIL_CAPS_H

void caps_drop_child_or_die(void);

#endif
