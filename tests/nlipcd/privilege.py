#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""privilege.py [NLIPCD]: nlipcd's least privilege and its service manager
protocol, on the host with the user backend: --user (as root: the uid,
groups and capability sets in /proc/PID/status, and that it still
answers, on its own sockets and on sockets passed as systemd passes
them), READY=1, STATUS= and WATCHDOG=1 over $NOTIFY_SOCKET, and the
warning for plaintext writes beyond loopback.

Speaks TAP; a test that needs root is skipped, saying so, without it."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import tap, wire  # noqa: E402
from nlipctest.daemon import Daemon, free_port  # noqa: E402
from nlipctest.tap import Skip  # noqa: E402

NLIPCD = sys.argv[1] if len(sys.argv) > 1 else \
    os.environ['top_builddir'] + '/tools/nlipcd/nlipcd'


def need_root():
    if os.geteuid() != 0:
        raise Skip('needs root')


def daemon(*args, **kw):
    """nlipcd ARGS, its URLs among them; the test waits for it."""
    return Daemon(NLIPCD, *args, urls=(), wait=False, **kw)


def answers(url):
    c = wire.connect(url)
    c.call(wire.PING)
    r, _ = c.call(wire.INFO_GET)
    assert r, 'no info-get answer'
    wire.kv_set(c, b'k', b'v')
    r, _ = c.call(wire.KV_GET, wire.attr(wire.KV_KEY, b'k'))
    assert r[0][1][wire.KV_VALUE][0] == b'v'


CAP_NET_ADMIN = 1 << 12


def caps(d):
    st = d.status()
    return {k: int(st[k][0], 16)
            for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')}


def check_nobody(d):
    nobody = pwd.getpwnam('nobody')
    st = d.status()
    assert st['Uid'] == [str(nobody.pw_uid)] * 4, st['Uid']
    assert st['Gid'] == [str(nobody.pw_gid)] * 4, st['Gid']
    # Its groups, not root's.
    groups = set(int(g) for g in st.get('Groups', []))
    assert groups <= set(os.getgrouplist('nobody', nobody.pw_gid)), groups
    assert 0 not in groups, groups
    # The user backend needs no capability at all: none in any set, and
    # none to regain (an empty bounding set).
    for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'):
        assert int(st[k][0], 16) == 0, f'{k} {st[k][0]}'
    assert 'running as nobody' in d.text(), d.text()


# ------------------------------------------------------------------ --user ---

def test_user_drops_to_nobody_and_still_answers():
    need_root()
    d = daemon('--user', 'nobody', 'unix:DIR/s', 'unix+seqpacket:DIR/sp',
               'unix+dgram:DIR/dg', f'tcp://127.0.0.1:{free_port()}')
    try:
        d.wait_ready()
        check_nobody(d)
        for url in ('unix:%s/s', 'unix+seqpacket:%s/sp', 'unix+dgram:%s/dg'):
            answers(url % d.dir)
        # The socket files were made before the change, as root, with
        # --socket-mode's default.
        st = os.stat(d.dir + '/s')
        assert (st.st_uid, st.st_mode & 0o777) == (0, 0o660), st
        d.stop_cleanly()
    finally:
        d.cleanup()


def test_user_kernel_backend_keeps_cap_net_admin_alone():
    """The module checks the sender's CAP_NET_ADMIN for its admin-perm
    ops: the kernel backend keeps that one capability, nothing else (the
    backend starts without the module and waits for it)."""
    need_root()
    d = daemon('--user', 'nobody', 'unix:DIR/s', backend='kernel')
    try:
        d.wait_ready()
        c = caps(d)
        assert c == {'CapInh': 0, 'CapPrm': CAP_NET_ADMIN,
                     'CapEff': CAP_NET_ADMIN, 'CapBnd': 0, 'CapAmb': 0}, \
            {k: hex(v) for k, v in c.items()}
        assert d.status()['Uid'][0] == str(pwd.getpwnam('nobody').pw_uid)
        assert 'keeping CAP_NET_ADMIN' in d.text(), d.text()
        d.stop_cleanly()
    finally:
        d.cleanup()


def as_unit(backend):
    """As nlipcd.service starts it: a user, CAP_NET_ADMIN ambient."""
    need_root()
    if not shutil.which('setpriv'):
        raise Skip('no setpriv (util-linux)')
    nobody = pwd.getpwnam('nobody')
    return daemon('unix:DIR/s', backend=backend, owner=nobody, prefix=(
        'setpriv', f'--reuid={nobody.pw_uid}', f'--regid={nobody.pw_gid}',
        '--clear-groups', '--inh-caps=-all,+net_admin',
        '--ambient-caps=+net_admin', '--bounding-set=-all,+net_admin'))


def test_unit_user_backend_drops_its_ambient_cap_net_admin():
    d = as_unit('user')
    try:
        d.wait_ready()
        c = caps(d)
        assert (c['CapPrm'], c['CapEff'], c['CapAmb']) == (0, 0, 0), \
            {k: hex(v) for k, v in c.items()}
        d.stop_cleanly()
    finally:
        d.cleanup()


def test_unit_kernel_backend_keeps_cap_net_admin_not_ambient():
    d = as_unit('kernel')
    try:
        d.wait_ready()
        c = caps(d)
        assert (c['CapPrm'], c['CapEff'], c['CapAmb']) == \
            (CAP_NET_ADMIN, CAP_NET_ADMIN, 0), \
            {k: hex(v) for k, v in c.items()}
        d.stop_cleanly()
    finally:
        d.cleanup()


def test_user_serves_sockets_passed_as_systemd_passes_them():
    """nlipcd.socket: systemd (root) makes the file and passes the
    listening socket; nlipcd, now nobody, still accepts on it."""
    need_root()
    tmp = tempfile.mkdtemp(prefix='nlipcd-priv-sock.')
    path = tmp + '/activated.sock'
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o117)		# SocketMode=0660
    s.bind(path)
    os.umask(old)
    s.listen(16)

    def as_systemd():
        os.dup2(s.fileno(), 3)
        os.set_inheritable(3, True)
        os.environ['LISTEN_FDS'] = '1'
        os.environ['LISTEN_PID'] = str(os.getpid())

    d = daemon('--user', 'nobody', preexec=as_systemd,
               pass_fds=(s.fileno(), 3))
    s.close()
    try:
        d.wait_ready()
        check_nobody(d)
        answers('unix:' + path)
        st = os.stat(path)
        assert (st.st_uid, st.st_mode & 0o777) == (0, 0o660), st
        d.stop_cleanly()
        assert os.path.exists(path), 'an activated socket file was removed'
    finally:
        d.cleanup()
        subprocess.run(['rm', '-rf', tmp])


