#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""module-stress.py SPEC MODULE: the module under hostile input, loaded and
unloaded in a loop, and unloaded under load. Run as root inside nlipc-vm
with the module loaded; it unloads and reloads it, so never on a host.

Speaks TAP. Each test ends with one line of figures for `make stress`:
  # stress: NAME duration_s=F requests=N hostile=N errors=N leaks=N crashes=N
(errors: errors seen by well-behaved clients; crashes: kernel reports in
the log; leaks: kmemleak's unreferenced objects when the kernel has it).

Environment: NLIPC_HOSTILE_SECONDS (20) for the hostile test,
NLIPC_RELOADS (100), NLIPC_UNLOAD_SECONDS (3) of load before the unload,
NLIPC_SEED to replay a run's inputs, NLIPC_TEST to run only the tests
whose name contains it."""

import collections
import ctypes
import errno
import multiprocessing
import os
import random
import re
import socket
import struct
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
from nlipctest import genl as nl, tap  # noqa: E402
from nlipctest.genl import Genl, NetlinkError, attr, u64  # noqa: E402
import oracle  # noqa: E402
import mutate  # noqa: E402

import yaml  # noqa: E402

SPEC = oracle.Spec(yaml.safe_load(open(sys.argv[1])))
MODULE = sys.argv[2]
CMD, A = SPEC.cmd, SPEC.attr
SEED = int(os.environ.get('NLIPC_SEED') or random.SystemRandom().randrange(1 << 32))
SO_RCVBUFFORCE = 33
NOBODY = 65534
MP = multiprocessing.get_context('fork')

# ------------------------------------------------------------ the kernel ---

libc = ctypes.CDLL(None, use_errno=True)
SYS_INIT_MODULE, SYS_DELETE_MODULE = 175, 176          # x86_64
with open(MODULE, 'rb') as _f:
    IMAGE = _f.read()


def insmod(params=''):
    """init_module(2), as insmod does it; 0 or an errno."""
    if libc.syscall(SYS_INIT_MODULE, IMAGE, ctypes.c_ulong(len(IMAGE)),
                    params.encode()):
        return ctypes.get_errno()
    return 0


def rmmod():
    """delete_module(2) without waiting, as rmmod does; 0 or an errno."""
    if libc.syscall(SYS_DELETE_MODULE, b'nlipc', os.O_NONBLOCK):
        return ctypes.get_errno()
    return 0


def families(g=None):
    """{name: id} of every generic netlink family, from a controller dump
    (by name it could make the kernel try to load a module)."""
    s = g or Genl()
    try:
        seq = s.send(nl.GENL_ID_CTRL, nl.CTRL_CMD_GETFAMILY,
                     flags=nl.NLM_F_REQUEST | nl.NLM_F_ACK | nl.NLM_F_DUMP,
                     version=2)
        out = {}
        for m in s.collect(seq, dump=True)[:-1]:
            out[m.get(nl.CTRL_ATTR_FAMILY_NAME).rstrip(b'\0').decode()] = \
                struct.unpack('=H', m.get(nl.CTRL_ATTR_FAMILY_ID))[0]
        return out
    finally:
        if not g:
            s.close()


def family_gone(old_id, g=None):
    """None if nlipc is gone from the controller, else what is left."""
    s = g or Genl()
    try:
        if 'nlipc' in families(s):
            return 'nlipc still listed by the controller'
        try:
            s.do(nl.GENL_ID_CTRL, nl.CTRL_CMD_GETFAMILY,
                 attr(nl.CTRL_ATTR_FAMILY_ID, struct.pack('=H', old_id)), version=2)
            return f'family id {old_id} still resolves'
        except NetlinkError as e:
            if e.code != errno.ENOENT:
                return f'getfamily of the old id: {e}'
        try:
            s.do(old_id, CMD['ping'])
            return f'the old id {old_id} still answers a ping'
        except NetlinkError as e:
            return None if e.code == errno.ENOENT else f'ping of the old id: {e}'
    finally:
        if not g:
            s.close()


class KernelLog:
    """New kernel log records since creation, through /dev/kmsg."""

    # The first line of a report, and what else may show one's body.
    # (kmemleak's findings are leaks, counted apart.)
    REPORT = re.compile(
        r'BUG:|WARNING:|UBSAN:|KASAN:|Oops|general protection|kernel BUG|'
        r'list_(add|del) corruption|soft lockup|hung_task|'
        r'blocked for more than|rcu: INFO:|refcount_t:')
    TRACE = re.compile(r'Call Trace|RIP:')

    def __init__(self):
        self.fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)
        self.lines = []

    def read(self):
        while True:
            try:
                rec = os.read(self.fd, 8192).decode(errors='replace')
            except BlockingIOError:
                return self.lines
            except BrokenPipeError:         # overwritten before we read it
                self.lines.append('(kernel log records lost)')
                continue
            self.lines.append(rec.split(';', 1)[-1].split('\n', 1)[0])

    def reports(self):
        """(reports seen so far, the lines to show)."""
        lines = self.read()
        heads = [x for x in lines if self.REPORT.search(x)]
        shown = [x for x in lines if self.REPORT.search(x) or self.TRACE.search(x)]
        # A stack trace without a header still counts, once.
        return len(heads) or int(bool(shown)), shown

    def close(self):
        os.close(self.fd)


def taint():
    with open('/proc/sys/kernel/tainted') as f:
        return int(f.read())


TAINT_OOT_UNSIGNED = 4096 | 8192


class Kmemleak:
    """kmemleak's unreferenced objects since begin(), where the kernel has it."""

    PATH = '/sys/kernel/debug/kmemleak'

    def __init__(self):
        self.on = os.path.exists(self.PATH) and self._cmd('scan') and \
            self._cmd('clear')

    def _cmd(self, c):
        try:
            with open(self.PATH, 'w') as f:
                f.write(c)
            return True
        except OSError:
            return False

    def count(self):
        """Objects must be 5 s old to be reported; two scans settle them."""
        if not self.on:
            return 0, []
        time.sleep(6)
        if not (self._cmd('scan') and self._cmd('scan')):
            return 1, ['kmemleak turned itself off']
        with open(self.PATH) as f:
            text = f.read().splitlines()
        return sum(x.startswith('unreferenced object') for x in text), text[:60]


# ------------------------------------------------------------------ TAP ---

def point(ok, name, diag=()):
    """A test point, with at most 40 lines of diagnostics."""
    return tap.point(ok, name, list(diag)[:40])


def figures(name, t0, requests, hostile, errors, leaks, crashes):
    print(f'# stress: {name} duration_s={time.time() - t0:.1f} '
          f'requests={requests} hostile={hostile} errors={errors} '
          f'leaks={leaks} crashes={crashes}')
    sys.stdout.flush()


def kernel_clean(log, name):
    """Checks the log so far; returns the number of reports in it."""
    count, shown = log.reports()
    t = taint()
    point(not count and t & ~TAINT_OOT_UNSIGNED == 0,
          f'{name}: no WARN, BUG, Oops or trace in the kernel log, taint {t}',
          shown[:20])
    return count


def family_id():
    g = Genl()
    try:
        return g.family('nlipc')[0]
    finally:
        g.close()


def sanity(fam):
    """The module answers ping, info-get and kv correctly: None or why not."""
    g = Genl()
    kv = A['kv']
    try:
        info = g.do(fam, CMD['info-get'])[0]
        if info.get(A['info']['backend']) != b'kernel\0':
            return 'info-get: backend is not "kernel"'
        top = nl.get_u32(info.get(A['info']['ping-max-payload']))
        msgs, _ = g.dump(fam, CMD['kv-get'])
        room = [nl.get_u32(info.get(A['info'][k])) for k in
                ('kv-entries', 'kv-max-entries')] + \
            [nl.get_u64(info.get(A['info'][k])) for k in ('kv-bytes', 'kv-max-bytes')]
        while msgs and (room[0] >= room[1] or room[2] + 200 > room[3]):
            m = msgs.pop(0)                             # full: make room
            g.do(fam, CMD['kv-del'], attr(kv['key'], m.get(kv['key'])))
            room[0] -= 1
            room[2] -= len(m.get(kv['key'])) + len(m.get(kv['value']))
        for size in (0, 1, 1000, top):
            payload = os.urandom(size)
            r = g.do(fam, CMD['ping'], (attr(A['ping']['payload'], payload)
                                        if size else b'') +
                     u64(A['ping']['cookie'], size + 7))[0]
            if r.get(A['ping']['payload']) != (payload or None) or \
                    nl.get_u64(r.get(A['ping']['cookie'])) != size + 7:
                return f'ping of {size} bytes echoed wrong'
        key, value = b'sanity-%d' % os.getpid(), os.urandom(100)
        g.do(fam, CMD['kv-set'], attr(kv['key'], key) + attr(kv['value'], value) +
             attr(kv['create']) + attr(kv['excl']))
        if g.do(fam, CMD['kv-get'], attr(kv['key'], key))[0].get(kv['value']) != value:
            return 'kv-get does not return what kv-set stored'
        msgs, _ = g.dump(fam, CMD['kv-get'], attr(kv['key-prefix'], key))
        if [(m.get(kv['key']), m.get(kv['value'])) for m in msgs] != [(key, value)]:
            return 'a kv-get dump by prefix does not list the key'
        g.do(fam, CMD['kv-del'], attr(kv['key'], key))
        try:
            g.do(fam, CMD['kv-get'], attr(kv['key'], key))
            return 'kv-get finds a deleted key'
        except NetlinkError as e:
            if e.code != errno.ENOENT:
                return f'kv-get of a deleted key: {e}'
        return None
    except (NetlinkError, OSError) as e:
        return f'{type(e).__name__}: {e}'
    finally:
        g.close()


def stats_snapshot(fam):
    """({cmd: [requests, errors, rx, tx]}, the request's and the reply's size)."""
    g = Genl()
    try:
        seq = g.send(fam, CMD['stats-get'])
        m = g.collect(seq)[0]
        out = {}
        for op in m.attrs[A['stats']['op']]:
            a = nl.parse_attrs(op)
            out[nl.get_u32(a[A['op-stats']['cmd']][0])] = [
                nl.get_u64(a[A['op-stats'][k]][0])
                for k in ('requests', 'errors', 'rx-bytes', 'tx-bytes')]
        return out, g.sent_len, 20 + len(m.raw)
    finally:
        g.close()


# -------------------------------------------------------- hostile input ---

class Tally:
    """What the module's counters must have counted, per command."""

    def __init__(self):
        self.c = collections.defaultdict(lambda: [0, 0, 0, 0])
        self.slack_tx = collections.Counter()   # dumps cut by a reset
        self.resets = 0

    def add(self, cmd, req=0, err=0, rx=0, tx=0):
        c = self.c[cmd]
        c[0] += req
        c[1] += err
        c[2] += rx
        c[3] += tx

    def merge(self, other):
        for cmd, v in other.items():
            self.add(cmd, *v)

    def zero(self):
        self.c.clear()
        self.slack_tx.clear()
        self.resets += 1


class Prober:
    """Sends datagrams on one socket and checks every answer against the
    oracle; counts answers by kind and what reached the handlers."""

    def __init__(self, g, orc, tally, listener=None, timeout=10.0):
        self.g, self.o, self.t, self.listener = g, orc, tally, listener
        self.timeout = timeout
        self.answers = collections.Counter()
        self.sent = self.datagrams = self.unpriv_refused = 0

    def send(self, data):
        reqs = oracle.kernel_view(data)
        exps = self.o.predict(reqs)
        got = {e.req.seq: [] for e in exps}
        pending = {e.req.seq for e in exps if e.must_end()}
        problems = []
        try:
            self.g.sock.send(data)
        except OSError as e:
            # netlink_sendmsg() refuses an empty datagram, and only that.
            if e.errno == errno.ENODATA and not data:
                return []
            return [f'send of {len(data)} bytes: {e}']
        self.sent += len(reqs)
        self.datagrams += 1
        while True:
            try:
                self.g.sock.settimeout(self.timeout if pending else 0)
                msgs = self.g.recv_msgs()
            except BlockingIOError:
                break
            except socket.timeout:
                problems.append(f'no end of answer within {self.timeout} s for '
                                f'seq {sorted(pending)[:4]}: socket wedged? '
                                f'datagram {data[:64].hex()}')
                break
            except (OSError, ValueError) as e:
                problems.append(f'recv: {e}')
                break
            for m in msgs:
                if m[2] not in got:
                    problems.append(f'stray answer: {oracle.answers([m])} seq {m[2]}')
                    continue
                got[m[2]].append(m)
                if m[0] in (nl.NLMSG_ERROR, nl.NLMSG_DONE):
                    pending.discard(m[2])
        running_dump = 0
        for e in exps:
            answers = got[e.req.seq]
            problem, tx = oracle.match(e, answers, self.g.portid)
            if problem:
                problems.append(problem)
            self.count(answers)
            if e.reached:
                self.t.add(e.cmd, 1, int(e.herr), e.req.len, tx)
            if e.items and e.items[0][0] == 'dump' and e.dump_running and e.cmd:
                running_dump += tx
            if e.reset and not problem:
                self.t.zero()
                if running_dump:
                    self.t.slack_tx[CMD['kv-get']] += running_dump
            if e.unpriv_write and not problem:
                self.unpriv_refused += 1
        return problems + self.check_events()

    def count(self, answers):
        if not answers:
            self.answers['none'] += 1
        for mtype, flags, _seq, _pid, payload in answers:
            if mtype == nl.NLMSG_ERROR:
                code = struct.unpack_from('=i', payload)[0]
                self.answers[oracle.errname(code)] += 1
            elif mtype == nl.NLMSG_DONE:
                self.answers['DONE'] += 1
            elif flags & nl.NLM_F_MULTI:
                self.answers['dump-part'] += 1
            else:
                self.answers['reply'] += 1

    def check_events(self):
        """The notifications the datagram caused, in order, and no others."""
        if not self.listener:
            return []
        want, problems = self.o.store.events, []
        self.listener.sock.settimeout(0)
        while True:
            try:
                msgs = self.listener.recv_msgs()
            except BlockingIOError:
                break
            except OSError as e:
                problems.append(f'events socket: {e}')
                break
            for m in msgs:
                ev = nl.Msg(*m)
                got = (ev.cmd, {t: v[-1] for t, v in ev.attrs.items()})
                if not want:
                    problems.append(f'unexpected notification cmd {ev.cmd}')
                elif got != want[0]:
                    problems.append(f'notification cmd {ev.cmd} '
                                    f'{oracle.summary(got[1])}, expected cmd '
                                    f'{want[0][0]} {oracle.summary(want[0][1])}')
                    want.popleft()
                else:
                    want.popleft()
        if want:
            problems.append(f'{len(want)} notifications missing, first cmd '
                            f'{want[0][0]} {oracle.summary(want[0][1])}')
            want.clear()
        return problems

    def fetch_store(self, fam):
        """The store as a clean dump shows it, counted like any request."""
        for _ in range(8):
            seq = self.g.send(fam, CMD['kv-get'],
                              flags=nl.NLM_F_REQUEST | nl.NLM_F_ACK | nl.NLM_F_DUMP)
            self.g.sock.settimeout(self.timeout)
            msgs = self.g.collect(seq, dump=True)
            done = msgs.pop()[1]
            self.t.add(CMD['kv-get'], 1, 0, self.g.sent_len,
                       sum(20 + len(m.raw) for m in msgs))
            if not (done & nl.NLM_F_DUMP_INTR or
                    any(m.flags & nl.NLM_F_DUMP_INTR for m in msgs)):
                return [(m.get(A['kv']['key']), m.get(A['kv']['value'])) for m in msgs]
        raise RuntimeError('8 dumps in a row interrupted')


def limits(fam):
    g = Genl()
    try:
        m = g.do(fam, CMD['info-get'])[0]
    finally:
        g.close()
    i = A['info']
    return (nl.get_u32(m.get(i['ping-max-payload'])),
            nl.get_u32(m.get(i['kv-max-entries'])),
            nl.get_u32(m.get(i['kv-max-key-len'])),
            nl.get_u32(m.get(i['kv-max-value-len'])),
            nl.get_u64(m.get(i['kv-max-bytes'])))


def listener(fam_groups):
    s = Genl()
    try:
        s.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    except PermissionError:             # nobody gets what rmem_max allows
        s.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    for gid in fam_groups.values():
        s.join(gid)
    return s


def hostile_phase(fam, groups, registered, store, priv, seed, seconds,
                  reset_window=None):
    """One stream of hostile datagrams on one socket until the deadline.
    stats-reset gets through only in the first reset_window seconds (and
    reset_window() is called then), so clients started after it are
    counted exactly. Returns a picklable summary."""
    rng = random.Random(seed)
    g = Genl()
    if priv:
        g.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    else:
        g.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    ev = listener(groups)
    orc = oracle.Oracle(SPEC, fam, store, registered, priv, g.portid, (True, True))
    tally = Tally()
    pr = Prober(g, orc, tally, ev)
    gen = mutate.Gen(rng, SPEC, fam, registered, priv,
                     4 << 20 if priv else 200000)
    kinds = collections.Counter()
    problems = []
    start = time.time()
    deadline = start + seconds
    while time.time() < deadline and len(problems) < 30:
        if reset_window and time.time() > start + seconds / 4:
            gen.allow_reset = False
            reset_window()
            reset_window = None
        kind, data = gen.next()
        kinds[kind] += 1
        p = pr.send(data)
        if p:
            problems += [f'[{kind} #{sum(kinds.values())}] {x}' for x in p]
            store.kv = collections.OrderedDict(pr.fetch_store(fam))
        # Keep dumps small: drop what mutations created outside the keyspace.
        if priv and len(store.kv) > 400:
            keep = set(gen.keys) | {CANARY_KEY}
            for key in [k for k in store.kv if k not in keep][:200]:
                body = struct.pack('=BBH', CMD['kv-del'], 1, 0) + \
                    attr(A['kv']['key'], key)
                problems += pr.send(mutate.header(16 + len(body), fam,
                                                  mutate.RA) + body)
        # Now and then, the same socket must still answer plainly.
        if pr.datagrams % 500 == 0:
            body = struct.pack('=BBH', CMD['ping'], 1, 0) + \
                attr(A['ping']['payload'], b'still there?')
            problems += pr.send(mutate.header(16 + len(body), fam, mutate.RA) + body)
    g.close()
    ev.close()
    return {'tally': dict(tally.c), 'slack_tx': dict(tally.slack_tx),
            'resets': tally.resets, 'problems': problems, 'kinds': dict(kinds),
            'answers': dict(pr.answers), 'sent': pr.sent,
            'unpriv_refused': pr.unpriv_refused, 'kv': list(store.kv.items())}


CANARY_KEY = b'canary-do-not-touch'


def canary(fam, seed, stop, out):
    """A well-behaved client beside the hostile one: pings, gets and dumps
    its own key, checks every answer, and counts what it sent."""
    rng = random.Random(seed)
    g = Genl()
    g.sock.settimeout(10)
    kv = A['kv']
    tally = Tally()
    errors, n = [], 0
    value = None
    while not stop.is_set() and len(errors) < 20:
        n += 1
        try:
            payload = rng.randbytes(rng.randrange(0, 2000))
            cookie = rng.randrange(1 << 64)
            seq = g.send(fam, CMD['ping'], attr(A['ping']['payload'], payload) +
                         u64(A['ping']['cookie'], cookie))
            r = g.collect(seq)
            tally.add(CMD['ping'], 1, 0, g.sent_len, sum(20 + len(m.raw) for m in r))
            if r[0].get(A['ping']['payload']) != (payload or None) or \
                    nl.get_u64(r[0].get(A['ping']['cookie'])) != cookie:
                errors.append(f'ping {n}: wrong echo')
            seq = g.send(fam, CMD['kv-get'], attr(kv['key'], CANARY_KEY))
            r = g.collect(seq)
            tally.add(CMD['kv-get'], 1, 0, g.sent_len, sum(20 + len(m.raw) for m in r))
            if value is None:
                value = r[0].get(kv['value'])
            elif r[0].get(kv['value']) != value:
                errors.append(f'kv-get {n}: the value changed')
            if n % 10 == 0:
                for _ in range(8):
                    msgs, done = g.dump(fam, CMD['kv-get'],
                                        attr(kv['key-prefix'], CANARY_KEY[:8]))
                    tally.add(CMD['kv-get'], 1, 0, g.sent_len,
                              sum(20 + len(m.raw) for m in msgs))
                    if done & nl.NLM_F_DUMP_INTR or \
                            any(m.flags & nl.NLM_F_DUMP_INTR for m in msgs):
                        continue
                    if [m.get(kv['key']) for m in msgs] != [CANARY_KEY]:
                        errors.append(f'dump {n}: {len(msgs)} entries')
                    break
        except (NetlinkError, OSError, ValueError) as e:
            errors.append(f'request {n}: {type(e).__name__}: {e}')
        time.sleep(0.002)               # leave the CPUs to the hostile side
    out.put({'tally': dict(tally.c), 'errors': errors, 'requests': n})


def check_stats(before, after, tally, canary_tally, before_tx, after_rx):
    """The counters' deltas against what reached the handlers: exact, but
    for the reply bytes of a dump a stats-reset cut in two."""
    problems = []
    reset = tally.resets > 0
    for cmd in sorted(SPEC.ops):
        want = list(tally.c.get(cmd, [0, 0, 0, 0]))
        if cmd == CMD['stats-get']:
            # The first snapshot's reply and the last one's request.
            want[3] += 0 if reset else before_tx
            want[0] += 1
            want[2] += after_rx
        base = [0, 0, 0, 0] if reset else before.get(cmd, [0, 0, 0, 0])
        got = [a - b for a, b in zip(after.get(cmd, [0, 0, 0, 0]), base)]
        extra = canary_tally.get(cmd, [0, 0, 0, 0])
        for i, name in enumerate(('requests', 'errors', 'rx-bytes', 'tx-bytes')):
            lo = want[i] + extra[i]
            hi = lo + (tally.slack_tx[cmd] if i == 3 else 0)
            if not lo <= got[i] <= hi:
                problems.append(f'{SPEC.ops[cmd].name} {name}: counted {got[i]}, '
                                f'expected {lo}' + (f'..{hi}' if hi != lo else ''))
    return problems


# Limits the hostile keys, values and pings run into: every limit check
# of the handlers gets its share of requests.
TIGHT = 'ping_max_payload=30000 kv_max_entries=64 kv_max_key_len=128 ' \
    'kv_max_value_len=3000 kv_max_bytes=16000'


def test_hostile_input():
    t0 = time.time()
    seconds = float(os.environ.get('NLIPC_HOSTILE_SECONDS', 20))
    log, leak = KernelLog(), Kmemleak()
    print(f'# seed {SEED} (NLIPC_SEED={SEED} replays the inputs), '
          f'{seconds:.0f} s of hostile input, module loaded with {TIGHT}')
    sys.stdout.flush()                  # a crash must not take the seed along
    if rmmod() or insmod(TIGHT):
        raise RuntimeError('cannot reload the module with tight limits')
    fams = families()
    fam = fams['nlipc']
    registered = {i for n, i in fams.items() if n != 'nlipc'}
    g = Genl()
    _, groups, _ = g.family('nlipc')
    g.do(fam, CMD['kv-set'], attr(A['kv']['key'], CANARY_KEY) +
         attr(A['kv']['value'], b'sing') + attr(A['kv']['create']) +
         attr(A['kv']['replace']))
    g.close()
    lim = limits(fam)

    before, _, before_tx = stats_snapshot(fam)
    stop, out = MP.Event(), MP.Queue()
    bird = MP.Process(target=canary, args=(fam, SEED + 1, stop, out))

    # Root, then nobody in the same namespace, on the store root left.
    # The tally follows the counters: a stats-reset the root stream got
    # through wipes what came before it.
    tally = Tally()
    g = Genl()
    pr = Prober(g, None, tally)
    store = oracle.Store([], lim)
    store.kv.update(pr.fetch_store(fam))
    root = hostile_phase(fam, groups, registered, store, True, SEED,
                         seconds * 2 / 3, bird.start)
    if root['resets']:
        tally.zero()
        tally.resets = root['resets']
    tally.merge(root['tally'])
    tally.slack_tx.update(root['slack_tx'])
    if bird.pid is None:                # the phase ended before its window
        bird.start()
    store.kv = collections.OrderedDict(root['kv'])
    snap = pr.fetch_store(fam)

    def as_nobody():
        return hostile_phase(fam, groups, registered, store, False,
                             SEED ^ 0x5eed, seconds / 3)
    try:
        nobody = nl.in_child(as_nobody, uid=NOBODY)
    except (NetlinkError, RuntimeError) as e:
        nobody = {'tally': {}, 'problems': [f'the unprivileged child died: {e}'],
                  'kinds': {}, 'answers': {}, 'sent': 0, 'unpriv_refused': 0,
                  'kv': snap}
    tally.merge(nobody['tally'])
    snap_after = pr.fetch_store(fam)
    g.close()

    stop.set()
    try:
        bird_out = out.get(timeout=30)
    except Exception:                  # queue.Empty: the canary hung
        bird_out = {'tally': {}, 'errors': ['the canary did not report'],
                    'requests': 0}
    bird.join(10)
    if bird.is_alive():
        bird.kill()
        bird_out['errors'].append('the canary did not exit')
    after, after_rx, _ = stats_snapshot(fam)

    kinds = collections.Counter(root['kinds']) + collections.Counter(nobody['kinds'])
    hostile = sum(kinds[k] for k in mutate.Gen.HOSTILE)
    for who, res in (('root', root), ('nobody', nobody)):
        print(f'# {who}: {sum(res["kinds"].values())} datagrams '
              f'({", ".join(f"{k} {v}" for k, v in sorted(res["kinds"].items()))}), '
              f'{res["sent"]} messages the kernel parsed')
        print(f'# {who}: answers ' +
              ', '.join(f'{k} {v}' for k, v in sorted(res['answers'].items())))
    point(not root['problems'],
          f'as root, every answer to {sum(root["kinds"].values())} datagrams '
          'as predicted, and the socket never wedged', root['problems'])
    point(not nobody['problems'] and nobody['unpriv_refused'] > 0,
          f'as nobody, every answer as predicted; {nobody["unpriv_refused"]} '
          'writes refused, none done', nobody['problems'])
    point(snap == snap_after == nobody['kv'],
          f'the unprivileged phase left the store of {len(snap)} keys as it was',
          [] if snap == snap_after else [f'{len(snap)} keys before, '
                                         f'{len(snap_after)} after'])
    point(not bird_out['errors'],
          f'a well-behaved client alongside: {bird_out["requests"]} rounds, '
          'no error', bird_out['errors'])
    stat_problems = check_stats(before, after, tally, bird_out['tally'],
                                before_tx, after_rx)
    point(not stat_problems,
          'per-op counters add up with the requests that reached the handlers'
          + (' (since the stream\'s last stats-reset)' if tally.resets else ''),
          stat_problems)
    problem = sanity(fam)
    point(problem is None, 'the module still answers ping, info-get and kv right',
          [problem] if problem else [])
    kernel_clean(log, 'hostile input')

    r = subprocess.run(['rmmod', 'nlipc'], capture_output=True, text=True)
    gone = family_gone(fam) if r.returncode == 0 else r.stderr.strip()
    leaks, leak_diag = leak.count()
    r2 = subprocess.run(['insmod', MODULE], capture_output=True, text=True)
    problem = r2.stderr.strip() if r2.returncode else sanity(family_id())
    point(gone is None and problem is None,
          'rmmod nlipc succeeds, the family goes, insmod brings it back working',
          [x for x in (gone, problem) if x])
    if leak.on:
        point(leaks == 0, f'kmemleak: {leaks} unreferenced objects', leak_diag)
    crashes = log.reports()[0]          # the unload's too
    log.close()
    requests = root['sent'] + nobody['sent'] + bird_out['requests']
    figures('module-hostile', t0, requests, hostile, len(bird_out['errors']),
            leaks, crashes)


# ------------------------------------------------------ load and unload ---

def random_params(rng):
    """Module parameters within their ranges, or none."""
    choices = [('ping_max_payload', rng.randrange(0, 65532)),
               ('kv_max_entries', rng.randrange(0, 1 << 20)),
               ('kv_max_key_len', rng.randrange(1, 256)),
               ('kv_max_value_len', rng.randrange(0, 61441)),
               ('kv_max_bytes', rng.randrange(0, 1 << 30))]
    return dict(rng.sample(choices, rng.randrange(0, 3)))


BAD_PARAMS = ['kv_max_key_len=0', 'kv_max_key_len=256', 'ping_max_payload=65532',
              'kv_max_value_len=61441', 'kv_max_entries=-1',
              'kv_max_entries=1048577', 'kv_max_bytes=lots', 'ping_max_payload=']


def test_load_unload_loop():
    t0 = time.time()
    n = int(os.environ.get('NLIPC_RELOADS', 100))
    rng = random.Random(SEED + 2)
    log, leak = KernelLog(), Kmemleak()
    problems, gone_problems, bad_params = [], [], []
    requests = 0
    info = A['info']
    names = {'ping_max_payload': 'ping-max-payload', 'kv_max_entries': 'kv-max-entries',
             'kv_max_key_len': 'kv-max-key-len', 'kv_max_value_len': 'kv-max-value-len',
             'kv_max_bytes': 'kv-max-bytes'}
    fam = family_id()
    ctl = Genl()                        # sockets do not pin the module
    for i in range(n):
        err = rmmod()
        if err:
            problems.append(f'cycle {i}: rmmod: {os.strerror(err)}')
            break
        why = family_gone(fam, ctl)
        if why:
            gone_problems.append(f'cycle {i}: {why}')
        if rng.random() < 0.1:
            bad = rng.choice(BAD_PARAMS)
            err = insmod(bad)
            if err not in (errno.EINVAL, errno.ENOENT, errno.ERANGE):
                bad_params.append(f'insmod {bad}: {os.strerror(err) if err else "loaded"}')
                if not err:
                    rmmod()
            elif 'nlipc' in families(ctl):
                bad_params.append(f'insmod {bad} failed but left the family')
        params = random_params(rng)
        err = insmod(' '.join(f'{k}={v}' for k, v in params.items()))
        if err:
            problems.append(f'cycle {i}: insmod {params}: {os.strerror(err)}')
            break
        try:
            g = Genl()
            fam = g.family('nlipc')[0]
            payload = os.urandom(rng.randrange(0, params.get('ping_max_payload', 4096) + 1))
            r = g.do(fam, CMD['ping'], attr(A['ping']['payload'], payload)
                     if payload else b'')[0]
            if r.get(A['ping']['payload']) != (payload or None):
                problems.append(f'cycle {i}: ping echoed wrong')
            m = g.do(fam, CMD['info-get'])[0]
            requests += 2
            for k, v in params.items():
                get = nl.get_u64 if k == 'kv_max_bytes' else nl.get_u32
                if get(m.get(info[names[k]])) != v:
                    problems.append(f'cycle {i}: info-get: {k} is not {v}')
            g.close()
        except (NetlinkError, OSError) as e:
            problems.append(f'cycle {i}: {type(e).__name__}: {e}')
        if len(problems) > 10:
            break
    ctl.close()
    point(not problems, f'{n} unloads and loads, each answering a ping and '
          'reporting its parameters', problems)
    point(not gone_problems, 'after every unload the family is gone from the '
          'controller and its id answers ENOENT', gone_problems)
    point(not bad_params, 'loads with out-of-range parameters fail cleanly',
          bad_params)
    leaks = 0
    if leak.on:
        rmmod()
        leaks, diag = leak.count()
        insmod()
        point(leaks == 0, f'kmemleak: {leaks} unreferenced objects', diag)
    if rmmod() == 0:                   # back to the default parameters
        insmod()
    crashes = kernel_clean(log, f'{n} loads')
    log.close()
    figures('module-reload', t0, requests, 0, len(problems), leaks, crashes)


# ------------------------------------------------- unload under load ---

VANISHED = (errno.ENOENT, errno.EPROTONOSUPPORT)
STORE_SIZE = 2000


def client(role, idx, fam, groups, stop, out):
    """One client of the unload test. Runs until the family vanishes (a
    request answered ENOENT, or EPROTONOSUPPORT for a dump started while
    the module is going) or it is told to stop: listeners once the others
    are done, the others only if the module could not be unloaded."""
    rng = random.Random(SEED * 16 + idx)
    res = {'role': role, 'requests': 0, 'errors': [], 'vanished': None,
           'intr': 0, 'overruns': 0, 'last': None, 'events': 0}
    kv = A['kv']
    try:
        g = Genl()
        g.sock.settimeout(10)
        if role == 'listener':
            g.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
            g.join(groups['events'])
            g.sock.settimeout(0.2)
            out.put(('ready', idx))
        while True:
            if role != 'listener' and stop.is_set():
                break
            if role == 'pinger':
                payload = rng.randbytes(rng.randrange(0, 1500))
                res['requests'] += 1
                r = g.do(fam, CMD['ping'], attr(A['ping']['payload'], payload))
                if r[0].get(A['ping']['payload']) != (payload or None):
                    res['errors'].append('ping echoed wrong')
            elif role == 'dumper':
                res['requests'] += 1
                msgs, done = g.dump(fam, CMD['kv-get'])
                if done & nl.NLM_F_DUMP_INTR or \
                        any(m.flags & nl.NLM_F_DUMP_INTR for m in msgs):
                    res['intr'] += 1
                    continue
                keys = [m.get(kv['key']) for m in msgs]
                want = [b'fill%05d' % i for i in range(STORE_SIZE)] + [b'writer']
                if keys != want or any(m.get(kv['value']) != m.get(kv['key'])[::-1]
                                       for m in msgs[:STORE_SIZE]):
                    res['errors'].append(f'dump of {len(keys)} entries, not the store')
            elif role == 'writer':
                n = (res['last'] or 0) + 1
                res['requests'] += 1
                g.do(fam, CMD['kv-set'], attr(kv['key'], b'writer') +
                     attr(kv['value'], b'%d' % n) + attr(kv['replace']))
                res['last'] = n
                # Bursts and pauses: dumps between bursts are not
                # interrupted, so their contents are checked.
                time.sleep(0.002 if n % 10 else 0.5)
            else:
                try:
                    for mtype, flags, seq, pid, payload in g.recv_msgs():
                        m = nl.Msg(mtype, flags, seq, pid, payload)
                        res['events'] += 1
                        if m.cmd != CMD['kv-set-ntf'] or m.get(kv['key']) != b'writer':
                            res['errors'].append(f'unexpected event cmd {m.cmd}')
                            continue
                        v = int(m.get(kv['value']))
                        if res['last'] is not None and v != res['last'] + 1 and \
                                not res['overruns']:
                            res['errors'].append(f'event {v} after {res["last"]}')
                        res['last'] = v
                except socket.timeout:
                    if stop.is_set():
                        break
                except OSError as e:
                    if e.errno != errno.ENOBUFS:
                        raise
                    res['overruns'] += 1
            if len(res['errors']) > 10:
                break
    except NetlinkError as e:
        if e.code in VANISHED and role != 'listener':
            res['vanished'] = e.code
        else:
            res['errors'].append(f'NetlinkError {e}')
    except OSError as e:                # socket.timeout included: a hang
        res['errors'].append(f'{type(e).__name__}: {e}')
    except Exception as e:
        res['errors'].append(f'unexpected {type(e).__name__}: {e}')
    out.put(('done', res))


def test_unload_under_load():
    t0 = time.time()
    seconds = float(os.environ.get('NLIPC_UNLOAD_SECONDS', 3))
    log, leak = KernelLog(), Kmemleak()
    if rmmod() or insmod():             # an empty store
        raise RuntimeError('cannot reload the module')
    fam = family_id()
    g = Genl()
    _, groups, _ = g.family('nlipc')
    kv = A['kv']
    # Fill the store in batches of 100 requests per datagram.
    for base in range(0, STORE_SIZE, 100):
        data = b''
        for i in range(base, base + 100):
            key = b'fill%05d' % i
            body = struct.pack('=BBH', CMD['kv-set'], 1, 0) + attr(kv['key'], key) + \
                attr(kv['value'], key[::-1]) + attr(kv['create']) + attr(kv['replace'])
            data += mutate.header(16 + len(body), fam, mutate.RA, i + 1) + body
        g.sock.send(data)
        acks = 0
        while acks < 100:
            for mtype, _f, _s, _p, payload in g.recv_msgs():
                if mtype != nl.NLMSG_ERROR or struct.unpack_from('=i', payload)[0]:
                    raise RuntimeError('filling the store failed')
                acks += 1
    g.do(fam, CMD['kv-set'], attr(kv['key'], b'writer') + attr(kv['value'], b'0') +
         attr(kv['create']) + attr(kv['replace']))
    g.close()

    stop, abort, out = MP.Event(), MP.Event(), MP.Queue()
    roles = ['pinger'] * 3 + ['dumper'] * 3 + ['listener'] * 2
    procs = [MP.Process(target=client, args=(
        role, i, fam, groups, stop if role == 'listener' else abort, out))
        for i, role in enumerate(roles)]
    for p in procs:
        p.start()
    ready, results = 0, []
    deadline = time.time() + 30
    while ready < 2 and time.time() < deadline:
        kind, val = out.get(timeout=30)
        if kind == 'ready':
            ready += 1
        else:
            results.append(val)
    writer = MP.Process(target=client, args=('writer', 8, fam, groups, abort, out))
    writer.start()
    procs.append(writer)
    time.sleep(seconds)

    # rmmod as its users keep going: an open dump pins the module, so
    # retry until a moment none is open.
    t_rm, attempts, err = time.time(), 0, None
    while time.time() - t_rm < 60:
        attempts += 1
        err = rmmod()
        if err != errno.EWOULDBLOCK and err != errno.EBUSY:
            break
        time.sleep(0.001)
    t_rm = time.time() - t_rm
    unloaded = err == 0
    if not unloaded:                   # stop them, and unload then
        abort.set()

    # Every event of a write is queued before its ACK: once the writer is
    # done, the listeners have all they will get.
    bound = time.time() + 20
    while time.time() < bound:
        talkers = sum(r['role'] != 'listener' for r in results)
        if talkers == len(procs) - 2:
            stop.set()
        if len(results) == len(procs):
            break
        try:
            kind, val = out.get(timeout=max(0.1, bound - time.time()))
        except Exception:              # queue.Empty
            break
        if kind == 'done':
            results.append(val)
    stop.set()
    abort.set()
    hung = []
    for p in procs:
        p.join(max(0.1, bound - time.time()))
        if p.is_alive():
            hung.append(p.pid)
            p.kill()
            p.join()
    if not unloaded:
        err = rmmod()
        unloaded = err == 0
    gone = family_gone(fam) if unloaded else 'not unloaded'
    leaks, leak_diag = leak.count()

    point(err == 0, f'rmmod under load succeeds ({attempts} attempts in {t_rm:.2f} s)',
          [] if err == 0 else [f'last attempt: {os.strerror(err)}'])
    point(gone is None, 'the family is gone after the unload', [gone] if gone else [])
    errors = [f'{r["role"]}: {e}' for r in results for e in r['errors']]
    late = [r['role'] for r in results if r['role'] not in ('listener',) and
            r['vanished'] is None]
    point(not hung and len(results) == len(procs) and not errors and not late,
          f'{len(procs)} clients ended within the bound, seeing only the family '
          'vanish (ENOENT, or EPROTONOSUPPORT for a dump while it went)',
          errors + [f'{len(hung)} clients hung, killed'] * bool(hung) +
          [f'{x} never saw the family vanish' for x in late] +
          ([f'{len(procs) - len(results)} clients did not report'] if
           len(results) != len(procs) else []))
    wrote = [r['last'] for r in results if r['role'] == 'writer']
    heard = [(r['last'], r['events'], r['overruns']) for r in results
             if r['role'] == 'listener']
    point(wrote and all(h[0] == wrote[0] or h[2] for h in heard) and
          all(h[1] for h in heard),
          f'listeners heard every change up to the last write ({wrote}: {heard})')
    for r in sorted(results, key=lambda r: r['role']):
        print(f'# {r["role"]}: {r["requests"]} requests, {r["events"]} events, '
              f'{r["intr"]} interrupted dumps, ended by '
              f'{errno.errorcode.get(r["vanished"], "stop")}')
    r = subprocess.run(['insmod', MODULE], capture_output=True, text=True)
    problem = r.stderr.strip() if r.returncode else None
    if not problem:
        fam2 = family_id()
        problem = sanity(fam2)
        g = Genl()
        entries = nl.get_u32(g.do(fam2, CMD['info-get'])[0].get(A['info']['kv-entries']))
        g.close()
        if not problem and entries:
            problem = f'the new store holds {entries} keys'
    point(problem is None, 'insmod again: an empty store, and the module answers right',
          [problem] if problem else [])
    if leak.on:
        point(leaks == 0, f'kmemleak: {leaks} unreferenced objects', leak_diag)
    crashes = kernel_clean(log, 'unload under load')
    log.close()
    figures('module-unload', t0, sum(r['requests'] for r in results), 0,
            len(errors) + len(hung), leaks, crashes)


def main():
    tests = [(n, f) for n, f in globals().items() if n.startswith('test_')]
    only = os.environ.get('NLIPC_TEST')
    for name, fn in tests:
        if only and only not in name:
            continue
        t0 = time.time()
        try:
            fn()
        except Exception:
            point(False, f'{name} ran to its end',
                  traceback.format_exc().splitlines())
        print(f'# {name}: {time.time() - t0:.1f} s')
    return tap.plan()


if __name__ == '__main__':
    sys.exit(main())
