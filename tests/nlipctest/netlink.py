# SPDX-License-Identifier: GPL-2.0
"""Netlink and generic netlink messages as bytes: just enough to build any
message, well-formed or not, and to read replies, ACKs and extack."""

import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 1, 10, 11

NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 0x1, 0x2, 0x4, 0x8
NLM_F_DUMP_INTR = 0x10
NLM_F_ROOT, NLM_F_MATCH = 0x100, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
NLMSG_HDRLEN = 16

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY = 3, 10
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
CTRL_ATTR_OPS, CTRL_ATTR_MCAST_GROUPS = 6, 7
CTRL_ATTR_POLICY, CTRL_ATTR_OP_POLICY, CTRL_ATTR_OP = 8, 9, 10
CTRL_ATTR_OP_ID, CTRL_ATTR_OP_FLAGS = 1, 2
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP = 1, 2

NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLMSGERR_ATTR_MISS_TYPE = 5


def align(n):
    return (n + 3) & ~3


def attr(atype, data=b''):
    return struct.pack('=HH', 4 + len(data), atype) + data + \
        b'\0' * (align(len(data)) - len(data))


def u32(atype, v):
    return attr(atype, struct.pack('=I', v))


def u64(atype, v):
    return attr(atype, struct.pack('=Q', v))


def strz(atype, s):
    return attr(atype, s.encode() + b'\0')


def nest(atype, *attrs):
    return attr(atype | 0x8000, b''.join(attrs))


def get_u32(b):
    return struct.unpack('=I', b)[0]


def get_u64(b):
    return struct.unpack('=Q', b)[0]


def get_str(b):
    return b.rstrip(b'\0').decode()


def parse_attrs(data):
    """{type: [payload, ...]} of a run of attributes. A malformed one
    raises ValueError: what a peer sends must parse (the daemon's tests
    took a truncated run quietly before this library)."""
    out, off = {}, 0
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from('=HH', data, off)
        if alen < 4 or off + alen > len(data):
            raise ValueError(f'malformed attribute at {off}')
        out.setdefault(atype & 0x3fff, []).append(data[off + 4:off + alen])
        off += align(alen)
    return out


def msg(mtype, cmd, attrs=b'', flags=NLM_F_REQUEST | NLM_F_ACK, seq=1,
        version=1, reserved=0, pid=0):
    """One generic netlink message."""
    body = struct.pack('=BBH', cmd, version, reserved) + attrs
    return struct.pack('=IHHII', NLMSG_HDRLEN + len(body), mtype, flags, seq,
                       pid) + body


def split(data, strict=False):
    """Messages of a buffer as (len, type, flags, seq, pid, payload). A
    partial message at the end (a stream's next read completes it) ends
    the list, or raises ValueError when strict (a datagram)."""
    out, off = [], 0
    while off + NLMSG_HDRLEN <= len(data):
        mlen, mtype, flags, seq, pid = struct.unpack_from('=IHHII', data, off)
        if mlen < NLMSG_HDRLEN or off + mlen > len(data):
            if strict:
                raise ValueError('truncated message')
            break
        out.append((mlen, mtype, flags, seq, pid,
                    data[off + NLMSG_HDRLEN:off + mlen]))
        off += align(mlen)
    return out


def _status(flags, payload, tlv_off):
    """(errno, message, offset, missing type): errno negative as sent."""
    code = struct.unpack_from('=i', payload)[0]
    t = parse_attrs(payload[tlv_off:]) if flags & NLM_F_ACK_TLVS else {}
    text = get_str(t[NLMSGERR_ATTR_MSG][0]) if NLMSGERR_ATTR_MSG in t else None
    offs = get_u32(t[NLMSGERR_ATTR_OFFS][0]) if NLMSGERR_ATTR_OFFS in t else None
    miss = get_u32(t[NLMSGERR_ATTR_MISS_TYPE][0]) \
        if NLMSGERR_ATTR_MISS_TYPE in t else None
    return code, text, offs, miss


def ack_of(flags, payload):
    """The status an NLMSG_ERROR payload carries. Its extack follows the
    request's header alone with NETLINK_CAP_ACK, else the whole request."""
    echoed = NLMSG_HDRLEN if flags & NLM_F_CAPPED else \
        struct.unpack_from('=I', payload, 4)[0]
    return _status(flags, payload, 4 + echoed)


def done_of(flags, payload):
    """The status an NLMSG_DONE payload carries (a dump's end)."""
    return _status(flags, payload, 4)


def family_of(attrs):
    """(id, {group name: id}, {op id: flags}) of a GETFAMILY reply's
    attributes."""
    fid = struct.unpack('=H', attrs[CTRL_ATTR_FAMILY_ID][0])[0]
    groups, ops = {}, {}
    for g in parse_attrs(attrs.get(CTRL_ATTR_MCAST_GROUPS, [b''])[0]).values():
        ga = parse_attrs(g[0])
        groups[get_str(ga[CTRL_ATTR_MCAST_GRP_NAME][0])] = \
            get_u32(ga[CTRL_ATTR_MCAST_GRP_ID][0])
    for o in parse_attrs(attrs.get(CTRL_ATTR_OPS, [b''])[0]).values():
        oa = parse_attrs(o[0])
        flags = oa.get(CTRL_ATTR_OP_FLAGS)
        ops[get_u32(oa[CTRL_ATTR_OP_ID][0])] = get_u32(flags[0]) if flags else 0
    return fid, groups, ops
