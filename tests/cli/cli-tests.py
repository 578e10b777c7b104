#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""cli-tests.py NLIPCD NLIPC NLIPC_BENCH: the command-line conventions of
the three tools, on the host against nlipcd's user backend: exit codes
per error class, one-line usage errors, option and command prefixes,
ports, signals, timeouts and the JSON shapes.

Speaks TAP; each test is a function named test_*, run in file order, with
a time limit. CLI_TEST=substring runs some."""

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import tap  # noqa: E402
from nlipctest.daemon import Daemons  # noqa: E402
from nlipctest.proc import wait_for  # noqa: E402
from nlipctest.tap import Skip  # noqa: E402

NLIPCD, NLIPC, BENCH = sys.argv[1], sys.argv[2], sys.argv[3]
TEST_TIMEOUT = 60

# nlipc(1)'s exit codes.
OK, REFUSED, USAGE, UNREACHABLE, TIMEOUT = range(5)


def run(*argv, timeout=15, input=None, env=None):
    return subprocess.run(list(argv), capture_output=True, text=True,
                          timeout=timeout, input=input, env=env)


def nlipc(*args, **kw):
    return run(NLIPC, *args, **kw)


def nlipcd(*args, **kw):
    return run(NLIPCD, *args, **kw)


_daemons = Daemons(NLIPCD, urls=('unix',), log_level=None)
daemon = _daemons.start


def one_line_usage_error(r, tool='nlipc'):
    """A usage error: exit status 2, the complaint and a pointer to the
    help on stderr, and not the help itself."""
    assert r.returncode == USAGE, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 2, r.stderr
    assert lines[0].startswith(tool + ': '), r.stderr
    assert lines[1].startswith(f"Try '{tool}") and 'help' in lines[1], \
        r.stderr
    assert 'Usage:' not in r.stderr, r.stderr


# ------------------------------------------------------------- nlipcd ---

def test_nlipcd_refuses_ports_out_of_range():
    for url in ('tcp://127.0.0.1:99999', 'tcp://127.0.0.1:65536',
                'udp://127.0.0.1:70000'):
        r = nlipcd('--backend', 'user', url, timeout=5)
        assert r.returncode == 2, (url, r.returncode, r.stderr)
        assert 'port out of range' in r.stderr, (url, r.stderr)
        assert 'listening' not in r.stderr, (url, r.stderr)


def test_nlipcd_logs_the_port_it_bound():
    d = daemon(urls=['tcp://127.0.0.1:0'])
    line = [x for x in d.text().splitlines() if 'listening on' in x][0]
    port = int(line.rsplit(':', 1)[1])
    assert port != 0, line
    # ... and it is the port it serves on.
    r = nlipc('-c', f'tcp://127.0.0.1:{port}', 'info')
    assert r.returncode == 0, (line, r.stderr)


def test_nlipcd_usage_errors_exit_2():
    with tempfile.TemporaryDirectory() as tmp:
        sock = 'unix:' + os.path.join(tmp, 's')
        for args in (['--bogus', sock], ['--max-msg'], ['--max-msg', 'x', sock],
                     ['--backend', 'neither', sock], ['bogus:x'],
                     ['tcp://::1:7411'], ['-l', 'unix:'], []):
            r = nlipcd('--backend', 'user', *args, timeout=5)
            assert r.returncode == 2, (args, r.returncode, r.stderr)
            assert not os.path.exists(os.path.join(tmp, 's')), args
        # Each says what is wrong, then where the help is.
        r = nlipcd('--backend', 'user', timeout=5)
        assert 'nothing to listen on' in r.stderr, r.stderr
        assert r.stderr.endswith("Try 'nlipcd --help'.\n"), r.stderr
        # A URL that parses but cannot be served is a setup failure.
        r = nlipcd('--backend', 'user', 'unix:/nonexistent-dir/s', timeout=5)
        assert r.returncode == 1, (r.returncode, r.stderr)


def test_nlipcd_tls_options_are_checked_at_start():
    # --allow-cert takes sha256: and 64 hex digits, colons allowed.
    good = 'sha256:' + ':'.join(['ab'] * 32)
    for fp in ('ab' * 32, 'sha1:' + 'ab' * 20, 'sha256:' + 'g' * 64,
               'sha256:' + 'a' * 62, 'sha256:' + 'a' * 66, 'sha256:'):
        r = nlipcd('--backend', 'user', '--allow-cert', fp, 'unix:@x',
                   timeout=5)
        assert r.returncode == 2, (fp, r.returncode, r.stderr)
        assert '--allow-cert' in r.stderr, r.stderr
    # tls:// without the server's files, or with one unreadable: a setup
    # failure, before anything listens, saying what is missing.
    with tempfile.TemporaryDirectory() as tmp:
        r = nlipcd('--backend', 'user', '--allow-cert', good,
                   'unix:' + tmp + '/s', 'tls://127.0.0.1:0', timeout=5)
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert 'needs --tls-cert and --tls-key' in r.stderr, r.stderr
        assert not os.path.exists(tmp + '/s')
        r = nlipcd('--backend', 'user', '--tls-ca', tmp + '/none.pem',
                   '--tls-cert', tmp + '/none.pem', '--tls-key',
                   tmp + '/none.pem', 'tls://127.0.0.1:0', timeout=5)
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert '--tls-ca ' + tmp + '/none.pem' in r.stderr, r.stderr


def test_nlipc_tls_files_are_checked_before_connecting():
    # Nothing listens at port 1: the files are what is reported.
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, 'empty.pem')
        open(empty, 'w').close()
        for args, code, text in (
                (['--tls-ca', tmp + '/none.pem'], UNREACHABLE,
                 "cannot read the CA file '" + tmp + "/none.pem'"),
                (['--tls-ca', empty], USAGE, 'no CA certificate in'),
                (['--tls-key', empty], USAGE, 'a key without its certificate')):
            r = nlipc('-c', 'tls://127.0.0.1:1', *args, 'info')
            assert r.returncode == code, (args, r.returncode, r.stderr)
            assert text in r.stderr and r.stderr.count('\n') == 1, r.stderr


def test_nlipcd_unknown_user_and_group_names():
    r = nlipcd('--backend', 'user', '-g', 'nosuchgroup', 'unix:@x', timeout=5)
    assert r.returncode == 2, r.stderr
    assert "unknown group 'nosuchgroup'" in r.stderr, r.stderr
    assert 'not a number' not in r.stderr, r.stderr
    r = nlipcd('--backend', 'user', '-u', 'nosuchuser', 'unix:@x', timeout=5)
    assert r.returncode == 2, r.stderr
    assert "unknown user 'nosuchuser'" in r.stderr, r.stderr
    # Numbers still work, names that exist too.
    d = daemon('-u', '12345', '-u', 'root', '-g', '0')
    assert d.proc.poll() is None


def test_nlipcd_sighup_is_logged_and_ignored():
    d = daemon()
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: 'SIGHUP' in d.text(), what='the SIGHUP log line')
    assert d.proc.poll() is None, d.text()
    assert 'ignored' in d.text(), d.text()
    assert nlipc('-c', d.url, 'info').returncode == 0
    assert d.stop() == 0
    assert not os.path.exists(d.path), 'socket file left behind'


def test_nlipcd_stop_signals_remove_the_socket_file():
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        d = daemon()
        assert os.path.exists(d.path)
        rc = d.stop(sig)
        assert rc == 0, (sig, rc, d.text())
        assert not os.path.exists(d.path), (sig, 'socket file left behind')
        assert 'stopping' in d.text(), d.text()


# ------------------------------------------------------ nlipc: errors ---

def silent_listener(family=socket.AF_UNIX):
    """A listener that never accepts nor answers: connecting works (the
    backlog takes it), the family's resolution never does."""
    s = socket.socket(family, socket.SOCK_STREAM)
    if family == socket.AF_UNIX:
        name = f'nlipc-cli-silent-{os.getpid()}'
        s.bind('\0' + name)
        url = 'unix:@' + name
    else:
        s.bind(('127.0.0.1', 0))
        url = f'tcp://127.0.0.1:{s.getsockname()[1]}'
    s.listen(8)
    return s, url


