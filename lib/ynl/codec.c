// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * JSON values to attributes and back, per a spec's attribute sets. The
 * decoder reads a peer's bytes: libmnl's walk checks every attribute's
 * length against what is left before it is read, every scalar's length is
 * checked against its type, and nests are bounded in depth.
 *
 * Values take the shapes of the kernel's YNL CLI (lib/ynl.py): enums by
 * name, flags as lists of names, binary as hex, display hints applied,
 * multi-attr as lists, indexed arrays as lists.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ynl.h"
#include "../hex.h"

#define NLIPC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The request's attributes are built here first: nests need a tail. */
#define ENC_BUF_SIZE	(64 * 1024)

__attribute__((format(printf, 3, 4)))
static int fail(struct nlipc_ynl *y, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(y->err, sizeof(y->err), fmt, ap);
	va_end(ap);
	return code;
}

static unsigned int scalar_size(enum nlipc_spec_type t)
{
	switch (t) {
	case NLIPC_SPEC_U8:
	case NLIPC_SPEC_S8:
		return 1;
	case NLIPC_SPEC_U16:
	case NLIPC_SPEC_S16:
		return 2;
	case NLIPC_SPEC_U32:
	case NLIPC_SPEC_S32:
		return 4;
	case NLIPC_SPEC_U64:
	case NLIPC_SPEC_S64:
		return 8;
	default:
		return 0;
	}
}

static bool big_endian(const char *byte_order)
{
	return byte_order && !strcmp(byte_order, "big-endian");
}

/* An unsigned scalar's bits, @size bytes in the attribute's byte order. */
static uint64_t get_scalar(const void *p, unsigned int size, bool be)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return be ? be16toh(u16) : u16;
	case 4:
		memcpy(&u32, p, 4);
		return be ? be32toh(u32) : u32;
	default:
		memcpy(&u64, p, 8);
		return be ? be64toh(u64) : u64;
	}
}

static void put_scalar(void *p, unsigned int size, bool be, uint64_t v)
{
	uint8_t u8 = v;
	uint16_t u16 = be ? htobe16(v) : v;
	uint32_t u32 = be ? htobe32(v) : v;
	uint64_t u64 = be ? htobe64(v) : v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &u64, 8);
		break;
	}
}

static int64_t sign_extend(uint64_t v, unsigned int size)
{
	unsigned int shift = 64 - 8 * size;

	return (int64_t)(v << shift) >> shift;
}

/* ---- decoding ---- */

static json_object *hex_string(const uint8_t *p, size_t len, const char *sep)
{
	size_t seplen = strlen(sep), i, n = 0;
	char *s = malloc(len * (2 + seplen) + 1);
	json_object *o;

	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < len; i++)
		n += sprintf(s + n, "%s%02x", i ? sep : "", p[i]);
	o = json_object_new_string_len(s, n);
	free(s);
	return o;
}

/* Binary payloads with a display hint, as ynl.py's _formatted_string. */
static json_object *binary_value(const struct nlipc_spec_attr *a,
				 const uint8_t *p, size_t len)
{
	const char *hint = a->display_hint;
	char buf[INET6_ADDRSTRLEN];

	if (hint && !strcmp(hint, "mac"))
		return hex_string(p, len, ":");
	if (hint && !strcmp(hint, "hex"))
		return hex_string(p, len, " ");
	if (hint && !strcmp(hint, "ipv4") && len == 4)
		return json_object_new_string(inet_ntop(AF_INET, p, buf,
							sizeof(buf)));
	if (hint && !strcmp(hint, "ipv6") && len == 16)
		return json_object_new_string(inet_ntop(AF_INET6, p, buf,
							sizeof(buf)));
	if (hint && !strcmp(hint, "uuid") && len == 16) {
		snprintf(buf, sizeof(buf),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8],
			 p[9], p[10], p[11], p[12], p[13], p[14], p[15]);
		return json_object_new_string(buf);
	}
	return hex_string(p, len, "");
}

