#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vm-kernel.py NLIPCD MODULE: nlipcd's kernel backend, inside nlipc-vm as
root with the module loaded: notifications of native and bridged writers
fanned out, a publisher's port id, dumps of several clients at once with a
stuck one among them, permissions, and the module unloaded and loaded
again under the daemon's feet. Speaks TAP."""

import errno
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import tap, wire  # noqa: E402
from nlipctest.daemon import Daemon  # noqa: E402
from nlipctest.wire import expect_error  # noqa: E402
from nlipctest.wire import attr, strz, msg  # noqa: E402

NLIPCD, MODULE = sys.argv[1], sys.argv[2]
RA = wire.NLM_F_REQUEST | wire.NLM_F_ACK
daemon = Daemon(NLIPCD, '--socket-mode', '0666', '--allow-remote-write',
                backend='kernel', log_level='info', wait=False,
                urls=('unix', 'seqpacket', 'dgram', 'tcp'))
URL = {k: daemon.urls[k] for k in ('unix', 'seqpacket', 'dgram', 'tcp')}


def clear(c):
    r, _ = c.call(wire.KV_GET, dump=True)
    for _, a in r:
        c.call(wire.KV_DEL, attr(1, a[1][0]))


def test_resolves_to_the_modules_family():
    n = wire.connect('netlink:')
    for url in URL.values():
        c = wire.connect(url)
        assert c.fid == n.fid and c.groups == n.groups, (url, c.fid, c.groups)
        r, _ = c.call(wire.INFO_GET)
        assert r[0][1][2][0] == b'kernel\0'


def test_native_and_bridged_writes_reach_every_subscriber():
    native = wire.connect('netlink:')
    clear(native)
    subs = [wire.connect(URL[k]) for k in ('unix', 'dgram', 'tcp')]
    nsub = wire.connect('netlink:')
    for s in subs + [nsub]:
        s.join('events')
    bridged = wire.connect(URL['tcp'])
    for i in range(50):
        wire.kv_set(native if i % 2 else bridged, b'k', b'%d' % i)
    native.call(wire.KV_DEL, attr(1, b'k'))
    for s in subs + [nsub]:
        seen = []
        for _ in range(51):
            cmd, a = s.event(timeout=5)
            seen.append((cmd, a.get(2, [None])[0]))
        want = [(wire.KV_SET_NTF, b'%d' % i) for i in range(50)] + \
            [(wire.KV_DEL_NTF, None)]
        assert seen == want, (s.url, seen[:5])


def test_publish_carries_the_bridged_publishers_port_id():
    subs = [wire.connect(URL['unix']), wire.connect('netlink:')]
    for s in subs:
        s.join('bus')
    p = wire.connect(URL['tcp'])
    p.call(wire.PING)
    p.call(wire.PUBLISH, strz(1, 'hello') + attr(2, b'bridged'))
    n = wire.connect('netlink:')
    n.call(wire.PING)
    n.call(wire.PUBLISH, strz(1, 'hello') + attr(2, b'native'))
    for s in subs:
        for who, payload in ((p, b'bridged'), (n, b'native')):
            cmd, a = s.event(timeout=5)
            assert cmd == wire.PUBLISH_NTF and a[2][0] == payload, a
            sender = struct.unpack('=I', a[3][0])[0]
            # The kernel writes what netlink subscribers get: for them a
            # bridged publisher is nlipcd's own socket.
            if s.url == 'netlink:' and who is p:
                assert sender not in (0, p.pid, n.pid), sender
            else:
                assert sender == who.pid, (s.url, payload, sender, who.pid)


