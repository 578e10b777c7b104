# SPDX-License-Identifier: GPL-2.0
"""TAP, as automake's tap-driver.sh reads it: numbered test points, their
diagnostics as '#' comments, the plan last."""

import os
import re
import signal
import subprocess
import sys
import time
import traceback


class Skip(Exception):
    """Raised by a test that cannot run here; its text says why."""


_n = 0
_failed = 0


def diag(lines):
    for text in lines:
        for line in str(text).splitlines() or ['']:
            print(f'# {line}')


def point(ok, what, diag_lines=(), directive='', always=False):
    """One test point; its diagnostics when it fails (or always). A TODO
    or SKIP directive (' # TODO why') keeps a failure from counting."""
    global _n, _failed
    _n += 1
    print(f"{'ok' if ok else 'not ok'} {_n} - {what}{directive}")
    if always or not ok:
        diag(diag_lines)
    _failed += not ok and not directive
    sys.stdout.flush()
    return ok


def skip(what, why):
    point(True, what, directive=f' # SKIP {why}')


def skip_all(why):
    """Nothing can run here: an empty plan that says why, exit 0."""
    print(f'1..0 # SKIP {why}')
    sys.exit(0)


def relay(prefix, argv):
    """Run a TAP program and pass its points on, renumbered, after
    prefix; its other lines as they are. A program that ends without a
    plan is a failed point."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    planned = False
    for line in proc.stdout:
        line = line.rstrip('\n')
        m = re.fullmatch(r'(not )?ok\s+\d+\s*(?:- )?(.*?)((?: # (?:TODO|SKIP)\b.*)?)',
                         line)
        if m:
            point(not m.group(1), f'{prefix}: {m.group(2)}',
                  directive=m.group(3))
        elif re.fullmatch(r'1\.\.\d+.*', line):
            planned = True
        else:
            print(line)
            sys.stdout.flush()
    rc = proc.wait()
    if not planned:
        point(False, f'{prefix}: ended without a plan (exit {rc})')


def count():
    return _n


def failed():
    return _failed


def plan():
    """Print the plan; the exit status: 1 if any point failed."""
    print(f'1..{_n}')
    sys.stdout.flush()
    return 1 if _failed else 0


def run(namespace, select=None, timeout=None, label='', finish=None,
        cleanup=None, on_failure=None, todo=None):
    """Run every test_* function of namespace (a module's globals()), in
    order, one test point each, and print the plan.

    select    an environment variable: when set, only tests whose name
              contains its value run (the others are skipped)
    timeout   seconds one test may take (SIGALRM), or None
    label     text before each test's name
    finish    called after each test's function, as its last step
    cleanup   called after every test, passed or not
    on_failure  returns diagnostic lines to add to a failure
    todo      {test name: why}: known failures, reported as TODO"""
    tests = [(k, v) for k, v in namespace.items()
             if k.startswith('test_') and callable(v)]
    only = os.environ.get(select) if select else None
    todo = todo or {}

    def expired(signum, frame):
        raise TimeoutError(f'test took longer than {timeout} s')
    if timeout:
        signal.signal(signal.SIGALRM, expired)
    for name, fn in tests:
        what = label + name
        if only and only not in name:
            skip(what, 'not selected')
            continue
        mark = f' # TODO {todo[name]}' if name in todo else ''
        t0 = time.time()
        if timeout:
            signal.alarm(timeout)
        try:
            fn()
            if finish:
                finish()
            point(True, f'{what} ({time.time() - t0:.1f}s)', directive=mark)
        except Skip as why:
            skip(what, why)
        except Exception:
            lines = traceback.format_exc().splitlines()
            if on_failure:
                lines += on_failure()
            point(False, what, lines, directive=mark)
        finally:
            if timeout:
                signal.alarm(0)
            if cleanup:
                cleanup()
    return plan()
