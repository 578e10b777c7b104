#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""summary.py LOG...: the table of "make stress".

Each stress script's log (its TAP output) carries one line per run:
  # stress: NAME duration_s=F requests=N hostile=N errors=N leaks=N \
      crashes=N [lost=N] [p99_us=N]
Prints one row per run and one verdict per script. Exits 1 if a script
failed a test, bailed out or did not run, or if any run counted errors,
leaks, crashes or lost writes."""

import os
import re
import sys

COLUMNS = [('duration_s', 'time/s'), ('requests', 'requests'),
           ('hostile', 'hostile'), ('errors', 'errors'), ('leaks', 'leaks'),
           ('crashes', 'crashes'), ('lost', 'lost'), ('p99_us', 'p99')]
MUST_BE_ZERO = ('errors', 'leaks', 'crashes', 'lost')


def parse(path):
    """The runs of one log, and its TAP counts."""
    runs, passed, failed, skip = [], 0, 0, None
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = re.match(r'# stress: (\S+)\s*(.*)', line)
            if m:
                fields = dict(kv.split('=', 1) for kv in m.group(2).split()
                              if '=' in kv)
                runs.append((m.group(1), fields))
            elif line.startswith('ok '):
                passed += 1
            elif line.startswith('not ok ') or line.startswith('Bail out!'):
                failed += 1
            elif re.match(r'1\.\.0\b.*# SKIP', line):
                skip = line.split('# SKIP', 1)[1].strip()
    return runs, passed, failed, skip


def cell(key, fields):
    v = fields.get(key)
    if v is None:
        return '-'
    if key == 'p99_us':
        us = float(v)
        return f'{us / 1000:.1f} ms' if us >= 1000 else f'{us:.0f} us'
    return v


def main(logs):
    rows, verdicts, bad = [], [], False
    for log in logs:
        name = os.path.basename(log).replace('.log', '.sh')
        if not os.path.exists(log):
            verdicts.append(f'{name}: FAIL (did not run: no {log})')
            bad = True
            continue
        runs, passed, failed, skip = parse(log)
        if skip is not None:
            verdicts.append(f'{name}: SKIP ({skip})')
            continue
        for run, fields in runs:
            nonzero = [k for k in MUST_BE_ZERO
                       if fields.get(k, '0') not in ('0', '-')]
            rows.append((run, fields, nonzero))
            bad |= bool(nonzero)
        ok = failed == 0 and passed > 0 and runs
        bad |= not ok
        verdicts.append(f'{name}: {"PASS" if ok else "FAIL"} '
                        f'({passed} passed, {failed} failed, {len(runs)} runs)')

    widths = [max([len('stress run')] + [len(r[0]) for r in rows])] + \
        [max([len(h)] + [len(cell(k, r[1])) for r in rows])
         for k, h in COLUMNS]
    head = ['stress run'] + [h for _, h in COLUMNS] + ['']
    print('  '.join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i])
                    for i, h in enumerate(head[:-1])))
    for run, fields, nonzero in rows:
        cells = [run.ljust(widths[0])] + \
            [cell(k, fields).rjust(widths[i + 1])
             for i, (k, _) in enumerate(COLUMNS)]
        flag = '  <- ' + ', '.join(nonzero) if nonzero else ''
        print('  '.join(cells) + flag)
    print()
    for v in verdicts:
        print(v)
    return 1 if bad else 0


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
