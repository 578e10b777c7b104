# SPDX-License-Identifier: GPL-2.0
"""Raw nlipc messages over any transport, for nlipcd's tests: netlink:,
unix:/path (stream), unix+seqpacket:, unix+dgram:, tcp://h:p, udp://h:p.
Bytes in, bytes out, no libnlipc: the tests must see exactly what the
daemon sends, well-formed or not."""

import errno
import os
import select
import socket
import struct
import time

from . import family
from .netlink import *  # noqa: F401,F403 (the tests take them from here)

# UDP requests are padded to this, as libnlipc does (lib/bridge.h).
UDP_PAD = 400
BRIDGE_CMD_JOIN = 0xf0

# Commands and attributes, from the tables generated from the spec.
CMD, ATTR = family.CMD, family.ATTR
PING, INFO_GET, STATS_GET, STATS_RESET, KV_SET, KV_GET, KV_DEL, PUBLISH = (
    CMD[n] for n in ('ping', 'info-get', 'stats-get', 'stats-reset', 'kv-set',
                     'kv-get', 'kv-del', 'publish'))
KV_SET_NTF, KV_DEL_NTF, PUBLISH_NTF = (
    CMD[n] for n in ('kv-set-ntf', 'kv-del-ntf', 'publish-ntf'))
KV_KEY, KV_VALUE, KV_PREFIX, KV_CREATE, KV_EXCL, KV_REPLACE = (
    ATTR['kv'][n] for n in ('key', 'value', 'key-prefix', 'create', 'excl',
                            'replace'))
BUS_TOPIC, BUS_PAYLOAD, BUS_SENDER = (
    ATTR['bus'][n] for n in ('topic', 'payload', 'sender'))


class Error(Exception):
    def __init__(self, code, text=None, offs=None, miss=None):
        super().__init__(f'{os.strerror(-code) if code else "ok"}: {text}')
        self.code, self.text, self.offs, self.miss = code, text, offs, miss


def expect_error(code, fn, *args, **kw):
    """fn's failure with errno code, as an Error; else an AssertionError."""
    try:
        fn(*args, **kw)
    except Error as e:
        assert e.code == -code, f'expected {errno.errorcode[code]}, got {e}'
        return e
    raise AssertionError(f'expected {errno.errorcode[code]}, got success')


def open_sock(url, bufsize=None):
    """A connected socket for url, and whether it keeps datagram boundaries."""
    if url.startswith('netlink:'):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        if bufsize:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, bufsize)
        s.bind((0, 0))
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        s.connect((0, 0))
        return s, True
    scheme, rest = url.split(':', 1)
    if scheme.startswith('unix'):
        kind = {'unix': socket.SOCK_STREAM, 'unix+seqpacket': socket.SOCK_SEQPACKET,
                'unix+dgram': socket.SOCK_DGRAM}[scheme]
        s = socket.socket(socket.AF_UNIX, kind)
        if bufsize:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, bufsize)
        path = '\0' + rest[1:] if rest.startswith('@') else rest
        if kind == socket.SOCK_DGRAM:
            s.bind('')                      # autobind: the daemon needs an address
        s.connect(path)
        return s, kind != socket.SOCK_STREAM
    host, port = rest[2:].rsplit(':', 1)
    host = host.strip('[]')
    kind = socket.SOCK_STREAM if scheme == 'tcp' else socket.SOCK_DGRAM
    fam = socket.AF_INET6 if ':' in host else socket.AF_INET
    s = socket.socket(fam, kind)
    if bufsize:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, bufsize)
    s.connect((host, int(port)))
    return s, kind == socket.SOCK_DGRAM


def pad_udp(data):
    """A UDP request padded with NLMSG_NOOP, so that its answer may be
    up to three times that large (nlipcd's anti-amplification rule)."""
    n = UDP_PAD - len(data)
    if len(data) % 4 or n < 16 or struct.unpack_from('=I', data)[0] != len(data):
        return data     # not one message: sent as the test made it
    return data + struct.pack('=IHHII', n, NLMSG_NOOP, 0, 0, 0) + bytes(n - 16)