def test_a_publish_behind_a_backlog_of_events():
    native = wire.connect('netlink:')
    clear(native)
    ev = wire.connect(URL['unix'])
    ev.join('events')
    p = wire.connect(URL['unix'])
    p.join('bus')
    p.call(wire.PING)
    batch = b''.join(msg(native.fid, wire.KV_SET, attr(1, b'b%03d' % i) +
                         attr(2, b'v') + attr(wire.KV_CREATE) +
                         attr(wire.KV_REPLACE), wire.NLM_F_REQUEST, seq=1000 + i)
                     for i in range(300))
    # While nlipcd sleeps: 300 events wait on its socket, then a publish.
    os.kill(daemon.proc.pid, signal.SIGSTOP)
    try:
        native.sock.send(batch)
        p.send(msg(p.fid, wire.PUBLISH, strz(1, 'behind'), RA, seq=77))
        time.sleep(0.2)
    finally:
        os.kill(daemon.proc.pid, signal.SIGCONT)
    # The publisher's own notification, with its port id, then its ACK,
    # as on a netlink socket joined to the group.
    seen = []
    while not any(m[1] == wire.NLMSG_ERROR for m in seen):
        ms = p.messages(timeout=5)
        assert ms, ('no ACK', seen)
        seen += ms
    assert seen[-1][3] == 77 and wire.ack_of(seen[-1][2], seen[-1][5])[0] == 0
    ntf = [m for m in seen if m[1] == p.fid]
    assert len(ntf) == 1 and ntf[0][5][0] == wire.PUBLISH_NTF, seen
    sender = struct.unpack('=I', wire.parse_attrs(ntf[0][5][4:])[3][0])[0]
    assert sender == p.pid, (sender, p.pid)
    for i in range(300):
        e = ev.event(timeout=5)
        assert e and e[0] == wire.KV_SET_NTF and e[1][1][0] == b'b%03d' % i, (i, e)
    clear(native)


def test_dumps_run_side_by_side_and_a_stuck_one_waits_alone():
    c = wire.connect(URL['unix'])
    clear(c)
    for i in range(4000):
        wire.kv_set(c, b'd%04d' % i, b'x' * 100)
    # A dump nobody reads: the kernel keeps its place, nobody else waits.
    stuck = wire.connect(URL['unix'], bufsize=4096)
    stuck.send(msg(stuck.fid, wire.KV_GET, flags=RA | wire.NLM_F_DUMP, seq=7))
    time.sleep(0.2)
    t0 = time.time()
    for k in ('unix', 'dgram', 'tcp'):
        r, done = wire.connect(URL[k]).call(wire.KV_GET, dump=True)
        assert len(r) == 4000, (k, len(r))
    took = time.time() - t0
    print(f'# three 4000-entry dumps beside a stuck one: {took * 1e3:.0f} ms')
    assert took < 20, took
    # The stuck one finishes once it reads.
    stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    n = 0
    while True:
        ms = stuck.messages(timeout=5)
        assert ms, 'the stuck dump never finished'
        n += sum(1 for m in ms if m[1] == c.fid)
        if any(m[1] == wire.NLMSG_DONE for m in ms):
            break
    assert n == 4000, n
    clear(c)


def open_fds():
    return len(os.listdir(f'/proc/{daemon.proc.pid}/fd'))


def test_two_dumps_in_one_datagram_are_refused():
    def getpolicy(seq):
        return msg(wire.GENL_ID_CTRL, wire.CTRL_CMD_GETPOLICY,
                   strz(wire.CTRL_ATTR_FAMILY_NAME, 'nlipc'),
                   RA | wire.NLM_F_DUMP, seq=seq, version=2)
    base = open_fds()
    c = wire.connect(URL['seqpacket'])
    # Two dumps in one datagram: refused whole, no dump socket opened.
    c.send(getpolicy(5) + getpolicy(6))
    got = c.messages(timeout=5)
    assert len(got) == 1 and got[0][3] == 5, got
    a = wire.ack_of(got[0][2], got[0][5])
    assert a[0] == -errno.EINVAL and 'one request per datagram' in a[1], a
    assert c.messages(timeout=0.3) == []
    # One at a time they run; then the client goes, and so does all of it.
    for seq in (7, 8):
        r, done = c.request(getpolicy(seq), dump=True)
        assert r and done[0] == 0, (seq, done)
    c.sock.shutdown(socket.SHUT_RDWR)
    c.close()
    # Clients of the tests before may still be closing when base is
    # taken: nothing may be left over it, fewer is fine.
    for _ in range(60):
        if open_fds() <= base:
            break
        time.sleep(0.05)
    assert open_fds() <= base, (open_fds(), base)
    assert daemon.proc.poll() is None, daemon.text()


