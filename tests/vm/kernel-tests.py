#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kernel-tests.py SPEC MODULE: the module's tests, run as root inside
nlipc-vm with the module loaded. Speaks TAP; each test is a function named
test_*, run in file order. The module is reloaded with other parameters
where a test needs them, so this must never run on a host kernel."""

import errno
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import family, genl as nl, tap  # noqa: E402
from nlipctest.genl import Genl, NetlinkError, attr, u32, u64, strz  # noqa: E402
from nlipctest.genl import expect_error  # noqa: E402
from nlipctest.tap import Skip  # noqa: E402

import yaml  # noqa: E402

SPEC_PATH, MODULE = sys.argv[1], sys.argv[2]
SPEC = yaml.safe_load(open(SPEC_PATH))


def c_name(s):
    return s.upper().replace('-', '_')


# Command and attribute numbers and limits, generated from the spec.
CMD, A, CONST = family.CMD, family.ATTR, family.CONST
PING, KV, BUS, INFO, STATS, OPS = (A['ping'], A['kv'], A['bus'], A['info'],
                                  A['stats'], A['op-stats'])
GENL_ADMIN_PERM, CAP_DO, CAP_DUMP, CAP_HASPOL = 1, 2, 4, 8


def reload(**params):
    """Reload the module with these parameters."""
    global _family_id
    subprocess.run(['rmmod', 'nlipc'], check=True)
    subprocess.run(['insmod', MODULE] + [f'{k}={v}' for k, v in params.items()],
                   check=True)
    _family_id = None


class Family:
    def __init__(self):
        g = Genl()
        self.id, self.groups, self.ops = g.family('nlipc')
        g.close()


_family_id = None


def fam():
    """The family id, resolved once per load of the module."""
    global _family_id
    if _family_id is None:
        _family_id = Family().id
    return _family_id


def kv_set(g, key, value, flags=('create', 'replace')):
    return g.do(fam(), CMD['kv-set'], attr(KV['key'], key) +
                attr(KV['value'], value) + b''.join(attr(KV[f]) for f in flags))


def kv_get(g, key):
    return g.do(fam(), CMD['kv-get'], attr(KV['key'], key))[0].get(KV['value'])


def kv_dump(g, prefix=None):
    msgs, done = g.dump(fam(), CMD['kv-get'],
                        attr(KV['key-prefix'], prefix) if prefix is not None else b'')
    return [(m.get(KV['key']), m.get(KV['value'])) for m in msgs], msgs, done


def kv_clear(g):
    for key, _ in kv_dump(g)[0]:
        g.do(fam(), CMD['kv-del'], attr(KV['key'], key))


# ---------------------------------------------------------------- family ----

def test_family_matches_spec_ops_and_groups():
    f = Family()
    want = {}
    for op in SPEC['operations']['list']:
        if 'do' not in op and 'dump' not in op:
            continue                        # notifications are not ops
        flags = CAP_HASPOL if any(op.get(k, {}).get('request') for k in ('do', 'dump')) else 0
        flags |= (CAP_DO if 'do' in op else 0) | (CAP_DUMP if 'dump' in op else 0)
        flags |= GENL_ADMIN_PERM if 'admin-perm' in op.get('flags', []) else 0
        want[CMD[op['name']]] = flags
    # Ops without request attributes have the core's reject-all policy.
    got = {k: v & ~CAP_HASPOL for k, v in f.ops.items()}
    assert got == {k: v & ~CAP_HASPOL for k, v in want.items()}, (got, want)
    assert sorted(f.groups) == sorted(g['name'] for g in SPEC['mcast-groups']['list'])


NL_TYPES = {'binary': 10, 'u32': 4, 'u64': 5, 'string': 12, 'flag': 1}



def spec_limit(v):
    return CONST[v] if isinstance(v, str) else v


def test_policies_match_spec():
    """CTRL_CMD_GETPOLICY against the spec: per op, the union of its do and
    dump request attributes (one policy per op before 6.2), each with the
    spec's type and limits, and nothing else."""
    f = Family()
    ops, policies = Genl().policy(f.id)
    sets = {s['name']: {a['name']: a for a in s['attributes']}
            for s in SPEC['attribute-sets']}
    for op in SPEC['operations']['list']:
        names = [n for k in ('do', 'dump')
                 for n in (op.get(k, {}).get('request') or {}).get('attributes', [])]
        cmd = CMD[op['name']]
        if not names:
            continue
        do_idx, dump_idx = ops[cmd]
        idx = do_idx if do_idx is not None else dump_idx
        pol = policies[idx]
        aset = A[op['attribute-set']]
        assert sorted(pol) == sorted(aset[n] for n in set(names)), (op['name'], pol)
        for n in set(names):
            spec_attr, p = sets[op['attribute-set']][n], pol[aset[n]]
            assert nl.get_u32(p[1]) == NL_TYPES[spec_attr['type']], (op['name'], n)
            checks = spec_attr.get('checks', {})
            if 'max-len' in checks:
                assert nl.get_u32(p[7]) == spec_limit(checks['max-len']), (op['name'], n)
            if 'min-len' in checks:
                assert nl.get_u32(p[6]) == spec_limit(checks['min-len']), (op['name'], n)
            if 'max' in checks:
                assert struct.unpack('=Q', p[5])[0] == spec_limit(checks['max']), (op['name'], n)
        # The generated op table is struct genl_ops on 6.1 and 6.12 alike
        # (doc/protocol.md, Kernels): an op's do and dump share one policy.
        if 'do' in op and 'dump' in op:
            assert do_idx == dump_idx, (op['name'], do_idx, dump_idx)


