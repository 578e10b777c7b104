#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""failslab-tests.py SPEC MODULE: the module under failslab, run as root in
nlipc-vm on the debug kernel (tests/vm/debug.sh) with the module loaded.
Speaks TAP like kernel-tests.py.

failslab fails a share of the slab allocations of the tasks that ask for it
(task-filter): this test's thread asks only around its own send and receive
system calls, so what fails is what the kernel allocates to serve the
request -- the netlink core's buffers and everything the module allocates --
and never Python's own memory. Every failure must come back cleanly: as
-ENOMEM from the module (or the genetlink core before it), as ENOBUFS from
the netlink core when it could not queue a request or an ACK, with the
store unchanged by a refused request, subscribers told by ENOBUFS when they
missed a change, nothing leaked (the lane's kmemleak scan runs after this),
and the module correct afterwards. The seed is printed; NLIPC_SEED
replays a run."""

import contextlib
import ctypes
import errno
import os
import random
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import family, genl as nl, tap  # noqa: E402
from nlipctest.genl import Genl, NetlinkError, attr, strz  # noqa: E402

MODULE = sys.argv[2]    # argv[1], the spec: nlipctest.family has its ids
CMD, A = family.CMD, family.ATTR
KV, BUS, INFO, PING = A['kv'], A['bus'], A['info'], A['ping']


def refusal(status):
    """The NetlinkError an ACK's or DONE's (errno, text, offset, missing
    type) says, or None for a success."""
    code, text, offs, miss = status
    return NetlinkError(-code, text, offs, miss) if code else None


FAILSLAB = '/sys/kernel/debug/failslab'
SO_RCVBUFFORCE = 33
SYS_finit_module = 313
SEED = int(os.environ.get('NLIPC_SEED') or random.SystemRandom().randrange(1 << 32))
# The share of allocations that fail while injecting, in percent.
PERCENT = 10
# Known module bugs this suite finds: test name -> why. Their failure is
# reported as TODO (expected); remove the entry with the fix.
KNOWN_BUGS = {}


# ------------------------------------------------------------- failslab ----

def fs_write(name, value):
    with open(f'{FAILSLAB}/{name}', 'w') as f:
        f.write(f'{value}\n')


def fs_read(name):
    with open(f'{FAILSLAB}/{name}') as f:
        return f.read().strip()


TIMES = 1 << 30


def failslab_arm(percent):
    """Fail percent% of the slab allocations of tasks that opted in."""
    for name, value in (('task-filter', 'Y'), ('ignore-gfp-wait', 'N'),
                        ('cache-filter', 'N'), ('interval', 1), ('space', 0),
                        ('verbose', 0), ('times', TIMES),
                        ('probability', percent)):
        fs_write(name, value)


def failslab_disarm():
    """Off; returns how many allocations it failed since armed."""
    fs_write('probability', 0)
    return TIMES - int(fs_read('times'))


class Injector:
    """This thread's make-it-fail switch, opened once so that flipping it
    costs one write(2) and no allocation."""

    def __init__(self):
        self.fd = os.open('/proc/thread-self/make-it-fail', os.O_WRONLY)

    def on(self):
        os.write(self.fd, b'1')

    def off(self):
        os.write(self.fd, b'0')

    def close(self):
        self.off()
        os.close(self.fd)


@contextlib.contextmanager
def failslab(percent=PERCENT):
    failslab_arm(percent)
    try:
        yield
    finally:
        failslab_disarm()


# -------------------------------------------------- requests, failing -----

class Outcome:
    """What a request came to: kind is 'ok' (replies), 'error' (an
    NLMSG_ERROR, code is its errno), 'send' (sendmsg failed, code), or
    'recv' (recvmsg failed: the ACK or a reply was lost, code)."""

    def __init__(self, kind, code=0, replies=(), err=None):
        self.kind, self.code, self.replies, self.err = kind, code, list(replies), err

    def __repr__(self):
        name = errno.errorcode.get(self.code, self.code) if self.code else ''
        return f'<{self.kind} {name}>'


class Client:
    """A netlink socket whose send and receive system calls, and nothing
    else, run with this thread's allocations failing."""

    def __init__(self, inj):
        self.inj = inj
        self.buf = bytearray(1 << 20)
        self.g = Genl()

    def renew(self):
        """A fresh socket: after a lost ACK or an interrupted dump the old
        one may still hold parts of the answer."""
        self.g.close()
        self.g = Genl()

    def request(self, family, cmd, attrs=b'', dump=False):
        g = self.g
        g.seq += 1
        seq = g.seq
        flags = nl.NLM_F_REQUEST | nl.NLM_F_ACK | (nl.NLM_F_DUMP if dump else 0)
        body = struct.pack('=BBH', cmd, 1, 0) + attrs
        msg = struct.pack('=IHHII', 16 + len(body), family, flags, seq, 0) + body
        self.inj.on()
        try:
            g.sock.send(msg)
        except OSError as e:
            self.inj.off()
            return Outcome('send', e.errno)
        self.inj.off()
        replies = []
        while True:
            self.inj.on()
            try:
                n = g.sock.recv_into(self.buf)
            except OSError as e:
                self.inj.off()
                self.renew()
                return Outcome('recv', e.errno or errno.ETIMEDOUT, replies)
            self.inj.off()
            data, off = bytes(self.buf[:n]), 0
            while off + 16 <= len(data):
                mlen, mtype, mflags, mseq, pid = struct.unpack_from('=IHHII', data, off)
                payload = data[off + 16:off + mlen]
                off += nl.align(mlen)
                if mseq != seq:
                    continue
                if mtype == nl.NLMSG_ERROR:
                    err = refusal(nl.ack_of(mflags, payload))
                    if err:
                        return Outcome('error', err.code, replies, err)
                    if not dump:
                        return Outcome('ok', 0, replies)
                elif mtype == nl.NLMSG_DONE:
                    err = refusal(nl.done_of(mflags, payload))
                    if err:
                        return Outcome('error', err.code, replies, err)
                    return Outcome('ok', 0, replies)
                else:
                    replies.append(nl.Msg(mtype, mflags, mseq, pid, payload))


# Outcomes that are the netlink core's, not the module's: the request was
# not queued (sendmsg) or its ACK or reply could not be (recvmsg).
CORE_CODES = {errno.ENOBUFS, errno.ENOMEM}


def check_outcome(o, legit, what, dump=False):
    """An outcome is the operation's own answer (0 or an errno in legit),
    -ENOMEM, or a core ENOBUFS; anything else is a failure. A dump whose
    first message cannot be allocated is answered ENOBUFS by the core."""
    if o.kind == 'ok':
        assert 0 in legit, f'{what}: succeeded, want {legit}'
    elif o.kind == 'error':
        ok = {errno.ENOMEM} | ({errno.ENOBUFS} if dump else set())
        assert o.code in legit or o.code in ok, \
            f'{what}: {errno.errorcode.get(o.code, o.code)} ({o.err}), want {legit} or {ok}'
    else:
        assert o.code in CORE_CODES, f'{what}: {o.kind} failed with {o.code}'


# --------------------------------------------------------- the service ----

_family = None


def fam():
    global _family
    if _family is None:
        g = Genl()
        _family = g.family('nlipc')
        g.close()
    return _family[0]


def group(name):
    fam()
    return _family[1][name]


def kv_attrs(key, value=None, flags=()):
    a = attr(KV['key'], key)
    if value is not None:
        a += attr(KV['value'], value)
    return a + b''.join(attr(KV[f]) for f in flags)


def store(g):
    """The namespace's store, read without failures."""
    msgs, done = g.dump(fam(), CMD['kv-get'])
    assert not done & nl.NLM_F_DUMP_INTR
    return {m.get(KV['key']): m.get(KV['value']) for m in msgs}


def usage(g):
    r = g.do(fam(), CMD['info-get'])[0]
    return (nl.get_u32(r.get(INFO['kv-entries'])),
            nl.get_u64(r.get(INFO['kv-bytes'])))


def clear(g):
    for key in store(g):
        g.do(fam(), CMD['kv-del'], attr(KV['key'], key))


def lookup(g, key):
    try:
        return g.do(fam(), CMD['kv-get'], attr(KV['key'], key))[0].get(KV['value'])
    except NetlinkError as e:
        assert e.code == errno.ENOENT, e
        return None


def check_store(g, model):
    got = store(g)
    assert got == model, f'store differs from the model: {sorted(set(got.items()) ^ set(model.items()))[:5]}'
    want = (len(model), sum(len(k) + len(v) for k, v in model.items()))
    assert usage(g) == want, (usage(g), want)


class Events:
    """A subscriber to the events group, never failing itself: it must see
    every committed change, in order, or learn by ENOBUFS that it missed
    some."""

    def __init__(self):
        self.g = Genl()
        self.g.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        self.g.join(group('events'))
        self.g.sock.settimeout(0.5)

    def drain(self):
        """(events, overrun) until the socket is quiet."""
        events, overrun = [], False
        while True:
            try:
                msgs = self.g.recv_msgs()
            except TimeoutError:
                return events, overrun
            except OSError as e:
                assert e.errno == errno.ENOBUFS, e
                overrun = True
                continue
            for mtype, flags, seq, pid, payload in msgs:
                m = nl.Msg(mtype, flags, seq, pid, payload)
                events.append((m.cmd, m.get(KV['key']), m.get(KV['value'])))

    def close(self):
        self.g.close()


def log(msg):
    print(f'# {msg}')
    sys.stdout.flush()


# ----------------------------------------------------------------- tests ----

def test_failslab_reaches_only_this_thread():
    """At 100% every request of this thread fails, cleanly; a request of
    another socket that is not failing is untouched, and so is the store."""
    inj = Injector()
    c, g = Client(inj), Genl()
    try:
        clear(g)
        g.do(fam(), CMD['kv-set'], kv_attrs(b'kept', b'1', ('create',)))
        with failslab(100):
            for cmd, a in (('kv-set', kv_attrs(b'kept', b'2', ('replace',))),
                           ('kv-set', kv_attrs(b'new', b'3', ('create',))),
                           ('kv-del', kv_attrs(b'kept')),
                           ('ping', attr(PING['payload'], b'x'))):
                o = c.request(fam(), CMD[cmd], a)
                assert o.kind != 'ok', f'{cmd} succeeded with every allocation failing'
                check_outcome(o, (), cmd)
            g.do(fam(), CMD['ping'], attr(PING['payload'], b'x'))
            failed = failslab_disarm()
        assert failed >= 4, f'failslab failed only {failed} allocations'
        assert store(g) == {b'kept': b'1'}, store(g)
        clear(g)
    finally:
        inj.close()


def test_every_operation_under_failslab():
    """Random operations against a model of the store, a share of their
    allocations failing: each comes back as its own answer, -ENOMEM or a
    core ENOBUFS, a refused change changes nothing, and the store and its
    counters match the model throughout. A subscriber makes every change
    allocate its notification too."""
    rnd = random.Random(SEED)
    inj = Injector()
    c, g = Client(inj), Genl()
    clear(g)
    sub = Events()
    model, seen = {}, {}
    keys = [b'k%02d' % i for i in range(24)]
    try:
        with failslab():
            for i in range(1500):
                key = rnd.choice(keys)
                old = model.get(key)
                op = rnd.choice(('set', 'set', 'set', 'del', 'get', 'dump',
                                 'ping', 'info', 'publish'))
                if op == 'set':
                    value = os.urandom(rnd.randrange(0, 200))
                    flags = rnd.choice((('create',), ('replace',),
                                        ('create', 'replace'), ('create', 'excl')))
                    o = c.request(fam(), CMD['kv-set'], kv_attrs(key, value, flags))
                    if old is None:
                        legit = (0,) if 'create' in flags else (errno.ENOENT,)
                    else:
                        legit = (errno.EEXIST,) if 'excl' in flags or \
                            'replace' not in flags else (0,)
                    new = value if legit == (0,) else old
                elif op == 'del':
                    o = c.request(fam(), CMD['kv-del'], kv_attrs(key))
                    legit = (0,) if old is not None else (errno.ENOENT,)
                    new = None
                elif op == 'get':
                    o = c.request(fam(), CMD['kv-get'], kv_attrs(key))
                    legit = (0,) if old is not None else (errno.ENOENT,)
                    if o.kind == 'ok':
                        assert o.replies[0].get(KV['value']) == old, (i, key)
                elif op == 'dump':
                    prefix = key[:rnd.randrange(1, 4)]
                    o = c.request(fam(), CMD['kv-get'], attr(KV['key-prefix'], prefix),
                                  dump=True)
                    legit = (0,)
                    if o.kind == 'ok':
                        got = {m.get(KV['key']): m.get(KV['value']) for m in o.replies}
                        assert got == {k: v for k, v in model.items()
                                       if k.startswith(prefix)}, (i, prefix)
                    elif o.kind == 'error':
                        # The core answers a dump whose first message it
                        # cannot allocate, and goes on with it after.
                        c.renew()
                elif op == 'ping':
                    payload = os.urandom(rnd.randrange(1, 3000))
                    o = c.request(fam(), CMD['ping'], attr(PING['payload'], payload))
                    legit = (0,)
                    if o.kind == 'ok':
                        assert o.replies[0].get(PING['payload']) == payload, i
                elif op == 'info':
                    o = c.request(fam(), CMD['info-get'])
                    legit = (0,)
                else:
                    o = c.request(fam(), CMD['publish'], strz(BUS['topic'], 't') +
                                  attr(BUS['payload'], b'p' * rnd.randrange(100)))
                    legit = (0,)
                seen[(op, o.kind, o.code)] = seen.get((op, o.kind, o.code), 0) + 1
                check_outcome(o, legit, f'op {i} {op} {key!r} -> {o}', op == 'dump')
                if op not in ('set', 'del'):
                    continue
                # Did the change happen? Known, unless the ACK was lost.
                if o.kind == 'ok':
                    applied = True
                elif o.kind == 'recv' and 0 in legit:
                    now = lookup(g, key)
                    assert now in (old, new), (i, op, key)
                    applied = now == new and now != old
                else:
                    applied = False
                    assert lookup(g, key) == old, f'op {i}: refused {op} changed {key!r}'
                if applied and 0 in legit:
                    if new is None:
                        del model[key]
                    else:
                        model[key] = new
                if i % 100 == 99:
                    check_store(g, model)
            failed = failslab_disarm()
        check_store(g, model)
        log(f'{failed} allocations failed; outcomes: ' +
            ', '.join(f'{op} {kind}{" " + errno.errorcode.get(code, str(code)) if code else ""}: {n}'
                      for (op, kind, code), n in sorted(seen.items())))
        assert any(k == 'error' and code == errno.ENOMEM for (_, k, code) in seen), \
            'no request came back with ENOMEM: failslab reached nothing'
        # And the module is still correct: ops without failures.
        for key in list(model)[:5]:
            assert lookup(g, key) == model[key]
        clear(g)
        assert usage(g) == (0, 0)
    finally:
        sub.close()
        inj.close()


def test_subscribers_learn_of_every_change_or_an_overrun():
    """A change whose notification cannot be allocated must not pass
    silently: a subscriber sees every committed change, in order, or gets
    ENOBUFS, as for an overrun, to tell it to read the store again."""
    rnd = random.Random(SEED + 1)
    inj = Injector()
    c, g = Client(inj), Genl()
    clear(g)
    sub = Events()
    model, changes = {}, []
    try:
        with failslab():
            for i in range(300):
                key = b'n%d' % rnd.randrange(4)
                old = model.get(key)
                if old is not None and rnd.random() < 0.3:
                    new = None
                    o = c.request(fam(), CMD['kv-del'], kv_attrs(key))
                else:
                    new = b'%d' % i
                    o = c.request(fam(), CMD['kv-set'],
                                  kv_attrs(key, new, ('create', 'replace')))
                check_outcome(o, (0,), f'op {i} -> {o}')
                now = new if o.kind == 'ok' else lookup(g, key)
                if now == old:
                    continue
                assert now == new, (i, key, old, new, now)
                if new is None:
                    del model[key]
                    changes.append((CMD['kv-del-ntf'], key, None))
                else:
                    model[key] = new
                    changes.append((CMD['kv-set-ntf'], key, new))
            failed = failslab_disarm()
        events, overrun = sub.drain()
        log(f'{failed} allocations failed; {len(changes)} changes, '
            f'{len(events)} events, overrun {overrun}')
        assert overrun or events == changes, \
            (f'the subscriber saw {len(events)} events for {len(changes)} changes '
             f'and no ENOBUFS: {len(changes) - len(events)} notifications were lost '
             'silently')
    finally:
        sub.close()
        inj.close()
        clear(g)


def loaded():
    return os.path.exists('/sys/module/nlipc')


def test_module_load_under_failslab():
    """Loading the module with allocations failing either works or fails
    with ENOMEM, leaving nothing loaded; the next load works."""
    subprocess.run(['rmmod', 'nlipc'], check=True)
    global _family
    _family = None
    libc = ctypes.CDLL(None, use_errno=True)
    inj = Injector()
    outcomes = {}
    try:
        with failslab(5):
            for _ in range(40):
                fd = os.open(MODULE, os.O_RDONLY)
                inj.on()
                rc = libc.syscall(SYS_finit_module, fd, b'', 0)
                err = ctypes.get_errno() if rc else 0
                inj.off()
                os.close(fd)
                outcomes[err] = outcomes.get(err, 0) + 1
                assert err in (0, errno.ENOMEM), \
                    f'finit_module failed with {errno.errorcode.get(err, err)}'
                if rc:
                    assert not loaded(), 'a failed load left the module behind'
                else:
                    subprocess.run(['rmmod', 'nlipc'], check=True)
            failed = failslab_disarm()
        log(f'{failed} allocations failed; loads: ' +
            ', '.join(f'{errno.errorcode.get(e, "ok") if e else "ok"}: {n}'
                      for e, n in sorted(outcomes.items())))
        assert outcomes.get(errno.ENOMEM), 'no load failed: failslab reached nothing'
    finally:
        inj.close()
        if not loaded():
            subprocess.run(['insmod', MODULE], check=True)
        _family = None
    g = Genl()
    g.do(fam(), CMD['kv-set'], kv_attrs(b'after', b'load', ('create',)))
    assert lookup(g, b'after') == b'load'
    clear(g)


def test_namespaces_come_and_go_under_failslab():
    """Creating network namespaces with allocations failing: a namespace
    whose setup fails unwinds the module's per-namespace state, one that
    succeeds has a working store, and the host's store is untouched."""
    g = Genl()
    g.do(fam(), CMD['kv-set'], kv_attrs(b'host', b'1', ('create',)))

    def child():
        inj = Injector()
        inj.on()
        try:
            nl.unshare_net()
        except OSError as e:
            inj.off()
            # Whatever the core answers (ENOMEM, ENOBUFS from a kernel
            # socket of the namespace, EEXIST...): the setup failed, and
            # what matters is what it leaves behind.
            return errno.errorcode.get(e.errno, str(e.errno))
        inj.off()
        c = Genl()
        c.do(fam(), CMD['kv-set'], kv_attrs(b'ns', b'2', ('create',)))
        assert store(c) == {b'ns': b'2'}
        return 'ok'
    results = {}
    with failslab():
        for i in range(30):
            # A namespace's setup makes hundreds of allocations: mostly
            # low shares, so that some setups get through.
            fs_write('probability', (1, 1, 2, 5, 20)[i % 5])
            r = nl.in_child(child)
            results[r] = results.get(r, 0) + 1
        failed = failslab_disarm()
    log(f'{failed} allocations failed; namespaces: {results}')
    assert set(results) - {'ok'}, 'no namespace setup failed: failslab reached nothing'
    assert store(g) == {b'host': b'1'}
    clear(g)


def disarm():
    with contextlib.suppress(OSError):
        failslab_disarm()


def main():
    log(f'seed {SEED} (NLIPC_SEED={SEED} replays it)')
    return tap.run(globals(), select='NLIPC_TEST', cleanup=disarm,
                   todo=KNOWN_BUGS)


if __name__ == '__main__':
    sys.exit(main())