def test_unprivileged_users_read_but_do_not_write():
    def as_nobody():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        c = wire.connect(URL['unix'])
        c.call(wire.PING)
        e = expect_error(errno.EPERM, wire.kv_set, c, b'k', b'v')
        assert 'needs root' in e.text, e
        expect_error(errno.EPERM, c.call, wire.STATS_RESET)
    pid = os.fork()
    if pid == 0:
        try:
            as_nobody()
            os._exit(0)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
    assert os.waitpid(pid, 0)[1] == 0


def test_without_unix_diag_nlipcd_says_so():
    """nlipc-vm's kernel loads no module on request, so sock_diag has no
    AF_UNIX handler unless unix_diag was loaded: nlipcd, pacing unix+dgram
    peers, must say what it loses (found by tests/stress)."""
    if 'unix_diag ' in open('/proc/modules').read():
        subprocess.run(['rmmod', 'unix_diag'])
    if 'unix_diag ' in open('/proc/modules').read():
        return                                  # in use: nothing to see
    sub = wire.connect(URL['dgram'], bufsize=4096)
    sub.join('events')                          # and never reads
    w = wire.connect(URL['unix'])
    for _ in range(100):                        # past its 128 KiB budget
        wire.kv_set(w, b'diag', b'x' * 2000)
    for _ in range(50):
        if 'unix_diag module' in daemon.text():
            break
        time.sleep(0.1)
    w.call(wire.KV_DEL, attr(1, b'diag'))
    sub.close()
    assert 'unix_diag module' in daemon.text(), daemon.text()[-2000:]


def test_module_unload_and_reload():
    sub = wire.connect(URL['unix'])
    sub.join('events')
    c = wire.connect(URL['tcp'])
    c.call(wire.PING)
    subprocess.run(['rmmod', 'nlipc'], check=True)
    time.sleep(0.3)
    e = expect_error(errno.ENOENT, c.call, wire.PING)
    assert 'not loaded' in e.text, e
    e = expect_error(errno.ENOENT, wire.connect, URL['unix'])
    assert 'not loaded' in e.text, e
    ev = sub.event(timeout=2)
    assert ev and ev[0] == 'error' and ev[1][0] == -errno.ENOBUFS, ev
    assert daemon.proc.poll() is None, 'nlipcd died with the module'
    subprocess.run(['insmod', MODULE], check=True)
    n = wire.connect('netlink:')
    c2 = wire.connect(URL['tcp'])
    assert c2.fid == n.fid
    c2.call(wire.PING)
    wire.kv_set(n, b'after', b'reload')
    ev = sub.event(timeout=5)
    assert ev and ev[0] == wire.KV_SET_NTF, ev
    n.call(wire.KV_DEL, attr(1, b'after'))
    assert 'unloaded' in daemon.text() and 'loaded' in daemon.text()


def test_sigterm_with_clients_and_a_dump_open():
    c = wire.connect(URL['unix'])
    for i in range(2000):
        wire.kv_set(c, b's%04d' % i, b'y' * 100)
    d = wire.connect(URL['unix'], bufsize=4096)
    d.send(msg(d.fid, wire.KV_GET, flags=RA | wire.NLM_F_DUMP, seq=3))
    time.sleep(0.2)
    daemon.proc.terminate()
    assert daemon.proc.wait(5) == 0, daemon.text()
    assert not os.path.exists(f'{daemon.dir}/s')
    # The module's dump ended with the socket: rmmod is not refused.
    n = wire.connect('netlink:')
    clear(n)
    assert subprocess.run(['rmmod', 'nlipc']).returncode == 0
    subprocess.run(['insmod', MODULE], check=True)


def main():
    daemon.wait_ready(timeout=10)
    try:
        return tap.run(globals(), label='kernel backend: ',
                       on_failure=lambda: daemon.text().splitlines()[-10:])
    finally:
        daemon.cleanup()


if __name__ == '__main__':
    sys.exit(main())