# ------------------------------------------------------------------ ping ----

def ping(g, payload=None, cookie=None, reply_size=None, **kw):
    a = b''
    if payload is not None:
        a += attr(PING['payload'], payload)
    if cookie is not None:
        a += u64(PING['cookie'], cookie)
    if reply_size is not None:
        a += u32(PING['reply-size'], reply_size)
    return g.do(fam(), CMD['ping'], a, **kw)[0]


def test_ping_echoes_every_size():
    g = Genl()
    for size in (1, 56, 4096, 32768, CONST['ping-max-payload']):
        payload = os.urandom(size)
        r = ping(g, payload, cookie=size * 7)
        assert r.get(PING['payload']) == payload, size
        assert nl.get_u64(r.get(PING['cookie'])) == size * 7
    r = ping(g)
    assert PING['payload'] not in r.attrs and PING['cookie'] not in r.attrs


def test_ping_reply_size_truncates_and_pads():
    g = Genl()
    assert ping(g, b'abcdef', reply_size=3).get(PING['payload']) == b'abc'
    assert ping(g, b'ab', reply_size=5).get(PING['payload']) == b'ab\0\0\0'
    assert PING['payload'] not in ping(g, b'ab', reply_size=0).attrs
    assert len(ping(g, reply_size=60000).get(PING['payload'])) == 60000


def test_ping_policy_rejections_name_the_attribute():
    g = Genl()
    e = expect_error(errno.ERANGE, ping, g, reply_size=CONST['ping-max-payload'] + 1)
    assert e.offs == 20 and e.msg, e      # the first attribute, after 16+4 bytes
    e = expect_error(errno.EINVAL, g.do, fam(), CMD['ping'], attr(PING['cookie'], b'1234'))
    assert e.offs == 20, e
    e = expect_error(errno.EINVAL, g.do, fam(), CMD['ping'],
                     u64(PING['cookie'], 1) + u32(40, 1))
    assert e.offs == 32 and e.msg, e      # the unknown attribute, after the cookie
    # The pad attribute is the kernel's to send, not the client's.
    expect_error(errno.EINVAL, g.do, fam(), CMD['ping'], attr(PING['pad'], b''))


def test_strict_header_and_unknown_commands():
    g = Genl()
    expect_error(errno.EINVAL, g.do, fam(), CMD['ping'], reserved=1)
    expect_error(errno.EOPNOTSUPP, g.do, fam(), 99)
    expect_error(errno.EOPNOTSUPP, g.do, fam(), CMD['kv-set-ntf'])
    expect_error(errno.EOPNOTSUPP, g.dump, fam(), CMD['ping'])
    e = expect_error(errno.EINVAL, g.do, fam(), CMD['info-get'], u32(1, 1))
    assert e.offs == 20, e