static const struct nlipc_spec_entry *entry_by_value(const struct nlipc_spec_def *d,
						     uint64_t v)
{
	size_t i;

	for (i = 0; i < d->n_entries; i++)
		if (d->entries[i].value == v)
			return &d->entries[i];
	return NULL;
}

/* An enum's name, or a list of flag names; a value not named stays a number. */
static json_object *enum_value(const struct nlipc_spec_def *d, bool as_flags,
			       uint64_t v)
{
	const struct nlipc_spec_entry *e;
	json_object *list;
	unsigned int bit;

	if (d->type != NLIPC_SPEC_DEF_FLAGS && !as_flags) {
		e = entry_by_value(d, v);
		return e ? json_object_new_string(e->name) :
			   json_object_new_uint64(v);
	}
	list = json_object_new_array();
	for (bit = 0; list && bit < 64; bit++) {
		if (!(v & (1ull << bit)))
			continue;
		/* A flags definition holds bits, an enum the bits' indexes. */
		e = entry_by_value(d, d->type == NLIPC_SPEC_DEF_FLAGS ?
				   1ull << bit : bit);
		json_object_array_add(list, e ? json_object_new_string(e->name) :
					    json_object_new_uint64(1ull << bit));
	}
	return list;
}

struct dec {
	struct nlipc_ynl *y;
	unsigned int depth;
};

static int dec_set(struct dec *d, const struct nlipc_spec_set *set,
		   const void *buf, size_t len, json_object **out);

static int dec_scalar(struct dec *d, const struct nlipc_spec_attr *a,
		      enum nlipc_spec_type type, const void *p, size_t len,
		      bool decorate, json_object **out)
{
	const struct nlipc_spec_def *def = NULL;
	unsigned int size = scalar_size(type);
	bool sign = nlipc_spec_type_signed(type);
	char buf[24];
	uint64_t v;

	/* uint and sint: 4 or 8 bytes, whichever the sender needed. */
	if (type == NLIPC_SPEC_UINT || type == NLIPC_SPEC_SINT) {
		if (len != 4 && len != 8)
			return fail(d->y, -EBADMSG,
				    "attribute '%s': %zu bytes, not 4 or 8",
				    a->name, len);
		size = len;
		decorate = false;	/* ynl.py leaves them plain */
	} else if (len != size) {
		return fail(d->y, -EBADMSG,
			    "attribute '%s': %zu bytes, %s takes %u", a->name,
			    len, nlipc_spec_type_name(type), size);
	}
	v = get_scalar(p, size, big_endian(a->byte_order));
	if (decorate && a->enum_name)
		def = nlipc_spec_def(d->y->spec, a->enum_name);
	if (def && (def->type == NLIPC_SPEC_DEF_ENUM ||
		    def->type == NLIPC_SPEC_DEF_FLAGS)) {
		*out = enum_value(def, a->enum_as_flags, v);
	} else if (decorate && a->display_hint &&
		   !strcmp(a->display_hint, "hex")) {
		snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
		*out = json_object_new_string(buf);
	} else if (sign) {
		*out = json_object_new_int64(sign_extend(v, size));
	} else {
		*out = json_object_new_uint64(v);
	}
	return *out ? 0 : -ENOMEM;
}