class Conn:
    """One client: send raw bytes, read whole messages."""

    def __init__(self, url, bufsize=None, timeout=5.0):
        self.url = url
        self.sock, self.dgram = open_sock(url, bufsize)
        self.sock.setblocking(False)
        self.buf = b''
        self.held = []          # messages read but not yet taken
        self.rbuf = bytearray(1 << 20)  # reused: a fresh one per recv is slow in TCG
        self.timeout = timeout
        self.seq = 0
        self.fid = None
        self.groups = {}
        self.pid = None

    def close(self):
        self.sock.close()

    def fileno(self):
        return self.sock.fileno()

    def send(self, data):
        if self.url.startswith('udp:'):
            data = pad_udp(data)
        deadline = time.time() + self.timeout
        while data:
            try:
                n = self.sock.send(data)
            except BlockingIOError:
                if time.time() > deadline:
                    raise TimeoutError('send blocked')
                select.select([], [self.sock], [], 0.1)
                continue
            except (BrokenPipeError, ConnectionResetError):
                # Refused at connect time: the reason waits to be read.
                if self.dgram:
                    raise
                return
            if self.dgram:
                return
            data = data[n:]

    def read_chunk(self, timeout):
        """Bytes of one recv (one datagram), b'' on EOF, None on timeout."""
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return None
        try:
            got = self.sock.recv_into(self.rbuf)
            return bytes(memoryview(self.rbuf)[:got])
        except BlockingIOError:
            return None

    def messages(self, timeout=None):
        """The next batch of whole messages; [] on timeout, None on EOF."""
        if self.held:
            held, self.held = self.held, []
            return held
        timeout = self.timeout if timeout is None else timeout
        deadline = time.time() + timeout
        while True:
            if not self.dgram:
                msgs, used = [], 0
                for m in split(self.buf):
                    msgs.append(m)
                    used += align(m[0])
                if msgs:
                    # A stream carries exact lengths: keep what split() left.
                    self.buf = self.buf[min(used, len(self.buf)):]
                    return msgs
            left = deadline - time.time()
            if left <= 0:
                return []
            chunk = self.read_chunk(left)
            if chunk is None:
                return []
            if chunk == b'':
                return None
            if self.dgram:
                return split(chunk)
            self.buf += chunk

    def request(self, data, dump=False, timeout=None):
        """Send one request; return (replies, final) where final is the
        (errno, text, offs, miss) of its ACK or NLMSG_DONE."""
        seq = struct.unpack_from('=I', data, 8)[0]
        self.send(data)
        replies = []
        while True:
            msgs = self.messages(timeout)
            if msgs is None:
                raise ConnectionError('connection closed')
            if not msgs:
                raise TimeoutError('no reply')
            for mlen, mtype, flags, mseq, pid, payload in msgs:
                # A refusal at connect time comes before any request.
                refusal = (mseq == 0 and mtype == NLMSG_ERROR and
                           ack_of(flags, payload)[0] not in (0, -errno.ENOBUFS))
                if mseq != seq and not refusal:
                    continue
                self.pid = pid
                if mtype == NLMSG_ERROR:
                    a = ack_of(flags, payload)
                    if a[0] or not dump:
                        return replies, a
                    continue
                if mtype == NLMSG_DONE:
                    return replies, (struct.unpack_from('=i', payload)[0], flags)
                replies.append((mtype, flags, payload))

    def next_seq(self):
        self.seq += 1
        return self.seq

    def call(self, cmd, attrs=b'', flags=0, dump=False, mtype=None, version=1):
        seq = self.next_seq()
        f = NLM_F_REQUEST | NLM_F_ACK | flags | (NLM_F_DUMP if dump else 0)
        replies, final = self.request(
            msg(self.fid if mtype is None else mtype, cmd, attrs, f, seq,
                version), dump)
        if final[0]:
            raise Error(*final) if len(final) == 4 else Error(final[0])
        return [(f, parse_attrs(p[4:])) for _, f, p in replies], final

    def resolve(self, family='nlipc'):
        replies, final = self.request(msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                          strz(CTRL_ATTR_FAMILY_NAME, family),
                                          seq=self.next_seq(), version=2))
        if final[0]:
            raise Error(*final)
        self.fid, groups, _ = family_of(parse_attrs(replies[0][2][4:]))
        self.groups.update(groups)
        return self

    def join(self, name):
        gid = self.groups[name]
        if self.url.startswith('netlink:'):
            self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, gid)
            return
        self.call(BRIDGE_CMD_JOIN, u32(CTRL_ATTR_MCAST_GRP_ID, gid),
                  mtype=GENL_ID_CTRL, version=2)

    def event(self, timeout=None):
        """The next notification as (cmd, attrs), ('error', ack) for an
        error (the overrun marker), or None on timeout."""
        msgs = self.messages(timeout)
        if not msgs:
            return None
        mlen, mtype, flags, seq, pid, payload = msgs[0]
        self.held = msgs[1:] + self.held
        if mtype == NLMSG_ERROR:
            return ('error', ack_of(flags, payload))
        return (payload[0], parse_attrs(payload[4:]))


def connect(url, **kw):
    return Conn(url, **kw).resolve()


def kv_set(c, key, value, flags=(KV_CREATE, KV_REPLACE)):
    return c.call(KV_SET, attr(KV_KEY, key) + attr(KV_VALUE, value) +
                  b''.join(attr(f) for f in flags))