def test_ping_limit_from_module_parameter():
    reload(ping_max_payload=1000)
    try:
        g = Genl()
        assert len(ping(g, b'x' * 1000).get(PING['payload'])) == 1000
        e = expect_error(errno.EMSGSIZE, ping, g, b'x' * 1001)
        assert e.offs == 20 and 'ping_max_payload' in e.msg, e
        e = expect_error(errno.EMSGSIZE, ping, g, b'x', reply_size=1001)
        assert e.offs == 28 and 'reply size' in e.msg, e
        r = subprocess.run(['insmod', MODULE, 'kv_max_key_len=300'],
                           capture_output=True)
        assert r.returncode != 0
    finally:
        reload()


# ------------------------------------------------------------ info, stats ---

def info(g):
    return g.do(fam(), CMD['info-get'])[0]


def test_info_reports_version_limits_and_uptime():
    g = Genl()
    r = info(g)
    assert r.get(INFO['backend']) == b'kernel\0'
    assert re.match(rb'\d+\.\d+\.\d+\0', r.get(INFO['version']))
    assert nl.get_u32(r.get(INFO['ping-max-payload'])) == CONST['ping-max-payload']
    assert nl.get_u32(r.get(INFO['kv-max-key-len'])) == CONST['kv-key-max-len']
    assert r.version == 1
    t0 = nl.get_u64(r.get(INFO['uptime-ms']))
    time.sleep(0.2)
    assert nl.get_u64(info(g).get(INFO['uptime-ms'])) >= t0 + 200


def stats(g):
    out = {}
    for op in g.do(fam(), CMD['stats-get'])[0].attrs[STATS['op']]:
        a = nl.parse_attrs(op)
        out[nl.get_u32(a[OPS['cmd']][0])] = tuple(
            nl.get_u64(a[OPS[k]][0]) for k in ('requests', 'errors', 'rx-bytes', 'tx-bytes'))
    return out


def test_stats_count_requests_errors_and_bytes():
    g = Genl()
    g.do(fam(), CMD['stats-reset'])
    rx = tx = 0
    for size in (0, 10, 1000):
        seq = g.send(fam(), CMD['ping'],
                     attr(PING['payload'], b'p' * size) if size else b'')
        rx += g.sent_len
        tx += sum(16 + 4 + len(m.raw) for m in g.collect(seq))
    s = stats(g)
    assert s[CMD['ping']] == (3, 0, rx, tx), (s[CMD['ping']], rx, tx)
    # Every op the family serves is listed; notifications are not.
    assert set(s) == {c for c in Family().ops}, s


def test_stats_count_handler_errors():
    g = Genl()
    g.do(fam(), CMD['stats-reset'])
    expect_error(errno.ENOENT, g.do, fam(), CMD['kv-get'], attr(KV['key'], b'nope'))
    assert stats(g)[CMD['kv-get']][:2] == (1, 1)


def test_unprivileged_users_read_but_do_not_write():
    def as_nobody():
        g = Genl()
        ping(g, b'hi')
        info(g)
        kv_get_missing = expect_error(errno.ENOENT, kv_get, g, b'k')
        for cmd, a in (('stats-reset', b''),
                       ('kv-set', attr(KV['key'], b'k') + attr(KV['value'], b'v') +
                        attr(KV['create'])),
                       ('kv-del', attr(KV['key'], b'k'))):
            expect_error(errno.EPERM, g.do, fam(), CMD[cmd], a)
        return bool(kv_get_missing)
    assert nl.in_child(as_nobody, uid=65534)


# -------------------------------------------------------------------- kv ----