def timed(*args):
    t0 = time.monotonic()
    r = nlipc(*args, timeout=30)
    return r, time.monotonic() - t0


def test_timeout_bounds_connecting():
    for family in (socket.AF_UNIX, socket.AF_INET):
        s, url = silent_listener(family)
        with s:
            r, t = timed('-t', '1', '-c', url, 'info')
            assert r.returncode == TIMEOUT, (url, r.returncode, r.stderr)
            assert 0.9 <= t < 3, (url, t)
    # A timeout longer than the library's default of 5 s is kept.
    s, url = silent_listener()
    with s:
        r, t = timed('-t', '6', '-c', url, 'info')
        assert r.returncode == TIMEOUT, (r.returncode, r.stderr)
        assert 5.9 <= t < 9, t


def test_urls_that_do_not_parse_are_usage_errors():
    for url in ('bogus:', 'bogus:x', 'tcp://[::1]:99999', 'tcp://h:65536',
                'unix:', 'tcp:nohost', 'unix:/' + 'a' * 200):
        r = nlipc('-c', url, 'info')
        assert r.returncode == USAGE, (url, r.returncode, r.stderr)
    r = nlipc('-c', 'tcp://[::1]:99999', 'info')
    assert 'port out of range' in r.stderr, r.stderr
    # Nothing there is no usage error.
    with tempfile.TemporaryDirectory() as tmp:
        r = nlipc('-c', 'unix:' + tmp + '/none', 'info')
        assert r.returncode == UNREACHABLE, (r.returncode, r.stderr)


