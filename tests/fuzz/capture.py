#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""capture.py: seed corpora for the fuzz targets, from real messages.
Prints "NAME BASE64" lines that tests/fuzz/capture.sh writes into
tests/fuzz/corpus/.

capture.py: the reply and stream targets' seeds, the module's answers;
run inside nlipc-vm.

capture.py --nlipcd NLIPCD NLIPC: the nlipcd-* targets' seeds, what the
nlipc tool sends to nlipcd (user backend) over unix:, unix+dgram: and
udp://, recorded by a relay between the two; run on the host."""

import base64
import os
import selectors
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def emit(name, data):
    print(name, base64.b64encode(data).decode())


# ---------------------------------------------------------------------------
# The module's answers (reply, stream)

OPS = {'ping': 0, 'info': 1, 'stats': 2, 'kv-get': 3, 'kv-list': 4,
       'getfamily': 5, 'event': 6, 'reset': 7}


def capture_kernel():
    sys.path.insert(0, os.path.join(HERE, '..'))
    from nlipctest import genl as nl

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

    def both(name, op, data):
        emit(name, bytes([OPS[op], 1]) + data)
        emit(name + '.stream', data)

    g = nl.Genl()
    fid, groups, _ = g.family('nlipc')
    both('ping', 'ping', raw_exchange(g, fid, 1, nl.attr(1, b'hello') + nl.u64(2, 7)))
    both('ping-error', 'ping', raw_exchange(g, fid, 1, nl.u32(3, 70000)))
    both('info', 'info', raw_exchange(g, fid, 2))
    both('stats', 'stats', raw_exchange(g, fid, 3))
    both('reset', 'reset', raw_exchange(g, fid, 4))
    for i in range(40):
        raw_exchange(g, fid, 5, nl.attr(1, b'key%d' % i) + nl.attr(2, b'v' * i) + nl.attr(4))
    both('kv-get', 'kv-get', raw_exchange(g, fid, 6, nl.attr(1, b'key3')))
    both('kv-get-missing', 'kv-get', raw_exchange(g, fid, 6, nl.attr(1, b'nokey')))
    both('kv-list', 'kv-list', raw_exchange(g, fid, 6, flags=nl.NLM_F_DUMP))
    both('getfamily', 'getfamily', raw_exchange(g, nl.GENL_ID_CTRL, 3,
                                                nl.strz(2, 'nlipc'), version=2))
    sub = nl.Genl()
    sub.join(groups['events'])
    sub.join(groups['bus'])
    raw_exchange(g, fid, 5, nl.attr(1, b'ev') + nl.attr(2, b'val') + nl.attr(4) + nl.attr(6))
    raw_exchange(g, fid, 7, nl.attr(1, b'ev'))
    raw_exchange(g, fid, 8, nl.strz(1, 'topic') + nl.attr(2, b'payload'))
    events = b''.join(sub.sock.recv(65536) for _ in range(3))
    both('events', 'event', events)


# ---------------------------------------------------------------------------
# What nlipc sends to nlipcd (nlipcd-stream, nlipcd-dgram, nlipcd-request)