def test_kv_set_flags_follow_rtnetlink():
    g = Genl()
    kv_clear(g)
    C, E, R = 'create', 'excl', 'replace'
    # (flags, key exists before?, expected errno or 0), as ip route add,
    # change, replace and friends behave with NLM_F_CREATE/EXCL/REPLACE.
    table = [((), False, errno.ENOENT), ((), True, errno.EEXIST),
             ((C,), False, 0), ((C,), True, errno.EEXIST),
             ((C, E), False, 0), ((C, E), True, errno.EEXIST),
             ((R,), False, errno.ENOENT), ((R,), True, 0),
             ((C, R), False, 0), ((C, R), True, 0),
             ((E,), False, errno.ENOENT), ((E,), True, errno.EEXIST),
             ((E, R), False, errno.ENOENT), ((E, R), True, errno.EEXIST),
             ((C, E, R), False, 0), ((C, E, R), True, errno.EEXIST)]
    for i, (flags, exists, want) in enumerate(table):
        key = b'flag%d' % i
        if exists:
            kv_set(g, key, b'old')
        if want:
            e = expect_error(want, kv_set, g, key, b'new', flags)
            assert e.msg and e.offs == 20, (flags, e)
            if exists:
                assert kv_get(g, key) == b'old', flags
            else:
                expect_error(errno.ENOENT, kv_get, g, key)
        else:
            kv_set(g, key, b'new', flags)
            assert kv_get(g, key) == b'new', flags
    # The header's own flags are the core's: refused for a strict family.
    e = expect_error(errno.EINVAL, g.do, fam(), CMD['kv-set'],
                     attr(KV['key'], b'k') + attr(KV['value'], b'v'),
                     flags=nl.NLM_F_CREATE)
    assert 'nlmsg_flags' in e.msg, e
    kv_clear(g)


def test_kv_get_del_and_binary_values():
    g = Genl()
    value = bytes(range(256)) * 4
    kv_set(g, b'\x00bin\xff', value)
    assert kv_get(g, b'\x00bin\xff') == value
    kv_set(g, b'empty', b'')
    assert kv_get(g, b'empty') == b''
    g.do(fam(), CMD['kv-del'], attr(KV['key'], b'\x00bin\xff'))
    e = expect_error(errno.ENOENT, kv_get, g, b'\x00bin\xff')
    assert e.offs == 20
    expect_error(errno.ENOENT, g.do, fam(), CMD['kv-del'], attr(KV['key'], b'\x00bin\xff'))
    e = expect_error(errno.EINVAL, g.do, fam(), CMD['kv-del'])
    assert e.miss == KV['key'], e
    e = expect_error(errno.EINVAL, g.do, fam(), CMD['kv-set'],
                     attr(KV['key'], b'k') + attr(KV['create']))
    assert e.miss == KV['value'], e
    expect_error(errno.ERANGE, kv_set, g, b'', b'v')      # min-len 1
    expect_error(errno.EINVAL, g.do, fam(), CMD['kv-get'],
                 attr(KV['key'], b'k') + attr(KV['key-prefix'], b'k'))
    expect_error(errno.EINVAL, g.dump, fam(), CMD['kv-get'], attr(KV['key'], b'k'))
    kv_clear(g)


def test_kv_limits_are_enforced_with_extack():
    reload(kv_max_entries=3, kv_max_key_len=8, kv_max_value_len=16,
           kv_max_bytes=40)
    try:
        g = Genl()
        e = expect_error(errno.EMSGSIZE, kv_set, g, b'k' * 9, b'v')
        assert 'kv_max_key_len' in e.msg and e.offs == 20
        e = expect_error(errno.EMSGSIZE, kv_set, g, b'k', b'v' * 17)
        assert 'kv_max_value_len' in e.msg
        for i in range(3):
            kv_set(g, b'k%d' % i, b'v' * 8)          # 3 x 10 bytes
        e = expect_error(errno.ENOSPC, kv_set, g, b'k3', b'v')
        assert 'kv_max_entries' in e.msg
        kv_set(g, b'k0', b'v' * 16)                   # replace: 18 + 20 = 38
        e = expect_error(errno.ENOSPC, kv_set, g, b'k1', b'v' * 11)
        assert 'kv_max_bytes' in e.msg
        assert kv_get(g, b'k1') == b'v' * 8           # a refusal changes nothing
        r = info(g)
        assert nl.get_u32(r.get(INFO['kv-entries'])) == 3
        assert nl.get_u64(r.get(INFO['kv-bytes'])) == 38
    finally:
        reload()