# ------------------------------------------------------- nlipc: usage ---

def test_usage_errors_are_one_line_and_a_pointer_to_the_help():
    for args, tool in ((['kv'], "Try 'nlipc kv --help'"),
                       (['kv', 'set'], "Try 'nlipc kv set --help'"),
                       (['kv', 'get', 'a', 'b'], "Try 'nlipc kv get --help'"),
                       (['ping', '-s', '70000'], "Try 'nlipc ping --help'"),
                       (['ping', '-c'], "Try 'nlipc ping --help'"),
                       (['ping', '--bogus'], "Try 'nlipc ping --help'"),
                       (['publish'], "Try 'nlipc publish --help'"),
                       (['monitor', 'nosuchgroup'], "Try 'nlipc monitor --help'"),
                       (['subscribe', '--duration', 'x'],
                        "Try 'nlipc subscribe --help'"),
                       (['-t'], "Try 'nlipc --help'"),
                       (['-t', 'x', 'info'], "Try 'nlipc --help'"),
                       (['nosuchcommand'], "Try 'nlipc --help'"),
                       (['help', 'info', 'x'], "Try 'nlipc --help'"),
                       ([], "Try 'nlipc --help'")):
        r = nlipc('-c', 'unix:@nlipc-cli-nobody', *args)
        one_line_usage_error(r)
        assert r.stderr.splitlines()[1] == tool + '.', (args, r.stderr)
        assert r.stdout == '', (args, r.stdout)
    # As the README says.
    r = nlipc('ping', '-s', '70000')
    assert r.stderr.startswith(
        "nlipc: ping: invalid size '70000' (0 to 65531 bytes)\n"), r.stderr
    # With -j the complaint is the JSON document, the pointer on stderr.
    r = nlipc('-j', 'ping', '-s', '70000')
    assert r.returncode == USAGE
    assert json.loads(r.stdout)['error']['name'] == 'EINVAL', r.stdout
    assert r.stderr == "Try 'nlipc ping --help'.\n", r.stderr


def test_ambiguous_options_are_not_unknown():
    r = nlipc('kv', 'list', '--he')
    one_line_usage_error(r)
    assert "'--he' is ambiguous" in r.stderr, r.stderr
    assert '--hex' in r.stderr and '--help' in r.stderr, r.stderr
    r = nlipc('kv', 'list', '--nosuch')
    one_line_usage_error(r)
    assert "unknown option '--nosuch'" in r.stderr, r.stderr
    # Unambiguous abbreviations work, as getopt_long() has them.
    r = nlipc('kv', 'list', '--hel')
    assert r.returncode == 0 and 'Usage:' in r.stdout, r.stderr


