#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bridge-tests.py: nlipcd --bridge-family on the host's kernel, in a
private network namespace (a veth pair in it), with the user backend.

`nlipc -c URL --family F --do/--dump OP` through nlipcd must give what
`nlipc --family F` gives over netlink, for the controller, netdev and
ethtool, over AF_UNIX, TCP and UDP; getfamily lists what each client
may use; refusals (ops not bridged, admin ops, writes from the network,
dumps over UDP, unknown families) are errors with an extack message,
counted in the log at exit; a root client on AF_UNIX gets the
notifications of a netdev group it joined.

Needs root (for the namespace) and the kernel's specs (linux-source-6.12);
skips, saying why, without them. Speaks TAP."""

import ctypes
import json
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import proc, tap, wire  # noqa: E402
from nlipctest.daemon import Daemons, free_port  # noqa: E402
from nlipctest.kernel_specs import TARBALL, extract, spec_dir  # noqa: E402

BUILD = os.environ.get('top_builddir', '.')
NLIPCD = f'{BUILD}/tools/nlipcd/nlipcd'
NLIPC = f'{BUILD}/tools/nlipc/nlipc'
ENV = dict(os.environ)
V0 = None

daemons = Daemons(NLIPCD)
SYS_PIDFD_GETFD = 438         # x86_64
NETLINK_LIST_MEMBERSHIPS = 9


def bridge(*families):
    """nlipcd bridging @families, on AF_UNIX (mode 0666), TCP and UDP."""
    args = ['--socket-mode', '0666']
    for f in families:
        args += ['--bridge-family', f]
    d = daemons.start(*args, urls=('unix', 'tcp', 'udp'), env=ENV)
    return d, d.urls['unix'], d.urls['tcp'], d.urls['udp']


def nlipc(*args, url=None, user=None):
    argv = [NLIPC, '-j'] + (['-c', url] if url else []) + list(args)
    if user:
        argv = ['setpriv', f'--reuid={user}', f'--regid={user}',
                '--clear-groups'] + argv
    p = subprocess.run(argv, capture_output=True, text=True, env=ENV,
                       timeout=30)
    out = json.loads(p.stdout) if p.stdout.strip() else None
    return p.returncode, out, p.stderr


def same(url, *args):
    """The answer through nlipcd, and over netlink: equal, and a success."""
    rc1, local, err1 = nlipc(*args)
    rc2, remote, err2 = nlipc(*args, url=url)
    assert rc1 == 0, f'locally: {rc1} {err1} {local}'
    assert rc2 == 0, f'through {url}: {rc2} {err2} {remote}'
    assert local == remote, f'differ:\n  local:  {local}\n  bridge: {remote}'
    return local


def refused(url, errno_name, text, *args, user=None):
    """Refused through nlipcd with @errno_name and a message with @text."""
    rc, out, err = nlipc(*args, url=url, user=user)
    assert rc == 1, f'exit status {rc}: {out} {err}'
    e = out['error']
    assert e['name'] == errno_name, e
    assert text in e['message'], e
    return e['message']


def op_flags(answer):
    """{op id: flags} of a getfamily answer."""
    return {v['id']: v['flags'] for o in answer.get('ops', []) for v in o.values()}


# --------------------------------------------------------------- tests ---

def test_netdev_and_ethtool_answer_as_over_netlink_on_every_transport():
    _, unix, tcp, udp = bridge('netdev', 'ethtool:read-only')
    for url in (unix, tcp):
        devs = same(url, '--family', 'netdev', '--dump', 'dev-get')
        assert {x['ifindex'] for x in devs} >= {1, V0}, devs
        same(url, '--family', 'netdev', '--do', 'dev-get',
             '--json', json.dumps({'ifindex': V0}))
        same(url, '--family', 'ethtool', '--dump', 'linkinfo-get')
        same(url, '--family', 'ethtool', '--do', 'channels-get',
             '--json', '{"header":{"dev-name":"v0"}}')
    # A do over UDP, one datagram each way.
    same(udp, '--family', 'netdev', '--do', 'dev-get',
         '--json', json.dumps({'ifindex': 1}))
    same(tcp, '--family', 'nlctrl', '--dump', 'getpolicy',
         '--json', '{"family-name":"netdev"}')


def test_getfamily_lists_what_the_client_may_use():
    _, unix, tcp, _ = bridge('netdev', 'ethtool:dump-only')
    ask = ('--family', 'nlctrl', '--do', 'getfamily', '--json')
    _, kernel, _ = nlipc(*ask, '{"family-name":"netdev"}')
    _, local, _ = nlipc(*ask, '{"family-name":"netdev"}', url=unix)
    _, remote, _ = nlipc(*ask, '{"family-name":"netdev"}', url=tcp)
    assert local['family-id'] == remote['family-id'] == kernel['family-id']
    # Root on AF_UNIX: every op, as the kernel lists them, and groups.
    assert op_flags(local) == op_flags(kernel), (local, kernel)
    assert local['mcast-groups'] == kernel['mcast-groups']
    # Over TCP: no admin op, no group.
    admin = {i for i, f in op_flags(kernel).items() if 'admin-perm' in f}
    assert admin and not admin & set(op_flags(remote)), remote
    assert 'mcast-groups' not in remote
    # dump-only: the dumps, and no do.
    _, eth, _ = nlipc(*ask, '{"family-name":"ethtool"}', url=unix)
    assert op_flags(eth) and all('cmd-cap-do' not in f and 'cmd-cap-dump' in f
                                 for f in op_flags(eth).values()), eth
    # By id (the spec's request has the name only): the same answer.
    c = wire.Conn(unix)
    answers = []
    for a in (wire.strz(wire.CTRL_ATTR_FAMILY_NAME, 'ethtool'),
              wire.attr(wire.CTRL_ATTR_FAMILY_ID,
                        struct.pack('=H', eth['family-id']))):
        replies, final = c.request(wire.msg(
            wire.GENL_ID_CTRL, wire.CTRL_CMD_GETFAMILY, a,
            seq=c.next_seq(), version=2))
        assert final[0] == 0 and len(replies) == 1, final
        answers.append(replies[0][2])
    assert answers[0] == answers[1]
    c.close()
    _, dump, _ = nlipc('--family', 'nlctrl', '--dump', 'getfamily', url=tcp)
    assert [f['family-name'] for f in dump] == \
        ['nlctrl', 'nlipc', 'netdev', 'ethtool'], dump


def test_the_controller_claims_no_policy_it_does_not_serve():
    """nlipcd describes nlctrl as the kernel does, less its group and its
    policies: it does not dump those, so no op may say it has one."""
    _, unix, _, _ = bridge('netdev')
    ask = ('--family', 'nlctrl', '--do', 'getfamily', '--json',
           '{"family-name":"nlctrl"}')
    rc, me, err = nlipc(*ask, url=unix)
    assert rc == 0 and me['family-name'] == 'nlctrl' and op_flags(me), \
        (rc, me, err)
    assert all('cmd-cap-haspol' not in f for f in op_flags(me).values()), me
    rc, out, err = nlipc('--family', 'nlctrl', '--dump', 'getpolicy',
                         '--json', '{"family-name":"nlctrl"}', url=unix)
    assert rc == 1 and out['error']['name'] == 'ENOENT', (rc, out, err)

def test_refusals_are_clear_and_counted():
    d, unix, tcp, udp = bridge('netdev', 'ethtool:dump-only')
    bind_rx = ('--family', 'netdev', '--do', 'bind-rx', '--json',
               '{"ifindex":1}')
    refused(tcp, 'EPERM', 'needs CAP_NET_ADMIN: refused over the network',
            *bind_rx)
    refused(unix, 'EPERM',
            'linkinfo-get of ethtool is not bridged (nlipcd --bridge-family ethtool:dump-only)',
            '--family', 'ethtool', '--do', 'linkinfo-get', '--json',
            '{"header":{"dev-name":"v0"}}')
    refused(udp, 'EOPNOTSUPP', 'dumps are not available over udp',
            '--family', 'netdev', '--dump', 'dev-get')
    refused(tcp, 'ENOENT',
            "no family 'fou' here: nlipcd serves nlipc, nlctrl, netdev, ethtool",
            '--family', 'fou', '--dump', 'get')
    # Root on AF_UNIX reaches the kernel, which judges the request.
    rc, out, _ = nlipc(*bind_rx, url=unix)
    assert rc == 1 and out['error']['name'] == 'EINVAL', out
    d.stop_cleanly()
    text = d.text()
    assert 'bridged netdev: 1 requests forwarded, 1 refused' in text, text
    assert 'bridged ethtool: 0 requests forwarded, 1 refused' in text, text


def test_admin_ops_only_for_allowed_uids_on_unix():
    # A tree under a directory only root may enter (a fresh root's
    # /root) is out of reach for uid 65534: say so.
    if subprocess.run(['setpriv', '--reuid=65534', '--regid=65534',
                       '--clear-groups', 'test', '-x', NLIPC]).returncode:
        raise tap.Skip(f'uid 65534 cannot run {NLIPC}')
    d, unix, _, _ = bridge('netdev')
    refused(unix, 'EPERM', 'uid 65534 is none of them', '--family', 'netdev',
            '--do', 'bind-rx', '--json', '{"ifindex":1}', user=65534)
    d.stop_cleanly()
    text = d.text()
    assert 'bridged netdev: 0 requests forwarded, 1 refused' in text, text


def test_ops_named_on_the_command_line_only():
    _, _, tcp, _ = bridge('netdev:dev-get', 'ethtool:channels-get,12')
    same(tcp, '--family', 'netdev', '--do', 'dev-get',
         '--json', json.dumps({'ifindex': 1}))
    refused(tcp, 'EPERM', 'page-pool-get dump of netdev is not bridged',
            '--family', 'netdev', '--dump', 'page-pool-get')
    same(tcp, '--family', 'ethtool', '--do', 'channels-get',
         '--json', '{"header":{"dev-name":"v0"}}')


def test_without_a_spec_ops_go_by_number_and_no_do_is_a_get():
    if os.path.exists('/usr/share/ynl/specs/netdev.yaml'):
        raise tap.Skip('netdev.yaml is installed: nlipcd finds it')
    bare = {k: v for k, v in ENV.items() if k != 'NLIPC_SPEC_PATH'}
    d = daemons.start('--bridge-family', 'netdev:1', '--bridge-family',
                      'ethtool', urls=('tcp',), env=bare)
    assert 'no spec: no do op counts as a get' in d.text(), d.text()
    tcp = d.urls['tcp']
    same(tcp, '--family', 'netdev', '--do', 'dev-get', '--json',
         json.dumps({'ifindex': 1}))
    refused(tcp, 'EPERM', 'without the family\'s spec no do is a get '
            '(allow it: nlipcd --bridge-family ethtool:1)',
            '--family', 'ethtool', '--do', 'strset-get', '--json',
            '{"header":{"dev-name":"lo"}}')
    p = subprocess.run([NLIPCD, '--bridge-family', 'netdev:dev-get',
                        'unix:@x'], capture_output=True, text=True, env=bare)
    assert p.returncode == 2 and "no spec to name op 'dev-get' by" in \
        p.stderr, p.stderr


def test_a_family_the_kernel_lacks_is_said_so():
    d, _, tcp, _ = bridge('netdev', 'fou')
    assert 'bridged family fou: not registered in the kernel yet' in d.text()
    refused(tcp, 'ENOENT', 'nlipcd bridges fou, but the kernel has no such '
            'family now', '--family', 'fou', '--dump', 'get')


def test_writes_bridged_beyond_loopback_are_warned_of():
    ip = '192.0.2.1'
    subprocess.run(['ip', 'addr', 'add', f'{ip}/24', 'dev', 'v0'], check=True)
    try:
        quiet = daemons.start('--bridge-family', 'netdev:dev-get',
                              urls=(f'tcp://{ip}:{free_port()}',),
                              env=ENV)
        loud = daemons.start('--bridge-family', 'netdev:dev-get,bind-rx',
                             urls=(f'tcp://{ip}:{free_port()}',),
                             env=ENV)
        assert 'plaintext beyond loopback' not in quiet.text(), quiet.text()
        assert 'plaintext beyond loopback with bridged ops that write' in \
            loud.text(), loud.text()
    finally:
        subprocess.run(['ip', 'addr', 'del', f'{ip}/24', 'dev', 'v0'])


def test_bad_bridge_options_are_usage_errors():
    for args, text in (
            (['nlipc'], 'nlipcd serves nlipc itself'),
            (['nlctrl'], 'nlipcd serves nlctrl itself'),
            (['netdev:no-such-op'], "the family has no op 'no-such-op'"),
            (['netdev:'], 'is not FAMILY[:OPS]'),
            (['netdev', 'netdev'], 'netdev: given twice')):
        argv = [NLIPCD]
        for a in args:
            argv += ['--bridge-family', a]
        p = subprocess.run(argv + ['unix:@x'], capture_output=True,
                           text=True, env=ENV)
        assert p.returncode == 2 and text in p.stderr, (args, p.stderr)


def test_a_joined_group_gets_the_kernels_notifications():
    _, unix, tcp, _ = bridge('netdev')
    c = wire.Conn(unix).resolve('netdev')
    assert 'mgmt' in c.groups, c.groups
    c.join('mgmt')
    t = wire.Conn(tcp).resolve('netdev')
    assert not t.groups
    e = wire.expect_error(1, t.call, wire.BRIDGE_CMD_JOIN,
                          wire.u32(wire.CTRL_ATTR_MCAST_GRP_ID,
                                   c.groups['mgmt']),
                          mtype=wire.GENL_ID_CTRL, version=2)
    assert 'relayed to root' in e.text, e.text
    subprocess.run(['ip', 'link', 'add', 'n0', 'type', 'veth', 'peer',
                    'name', 'n1'], check=True)
    try:
        ev = c.event(5)
        assert ev and ev[0] != 'error', ev
        # dev-add-ntf (netdev.yaml), with the new device's ifindex.
        cmd, attrs = ev
        assert cmd == 2 and 1 in attrs, ev
        index = struct.unpack('=I', attrs[1][0])[0]
        assert index in (socket.if_nametoindex('n0'),
                         socket.if_nametoindex('n1')), ev
    finally:
        subprocess.run(['ip', 'link', 'del', 'n0'])
        c.close()
        t.close()


def kernel_groups(pid):
    """The generic netlink groups any socket of process @pid has joined,
    read through a duplicate of each (pidfd_getfd, NETLINK_LIST_MEMBERSHIPS)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd, groups = os.pidfd_open(pid), set()
    try:
        for name in os.listdir(f'/proc/{pid}/fd'):
            try:
                if not os.readlink(f'/proc/{pid}/fd/{name}').startswith(
                        'socket:'):
                    continue
            except OSError:
                continue    # closed meanwhile
            fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
            if fd < 0:
                continue
            s = socket.socket(fileno=fd)
            try:
                if (s.family != socket.AF_NETLINK or
                        s.proto != wire.NETLINK_GENERIC):
                    continue
                bits = s.getsockopt(wire.SOL_NETLINK,
                                    NETLINK_LIST_MEMBERSHIPS, 256)
            except OSError:
                continue
            finally:
                s.close()
            for i, byte in enumerate(bits):
                groups |= {8 * i + b + 1 for b in range(8) if byte >> b & 1}
    finally:
        os.close(pidfd)
    return groups


