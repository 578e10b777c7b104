#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""wire-diff.py URL [URL...]: send the same battery of raw requests, good
and bad, to each URL and compare every reply byte for byte (sequence
numbers, port ids, the family's id, group ids and uptime aside).
With one URL, print the canonical replies. Speaks TAP with several.
UDP is not for this battery (no dumps, requests of one datagram): the
daemon's own tests cover it.

The first URL is the reference, normally netlink: (the module itself); the
others are nlipcd's transports, with either backend. The store must start
empty and the module be loaded with its default parameters."""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import tap, wire  # noqa: E402
from nlipctest.genl import DUMP_START_EXTACK  # noqa: E402
from nlipctest.wire import attr, u32, u64, strz, msg  # noqa: E402

R, A = wire.NLM_F_REQUEST, wire.NLM_F_ACK
RA = R | A
SENTINEL_SEQ = 0x5e57


# Where doc/bridge.md asks the daemon to differ from the kernel: only the
# errno must match.
BRIDGE_DIFFERS = {
    'ctrl getfamily unknown name':
        'bridge.md: other names get ENOENT with an extack message',
}


# Refusals made at a dump's start. Before Linux 6.4 the kernel drops their
# extack, which the module sets and the user backend sends as 6.4 on does
# (doc/protocol.md, Kernels): on those kernels the reference must have
# none, and only the errno must match.
DUMP_START_REFUSALS = {'kv-get dump with key', 'ctrl getpolicy op 9',
                       'ctrl getpolicy op 2^31'}


def extack_free(lines):
    return all(line.endswith(' tlv=') for line in lines if ' error=' in line)


def errnos(lines):
    return [w for line in lines for w in line.split() if w.startswith('error=')]


def cases(fid):
    """(name, bytes) of each request; seq 1 everywhere, pid 0."""
    def m(cmd, attrs=b'', flags=RA, **kw):
        return msg(fid, cmd, attrs, flags, **kw)

    def raw(length, mtype, flags, body):
        return struct.pack('=IHHII', length, mtype, flags, 1, 0) + body

    def ctrl(cmd, attrs=b'', flags=RA, **kw):
        return msg(wire.GENL_ID_CTRL, cmd, attrs, flags, version=2, **kw)

    K, V, P = wire.KV_KEY, wire.KV_VALUE, wire.KV_PREFIX
    C, E, RP = attr(wire.KV_CREATE), attr(wire.KV_EXCL), attr(wire.KV_REPLACE)
    T = [
        ('ctrl getfamily', ctrl(3, strz(2, 'nlipc'))),
        ('ctrl getfamily by id', ctrl(3, struct.pack('=HHH', 6, 1, fid) + b'\0\0')),
        ('ping empty', m(1)),
        ('ping payload cookie', m(1, attr(1, b'hello') + u64(2, 7))),
        ('ping reply-size pads', m(1, attr(1, b'ab') + u32(3, 5))),
        ('ping reply-size truncates', m(1, attr(1, b'abcdef') + u32(3, 3))),
        ('ping reply-size 0', m(1, attr(1, b'ab') + u32(3, 0))),
        ('ping largest', m(1, attr(1, bytes(range(256)) * 255 + b'x' * 251))),
        ('ping reserved', m(1, reserved=1)),
        ('ping version 0', m(1, version=0)),
        ('ping version 7', m(1, version=7)),
        ('ping cookie short', m(1, attr(2, b'1234'))),
        ('ping cookie long', m(1, attr(2, b'123456789'))),
        ('ping unknown attr', m(1, u64(2, 1) + u32(40, 1))),
        ('ping attr type 0', m(1, attr(0))),
        ('ping pad attr', m(1, attr(4))),
        ('ping reply-size too big', m(1, u32(3, 65532))),
        ('ping reply-size short', m(1, attr(3, b'12'))),
        ('ping nested flag', m(1, attr(1 | 0x8000, b'xx'))),
        ('ping byteorder flag', m(1, attr(1 | 0x4000, b'xx'))),
        ('ping trailing 2', m(1, u64(2, 1) + b'\x01\x00')),
        ('ping trailing 3', m(1, u64(2, 1) + b'\x01\x00\x00')),
        ('ping attr len 2', m(1, struct.pack('=HH', 2, 1))),
        ('ping attr overflows', m(1, struct.pack('=HH', 40, 1) + b'abcd')),
        ('ping dup attr', m(1, attr(1, b'aa') + attr(1, b'bbbb'))),
        ('ping dup attr bad second', m(1, u64(2, 1) + attr(2, b'1234'))),
        ('ping two bad attrs', m(1, attr(2, b'1234') + u32(40, 1))),
        ('ping unknown then bad', m(1, u32(40, 1) + attr(2, b'1234'))),
        ('ping short genl 16', raw(16, fid, RA, b'')),
        ('ping short genl 18', raw(18, fid, RA, b'\x01\x01')),
        ('ping dump', m(1, flags=RA | wire.NLM_F_DUMP)),
        ('ping create flag', m(1, flags=RA | wire.NLM_F_CREATE)),
        ('ping echo flag', m(1, flags=RA | wire.NLM_F_ECHO)),
        ('ping no ack', m(1, flags=R)),
        ('ping not a request', m(1, flags=A)),
        ('ping multi flag', m(1, flags=RA | wire.NLM_F_MULTI)),
        ('ping root only', m(1, flags=RA | 0x100)),
        ('cmd 99', m(99)),
        ('cmd 0', m(0)),
        ('cmd 99 reserved', m(99, reserved=1)),
        ('cmd 99 flags', m(99, flags=RA | wire.NLM_F_CREATE)),
        ('cmd kv-set-ntf', m(9)),
        ('cmd publish-ntf', m(11)),
        ('unknown family', raw(20, 0x7ff0, RA, b'\x01\x01\0\0')),
        ('control type 5', raw(20, 5, RA, b'\x01\x01\0\0')),
        ('error no ack', m(99, flags=R)),
        ('info attr 1', m(2, u32(1, 1))),
        ('info attr 2', m(2, u32(2, 1))),
        ('info attr 0', m(2, attr(0))),
        ('info dump', m(2, flags=RA | wire.NLM_F_DUMP)),
        ('stats-reset attr', m(4, attr(1))),
        ('stats-reset', m(4)),
        ('kv-set no key', m(5, attr(V, b'v'))),
        ('kv-set no value', m(5, attr(K, b'k') + C)),
        ('kv-set empty key', m(5, attr(K, b'') + attr(V, b'v'))),
        ('kv-set long key', m(5, attr(K, b'k' * 256) + attr(V, b'v'))),
        ('kv-set flag with data', m(5, attr(K, b'k') + attr(V, b'v') + attr(4, b'x'))),
        ('kv-set huge value', m(5, attr(K, b'k') + attr(V, b'v' * 61441))),
        ('kv-set value 5000', m(5, attr(K, b'k') + attr(V, b'v' * 5000) + C)),
        ('kv-set value 4096', m(5, attr(K, b'k' * 255) + attr(V, b'v' * 4096) + C + RP)),
        ('kv-set dump', m(5, flags=RA | wire.NLM_F_DUMP)),
        ('kv-set missing', m(5, attr(K, b'k') + attr(V, b'v'))),
        ('kv-set create', m(5, attr(K, b'k') + attr(V, b'v') + C)),
        ('kv-set exists', m(5, attr(K, b'k') + attr(V, b'v') + C)),
        ('kv-set exists excl', m(5, attr(K, b'k') + attr(V, b'v') + E)),
        ('kv-set excl replace new', m(5, attr(K, b'q') + attr(V, b'v') + E + RP)),
        ('kv-set replace', m(5, attr(K, b'k') + attr(V, b'v2') + RP)),
        ('kv-set prefix attr', m(5, attr(P, b'k') + attr(K, b'k') + attr(V, b'v'))),
        ('kv-set nested key', m(5, attr(K | 0x8000, b'n') + attr(V, b'v') + C)),
        ('kv-set byteorder key', m(5, attr(K | 0x4000, b'o') + attr(V, b'v') + C)),
        ('kv-set echo', m(5, attr(K, b'e') + attr(V, b'v') + C, flags=RA | wire.NLM_F_ECHO)),
        ('kv-set binary', m(5, attr(K, b'\0b\xff') + attr(V, bytes(range(256))) + C)),
        ('kv-set empty value', m(5, attr(K, b'empty') + attr(V, b'') + C)),
        ('kv-get prefix and key', m(6, attr(K, b'k') + attr(P, b'k'))),
        ('kv-get no key', m(6)),
        ('kv-get missing', m(6, attr(K, b'zz'))),
        ('kv-get', m(6, attr(K, b'k'))),
        ('kv-get binary', m(6, attr(K, b'\0b\xff'))),
        ('kv-get dump with key', m(6, attr(K, b'k'), flags=RA | wire.NLM_F_DUMP)),
        ('kv-get dump', m(6, flags=RA | wire.NLM_F_DUMP)),
        ('kv-get dump no ack', m(6, flags=R | wire.NLM_F_DUMP)),
        ('kv-get dump echo', m(6, flags=RA | wire.NLM_F_DUMP | wire.NLM_F_ECHO)),
        ('kv-get dump create', m(6, flags=RA | wire.NLM_F_DUMP | wire.NLM_F_CREATE)),
        ('kv-get dump prefix', m(6, attr(P, b'e'), flags=RA | wire.NLM_F_DUMP)),
        ('kv-get dump empty prefix', m(6, attr(P, b''), flags=RA | wire.NLM_F_DUMP)),
        ('kv-get dump prefix none', m(6, attr(P, b'zzz'), flags=RA | wire.NLM_F_DUMP)),
        ('kv-get dump long prefix', m(6, attr(P, b'k' * 256), flags=RA | wire.NLM_F_DUMP)),
        ('kv-get dump unknown', m(6, attr(9, b'k'), flags=RA | wire.NLM_F_DUMP)),
        ('kv-get dump trailing', m(6, attr(P, b'k') + b'\1\0', flags=RA | wire.NLM_F_DUMP)),
        ('kv-del no key', m(7)),
        ('kv-del missing', m(7, attr(K, b'zz'))),
        ('kv-del long', m(7, attr(K, b'k' * 256))),
        ('kv-del', m(7, attr(K, b'k'))),
        ('kv-get after del', m(6, attr(K, b'k'))),
        ('publish no topic', m(8)),
        ('publish empty topic', m(8, strz(1, ''))),
        ('publish zero-length topic', m(8, attr(1, b''))),
        ('publish topic without NUL', m(8, attr(1, b'abc'))),
        ('publish topic 256', m(8, strz(1, 't' * 256))),
        ('publish topic 255', m(8, strz(1, 't' * 255))),
        ('publish topic 255 NUL x', m(8, attr(1, b't' * 255 + b'\0x'))),
        ('publish topic inner NUL', m(8, attr(1, b'ab\0cd'))),
        ('publish topic NUL then long', m(8, attr(1, b'ab\0' + b'x' * 300))),
        ('publish', m(8, strz(1, 't') + attr(2, b'p'))),
        ('publish payload 5000', m(8, strz(1, 't') + attr(2, b'p' * 5000))),
        ('publish payload huge', m(8, strz(1, 't') + attr(2, b'p' * 61441))),
        ('publish sender', m(8, strz(1, 't') + u32(3, 5))),
        ('ctrl getfamily unknown name', ctrl(3, strz(2, 'nope'))),
        ('ctrl getfamily no attrs', ctrl(3)),
        ('ctrl getfamily version 1', msg(wire.GENL_ID_CTRL, 3, strz(2, 'nlipc'), RA, version=1)),
        ('ctrl getfamily name without NUL', ctrl(3, attr(2, b'nlipc'))),
        ('ctrl getfamily unknown attr', ctrl(3, strz(2, 'nlipc') + u32(99, 1))),
        ('ctrl getfamily flags', ctrl(3, strz(2, 'nlipc'), flags=RA | wire.NLM_F_CREATE)),
        ('ctrl getpolicy', ctrl(10, struct.pack('=HHH', 6, 1, fid) + b'\0\0',
                                flags=RA | wire.NLM_F_DUMP)),
        ('ctrl getpolicy op', ctrl(10, struct.pack('=HHH', 6, 1, fid) + b'\0\0' +
                                   u32(10, 5), flags=RA | wire.NLM_F_DUMP)),
        ('ctrl getpolicy by name', ctrl(10, strz(2, 'nlipc'), flags=RA | wire.NLM_F_DUMP)),
        ('ctrl getpolicy op 9', ctrl(10, strz(2, 'nlipc') + u32(10, 9), flags=RA | wire.NLM_F_DUMP)),
        ('ctrl getpolicy op 2^31', ctrl(10, strz(2, 'nlipc') + u32(10, 1 << 31),
                                        flags=RA | wire.NLM_F_DUMP)),
        ('ctrl getpolicy do', ctrl(10, strz(2, 'nlipc'))),
        ('stats-get', m(3)),
        ('info', m(2)),
    ]
    return T


def canon(c, replies, fid, groups):
    out = []
    for mlen, mtype, flags, seq, pid, payload in replies:
        t = 'F' if mtype == fid else str(mtype)
        p = 'P' if pid == c.pid else str(pid)
        s = 'S' if seq == 1 else str(seq)
        line = f'len={mlen} type={t} flags={flags:#x} seq={s} pid={p}'
        if mtype == wire.NLMSG_ERROR:
            code = struct.unpack_from('=i', payload)[0]
            el, et, ef, es, ep = struct.unpack_from('=IHHII', payload, 4)
            et = 'F' if et == fid else str(et)
            line += f' error={code} req=({el},{et},{ef:#x},{es},{"P" if ep == c.pid else ep})'
            line += ' tlv=' + payload[20:].hex()
        elif mtype == wire.NLMSG_DONE:
            line += ' done=' + payload.hex()
        elif len(payload) >= 4:
            cmd = payload[0]
            attrs = payload[4:]
            if mtype == fid and cmd == wire.INFO_GET:
                a = wire.parse_attrs(attrs)
                a.pop(3, None)                  # uptime
                a.pop(2, None)                  # backend
                attrs = repr(sorted(a.items())).encode()
            if mtype == wire.GENL_ID_CTRL and cmd in (1, 10):
                attrs = mask_groups(attrs, groups)
            line += f' cmd={cmd} v={payload[1]} attrs=' + attrs.hex()
        out.append(line)
    return out


def mask_groups(attrs, groups):
    """Group ids differ between the module and the user backend."""
    ids = set(groups.values())
    res, off = b'', 0
    while off + 4 <= len(attrs):
        alen, atype = struct.unpack_from('=HH', attrs, off)
        data = attrs[off:off + wire.align(alen)]
        if atype == wire.CTRL_ATTR_FAMILY_ID and alen == 6:
            data = data[:4] + b'FF' + data[6:]    # the module's moves
        if atype & 0x3fff == wire.CTRL_ATTR_MCAST_GROUPS:
            data = data[:4] + mask_groups_nest(data[4:], ids)
        res += data
        off += wire.align(alen)
    return res


def mask_groups_nest(data, ids):
    out = bytearray(data)
    i = 0
    while i + 8 <= len(out):
        alen, atype = struct.unpack_from('=HH', out, i)
        if alen == 8 and atype == wire.CTRL_ATTR_MCAST_GRP_ID and \
                struct.unpack_from('=I', out, i + 4)[0] in ids:
            struct.pack_into('=I', out, i + 4, 0xeeee)
        i += 4
    return bytes(out)


def run(url):
    c = wire.connect(url)
    fid, groups = c.fid, c.groups
    # Learn our port id from a first ping; start from an empty store.
    c.call(wire.PING)
    entries, _ = c.call(wire.KV_GET, dump=True)
    for _, a in entries:
        c.call(wire.KV_DEL, attr(wire.KV_KEY, a[wire.KV_KEY][0]))
    results = []
    for name, data in cases(fid):
        sentinel = msg(fid, wire.PING, flags=RA, seq=SENTINEL_SEQ)
        flags = struct.unpack_from('=H', data, 6)[0]
        # A dump ends with its DONE (or an error), which may come after
        # the sentinel's ACK: a netlink dump goes on as the reader reads.
        dump_open = flags & wire.NLM_F_DUMP == wire.NLM_F_DUMP and flags & R
        c.send(data)
        c.send(sentinel)
        got = []
        sentinel_seen = False
        while not (sentinel_seen and not dump_open):
            msgs = c.messages(timeout=5)
            if msgs is None:
                got.append((0, 0, 0, 0, 0, b'EOF'))
                c = wire.connect(url)
                c.call(wire.PING)
                break
            if not msgs:
                got.append((0, 0, 0, 0, 0, b'TIMEOUT'))
                break
            for mm in msgs:
                if mm[3] == SENTINEL_SEQ:
                    if mm[1] == wire.NLMSG_ERROR:
                        sentinel_seen = True
                    continue
                got.append(mm)
                if mm[3] == 1 and mm[1] in (wire.NLMSG_DONE, wire.NLMSG_ERROR):
                    dump_open = False
        results.append((name, canon(c, got, fid, groups)))
    c.close()
    return results


def main():
    urls = sys.argv[1:]
    if not urls:
        print(__doc__)
        return 2
    ref = run(urls[0])
    if len(urls) == 1:
        for name, lines in ref:
            print('==', name)
            for line in lines:
                print('  ' + line)
        return 0
    for url in urls[1:]:
        got = run(url)
        for (name, want), (_, have) in zip(ref, got):
            if want == have:
                tap.point(True, f'{url}: {name}')
            elif name in BRIDGE_DIFFERS and errnos(want) == errnos(have):
                tap.point(True, f'{url}: {name} ({BRIDGE_DIFFERS[name]})')
            elif (name in DUMP_START_REFUSALS and not DUMP_START_EXTACK and
                  extack_free(want) and errnos(want) == errnos(have)):
                tap.point(True, f'{url}: {name} (no extack from this kernel)')
            else:
                tap.point(False, f'{url}: {name}',
                          [' want ' + x for x in want] +
                          [' got  ' + x for x in have])
    tap.plan()
    return 0


if __name__ == '__main__':
    sys.exit(main())