def test_commands_and_actions_take_prefixes_and_aliases():
    d = daemon()
    r = nlipc('-c', d.url, 'k', 's', 'a', '1')
    one_line_usage_error(r)
    assert "ambiguous action 's': set, show" in r.stderr, r.stderr
    assert nlipc('-c', d.url, 'k', 'se', 'a', '1').returncode == 0
    for args in (['k', 'l'], ['kv', 'ls'], ['kv', 'show'], ['kv', 'li'],
                 ['kv', 'list']):
        r = nlipc('-c', d.url, *args)
        assert r.returncode == 0 and r.stdout == 'a 1\n', (args, r.stdout,
                                                           r.stderr)
    r = nlipc('-c', d.url, 'kv', 'g', 'a')
    assert r.returncode == 0 and r.stdout == '1\n', r.stderr
    assert nlipc('-c', d.url, 'kv', 'delete', 'a').returncode == 0
    assert nlipc('-c', d.url, 'i').returncode == 0
    assert nlipc('-c', d.url, 'fam').returncode == 0
    r = nlipc('-c', d.url, 'p')
    one_line_usage_error(r)
    assert "ambiguous command 'p': ping, publish" in r.stderr, r.stderr
    r = nlipc('-c', d.url, 's')
    one_line_usage_error(r)
    assert "ambiguous command 's'" in r.stderr, r.stderr
    r = nlipc('-c', d.url, 'monitor', 'ev', '--duration', '0.1')
    assert r.returncode == 0, r.stderr
    r = nlipc('-c', d.url, 'monitor', 'b', '--duration', '0.1')
    assert r.returncode == 0, r.stderr
    r = nlipc('he', 'st')
    assert r.returncode == 0 and 'nlipc stats' in r.stdout, r.stderr
    # Messages name the command in full, not as abbreviated.
    r = nlipc('-c', d.url, 'k', 'g')
    assert r.stderr.startswith('nlipc: kv get: '), r.stderr


# -------------------------------------------------------- nlipc: JSON ---

def test_json_and_pretty_work_for_every_reading_command():
    d = daemon()
    assert nlipc('-c', d.url, 'kv', 'set', 'k', 'v').returncode == 0
    for args in (['info'], ['stats'], ['family'], ['kv', 'list'],
                 ['kv', 'get', 'k'], ['ping', '-c', '1', '-i', '0'],
                 ['-V']):
        for opt in ('-j', '-p'):
            r = nlipc('-c', d.url, opt, *args)
            assert r.returncode == 0, (opt, args, r.stderr)
            json.loads(r.stdout)
            assert r.stdout.count('\n') > 1 if opt == '-p' else \
                r.stdout.count('\n') == 1, (opt, args, r.stdout)


def test_write_commands_print_nothing_in_json():
    d = daemon()
    for args in (['kv', 'set', 'k', 'v'], ['kv', 'del', 'k'],
                 ['publish', 'topic', 'message'], ['stats', '--reset']):
        r = nlipc('-c', d.url, '-j', *args)
        assert r.returncode == 0, (args, r.stderr)
        assert r.stdout == '' and r.stderr == '', (args, r.stdout, r.stderr)
    # A failure is one JSON document.
    r = nlipc('-c', d.url, '-j', 'kv', 'del', 'k')
    assert r.returncode == REFUSED
    assert json.loads(r.stdout)['error']['name'] == 'ENOENT', r.stdout


# ------------------------------------------------------------ nlipc -b ---

BATCH = """kv set a 1
# a comment, and an empty line

kv set b 'two words'
kv set a 3 --create
kv set c 4
kv get b
"""


def kv_list(d):
    r = nlipc('-c', d.url, 'kv', 'list')
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_batch_stops_at_a_failed_line_and_says_which():
    d = daemon()
    with tempfile.NamedTemporaryFile('w', suffix='.batch') as f:
        f.write(BATCH)
        f.flush()
        r = nlipc('-c', d.url, '-b', f.name)
        assert r.returncode == REFUSED, (r.returncode, r.stderr)
        assert f'Command failed {f.name}:5' in r.stderr, r.stderr
        assert 'File exists' in r.stderr, r.stderr
        # The get after the failure did not run; the set sent with the
        # failed one did.
        assert r.stdout == '', r.stdout
        assert kv_list(d) == 'a 1\nb two words\nc 4\n'
        # --force goes on to the end; the exit status is still the failure's.
        r = nlipc('-c', d.url, '-b', f.name, '--force')
        assert r.returncode == REFUSED, (r.returncode, r.stderr)
        assert r.stderr.count('Command failed') == 1, r.stderr
        assert r.stdout == 'two words\n', r.stdout