def test_kv_dumps_of_every_shape():
    reload(kv_max_value_len=CONST['value-max-len'], kv_max_entries=20000)
    try:
        g = Genl()
        assert kv_dump(g)[0] == []
        kv_set(g, b'one', b'1')
        assert kv_dump(g)[0] == [(b'one', b'1')]
        kv_clear(g)
        # Entries of the largest size: each fills most of a message alone.
        big = [(b'big%d' % i, os.urandom(CONST['value-max-len'])) for i in range(5)]
        for k, v in big:
            kv_set(g, k, v)
        assert sorted(kv_dump(g)[0]) == sorted(big)
        kv_clear(g)
        # Enough small entries to fill exactly one 32 KiB message and more.
        for i in range(10000):
            kv_set(g, b'key%05d' % i, b'v%d' % i)
        entries, msgs, done = kv_dump(g)
        assert sorted(entries) == [(b'key%05d' % i, b'v%d' % i) for i in range(10000)]
        assert not done & nl.NLM_F_DUMP_INTR
        assert len(kv_dump(g, b'key0999')[0]) == 10
        assert kv_dump(g, b'nokey')[0] == []
        kv_clear(g)
    finally:
        reload()


def test_kv_dump_by_key_is_refused_as_this_kernel_can():
    g = Genl()
    e = expect_error(errno.EINVAL, g.dump, fam(), CMD['kv-get'], attr(KV['key'], b'k'))
    if nl.DUMP_START_EXTACK:
        assert e.msg == 'dumps filter by key-prefix, not key', e
        assert e.offs == 20, e            # the key, after 16+4 bytes of headers
    else:
        assert e.msg is None and e.offs is None, e


def dump_datagrams(g):
    """A whole dump as a list of datagrams, each a list of entry keys."""
    seq = g.send(fam(), CMD['kv-get'],
                 flags=nl.NLM_F_REQUEST | nl.NLM_F_ACK | nl.NLM_F_DUMP)
    grams = []
    while True:
        keys = []
        for mtype, flags, mseq, pid, payload in g.recv_msgs():
            assert mseq == seq
            if mtype == nl.NLMSG_DONE:
                return grams + ([keys] if keys else [])
            keys.append(nl.Msg(mtype, flags, mseq, pid, payload).get(KV['key']))
        grams.append(keys)


def test_kv_dump_of_exactly_one_full_message():
    """Find how many entries of one size fill a dump message, then dump
    exactly that many (one message) and one more (two): nothing is lost or
    repeated at the boundary."""
    g = Genl()
    kv_clear(g)
    value = b'z' * 1000
    for i in range(200):
        kv_set(g, b'f%03d' % i, value)
    full = len(dump_datagrams(g)[0])
    assert 1 < full < 200, full
    kv_clear(g)
    for i in range(full):
        kv_set(g, b'f%03d' % i, value)
    grams = dump_datagrams(g)
    assert len(grams) == 1 and len(grams[0]) == full, [len(x) for x in grams]
    kv_set(g, b'f%03d' % full, value)
    grams = dump_datagrams(g)
    assert [len(x) for x in grams] == [full, 1], [len(x) for x in grams]
    assert sorted(grams[0] + grams[1]) == [b'f%03d' % i for i in range(full + 1)]
    kv_clear(g)


def test_kv_dump_racing_a_writer_is_marked_interrupted():
    g, w = Genl(), Genl()
    for i in range(3000):
        kv_set(w, b'r%04d' % i, b'x' * 40)
    seq = g.send(fam(), CMD['kv-get'],
                 flags=nl.NLM_F_REQUEST | nl.NLM_F_ACK | nl.NLM_F_DUMP)
    first = g.recv_msgs()                   # one part of the dump read...
    kv_set(w, b'r0000', b'changed')         # ...then the store changes
    rest = g.collect(seq, dump=True)
    intr = any(m.flags & nl.NLM_F_DUMP_INTR for m in rest[:-1]) or \
        rest[-1][1] & nl.NLM_F_DUMP_INTR
    assert first and intr, 'dump spanning a change not marked NLM_F_DUMP_INTR'
    entries = kv_dump(g)
    assert not entries[2] & nl.NLM_F_DUMP_INTR and len(entries[0]) == 3000
    kv_clear(w)


def test_kv_replace_never_hides_the_key_from_readers():
    w, r = Genl(), Genl()
    kv_set(w, b'steady', b'0')
    stop = threading.Event()

    def replace():
        i = 0
        while not stop.is_set():
            i += 1
            kv_set(w, b'steady', b'%d' % i, ('replace',))
    t = threading.Thread(target=replace)
    t.start()
    try:
        missing = 0
        for _ in range(2000):
            try:
                kv_get(r, b'steady')
            except NetlinkError as e:
                missing += e.code == errno.ENOENT
    finally:
        stop.set()
        t.join()
    w.do(fam(), CMD['kv-del'], attr(KV['key'], b'steady'))
    assert missing == 0, f'key missing {missing} times while being replaced'


