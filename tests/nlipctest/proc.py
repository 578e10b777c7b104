# SPDX-License-Identifier: GPL-2.0
"""Processes for the tests: a function run in a child (as another user,
in a new network namespace), and waiting for a condition."""

import ctypes
import os
import pickle
import time
import traceback

CLONE_NEWNET = 0x40000000


def unshare_net():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def in_child(fn, uid=None, netns=False):
    """Run fn() in a forked child (optionally as uid, in a new netns);
    return what it returned (a small picklable value) or raise its error,
    with the child's traceback as a note."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            if netns:
                unshare_net()
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            data = pickle.dumps(('ok', fn()))
        except BaseException as e:  # report everything to the parent
            tb = traceback.format_exc()
            try:
                data = pickle.dumps(('err', e, tb))
            except Exception:
                data = pickle.dumps(('err', RuntimeError(f'{type(e).__name__}: {e}'), tb))
        with os.fdopen(w, 'wb') as f:
            f.write(data)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, 'rb') as f:
        data = f.read()
    os.waitpid(pid, 0)
    res = pickle.loads(data)
    if res[0] == 'err':
        res[1].add_note('in the child:\n' + res[2])
        raise res[1]
    return res[1]


def wait_for(cond, timeout=5, what='condition'):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError('timed out waiting for ' + what)