def test_batch_from_stdin_keeps_the_order_of_lines():
    d = daemon()
    lines = ''.join(f'kv set k{i} v{i}\n' for i in range(3000))
    lines += 'kv get k2999\nkv set k0 again\nkv get k0\n'
    r = nlipc('-c', d.url, '-b', '-', input=lines)
    assert r.returncode == 0, r.stderr
    assert r.stdout == 'v2999\nagain\n', r.stdout
    assert len(kv_list(d).splitlines()) == 3000
    # Every failed line is named, with --force, and the others are done.
    r = nlipc('-c', d.url, '-b', '-', '--force',
              input='kv set k1 x --create\nbogus\nkv set n 1\n'
                    'kv set k2 y --create\n')
    assert r.returncode == REFUSED, r.stderr
    for line in (1, 2, 4):
        assert f'Command failed -:{line}\n' in r.stderr, r.stderr
    assert 'Command failed -:3' not in r.stderr, r.stderr
    assert 'n 1' in kv_list(d).splitlines()


def test_batch_usage_errors():
    one_line_usage_error(nlipc('--force', 'info'))
    one_line_usage_error(nlipc('-b', '-', 'info'))
    r = nlipc('-b', '/nonexistent/batch')
    assert r.returncode == USAGE, (r.returncode, r.stderr)
    assert 'cannot open /nonexistent/batch' in r.stderr, r.stderr


def listen(d, *args, seen='probe'):
    """nlipc -j monitor or subscribe, once it has joined: it has printed
    a probe sent until it did (a key "probe" set, or a message of topic
    "probe"), so none of what follows can come before it is there. seen:
    how the probe shows in the output."""
    # Unbuffered: what select() says is there, readline() takes alone.
    p = subprocess.Popen([NLIPC, '-c', d.url, *args],
                         stdout=subprocess.PIPE, bufsize=0)
    probe = ['kv', 'set', 'probe', '1'] if 'events' in args else \
        ['publish', 'probe']
    deadline = time.time() + 20
    while time.time() < deadline:
        assert nlipc('-c', d.url, *probe).returncode == 0
        if select.select([p.stdout], [], [], 0.5)[0]:
            line = p.stdout.readline().decode()
            assert seen in line, line
            return p
    p.kill()
    raise AssertionError(f'{args} did not join')


def drain(p):
    """Stop a listener with SIGINT: its records, probes left out."""
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=10)
    assert p.returncode == 0, p.returncode
    return [line for line in out.decode().splitlines()
            if 'probe' not in line]


def test_monitor_and_subscribe_print_one_shape_per_event():
    d = daemon()
    mon = listen(d, '-j', 'monitor')
    sub = listen(d, '-j', 'subscribe')
    assert nlipc('-c', d.url, 'kv', 'set', 'k', 'v').returncode == 0
    assert nlipc('-c', d.url, 'kv', 'del', 'k').returncode == 0
    assert nlipc('-c', d.url, 'publish', 'news', 'hello').returncode == 0
    time.sleep(1)
    m = [json.loads(line) for line in drain(mon)]
    assert [e['event'] for e in m] == ['set', 'del', 'publish'], m
    s = [json.loads(line) for line in drain(sub)]
    assert s == [m[2]], (s, m[2])
    assert set(s[0]) == {'event', 'topic', 'sender', 'payload'}, s