def test_a_group_nobody_listens_to_is_left():
    """Once its last subscriber is gone, nlipcd leaves the kernel's group
    (nothing is copied for nobody) and frees the slot for another."""
    d, unix, _, _ = bridge('netdev')
    first = wire.Conn(unix).resolve('netdev')
    gid = first.groups['mgmt']
    assert gid not in kernel_groups(d.proc.pid)
    first.join('mgmt')
    second = wire.Conn(unix).resolve('netdev')
    second.join('mgmt')
    assert gid in kernel_groups(d.proc.pid)
    first.close()
    time.sleep(0.5)
    assert gid in kernel_groups(d.proc.pid), 'left with a subscriber still there'
    second.close()
    deadline = time.time() + 5
    while time.time() < deadline and gid in kernel_groups(d.proc.pid):
        time.sleep(0.05)
    assert gid not in kernel_groups(d.proc.pid), 'still in the group'
    # Joined again: the slot is taken anew, and notifications flow.
    again = wire.Conn(unix).resolve('netdev')
    again.join('mgmt')
    assert gid in kernel_groups(d.proc.pid)
    subprocess.run(['ip', 'link', 'add', 'n0', 'type', 'veth', 'peer',
                    'name', 'n1'], check=True)
    try:
        ev = again.event(5)
        assert ev and ev[0] == 2, ev
    finally:
        subprocess.run(['ip', 'link', 'del', 'n0'])
        again.close()