static int dec_indexed_array(struct dec *d, const struct nlipc_spec_attr *a,
			     const void *buf, size_t len, json_object **out)
{
	enum nlipc_spec_type sub = NLIPC_SPEC_UNUSED;
	const struct nlattr *attr;
	json_object *list, *v;
	char key[8];
	int err = 0;

	if (a->sub_type) {
		size_t t;

		for (t = NLIPC_SPEC_PAD; t <= NLIPC_SPEC_BITFIELD32; t++)
			if (!strcmp(a->sub_type, nlipc_spec_type_name(t)))
				sub = t;
	}
	list = json_object_new_array();
	if (!list)
		return -ENOMEM;
	mnl_attr_for_each_payload(buf, len) {
		const void *p = mnl_attr_get_payload(attr);
		size_t plen = mnl_attr_get_payload_len(attr);

		v = NULL;
		if (sub == NLIPC_SPEC_NEST) {
			json_object *obj;

			if (!a->nested) {
				err = fail(d->y, -EINVAL,
					   "attribute '%s': no nested set",
					   a->name);
				break;
			}
			err = dec_set(d, a->nested, p, plen, &v);
			if (err)
				break;
			/* ynl.py keeps each item under its index. */
			obj = json_object_new_object();
			if (!obj) {
				json_object_put(v);
				err = -ENOMEM;
				break;
			}
			snprintf(key, sizeof(key), "%u",
				 mnl_attr_get_type(attr));
			json_object_object_add(obj, key, v);
			v = obj;
		} else if (sub == NLIPC_SPEC_BINARY) {
			v = binary_value(a, p, plen);
		} else if (scalar_size(sub)) {
			err = dec_scalar(d, a, sub, p, plen, false, &v);
			if (err)
				break;
		} else {
			err = fail(d->y, -EOPNOTSUPP,
				   "attribute '%s': indexed-array of '%s' is not supported",
				   a->name, a->sub_type ?: "?");
			break;
		}
		if (!v || json_object_array_add(list, v)) {
			json_object_put(v);
			err = -ENOMEM;
			break;
		}
	}
	if (err) {
		json_object_put(list);
		return err;
	}
	*out = list;
	return 0;
}

/*
 * nest-type-value (nlctrl's policies): each level's first attribute type is
 * a value named by the spec, the innermost nest holds the set, all in one
 * object, as ynl.py has it.
 */
static int dec_nest_type_value(struct dec *d, const struct nlipc_spec_attr *a,
			       const struct nlattr *attr, json_object **out)
{
	const void *p = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr), i, n;
	const struct nlattr *inner;
	json_object *types[8], *obj;
	int err;

	if (!a->nested || a->n_type_value > NLIPC_ARRAY_SIZE(types))
		return fail(d->y, -EOPNOTSUPP,
			    "attribute '%s': nest-type-value not supported",
			    a->name);
	for (i = 0, err = 0; i < a->n_type_value; i++) {
		inner = p;
		if (!mnl_attr_ok(inner, len)) {
			err = fail(d->y, -EBADMSG,
				   "attribute '%s': %zu nests expected",
				   a->name, a->n_type_value);
			break;
		}
		types[i] = json_object_new_uint64(mnl_attr_get_type(inner));
		p = mnl_attr_get_payload(inner);
		len = mnl_attr_get_payload_len(inner);
	}
	if (!err)
		err = dec_set(d, a->nested, p, len, &obj);
	for (n = 0; n < i; n++) {
		if (!err)
			json_object_object_add(obj, a->type_value[n], types[n]);
		else
			json_object_put(types[n]);
	}
	if (!err)
		*out = obj;
	return err;
}

static int dec_attr(struct dec *d, const struct nlipc_spec_attr *a,
		    const struct nlattr *attr, json_object **out)
{
	const void *p = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr);
	const struct nlipc_spec_def *def;
	json_object *o, *v, *s;

	switch (a->type) {
	case NLIPC_SPEC_FLAG:
		*out = json_object_new_boolean(1);
		break;
	case NLIPC_SPEC_STRING:
		/* ynl.py drops the last byte, the NUL a string ends with. */
		*out = json_object_new_string_len(p, len ? len - 1 : 0);
		break;
	case NLIPC_SPEC_BINARY:
		*out = binary_value(a, p, len);
		break;
	case NLIPC_SPEC_NEST:
		if (!a->nested)
			return fail(d->y, -EINVAL,
				    "attribute '%s': no nested set", a->name);
		return dec_set(d, a->nested, p, len, out);
	case NLIPC_SPEC_INDEXED_ARRAY:
		return dec_indexed_array(d, a, p, len, out);
	case NLIPC_SPEC_NEST_TYPE_VALUE:
		return dec_nest_type_value(d, a, attr, out);
	case NLIPC_SPEC_BITFIELD32:
		if (len != 8)
			return fail(d->y, -EBADMSG,
				    "attribute '%s': %zu bytes, bitfield32 takes 8",
				    a->name, len);
		def = a->enum_name ? nlipc_spec_def(d->y->spec, a->enum_name) :
				     NULL;
		o = json_object_new_object();
		if (!o)
			return -ENOMEM;
		v = def ? enum_value(def, a->enum_as_flags, get_scalar(p, 4, false)) :
			  json_object_new_uint64(get_scalar(p, 4, false));
		s = def ? enum_value(def, a->enum_as_flags,
				     get_scalar((const char *)p + 4, 4, false)) :
			  json_object_new_uint64(get_scalar((const char *)p + 4,
							    4, false));
		json_object_object_add(o, "value", v);
		json_object_object_add(o, "selector", s);
		*out = o;
		break;
	default:
		if (scalar_size(a->type) || a->type == NLIPC_SPEC_UINT ||
		    a->type == NLIPC_SPEC_SINT)
			return dec_scalar(d, a, a->type, p, len, true, out);
		return fail(d->y, -EOPNOTSUPP,
			    "attribute '%s': type %s is not supported", a->name,
			    nlipc_spec_type_name(a->type));
	}
	return *out ? 0 : -ENOMEM;
}