class Relay(threading.Thread):
    """Between nlipc and nlipcd on one transport: passes everything on,
    and records what each client socket sends, in order, as
    (client number, bytes); a stream's bytes as whole messages."""

    def __init__(self, kind, here, there):
        super().__init__(daemon=True)
        self.kind, self.there = kind, there
        self.family = socket.AF_INET if kind == 'udp' else socket.AF_UNIX
        stype = socket.SOCK_STREAM if kind == 'stream' else socket.SOCK_DGRAM
        self.lsock = socket.socket(self.family, stype)
        self.lsock.bind(here)
        if kind == 'stream':
            self.lsock.listen(16)
        self.here = self.lsock.getsockname()
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.lsock, selectors.EVENT_READ, ('listen', None))
        self.records, self.clients = [], {}
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def client(self, key):
        if key not in self.clients:
            self.clients[key] = len(self.clients)
        return self.clients[key]

    def record(self, key, data):
        with self.lock:
            self.records.append((self.client(key), data))
            self.last = time.monotonic()

    def upstream(self, key):
        up = socket.socket(self.family, socket.SOCK_STREAM if self.kind == 'stream'
                           else socket.SOCK_DGRAM)
        if self.kind == 'dgram':
            up.bind('')                 # autobind, for the answers
        up.connect(self.there)
        return up

    def run(self):
        pending = {}
        while True:
            for key, _ in self.sel.select():
                what, arg = key.data
                if what == 'listen' and self.kind == 'stream':
                    conn, _ = self.lsock.accept()
                    up = self.upstream(conn)
                    self.sel.register(conn, selectors.EVENT_READ, ('down', up))
                    self.sel.register(up, selectors.EVENT_READ, ('up', conn))
                    pending[conn] = b''
                elif what == 'listen':
                    data, addr = self.lsock.recvfrom(1 << 17)
                    if addr not in pending:
                        pending[addr] = self.upstream(addr)
                        self.sel.register(pending[addr], selectors.EVENT_READ,
                                          ('dgram-up', addr))
                    self.record(addr, data)
                    pending[addr].send(data)
                elif what == 'dgram-up':
                    try:
                        self.lsock.sendto(key.fileobj.recv(1 << 17), arg)
                    except OSError:     # either side gone
                        pass
                elif what == 'down':
                    data = key.fileobj.recv(1 << 17)
                    if not data:
                        self.sel.unregister(key.fileobj)
                        self.sel.unregister(arg)
                        key.fileobj.close()
                        arg.close()
                        continue
                    buf = pending[key.fileobj] + data
                    while len(buf) >= 16:
                        mlen = struct.unpack_from('=I', buf)[0]
                        if len(buf) < mlen:
                            break
                        self.record(key.fileobj, buf[:mlen])
                        buf = buf[mlen:]
                    pending[key.fileobj] = buf
                    arg.sendall(data)
                else:
                    data = key.fileobj.recv(1 << 17)
                    if data:
                        arg.sendall(data)
                    else:
                        arg.shutdown(socket.SHUT_WR)

    def take(self, quiet=0.15):
        """What was recorded since the last take, once traffic stopped."""
        while time.monotonic() - self.last < quiet:
            time.sleep(0.02)
        with self.lock:
            out, self.records, self.clients = self.records, [], {}
        return out


def url_of(relay):
    if relay.kind == 'udp':
        return 'udp://%s:%d' % relay.here
    return ('unix:' if relay.kind == 'stream' else 'unix+dgram:') + relay.here


# Sessions: nlipc commands, background ones (monitor, subscribe) started
# first with '&', given time to subscribe.
SESSIONS = [
    ('ping', ['ping -c 2 -i 0 -s 16']),
    ('ping-reply-size', ['ping -c 1 -i 0 -s 100 -r 7']),
    ('ping-3k', ['ping -c 1 -i 0 -s 3000']),
    ('info', ['info']),
    ('stats', ['stats']),
    ('stats-reset', ['stats --reset']),
    ('family', ['family']),
    ('kv-set', ['kv set k1 v1']),
    ('kv-set-create', ['kv set k2 value --create']),
    ('kv-set-replace', ['kv set k1 v2 --replace']),
    ('kv-set-hex', ['kv set --hex 00ff 0102']),
    ('kv-get', ['kv get k1']),
    ('kv-get-missing', ['kv get nokey']),
    ('kv-del', ['kv del k2']),
    ('kv-list', ['kv list']),
    ('kv-list-prefix', ['kv list k']),
    ('publish', ['publish topic hello']),
    ('monitor', ['&monitor -c 2', 'kv set ev val', 'kv del ev']),
    ('subscribe', ['&subscribe topic -c 1', 'publish topic message']),
    ('ping-big-replies', ['ping -c 6 -i 0 -s 16 -r 60000']),
    ('publish-900', ['publish topic ' + 'p' * 900]),
    ('kv-set-small', ['kv set a%d v%d' % (i, i) for i in range(6)]),
]
# For the request target: a store to list while it changes.
FILL = ['kv set key%02d %s' % (i, 'v' * (40 + i)) for i in range(24)]
STREAM_ONLY = ['ping-17k', ['ping -c 1 -i 0 -s 17000']]