def test_user_unknown_is_a_usage_error():
    d = daemon('--user', 'no-such-user-nlipc', 'unix:DIR/s')
    try:
        assert d.exit_status() == 2, d.text()
        assert "unknown user 'no-such-user-nlipc'" in d.text(), d.text()
        assert not os.path.exists(d.dir + '/s')
    finally:
        d.cleanup()


def test_user_other_than_self_needs_root():
    """Not root, --user for someone else fails clearly, serving nothing."""
    need_root()
    nobody = pwd.getpwnam('nobody')

    def as_nobody():
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    pid = os.fork()
    if pid == 0:
        as_nobody()
        os._exit(0 if os.access(NLIPCD, os.X_OK) else 1)
    if os.waitpid(pid, 0)[1]:
        raise Skip('nobody cannot reach nlipcd: the build tree is in a '
                   'directory it may not enter')

    d = daemon('--user', 'root', 'unix:/tmp/nlipcd-never-%d' % os.getpid(),
               preexec=as_nobody)
    try:
        rc = d.exit_status()
        if 'Permission denied' in d.text() and 'only root' not in d.text():
            raise Skip('nobody cannot run the build tree\'s nlipcd')
        assert rc == 1, (rc, d.text())
        assert '--user root: only root can change to another user' in \
            d.text(), d.text()
        assert 'ready' not in d.text()
    finally:
        d.cleanup()


# -------------------------------------------------------- $NOTIFY_SOCKET ---

def recv_all(sock, until, timeout=3):
    """Datagrams from nlipcd until one contains @until."""
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            break
        if until in got[-1]:
            return got
    raise AssertionError(f'no {until!r} in {got}')


def test_notify_ready_status_watchdog_stopping():
    tmp = tempfile.mkdtemp(prefix='nlipcd-notify.')
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(tmp + '/notify')
    env = dict(os.environ, NOTIFY_SOCKET=tmp + '/notify',
               WATCHDOG_USEC='200000')
    d = daemon('unix:DIR/s', env=env)
    try:
        got = recv_all(ns, 'READY=1')
        ready = got[-1].split('\n')
        # Once the listeners are up: a client connects at once.
        assert os.path.exists(d.dir + '/s')
        assert 'STATUS=0 clients on 1 listener, user backend' in ready, ready
        # Pinged at half WATCHDOG_USEC: several in half a second.
        t0 = time.time()
        pings = 0
        while time.time() - t0 < 0.55:
            ns.settimeout(0.6)
            if ns.recv(4096) == b'WATCHDOG=1':
                pings += 1
        assert 3 <= pings <= 8, f'{pings} pings in 0.55 s'
        # The status follows the clients.
        c = wire.connect(f'unix:{d.dir}/s')
        c.call(wire.PING)
        recv_all(ns, 'STATUS=1 client on 1 listener')
        d.proc.send_signal(signal.SIGTERM)
        recv_all(ns, 'STOPPING=1')
        d.stop_cleanly()
    finally:
        d.cleanup()
        ns.close()
        subprocess.run(['rm', '-rf', tmp])


def test_no_watchdog_no_pings():
    """Without WATCHDOG_USEC (or one for another pid) nothing is pinged."""
    tmp = tempfile.mkdtemp(prefix='nlipcd-notify.')
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(tmp + '/notify')
    env = dict(os.environ, NOTIFY_SOCKET=tmp + '/notify',
               WATCHDOG_USEC='100000', WATCHDOG_PID='1')
    d = daemon('unix:DIR/s', env=env)
    try:
        recv_all(ns, 'READY=1')
        ns.settimeout(0.4)
        try:
            extra = ns.recv(4096)
        except socket.timeout:
            extra = None
        assert extra is None, extra
        d.stop_cleanly()
    finally:
        d.cleanup()
        ns.close()
        subprocess.run(['rm', '-rf', tmp])


# ----------------------------------------------------------- the warning ---

def warned(*args):
    d = daemon(*args)
    try:
        d.wait_ready()
        text = d.text()
        d.stop_cleanly()
    finally:
        d.cleanup()
    return 'plaintext beyond loopback' in text


def test_warns_of_plaintext_writes_beyond_loopback():
    assert warned('--allow-remote-write', f'tcp://0.0.0.0:{free_port()}')
    assert warned('--allow-remote-write', f'udp://0.0.0.0:{free_port()}')
    # Loopback, or read-only, or no IP at all: nothing to say.
    assert not warned('--allow-remote-write', f'tcp://127.0.0.1:{free_port()}')
    assert not warned(f'tcp://0.0.0.0:{free_port()}')
    assert not warned('--allow-remote-write', 'unix:DIR/s')


def main():
    return tap.run(globals(), select='NLIPCD_TEST')


if __name__ == '__main__':
    sys.exit(main())