def test_overruns_are_events_too():
    d = daemon('--max-queue', '65536')
    # A subscriber that reads nothing while a flood comes overruns.
    for cmd in (['monitor', 'bus'], ['subscribe']):
        p = listen(d, '-j', *cmd)
        p.send_signal(signal.SIGSTOP)
        big = 'x' * 60000
        for _ in range(12):
            nlipc('-c', d.url, 'publish', 'flood', big)
        p.send_signal(signal.SIGCONT)
        # Read as it writes: a full pipe would hold it off the socket.
        lines = []
        while select.select([p.stdout], [], [], 3)[0]:
            lines.append(p.stdout.readline().decode())
            if 'overrun' in lines[-1]:
                break
        events = [json.loads(line) for line in lines + drain(p)
                  if 'probe' not in line]
        overruns = [e for e in events if e['event'] == 'overrun']
        assert overruns == [{'event': 'overrun'}], \
            (cmd, [e['event'] for e in events])


def test_spec_subscribe_prints_the_familys_notifications():
    """nlipc --spec --subscribe through nlipcd: the nlipc family's own
    notifications, decoded by its spec, one JSON object a line."""
    d = daemon()
    spec = os.path.join(os.environ.get('top_srcdir') or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..'),
        'spec', 'nlipc.yaml')
    p = listen(d, '-j', '--spec', spec, '--subscribe', 'events', '--count',
               '3', seen=b'probe'.hex())
    assert nlipc('-c', d.url, 'kv', 'set', 'k', 'v').returncode == 0
    assert nlipc('-c', d.url, 'kv', 'del', 'k').returncode == 0
    out, _ = p.communicate(timeout=10)
    assert p.returncode == 0, (p.returncode, out)
    got = [json.loads(line) for line in out.decode().splitlines()]
    assert [n['name'] for n in got] == ['kv-set-ntf', 'kv-del-ntf'], got
    assert got[0]['msg'] == {'key': b'k'.hex(), 'value': b'v'.hex()}, got
    # The usage errors of the mode.
    one_line_usage_error(nlipc('--spec', spec, '--count', '2', '--do',
                               'ping'))
    one_line_usage_error(nlipc('--spec', spec, '--subscribe', 'events',
                               '--do', 'ping'))
    r = nlipc('-c', d.url, '--spec', spec, '--subscribe', 'nosuch')
    one_line_usage_error(r)
    assert "no multicast group 'nosuch'" in r.stderr, r.stderr


def test_monitor_timestamps_count_and_duration():
    d = daemon()
    mon = listen(d, '-j', 'monitor', 'events', '-t', '--count', '2')
    assert nlipc('-c', d.url, 'kv', 'set', 'k', 'v').returncode == 0
    out, _ = mon.communicate(timeout=10)
    assert mon.returncode == 0
    rec = json.loads(out.decode())
    assert rec['event'] == 'set' and rec['key'] == 'k', rec
    assert rec['timestamp'].startswith(time.strftime('%Y-')), rec
    p = listen(d, 'monitor', 'events', '--timestamp')
    assert nlipc('-c', d.url, 'kv', 'del', 'k').returncode == 0
    time.sleep(0.5)
    out = drain(p)
    assert len(out) == 1 and out[0].startswith('[' + time.strftime('%Y-')) \
        and out[0].endswith('] del k'), out
    # --duration ends a quiet monitor, and subscribe, with status 0.
    for cmd in ('monitor', 'subscribe'):
        t0 = time.monotonic()
        r = nlipc('-c', d.url, cmd, '--duration', '1.5')
        t = time.monotonic() - t0
        assert r.returncode == 0 and r.stdout == '', (cmd, r.stderr)
        assert 1.4 < t < 6, (cmd, t)


# ------------------------------------------------------ nlipc: netns ---