def run_session(nlipc, url, cmds):
    bg = []
    for cmd in cmds:
        argv = [nlipc, '-t', '2', '-c', url] + cmd.lstrip('&').split()
        if cmd.startswith('&'):
            bg.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL))
            time.sleep(0.3)
        else:
            subprocess.run(argv, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=10)
    for p in bg:
        try:
            p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            p.terminate()
            p.wait()


# The targets' input formats (tests/fuzz/fuzz-nlipcd-*.c).
STREAM_CROWD, STREAM_SHUT, STREAM_SLOW, STREAM_TIGHT = 8, 4, 2, 1
DGRAM_UDP, DGRAM_REMOTE_WRITE, DGRAM_TIGHT, DGRAM_SLOW = 4, 8, 1, 2
REQ_TIGHT, REQ_LAZY, REQ_ALLOW_UID, REQ_REMOTE_WRITE, REQ_SMALL_BUF = 1, 2, 4, 8, 16
# Chunk sizes for the stream target, less one: whole, fine, ragged.
CHUNKS = [bytes([255] * 4), bytes([0, 3, 15, 63]), bytes([6, 1, 29, 2])]


def records(msgs):
    """(client, bytes) as records: a u16, 2 bits client, 14 bits length."""
    out = b''
    for client, data in msgs:
        out += struct.pack('<H', client << 14 | len(data)) + data
    return out


def seed_stream(name, i, recs, flags=0):
    data = b''.join(d for c, d in sorted(recs, key=lambda r: r[0]))
    emit('nlipcd-stream/' + name, bytes([flags]) + CHUNKS[i % len(CHUNKS)] + data)


