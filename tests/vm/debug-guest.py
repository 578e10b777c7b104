#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""debug-guest.py SPEC MODULE: the guest side of the debug-kernel lane
(tests/vm/debug.sh), run as root in nlipc-vm on the debug kernel with the
module loaded. One TAP stream: the kernel tests and the failslab tests,
renumbered, then what the detectors found over the whole run -- kmemleak's
unreferenced objects after the module is unloaded, KASAN, UBSAN, lockdep,
RCU, WARN and BUG reports in the kernel log, lockdep still validating, and
the taint (only the out-of-tree bit)."""

import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import tap  # noqa: E402
from nlipctest.tap import point, relay  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC, MODULE = sys.argv[1], sys.argv[2]
KMEMLEAK = '/sys/kernel/debug/kmemleak'
TAINT_OOT_MODULE = 4096

# The first line of every report of the detectors this kernel has.
REPORT = re.compile(
    r'BUG:|WARNING:|UBSAN:|KASAN:|ODEBUG:|Oops|general protection fault|'
    r'kernel BUG|DEBUG_LOCKS_WARN_ON|list_(add|del) corruption|'
    r'soft lockup|hung_task|blocked for more than|rcu: INFO:|detected stall|'
    r'stalls on CPUs|kmemleak: \d+ new suspected|kmemleak: .*(error|disabl)')
# A stack dumped without any of those headers is a report too, unless the
# kernel printed it because an allocation failed: failslab makes the core
# say so (sysctl registration, vmalloc) and that is not a finding.
ALLOC_FAILURE = re.compile(r'sysctl could not get directory|vmalloc error|'
                           r'page allocation failure|FAULT_INJECTION')
# 6.1's vmalloc warns (once) when failslab fails the GFP_NOWAIT vmap_area
# it needs to split a free area, as when the module is loaded under
# failslab: the core's reaction to our injected failure, not a finding.
# Its report, up to its end marker, is excused, and so is the W taint.
CORE_ALLOC_WARN = re.compile(r'WARNING: .* at mm/vmalloc\.c:\d+ alloc_vmap_area')
TAINT_WARN = 512

def kmemleak(cmd):
    """False if kmemleak turned itself off (it then refuses commands)."""
    try:
        with open(KMEMLEAK, 'w') as f:
            f.write(cmd)
        return True
    except PermissionError:
        return False


def reports(log):
    """Indexes of the lines of log that start a report, and whether a
    CORE_ALLOC_WARN was excused."""
    out = []
    excused = excusing = False
    for i, line in enumerate(log):
        if CORE_ALLOC_WARN.search(line):
            excused = excusing = True
        if excusing:
            excusing = '---[ end trace' not in line
            continue
        if REPORT.search(line):
            out.append(i)
        elif 'Call Trace:' in line:
            before = log[max(i - 4, 0):i]
            if not any(REPORT.search(b) or ALLOC_FAILURE.search(b) for b in before):
                out.append(i)
    return out, excused


def dmesg():
    return subprocess.run(['dmesg'], capture_output=True, text=True).stdout


def main():
    if not os.path.exists(KMEMLEAK):
        print(f'Bail out! no {KMEMLEAK}: not the debug kernel, or kmemleak is off')
        return 1
    # What boot left unreferenced is not ours to report.
    if not (kmemleak('scan') and kmemleak('clear')):
        print('Bail out! kmemleak is off')
        return 1
    t0 = time.time()

    relay('kernel', [sys.executable, f'{HERE}/kernel-tests.py', SPEC, MODULE])
    relay('failslab', [sys.executable, f'{HERE}/failslab-tests.py', SPEC, MODULE])

    # Objects younger than 5 s are not reported; two scans settle the ones
    # a CPU still held in a register during the first. A scan before the
    # unload names the module's functions in the backtraces (after it they
    # are bare addresses); the one after it also sees what unloading, which
    # frees the stores, left behind.
    time.sleep(6)
    named = []
    if kmemleak('scan') and kmemleak('scan'):
        with open(KMEMLEAK) as f:
            named = f.read().splitlines()
    r = subprocess.run(['rmmod', 'nlipc'], capture_output=True, text=True)
    point(r.returncode == 0, 'the module unloads', r.stderr.splitlines())
    time.sleep(6)
    if kmemleak('scan') and kmemleak('scan'):
        with open(KMEMLEAK) as f:
            leaks = f.read().splitlines()
        count = sum(line.startswith('unreferenced object') for line in leaks)
        point(count == 0, f'kmemleak: no unreferenced object ({count} found)',
              (named or leaks)[:120])
    else:
        point(False, 'kmemleak: no unreferenced object',
              ['kmemleak turned itself off during the run (see the kernel log)'])

    log = dmesg().splitlines()
    bad, excused = reports(log)
    diag = []
    for i in bad[:5]:                       # each report with its context
        diag += log[max(i - 2, 0):i + 40] + ['---']
    point(not bad, 'kernel log: no KASAN, UBSAN, lockdep, RCU, WARN or BUG report',
          diag[:400])

    with open('/proc/lockdep_stats') as f:
        stats = f.read()
    m = re.search(r'debug_locks:\s+(\d+)', stats)
    point(m and m.group(1) == '1', 'lockdep still validating (debug_locks 1)',
          [] if m else ['no debug_locks in /proc/lockdep_stats'])

    with open('/proc/sys/kernel/tainted') as f:
        taint = int(f.read())
    allowed = TAINT_OOT_MODULE | (TAINT_WARN if excused and not bad else 0)
    point(taint & ~allowed == 0,
          f'taint {taint}: nothing but the out-of-tree module bit'
          + (' (and W, for the excused vmalloc warning)' if excused else ''))

    print(f'# detectors: {time.time() - t0:.0f}s for the whole run')
    return tap.plan()


if __name__ == '__main__':
    sys.exit(main())