static const struct nlipc_spec_attr *attr_by_type(const struct nlipc_spec_set *set,
						  uint16_t type)
{
	size_t i;

	for (i = 0; i < set->n_attrs; i++)
		if (set->attrs[i].value == type &&
		    set->attrs[i].type != NLIPC_SPEC_UNUSED)
			return &set->attrs[i];
	return NULL;
}

/* Add @v under @name: a list for multi-attr, the last one wins otherwise. */
static int add_member(json_object *obj, const char *name, bool multi,
		      json_object *v)
{
	json_object *list;

	if (!multi) {
		json_object_object_add(obj, name, v);
		return 0;
	}
	if (!json_object_object_get_ex(obj, name, &list)) {
		list = json_object_new_array();
		if (!list)
			return -ENOMEM;
		json_object_object_add(obj, name, list);
	}
	return json_object_array_add(list, v) ? -ENOMEM : 0;
}

static int dec_set(struct dec *d, const struct nlipc_spec_set *set,
		   const void *buf, size_t len, json_object **out)
{
	const struct nlipc_spec_attr *a;
	const struct nlattr *attr;
	char unknown[32];
	json_object *obj, *v;
	int err = 0;

	if (d->depth >= NLIPC_YNL_DEPTH_MAX)
		return fail(d->y, -EBADMSG, "nests deeper than %d",
			    NLIPC_YNL_DEPTH_MAX);
	obj = json_object_new_object();
	if (!obj)
		return -ENOMEM;
	d->depth++;
	mnl_attr_for_each_payload(buf, len) {
		uint16_t type = mnl_attr_get_type(attr);

		v = NULL;
		a = attr_by_type(set, type);
		if (!a || a->type == NLIPC_SPEC_PAD) {
			if (a)
				continue;
			/* As ynl.py --process-unknown, rather than fail. */
			snprintf(unknown, sizeof(unknown), "UnknownAttr(%u)",
				 type);
			v = hex_string(mnl_attr_get_payload(attr),
				       mnl_attr_get_payload_len(attr), "");
			err = v ? add_member(obj, unknown, false, v) : -ENOMEM;
		} else {
			err = dec_attr(d, a, attr, &v);
			if (!err)
				err = add_member(obj, a->name, a->multi_attr, v);
		}
		if (err) {
			if (v && err == -ENOMEM)
				json_object_put(v);
			break;
		}
	}
	d->depth--;
	if (err) {
		json_object_put(obj);
		return err;
	}
	*out = obj;
	return 0;
}

/**
 * nlipc_ynl_decode - a reply's, dump item's or notification's attributes
 * @y: the family
 * @set: the op's attribute set
 * @nlh: the message, whose nlmsg_len the caller has checked against the
 *	bytes received
 * @out: receives a JSON object
 *
 * Returns 0, -EBADMSG for a message that does not fit the spec (too short
 * for its headers, a scalar of the wrong size, nests too deep),
 * -EOPNOTSUPP for a type this decoder does not know, or -ENOMEM.
 */
