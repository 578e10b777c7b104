# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink for the kernel tests: just enough to build any
message, well-formed or not, and to read replies, ACKs and extack, without
going through libnlipc (which is tested separately)."""

import ctypes
import errno
import os
import re
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 0x1, 0x2, 0x4
NLM_F_DUMP_INTR = 0x10
NLM_F_ROOT, NLM_F_MATCH = 0x100, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3

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

CLONE_NEWNET = 0x40000000


# The running kernel's genetlink, where the tests' expectations differ
# (doc/protocol.md, Kernels): 6.2 split each op into its do and dump
# halves, looked up by kind before admin-perm; 6.4 passes a dump's start
# callback the request's extack.
KERNEL = tuple(int(x) for x in re.match(r'(\d+)\.(\d+)', os.uname().release).groups())
SPLIT_OPS = KERNEL >= (6, 2)
DUMP_START_EXTACK = KERNEL >= (6, 4)


class NetlinkError(Exception):
    def __init__(self, code, msg=None, offs=None, miss=None):
        super().__init__(f'{errno.errorcode.get(code, code)}: {msg}')
        self.code, self.msg, self.offs, self.miss = code, msg, offs, miss


def align(n):
    return (n + 3) & ~3


def attr(atype, data=b''):
    hdr = struct.pack('=HH', 4 + len(data), atype)
    return hdr + data + b'\0' * (align(len(data)) - len(data))


def u32(atype, v):
    return attr(atype, struct.pack('=I', v))


def u64(atype, v):
    return attr(atype, struct.pack('=Q', v))


def strz(atype, s):
    return attr(atype, s.encode() + b'\0')


def nest(atype, *attrs):
    return attr(atype | 0x8000, b''.join(attrs))


def parse_attrs(data):
    """{type: [payload, ...]} of a run of attributes."""
    out, off = {}, 0
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from('=HH', data, off)
        if alen < 4 or off + alen > len(data):
            raise ValueError(f'malformed attribute at {off}')
        out.setdefault(atype & 0x3fff, []).append(data[off + 4:off + alen])
        off += align(alen)
    return out


def get_u32(b):
    return struct.unpack('=I', b)[0]


def get_u64(b):
    return struct.unpack('=Q', b)[0]


class Msg:
    """One received message of a family: header fields and attributes."""

    def __init__(self, mtype, flags, seq, pid, payload):
        self.type, self.flags, self.seq, self.pid = mtype, flags, seq, pid
        self.cmd, self.version = payload[0], payload[1]
        self.raw = payload[4:]
        self.attrs = parse_attrs(self.raw)

    def get(self, atype, default=None):
        v = self.attrs.get(atype)
        return v[0] if v else default


class Genl:
    def __init__(self, rcvbuf=None):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.bind((0, 0))
        self._buf = bytearray()
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.settimeout(10)
        self.portid = self.sock.getsockname()[0]
        self.seq = 0
        self.sent_len = 0

    def close(self):
        self.sock.close()

    def send(self, family, cmd, attrs=b'', flags=NLM_F_REQUEST | NLM_F_ACK,
             version=1, reserved=0, raw=None):
        self.seq += 1
        body = raw if raw is not None else \
            struct.pack('=BBH', cmd, version, reserved) + attrs
        msg = struct.pack('=IHHII', 16 + len(body), family, flags, self.seq,
                          0) + body
        self.sent_len = len(msg)
        self.sock.send(msg)
        return self.seq

    def recv_msgs(self, bufsize=1 << 20):
        """Messages of one datagram as (type, flags, seq, pid, payload)."""
        # One buffer per socket: a fresh megabyte per recv() costs an
        # mmap and its page faults, slow under TCG on a debug kernel.
        if len(self._buf) < bufsize:
            self._buf = bytearray(bufsize)
        got = self.sock.recv_into(self._buf, bufsize)
        data = bytes(memoryview(self._buf)[:got])
        out, off = [], 0
        while off + 16 <= len(data):
            mlen, mtype, flags, seq, pid = struct.unpack_from('=IHHII', data, off)
            if mlen < 16 or off + mlen > len(data):
                raise ValueError('truncated message')
            out.append((mtype, flags, seq, pid, data[off + 16:off + mlen]))
            off += align(mlen)
        return out

    @staticmethod
    def _error(flags, payload, tlv_off):
        code = struct.unpack_from('=i', payload)[0]
        msg = offs = miss = None
        if flags & NLM_F_ACK_TLVS:
            tlvs = parse_attrs(payload[tlv_off:])
            if NLMSGERR_ATTR_MSG in tlvs:
                msg = tlvs[NLMSGERR_ATTR_MSG][0].rstrip(b'\0').decode()
            if NLMSGERR_ATTR_OFFS in tlvs:
                offs = get_u32(tlvs[NLMSGERR_ATTR_OFFS][0])
            if NLMSGERR_ATTR_MISS_TYPE in tlvs:
                miss = get_u32(tlvs[NLMSGERR_ATTR_MISS_TYPE][0])
        return code, NetlinkError(-code, msg, offs, miss) if code else None

    def collect(self, seq, dump=False, on_msg=None):
        """Replies to seq until its ACK (do) or DONE (dump)."""
        replies = []
        while True:
            for mtype, flags, mseq, pid, payload in self.recv_msgs():
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    # With NETLINK_CAP_ACK only the request's header is echoed.
                    tlv_off = 4 + (16 if flags & NLM_F_CAPPED else
                                   struct.unpack_from('=I', payload, 4)[0])
                    code, err = self._error(flags, payload, tlv_off)
                    if err:
                        raise err
                    if not dump:
                        return replies
                    continue
                if mtype == NLMSG_DONE:
                    code, err = self._error(flags, payload, 4)
                    if err:
                        raise err
                    replies.append(('done', flags))
                    return replies
                m = Msg(mtype, flags, mseq, pid, payload)
                replies.append(m)
                if on_msg:
                    on_msg(m)

    def do(self, family, cmd, attrs=b'', flags=0, **kw):
        seq = self.send(family, cmd, attrs,
                        flags=NLM_F_REQUEST | NLM_F_ACK | flags, **kw)
        return self.collect(seq)

    def dump(self, family, cmd, attrs=b'', **kw):
        seq = self.send(family, cmd, attrs,
                        flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, **kw)
        out = self.collect(seq, dump=True, **{})
        done_flags = out.pop()[1]
        return out, done_flags

    def join(self, group_id):
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group_id)

    def family(self, name):
        """(id, {group name: id}, {op id: flags}) of a family."""
        seq = self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                        strz(CTRL_ATTR_FAMILY_NAME, name), version=2)
        m = self.collect(seq)[0]
        groups, ops = {}, {}
        for g in parse_attrs(m.get(CTRL_ATTR_MCAST_GROUPS, b'')).values():
            ga = parse_attrs(g[0])
            groups[ga[CTRL_ATTR_MCAST_GRP_NAME][0].rstrip(b'\0').decode()] = \
                get_u32(ga[CTRL_ATTR_MCAST_GRP_ID][0])
        for o in parse_attrs(m.get(CTRL_ATTR_OPS, b'')).values():
            oa = parse_attrs(o[0])
            ops[get_u32(oa[CTRL_ATTR_OP_ID][0])] = get_u32(oa[CTRL_ATTR_OP_FLAGS][0])
        return struct.unpack('=H', m.get(CTRL_ATTR_FAMILY_ID))[0], groups, ops

    def policy(self, family_id):
        """({op: (do_idx, dump_idx)}, {idx: {attr: {NL_POLICY_TYPE_ATTR_*: bytes}}})"""
        seq = self.send(GENL_ID_CTRL, CTRL_CMD_GETPOLICY,
                        attr(CTRL_ATTR_FAMILY_ID, struct.pack('=H', family_id)),
                        flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, version=2)
        ops, policies = {}, {}
        for m in self.collect(seq, dump=True)[:-1]:
            if CTRL_ATTR_OP_POLICY in m.attrs:
                for opid, v in parse_attrs(m.get(CTRL_ATTR_OP_POLICY)).items():
                    pa = parse_attrs(v[0])
                    ops[opid] = tuple(get_u32(pa[k][0]) if k in pa else None
                                      for k in (CTRL_ATTR_POLICY_DO,
                                                CTRL_ATTR_POLICY_DUMP))
            if CTRL_ATTR_POLICY in m.attrs:
                for idx, v in parse_attrs(m.get(CTRL_ATTR_POLICY)).items():
                    for atype, d in parse_attrs(v[0]).items():
                        policies.setdefault(idx, {})[atype] = {
                            k: vv[0] for k, vv in parse_attrs(d[0]).items()}
        return ops, policies


def unshare_net():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def in_child(fn, uid=None, netns=False):
    """Run fn() in a forked child (optionally as uid, in a new netns);
    return what it returned (a small picklable value) or raise its error."""
    import pickle
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            if netns:
                unshare_net()
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            res = ('ok', fn())
        except BaseException as e:  # report everything to the parent
            res = ('err', (type(e).__name__, getattr(e, 'code', None), str(e)))
        with os.fdopen(w, 'wb') as f:
            pickle.dump(res, f)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, 'rb') as f:
        data = f.read()
    os.waitpid(pid, 0)
    kind, val = pickle.loads(data)
    if kind == 'err':
        name, code, text = val
        if name == 'NetlinkError':
            raise NetlinkError(code, text)
        raise RuntimeError(f'{name}: {text}')
    return val
