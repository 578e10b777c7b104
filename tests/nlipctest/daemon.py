# SPDX-License-Identifier: GPL-2.0
"""nlipcd for the tests: one daemon (the user backend unless told) in a
private directory, its log kept there, stopped and removed by the test
runner."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    """nlipcd ARGS URLS. urls names kinds of self.urls ('unix', 'tcp',
    ...) or gives URLs; by default it listens on every kind. 'DIR' in an
    argument is the private directory."""

    def __init__(self, nlipcd, *args, urls=None, backend='user',
                 log_level='debug', env=None, wait=True, preexec=None,
                 pass_fds=(), prefix=(), owner=None):
        self.dir = tempfile.mkdtemp(prefix='nlipcd-test.')
        os.chmod(self.dir, 0o755)
        if owner:               # as systemd's RuntimeDirectory= is
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.port = free_port()
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.urls = {
            'unix': f'unix:{self.dir}/s',
            'seqpacket': f'unix+seqpacket:{self.dir}/sp',
            'dgram': f'unix+dgram:{self.dir}/dg',
            'tcp': f'tcp://127.0.0.1:{self.port}',
            'udp': f'udp://127.0.0.1:{self.udp_port}',
        }
        self.path = f'{self.dir}/s'
        self.url = self.urls['unix']
        urls = self.urls.values() if urls is None else \
            [self.urls.get(u, u) for u in urls]
        self.log_path = os.path.join(self.dir, 'log')
        with open(self.log_path, 'w') as log:
            self.proc = subprocess.Popen(
                [*prefix, nlipcd, '--backend', backend,
                 *(('--log-level', log_level) if log_level else ()),
                 *[a.replace('DIR', self.dir) for a in args], *urls],
                stderr=log, stdout=log, env=env, preexec_fn=preexec,
                pass_fds=pass_fds)
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if 'ready' in self.text():
                return
            if self.proc.poll() is not None:
                raise AssertionError('nlipcd exited: ' + self.text())
            time.sleep(0.02)
        raise AssertionError('nlipcd not ready: ' + self.text())

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=5):
        """Its exit status after sig."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f'nlipcd did not stop on {sig!r}')

    def stop_cleanly(self):
        """Stop it on SIGTERM; it must exit with status 0 (in make
        check-sanitizers, a finding at exit, a leak, changes it)."""
        rc = self.stop()
        assert rc == 0, \
            f'nlipcd exited with status {rc} on SIGTERM: {self.text()[-2000:]}'

    def exit_status(self, timeout=5):
        """Its exit status, once it exits by itself."""
        return self.proc.wait(timeout)

    def status(self):
        """/proc/PID/status as {field: [words]}."""
        out = {}
        with open(f'/proc/{self.proc.pid}/status') as f:
            for line in f:
                k, _, v = line.partition(':')
                out[k] = v.split()
        return out

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Daemons:
    """The daemons of one test: started by start(), each checked to stop
    cleanly by stop_all() and removed by cleanup() (tap.run's finish and
    cleanup hooks), their logs' tails shown when the test fails."""

    def __init__(self, nlipcd, **defaults):
        self.nlipcd, self.defaults, self.running = nlipcd, defaults, []

    def start(self, *args, **kw):
        d = Daemon(self.nlipcd, *args, **{**self.defaults, **kw})
        self.running.append(d)
        return d

    def stop_all(self):
        """Every daemon a test left running stops cleanly."""
        for d in self.running:
            if d.alive():
                d.stop_cleanly()

    def logs(self, lines=15):
        return [f'  nlipcd: {x}' for d in self.running
                for x in d.text().splitlines()[-lines:]]

    def cleanup(self):
        while self.running:
            self.running.pop().cleanup()