int nlipc_ynl_decode(struct nlipc_ynl *y, const struct nlipc_spec_set *set,
		     const struct nlmsghdr *nlh, json_object **out)
{
	struct dec d = { .y = y };
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	y->err[0] = '\0';
	if (nlh->nlmsg_len < hdr)
		return fail(y, -EBADMSG, "a message of %u bytes has no genetlink header",
			    nlh->nlmsg_len);
	return dec_set(&d, set, (const char *)nlh + hdr, nlh->nlmsg_len - hdr,
		       out);
}

/* ---- encoding ---- */

struct enc {
	struct nlipc_ynl *y;
	struct nlmsghdr *nlh;	/* a scratch message: the attributes' tail */
	unsigned int depth;
};

static int enc_set(struct enc *e, const struct nlipc_spec_set *set,
		   json_object *obj, const struct nlipc_spec_msg *only);

static int put(struct enc *e, uint16_t type, const void *p, size_t len)
{
	if (!mnl_attr_put_check(e->nlh, ENC_BUF_SIZE, type, len, p))
		return fail(e->y, -EMSGSIZE, "request larger than %d bytes",
			    ENC_BUF_SIZE);
	return 0;
}

/* A number, or an enum's name, or flags' names (a string or a list). */
static int enc_number(struct enc *e, const struct nlipc_spec_attr *a,
		      json_object *v, uint64_t *out, bool *neg)
{
	const struct nlipc_spec_def *def = NULL;
	const struct nlipc_spec_entry *en;
	bool flags;
	size_t i, n;

	*neg = false;
	if (json_object_is_type(v, json_type_int)) {
		int64_t s = json_object_get_int64(v);

		*neg = s < 0;
		*out = *neg ? (uint64_t)s : json_object_get_uint64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end;

		errno = 0;
		if (*s == '-')
			*out = strtoll(s, &end, 0), *neg = true;
		else
			*out = strtoull(s, &end, 0);
		if (*s && !*end && !errno)
			return 0;
	}
	if (a->enum_name)
		def = nlipc_spec_def(e->y->spec, a->enum_name);
	if (!def || (!json_object_is_type(v, json_type_string) &&
		     !json_object_is_type(v, json_type_array)))
		return fail(e->y, -EINVAL, "attribute '%s' takes a number%s",
			    a->name, def ? " or a name" : "");
	flags = def->type == NLIPC_SPEC_DEF_FLAGS || a->enum_as_flags;
	n = json_object_is_type(v, json_type_array) ?
	    json_object_array_length(v) : 1;
	if (n != 1 && !flags)
		return fail(e->y, -EINVAL, "attribute '%s' takes one name",
			    a->name);
	*out = 0;
	for (i = 0; i < n; i++) {
		json_object *item = json_object_is_type(v, json_type_array) ?
				    json_object_array_get_idx(v, i) : v;
		const char *name = json_object_get_string(item);

		en = NULL;
		if (json_object_is_type(item, json_type_string))
			for (size_t k = 0; k < def->n_entries && !en; k++)
				if (!strcmp(def->entries[k].name, name))
					en = &def->entries[k];
		if (!en)
			return fail(e->y, -EINVAL, "%s '%s' has no entry '%s'",
				    def->type == NLIPC_SPEC_DEF_FLAGS ? "flags" :
				    "enum", def->name, name ?: "");
		if (!flags)
			*out = en->value;
		else if (def->type == NLIPC_SPEC_DEF_FLAGS)
			*out |= en->value;
		else if (en->value < 64)
			*out |= 1ull << en->value;
	}
	return 0;
}

