# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink to the kernel, for the module's tests in a guest:
any message, well-formed or not, and the replies, ACKs and extack as the
kernel sent them, without libnlipc (which is tested separately)."""

import errno
import os
import re
import socket
import struct

from .netlink import *  # noqa: F401,F403 (the tests take them from here)
from .proc import in_child, unshare_net  # noqa: F401 (the same)

# The running kernel's genetlink, where the tests' expectations differ
# (doc/protocol.md, Kernels): 6.2 split each op into its do and dump
# halves, looked up by kind before admin-perm; 6.4 passes a dump's start
# callback the request's extack.
KERNEL = tuple(int(x) for x in re.match(r'(\d+)\.(\d+)', os.uname().release).groups())
SPLIT_OPS = KERNEL >= (6, 2)
DUMP_START_EXTACK = KERNEL >= (6, 4)


class NetlinkError(Exception):
    """A request the kernel refused: code is a positive errno."""

    def __init__(self, code, msg=None, offs=None, miss=None):
        super().__init__(f'{errno.errorcode.get(code, code)}: {msg}')
        self.code, self.msg, self.offs, self.miss = code, msg, offs, miss

    def __reduce__(self):       # as in_child() passes it on from a child
        return NetlinkError, (self.code, self.msg, self.offs, self.miss)


def expect_error(code, fn, *args, **kw):
    """fn's failure with errno code, as a NetlinkError; else an
    AssertionError."""
    try:
        fn(*args, **kw)
    except NetlinkError as e:
        assert e.code == code, f'expected {errno.errorcode[code]}, got {e}'
        return e
    raise AssertionError(f'expected {errno.errorcode[code]}, got success')


def _raise_status(status):
    code, text, offs, miss = status
    if code:
        raise NetlinkError(-code, text, offs, miss)


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
        m = struct.pack('=IHHII', 16 + len(body), family, flags, self.seq,
                        0) + body
        self.sent_len = len(m)
        self.sock.send(m)
        return self.seq

    def recv_msgs(self, bufsize=1 << 20):
        """Messages of one datagram as (type, flags, seq, pid, payload)."""
        # One buffer per socket: a fresh megabyte per recv() costs an
        # mmap and its page faults, slow under TCG on a debug kernel.
        if len(self._buf) < bufsize:
            self._buf = bytearray(bufsize)
        got = self.sock.recv_into(self._buf, bufsize)
        data = bytes(memoryview(self._buf)[:got])
        return [m[1:] for m in split(data, strict=True)]

    def collect(self, seq, dump=False, on_msg=None):
        """Replies to seq until its ACK (do) or DONE (dump)."""
        replies = []
        while True:
            for mtype, flags, mseq, pid, payload in self.recv_msgs():
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    _raise_status(ack_of(flags, payload))
                    if not dump:
                        return replies
                    continue
                if mtype == NLMSG_DONE:
                    _raise_status(done_of(flags, payload))
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
        out = self.collect(seq, dump=True)
        done_flags = out.pop()[1]
        return out, done_flags

    def join(self, group_id):
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group_id)

    def family(self, name):
        """(id, {group name: id}, {op id: flags}) of a family."""
        seq = self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                        strz(CTRL_ATTR_FAMILY_NAME, name), version=2)
        return family_of(self.collect(seq)[0].attrs)

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
