// SPDX-License-Identifier: LGPL-2.1-or-later
/* Look-ups in a loaded spec, by name. */
#include <string.h>

#include "spec.h"

#define FIND(arr, n, key)					\
	do {							\
		size_t i_;					\
								\
		for (i_ = 0; i_ < (n); i_++)			\
			if ((arr)[i_].name &&			\
			    !strcmp((arr)[i_].name, (key)))	\
				return &(arr)[i_];		\
		return NULL;					\
	} while (0)

const struct nlipc_spec_def *nlipc_spec_def(const struct nlipc_spec *sp,
					    const char *name)
{
	FIND(sp->defs, sp->n_defs, name);
}

const struct nlipc_spec_set *nlipc_spec_set(const struct nlipc_spec *sp,
					    const char *name)
{
	FIND(sp->sets, sp->n_sets, name);
}

const struct nlipc_spec_attr *nlipc_spec_attr(const struct nlipc_spec_set *set,
					      const char *name)
{
	FIND(set->attrs, set->n_attrs, name);
}

const struct nlipc_spec_op *nlipc_spec_op(const struct nlipc_spec *sp,
					  const char *name)
{
	FIND(sp->ops, sp->n_ops, name);
}