static int enc_scalar(struct enc *e, const struct nlipc_spec_attr *a,
		      uint16_t type, json_object *v)
{
	bool sign = nlipc_spec_type_signed(a->type), neg;
	unsigned int size = scalar_size(a->type);
	uint64_t n = 0, max;
	uint8_t buf[8];
	int err;

	err = enc_number(e, a, v, &n, &neg);
	if (err)
		return err;
	if (neg && !sign)
		return fail(e->y, -ERANGE, "attribute '%s' is unsigned",
			    a->name);
	if (sign && !neg && n > INT64_MAX)
		return fail(e->y, -ERANGE, "attribute '%s' out of range",
			    a->name);
	if (a->type == NLIPC_SPEC_UINT)
		size = n >> 32 ? 8 : 4;
	else if (a->type == NLIPC_SPEC_SINT)
		size = (int64_t)n == (int32_t)n ? 4 : 8;
	max = size == 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
	if (sign && size < 8 &&
	    ((int64_t)n < -(int64_t)(max / 2 + 1) || (int64_t)n > (int64_t)(max / 2)))
		return fail(e->y, -ERANGE, "attribute '%s' out of range",
			    a->name);
	if (!sign && n > max)
		return fail(e->y, -ERANGE, "attribute '%s' out of range",
			    a->name);
	put_scalar(buf, size, big_endian(a->byte_order), n);
	return put(e, type, buf, size);
}

/* {"value": ..., "selector": ...}, each a number or flags' names. */
static int enc_bitfield32(struct enc *e, const struct nlipc_spec_attr *a,
			  json_object *v)
{
	static const char *const keys[] = { "value", "selector" };
	uint32_t bf[2];
	json_object *f;
	uint64_t n;
	bool neg;
	int i, err;

	for (i = 0; i < 2; i++) {
		if (!json_object_object_get_ex(v, keys[i], &f))
			return fail(e->y, -EINVAL,
				    "attribute '%s' takes a value and a selector",
				    a->name);
		err = enc_number(e, a, f, &n, &neg);
		if (err)
			return err;
		if (neg || n > UINT32_MAX)
			return fail(e->y, -ERANGE, "attribute '%s' out of range",
				    a->name);
		bf[i] = n;
	}
	return put(e, a->value, bf, sizeof(bf));
}

static int enc_value(struct enc *e, const struct nlipc_spec_attr *a,
		     json_object *v)
{
	struct nlattr *nest;
	const char *s;
	uint8_t *buf;
	size_t i, len;
	int err;

	switch (a->type) {
	case NLIPC_SPEC_FLAG:
		/* ynl.py: false or absent sends nothing. */
		return json_object_get_boolean(v) ? put(e, a->value, NULL, 0) : 0;
	case NLIPC_SPEC_STRING:
		s = json_object_get_string(v);
		return put(e, a->value, s, strlen(s) + 1);
	case NLIPC_SPEC_BINARY:
		if (!json_object_is_type(v, json_type_string))
			return fail(e->y, -EINVAL,
				    "attribute '%s' takes hex digits", a->name);
		s = json_object_get_string(v);
		buf = malloc(strlen(s) / 2 + 1);
		if (!buf)
			return -ENOMEM;
		err = nlipc_hex_bytes(s, " :", buf, strlen(s) / 2 + 1, &len);
		if (err)
			err = fail(e->y, err, "attribute '%s' takes hex digits",
				   a->name);
		else
			err = put(e, a->value, buf, len);
		free(buf);
		return err;
	case NLIPC_SPEC_NEST:
	case NLIPC_SPEC_INDEXED_ARRAY:
		if (e->depth >= NLIPC_YNL_DEPTH_MAX)
			return fail(e->y, -EINVAL, "nests deeper than %d",
				    NLIPC_YNL_DEPTH_MAX);
		nest = mnl_attr_nest_start_check(e->nlh, ENC_BUF_SIZE, a->value);
		if (!nest)
			return put(e, a->value, NULL, ENC_BUF_SIZE);
		e->depth++;
		if (a->type == NLIPC_SPEC_NEST) {
			err = a->nested ? enc_set(e, a->nested, v, NULL) :
				fail(e->y, -EINVAL, "attribute '%s': no nested set",
				     a->name);
		} else if (!json_object_is_type(v, json_type_array) ||
			   !a->sub_type || strcmp(a->sub_type, "nest") ||
			   !a->nested) {
			err = fail(e->y, -EINVAL,
				   "attribute '%s' takes a list of objects",
				   a->name);
		} else {
			/* Items are numbered from 0, as the C YNL library does. */
			err = 0;
			for (i = 0; !err && i < json_object_array_length(v); i++) {
				struct nlattr *item;

				item = mnl_attr_nest_start_check(e->nlh,
								 ENC_BUF_SIZE, i);
				if (!item)
					return put(e, i, NULL, ENC_BUF_SIZE);
				err = enc_set(e, a->nested,
					      json_object_array_get_idx(v, i),
					      NULL);
				mnl_attr_nest_end(e->nlh, item);
			}
		}
		e->depth--;
		mnl_attr_nest_end(e->nlh, nest);
		return err;
	case NLIPC_SPEC_BITFIELD32:
		return enc_bitfield32(e, a, v);
	default:
		if (scalar_size(a->type) || a->type == NLIPC_SPEC_UINT ||
		    a->type == NLIPC_SPEC_SINT)
			return enc_scalar(e, a, a->value, v);
		return fail(e->y, -EOPNOTSUPP,
			    "attribute '%s': type %s cannot be sent", a->name,
			    nlipc_spec_type_name(a->type));
	}
}