def test_netns_runs_the_command_in_a_named_namespace():
    ns = f'nlipc-cli-{os.getpid()}'
    if os.getuid() != 0 or not shutil.which('ip'):
        raise Skip('needs root and ip(8)')
    if run('ip', 'netns', 'add', ns).returncode:
        raise Skip('ip netns add failed: no namespaces here')
    # In a chroot "/" is no mount point, and ip netns exec cannot remount it.
    r = run('ip', 'netns', 'exec', ns, 'true')
    if r.returncode:
        run('ip', 'netns', 'del', ns)
        raise Skip('ip netns exec does not work here: ' + r.stderr.strip())
    try:
        # An abstract socket name belongs to its network namespace.
        url = f'unix:@{ns}'
        d = daemon(urls=[url], prefix=['ip', 'netns', 'exec', ns])
        r = nlipc('-n', ns, '-c', url, 'info')
        assert r.returncode == 0, r.stderr
        r = nlipc('--netns', ns, '-c', url, 'kv', 'set', 'k', 'v')
        assert r.returncode == 0, r.stderr
        r = nlipc('-c', url, 'info')
        assert r.returncode == UNREACHABLE, (r.returncode, r.stderr)
        d.stop()
    finally:
        run('ip', 'netns', 'del', ns)
    r = nlipc('-n', ns, '-c', url, 'info')
    assert r.returncode == UNREACHABLE, (r.returncode, r.stderr)
    assert f"no network namespace '{ns}'" in r.stderr, r.stderr
    for bad in ('a/b', '..', ''):
        one_line_usage_error(nlipc('-n', bad, 'info'))


# --------------------------------------------------- bash completion ---

# Just enough of bash-completion's helpers for _nlipc to run.
COMPLETION_STUBS = r'''
_init_completion() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD;
	cur=${words[cword]}; prev=${words[cword - 1]}; }
__ltrim_colon_completions() { :; }
_filedir() { :; }
compopt() { :; }
complete() { :; }
source "$0"
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
_nlipc
printf '%s\n' "${COMPREPLY[@]}"
'''


def complete(*words):
    src = os.environ.get('top_srcdir') or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..')
    r = run('bash', '-c', COMPLETION_STUBS,
            os.path.join(src, 'tools/nlipc/nlipc.bash-completion'), *words)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_bash_completion_knows_the_options_and_prefixes():
    if not shutil.which('bash'):
        raise Skip('no bash')
    assert {'--netns', '--batch', '--force'} <= set(complete('nlipc', '--'))
    assert complete('nlipc', '-b', '') == []
    for cmd in ('monitor', 'subscribe', 'mon', 'sub'):
        got = complete('nlipc', cmd, '-')
        assert {'--duration', '-t', '--timestamp', '--count'} <= set(got), \
            (cmd, got)
    assert {'show', 'ls', 'delete'} <= set(complete('nlipc', 'kv', ''))
    assert complete('nlipc', 'k', 'g', '--') == ['--hex', '--raw']
    assert complete('nlipc', 'kv', 'ls', '--') == ['--hex']


# -------------------------------------------------------- nlipc-bench ---

# One tiny measurement that needs no daemon and no module.
TINY = ['-q', '-f', 'pipe', '-m', 'pingpong', '-p', 'raw', '-s', '16',
        '-r', '1', '-n', '100', '-w', '10', '--no-progress']


def test_bench_output_files_as_separate_arguments():
    with tempfile.TemporaryDirectory() as tmp:
        j, c = os.path.join(tmp, 'r.json'), os.path.join(tmp, 'r.csv')
        r = run(BENCH, *TINY, '--json', j, '-c', c, timeout=60)
        assert r.returncode == 0, r.stderr
        assert json.load(open(j))['tool'] == 'nlipc-bench'
        assert open(c).readline().startswith('family,'), c
        # Alone, or followed by an option, it is still standard output.
        r = run(BENCH, *TINY, '--json', timeout=60)
        assert r.returncode == 0 and json.loads(r.stdout), r.stderr
        r = run(BENCH, '--json', *TINY, timeout=60)
        assert r.returncode == 0 and json.loads(r.stdout), r.stderr


def test_bench_plot_without_gnuplot_fails_before_measuring():
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PATH=tmp)
        t0 = time.monotonic()
        r = run(BENCH, *TINY, '-f', 'pipe,socketpair', '--plot',
                os.path.join(tmp, 'p.svg'), env=env, timeout=120)
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert 'gnuplot is not installed' in r.stderr, r.stderr
        assert r.stdout == '', 'measured first: ' + r.stdout[:200]
        assert time.monotonic() - t0 < 10


# -------------------------------------------------------------- main ---

def main():
    return tap.run(globals(), select='CLI_TEST', timeout=TEST_TIMEOUT,
                   cleanup=_daemons.cleanup,
                   on_failure=lambda: _daemons.logs(10))


if __name__ == '__main__':
    sys.exit(main())