def test_nlipc_subscribe_through_the_bridge():
    """nlipc --family netdev --subscribe mgmt through nlipcd: the kernel's
    notifications, decoded; over TCP the group is not even listed."""
    _, unix, tcp, _ = bridge('netdev')
    p = subprocess.Popen([NLIPC, '-j', '-c', unix, '--family', 'netdev',
                          '--subscribe', 'mgmt', '--count', '1',
                          '--duration', '10'], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        # Until it has joined, a new device may come before it: again.
        for i in range(40):
            subprocess.run(['ip', 'link', 'add', f's{i}', 'type', 'veth',
                            'peer', 'name', f't{i}'], capture_output=True)
            try:
                out, err = p.communicate(timeout=0.25)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            out, err = p.communicate(timeout=10)
    finally:
        for i in range(40):
            subprocess.run(['ip', 'link', 'del', f's{i}'], capture_output=True)
    assert p.returncode == 0, (p.returncode, err)
    ntf = json.loads(out)
    assert ntf['name'] == 'dev-add-ntf' and ntf['msg']['ifindex'] > 0, ntf
    rc, out, err = nlipc('--family', 'netdev', '--subscribe', 'mgmt', url=tcp)
    assert rc == 2 and "no multicast group 'mgmt'" in out['error']['message'], \
        (rc, out)


def main():
    global V0
    if os.geteuid() != 0:
        tap.skip_all('needs root, for a private network namespace')
    if not os.path.exists(TARBALL):
        tap.skip_all(f'{TARBALL} is missing (apt-get install linux-source-6.12)')
    ENV['NLIPC_SPEC_PATH'] = spec_dir(extract())
    # Alone in a network namespace of our own, with a veth pair.
    try:
        proc.unshare_net()
    except OSError as e:
        tap.skip_all(f'cannot make a network namespace: {e}')
    if subprocess.run(['ip', 'link', 'set', 'lo', 'up']).returncode or \
            subprocess.run(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer',
                            'name', 'v1'], capture_output=True).returncode:
        tap.skip_all('no veth in this kernel, or no ip(8)')
    V0 = socket.if_nametoindex('v0')
    rc, fams, _ = nlipc('--family', 'nlctrl', '--dump', 'getfamily')
    have = {f['family-name'] for f in fams or []}
    if rc or not {'netdev', 'ethtool'} <= have:
        tap.skip_all(f'the kernel lacks netdev or ethtool (it has {sorted(have)})')
    return tap.run(globals(), select='NLIPCD_TEST', timeout=60,
                   finish=daemons.stop_all, cleanup=daemons.cleanup,
                   on_failure=daemons.logs)


if __name__ == '__main__':
    sys.exit(main())