static bool msg_has(const struct nlipc_spec_msg *only,
		    const struct nlipc_spec_attr *a)
{
	size_t i;

	for (i = 0; i < only->n_attrs; i++)
		if (only->attrs[i] == a)
			return true;
	return false;
}

static int enc_set(struct enc *e, const struct nlipc_spec_set *set,
		   json_object *obj, const struct nlipc_spec_msg *only)
{
	const struct nlipc_spec_attr *a;
	int err;

	if (!json_object_is_type(obj, json_type_object))
		return fail(e->y, -EINVAL, "set '%s' takes a JSON object",
			    set->name);
	json_object_object_foreach(obj, key, v) {
		a = nlipc_spec_attr(set, key);
		if (!a)
			return fail(e->y, -EINVAL, "set '%s' has no attribute '%s'",
				    set->name, key);
		if (only && !msg_has(only, a))
			return fail(e->y, -EINVAL,
				    "the request takes no attribute '%s'", key);
		if (a->multi_attr && json_object_is_type(v, json_type_array)) {
			size_t i;

			for (i = 0; i < json_object_array_length(v); i++) {
				err = enc_value(e, a, json_object_array_get_idx(v, i));
				if (err)
					return err;
			}
			continue;
		}
		err = enc_value(e, a, v);
		if (err)
			return err;
	}
	return 0;
}

/**
 * nlipc_ynl_encode - append a request's attributes to @m
 * @y: the family
 * @m: the request, from nlipc_msg_start_family()
 * @op: the op
 * @dump: encode the dump's request rather than the do's
 * @req: a JSON object of attribute names and values, or NULL
 *
 * Top-level attributes must be in the op's request list (when the spec
 * gives one). Returns 0, -EINVAL for a value that does not fit the spec,
 * -ERANGE for a number out of its type's range, -EMSGSIZE, or -ENOMEM.
 */
int nlipc_ynl_encode(struct nlipc_ynl *y, struct nlipc_msg *m,
		     const struct nlipc_spec_op *op, bool dump,
		     json_object *req)
{
	const struct nlipc_spec_msg *only = dump ? &op->dump.request :
						   &op->do_.request;
	const struct nlattr *attr;
	struct enc e = { .y = y };
	int err;

	y->err[0] = '\0';
	if (!req)
		return 0;
	if (!op->set)
		return fail(y, -EINVAL, "op '%s' has no attribute set", op->name);
	e.nlh = calloc(1, ENC_BUF_SIZE);
	if (!e.nlh)
		return -ENOMEM;
	mnl_nlmsg_put_header(e.nlh);
	err = enc_set(&e, op->set, req, only->present ? only : NULL);
	if (!err)
		mnl_attr_for_each(attr, e.nlh, 0)
			nlipc_msg_put(m, attr->nla_type,
				      mnl_attr_get_payload(attr),
				      mnl_attr_get_payload_len(attr));
	free(e.nlh);
	return err;
}