def events_sub(rcvbuf=None, group='events'):
    s = Genl(rcvbuf=rcvbuf)
    s.join(Family().groups[group])
    return s


SO_RCVBUFFORCE = 33


def big_sub():
    """A subscriber whose buffer holds a whole test's events (root only)."""
    s = events_sub()
    s.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    return s


def next_event(s):
    for mtype, flags, seq, pid, payload in s.recv_msgs():
        return nl.Msg(mtype, flags, seq, pid, payload)


def test_two_subscribers_see_every_change_in_order():
    subs = [big_sub(), big_sub()]
    writers = [Genl(), Genl()]

    def write(w, n):
        for i in range(200):
            kv_set(w, b'w%d' % n, b'%d' % i)
            if i % 10 == 9:
                w.do(fam(), CMD['kv-del'], attr(KV['key'], b'w%d' % n))
    threads = [threading.Thread(target=write, args=(w, n)) for n, w in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen = []
    for s in subs:
        events = []
        for _ in range(2 * 220):
            m = next_event(s)
            events.append((m.cmd, m.get(KV['key']), m.get(KV['value'])))
        seen.append(events)
    assert seen[0] == seen[1], 'subscribers disagree on the order of changes'
    for n in range(2):
        mine = [e for e in seen[0] if e[1] == b'w%d' % n]
        want = []
        for i in range(200):
            want.append((CMD['kv-set-ntf'], b'w%d' % n, b'%d' % i))
            if i % 10 == 9:
                want.append((CMD['kv-del-ntf'], b'w%d' % n, None))
        assert mine == want, f'writer {n}: events out of order or missing'


def test_overrun_is_reported_not_silent():
    s = events_sub(rcvbuf=1)               # the kernel's minimum
    g = Genl()
    for i in range(200):
        kv_set(g, b'flood', b'x' * 1000)
    try:
        for _ in range(200):
            s.recv_msgs()
    except OSError as e:
        assert e.errno == errno.ENOBUFS, e
    else:
        raise AssertionError('200 events fit a minimal buffer: no overrun seen')
    g.do(fam(), CMD['kv-del'], attr(KV['key'], b'flood'))


def test_publish_reaches_subscribers_and_no_one_else():
    subs = [events_sub(group='bus') for _ in range(3)]
    bystander = events_sub(group='events')
    g = Genl()
    g.do(fam(), CMD['publish'], strz(BUS['topic'], 'greetings') +
         attr(BUS['payload'], b'hello\0bytes'))
    for s in subs:
        m = next_event(s)
        assert m.cmd == CMD['publish-ntf']
        assert m.get(BUS['topic']) == b'greetings\0'
        assert m.get(BUS['payload']) == b'hello\0bytes'
        assert nl.get_u32(m.get(BUS['sender'])) == g.portid
    bystander.sock.settimeout(0.5)
    try:
        bystander.recv_msgs()
        raise AssertionError('an events subscriber got a bus message')
    except socket.timeout:
        pass
    e = expect_error(errno.EINVAL, g.do, fam(), CMD['publish'])
    assert e.miss == BUS['topic']
    expect_error(errno.EINVAL, g.do, fam(), CMD['publish'], strz(BUS['topic'], ''))


def test_namespaces_have_separate_stores_and_buses():
    g = Genl()
    kv_set(g, b'host-only', b'1')
    sub = events_sub(group='bus')

    def in_netns():
        c = Genl()
        f = Family()
        assert kv_dump(c)[0] == []
        kv_set(c, b'ns-only', b'2')
        c.do(f.id, CMD['publish'], strz(BUS['topic'], 'ns'))
        return [k for k, _ in kv_dump(c)[0]]
    assert nl.in_child(in_netns, netns=True) == [b'ns-only']
    assert [k for k, _ in kv_dump(g)[0]] == [b'host-only']
    sub.sock.settimeout(0.5)
    try:
        sub.recv_msgs()
        raise AssertionError('a publish crossed network namespaces')
    except socket.timeout:
        pass
    kv_clear(g)


def slab_kib():
    with open('/proc/meminfo') as f:
        return int(re.search(r'SUnreclaim:\s+(\d+)', f.read()).group(1))


def kasan_present():
    with open('/proc/kallsyms') as f:
        return any(line.rstrip().endswith(' kasan_report') for line in f)


def test_deleting_a_namespace_frees_its_store():
    if kasan_present():
        raise Skip("KASAN's quarantine holds freed objects in the slab; "
                   'the debug lane checks this with kmemleak instead')
    before = slab_kib()

    def fill():
        c = Genl()
        for i in range(2000):
            kv_set(c, b'n%d' % i, b'x' * 3000)   # ~4 KiB slab objects
        return slab_kib()
    filled = nl.in_child(fill, netns=True)      # the namespace dies with it
    assert filled > before + 6000, ('the store did not show in the slab',
                                    before, filled)
    deadline = time.time() + 20
    while time.time() < deadline and slab_kib() > before + 2048:
        time.sleep(0.2)
    assert slab_kib() < before + 2048, (before, slab_kib())


def test_store_is_charged_to_the_callers_memory_cgroup():
    """A store's entries count against the memory cgroup of whoever wrote
    them (GFP_KERNEL_ACCOUNT), so a container cannot grow the kernel's
    memory past its own limit through the module."""
    root = '/sys/fs/cgroup'
    if not os.path.exists(root + '/cgroup.controllers') and subprocess.run(
            ['mount', '-t', 'cgroup2', 'none', root]).returncode:
        raise Skip('no cgroup2 in this kernel')
    with open(root + '/cgroup.controllers') as f:
        if 'memory' not in f.read().split():
            raise Skip('no memory controller in this kernel')
    with open(root + '/cgroup.subtree_control', 'w') as f:
        f.write('+memory')
    cg = root + '/nlipc-test'
    os.makedirs(cg, exist_ok=True)

    def slab():
        with open(cg + '/memory.stat') as f:
            return int(re.search(r'^slab (\d+)$', f.read(), re.M).group(1))

    def fill():
        with open(cg + '/cgroup.procs', 'w') as f:
            f.write(str(os.getpid()))
        before = slab()
        c = Genl()
        for i in range(1000):
            kv_set(c, b'm%d' % i, b'x' * 3000)   # ~3 MiB of 4 KiB objects
        return before, slab()
    try:
        before, after = nl.in_child(fill, netns=True)
    finally:
        os.rmdir(cg)
    assert after - before > 3000 * 1000, ('the store was not charged', before, after)


def test_rmmod_with_a_listener_and_a_half_read_dump():
    g = Genl()
    for i in range(3000):
        kv_set(g, b'u%04d' % i, b'y' * 100)
    sub = events_sub()
    d = Genl()
    d.send(fam(), CMD['kv-get'], flags=nl.NLM_F_REQUEST | nl.NLM_F_ACK | nl.NLM_F_DUMP)
    assert d.recv_msgs()
    r = subprocess.run(['rmmod', 'nlipc'], capture_output=True, text=True)
    # The open dump pins the module; closing it lets unload proceed.
    assert r.returncode != 0 and 'in use' in r.stderr, r
    d.close()
    deadline = time.time() + 10
    while subprocess.run(['rmmod', 'nlipc'], capture_output=True).returncode:
        assert time.time() < deadline, 'rmmod still refused after the dump closed'
        time.sleep(0.1)
    sub.sock.settimeout(0.5)
    try:
        while sub.recv_msgs():
            pass
    except socket.timeout:
        pass
    subprocess.run(['insmod', MODULE], check=True)
    global _family_id
    _family_id = None
    assert Genl().do(fam(), CMD['info-get'])[0].get(INFO['kv-entries']) == struct.pack('=I', 0)


def test_kernel_log_is_clean():
    log = subprocess.run(['dmesg'], capture_output=True, text=True).stdout
    bad = [line for line in log.splitlines()
           if re.search(r'WARNING:|BUG:|Oops|general protection|Call Trace|RIP:', line)]
    assert not bad, '\n'.join(bad[:20])
    with open('/proc/sys/kernel/tainted') as f:
        taint = int(f.read())
    assert taint & ~(4096 | 8192) == 0, f'taint {taint}'


def main():
    return tap.run(globals(), select='NLIPC_TEST')


if __name__ == '__main__':
    sys.exit(main())
