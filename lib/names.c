// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names of the family's operations and attributes, as in the spec, so
 * errors can say "attribute key" rather than "3". The tables are
 * generated from the spec (names-gen.c).
 */
#include "internal.h"

/**
 * nlipc_op_name - the spec's name of a command
 * @cmd: command id
 *
 * Returns the name, or NULL for an id the library does not know.
 */
NLIPC_EXPORT const char *nlipc_op_name(uint8_t cmd)
{
	return cmd <= NLIPC_CMD_MAX ? nlipc_op_names[cmd].name : NULL;
}

/**
 * nlipc_attr_name - the spec's name of an attribute of a command's set
 * @cmd: command id
 * @type: attribute type in that command's attribute set
 *
 * Returns the name, or NULL if the library does not know it.
 */
NLIPC_EXPORT const char *nlipc_attr_name(uint8_t cmd, int type)
{
	if (cmd > NLIPC_CMD_MAX || type < 0 ||
	    (unsigned int)type >= nlipc_op_names[cmd].n_attrs)
		return NULL;
	return nlipc_op_names[cmd].attrs[type];
}