def capture_nlipcd(nlipcd, nlipc):
    tmp = tempfile.mkdtemp(prefix='nlipc-capture.')
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(('127.0.0.1', 0))
    udp_port = udp.getsockname()[1]
    udp.close()
    daemon = subprocess.Popen([nlipcd, '--backend', 'user', '--quiet',
                               'unix:%s/s' % tmp, 'unix+dgram:%s/dg' % tmp,
                               'udp://127.0.0.1:%d' % udp_port])
    try:
        for _ in range(100):
            if os.path.exists('%s/dg' % tmp):
                break
            time.sleep(0.05)
        relays = {
            'stream': Relay('stream', '%s/rs' % tmp, '%s/s' % tmp),
            'dgram': Relay('dgram', '%s/rd' % tmp, '%s/dg' % tmp),
            'udp': Relay('udp', ('127.0.0.1', 0), ('127.0.0.1', udp_port)),
        }
        for r in relays.values():
            r.start()
        got = {}
        for kind, relay in relays.items():
            for name, cmds in SESSIONS + [STREAM_ONLY]:
                if kind != 'stream' and name == STREAM_ONLY[0]:
                    continue
                run_session(nlipc, url_of(relay), cmds)
                got[kind, name] = relay.take()
        fill = []
        for cmd in FILL:
            run_session(nlipc, url_of(relays['stream']), [cmd])
            fill += [d for c, d in relays['stream'].take()]
    finally:
        daemon.terminate()
        daemon.wait()
        shutil.rmtree(tmp)

    # nlipcd-stream: each session's connections one after the other.
    for i, (name, _) in enumerate(SESSIONS + [STREAM_ONLY]):
        seed_stream(name, i, got['stream', name])
    seed_stream('kv-list-slow', 0, got['stream', 'kv-list'], STREAM_SLOW)
    seed_stream('monitor-shut', 1, got['stream', 'monitor'], STREAM_SHUT)
    seed_stream('kv-set-tight', 2, got['stream', 'kv-set'], STREAM_TIGHT)
    seed_stream('info-crowded', 0, got['stream', 'info'], STREAM_TIGHT | STREAM_CROWD)

    # nlipcd-dgram: one datagram a record, each client socket a peer.
    for kind, flags in (('udp', DGRAM_UDP), ('dgram', 0)):
        for name, _ in SESSIONS:
            recs = [(c % 4, d) for c, d in got[kind, name]]
            emit('nlipcd-dgram/%s-%s' % (name, kind), bytes([flags]) + records(recs))
    retry = got['udp', 'kv-set']
    emit('nlipcd-dgram/kv-set-udp-retried',
         bytes([DGRAM_UDP]) + records(retry + retry[-1:]))
    emit('nlipcd-dgram/kv-set-udp-remote-write',
         bytes([DGRAM_UDP | DGRAM_REMOTE_WRITE]) + records(got['udp', 'kv-set']))
    # Peers 2 and 3 send as another uid, if root runs the target.
    emit('nlipcd-dgram/kv-set-other-uid',
         bytes([0]) + records([(2, d) for c, d in got['dgram', 'kv-set']]))
    emit('nlipcd-dgram/ping-slow-tight',
         bytes([DGRAM_SLOW | DGRAM_TIGHT]) + records(got['dgram', 'ping-3k']))
    # Big answers left unread: the peer's share of the socket runs out.
    emit('nlipcd-dgram/ping-big-replies-slow',
         bytes([DGRAM_SLOW]) + records(got['dgram', 'ping-big-replies']))

    # nlipcd-request: the stream's messages, each a record of a client:
    # 0 root, 1 uid 4242, 2 uid unknown, 3 TCP (fuzz-nlipcd-request.c).
    def msgs(name, client=0):
        return [(client, d) for c, d in got['stream', name]]

    writes = ['kv-set', 'kv-set-create', 'kv-del', 'stats-reset', 'publish']
    mixed = [m for i, w in enumerate(writes) for m in msgs(w, i % 4)]
    emit('nlipcd-request/writes', bytes([0]) + records(mixed))
    emit('nlipcd-request/writes-allowed',
         bytes([REQ_ALLOW_UID | REQ_REMOTE_WRITE]) + records(mixed))
    root = [m for n in ('kv-set', 'kv-set-create', 'kv-get', 'kv-list',
                        'kv-set-replace', 'kv-del', 'stats', 'stats-reset',
                        'info', 'ping', 'publish', 'kv-get-missing')
            for m in msgs(n)]
    emit('nlipcd-request/root', bytes([0]) + records(root))
    emit('nlipcd-request/root-tight', bytes([REQ_TIGHT]) + records(root))
    emit('nlipcd-request/family', bytes([0]) + records(msgs('family', 2)))
    emit('nlipcd-request/remote', bytes([0]) + records(
        msgs('info', 3) + msgs('kv-list', 3) + msgs('ping-reply-size', 3)))
    # Subscribers on 0 and 2 (the monitor's and subscriber's connection
    # is the session's first), changes by 1 and 3.
    mon = got['stream', 'monitor']
    sub = got['stream', 'subscribe']
    emit('nlipcd-request/monitor', bytes([REQ_ALLOW_UID | REQ_REMOTE_WRITE]) + records(
        [(0, d) for c, d in mon if c == 0] + [(2, d) for c, d in sub if c == 0] +
        msgs('kv-set', 1) + msgs('publish', 3) + msgs('kv-del', 1) +
        [(1, d) for c, d in sub if c > 0]))
    # The store and the ping payload at their (tight) limits.
    emit('nlipcd-request/limits', bytes([REQ_TIGHT | REQ_ALLOW_UID]) + records(
        msgs('kv-set-small', 1) + msgs('ping-3k', 0) + msgs('publish-900', 2)))
    # A subscriber that does not read until it asks something: overrun.
    emit('nlipcd-request/overrun',
         bytes([REQ_TIGHT | REQ_LAZY | REQ_SMALL_BUF]) + records(
             [(0, d) for c, d in sub if c == 0] + msgs('publish-900', 2) * 12 +
             msgs('ping', 0)))
    # A listing while another client changes the store, read slowly.
    fill_recs = [(1, d) for d in fill]
    emit('nlipcd-request/list-raced',
         bytes([REQ_ALLOW_UID | REQ_LAZY | REQ_SMALL_BUF]) + records(
             fill_recs + msgs('kv-list', 0) + msgs('kv-set', 1) +
             msgs('kv-del', 1) + msgs('ping', 0)))


if __name__ == '__main__':
    if sys.argv[1:2] == ['--nlipcd']:
        capture_nlipcd(sys.argv[2], sys.argv[3])
    else:
        capture_kernel()
