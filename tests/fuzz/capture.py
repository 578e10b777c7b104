#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""capture.py: seed corpora for the reply and stream fuzz targets, from
real messages of the module. Run inside nlipc-vm; prints "NAME BASE64"
lines that tests/fuzz/capture.sh writes into tests/fuzz/corpus/."""

import base64
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'vm'))
import nl  # noqa: E402

OPS = {'ping': 0, 'info': 1, 'stats': 2, 'kv-get': 3, 'kv-list': 4,
       'getfamily': 5, 'event': 6, 'reset': 7}


def raw_exchange(g, family, cmd, attrs=b'', flags=0, version=1):
    """Every datagram answering one request, concatenated."""
    seq = g.send(family, cmd, attrs, flags=nl.NLM_F_REQUEST | nl.NLM_F_ACK | flags,
                 version=version)
    out = b''
    while True:
        data = g.sock.recv(1 << 20)
        out += data
        mlen, mtype, mflags, mseq = struct.unpack_from('=IHHI', data)
        if mseq == seq and mtype in (nl.NLMSG_ERROR, nl.NLMSG_DONE):
            return out


def emit(name, op, data):
    blob = bytes([OPS[op], 1]) + data
    print(name, base64.b64encode(blob).decode())
    print(name + '.stream', base64.b64encode(data).decode())


g = nl.Genl()
fid, groups, _ = g.family('nlipc')
emit('ping', 'ping', raw_exchange(g, fid, 1, nl.attr(1, b'hello') + nl.u64(2, 7)))
emit('ping-error', 'ping', raw_exchange(g, fid, 1, nl.u32(3, 70000)))
emit('info', 'info', raw_exchange(g, fid, 2))
emit('stats', 'stats', raw_exchange(g, fid, 3))
emit('reset', 'reset', raw_exchange(g, fid, 4))
for i in range(40):
    raw_exchange(g, fid, 5, nl.attr(1, b'key%d' % i) + nl.attr(2, b'v' * i) + nl.attr(4))
emit('kv-get', 'kv-get', raw_exchange(g, fid, 6, nl.attr(1, b'key3')))
emit('kv-get-missing', 'kv-get', raw_exchange(g, fid, 6, nl.attr(1, b'nokey')))
emit('kv-list', 'kv-list', raw_exchange(g, fid, 6, flags=nl.NLM_F_DUMP))
emit('getfamily', 'getfamily', raw_exchange(g, nl.GENL_ID_CTRL, 3,
                                             nl.strz(2, 'nlipc'), version=2))
sub = nl.Genl()
sub.join(groups['events'])
sub.join(groups['bus'])
raw_exchange(g, fid, 5, nl.attr(1, b'ev') + nl.attr(2, b'val') + nl.attr(4) + nl.attr(6))
raw_exchange(g, fid, 7, nl.attr(1, b'ev'))
raw_exchange(g, fid, 8, nl.strz(1, 'topic') + nl.attr(2, b'payload'))
events = b''.join(sub.sock.recv(65536) for _ in range(3))
emit('events', 'event', events)
