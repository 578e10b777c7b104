#!/usr/bin/env python3
# SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
"""spec-uapi.py [--tap] [SPEC [HEADER]]: check that the uAPI header is what the
kernel's YNL generator (tools/net/ynl, --mode uapi) would make of the spec.

The header is written by hand because the generator lives in the kernel
tree, so this test is what keeps the two in step: it validates the spec
against the rules of Documentation/netlink/genetlink.yaml, derives every
name and value ynl-gen-c would emit, compares them both ways with the
header, and has the C compiler confirm the values.  Exit 0 when they
agree, 1 on any mismatch, 77 (automake SKIP) without PyYAML.

With --tap (or NLIPC_TAP=1 in the environment) it speaks TAP instead, for automake's tap-driver.sh, which
reads results from the output and takes any non-zero exit as an error:
one test point, the messages as comments, a skip as "1..0 # SKIP"."""

import os, re, shlex, shutil, subprocess, sys

TAP = '--tap' in sys.argv[1:] or os.environ.get('NLIPC_TAP') == '1'
PFX = '# spec-uapi: ' if TAP else 'spec-uapi: '
try:
    import yaml
except ImportError:
    why = f"PyYAML ('import yaml') is not available to {sys.executable}"
    print(f'1..0 # SKIP {why}' if TAP else f'spec-uapi: SKIP: {why}')
    sys.exit(0 if TAP else 77)

HERE = os.path.dirname(os.path.abspath(__file__))
errors = []                    # one message per mismatch
facts = []                     # what was checked, for the summary line


def bad(msg):
    errors.append(msg)
    print(PFX + msg)


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


# ---- 1. Spec structure: the genetlink.yaml rules, without jsonschema ----
# Keys each object may have (the schema says additionalProperties: False).
KEYS = {
    'family': {'name', 'doc', 'protocol', 'uapi-header', 'definitions', 'attribute-sets',
               'operations', 'mcast-groups', 'kernel-family'},
    'definition': {'name', 'header', 'type', 'doc', 'value', 'value-start', 'entries',
                   'render-max'},
    'set': {'name', 'name-prefix', 'enum-name', 'doc', 'subset-of', 'attributes'},
    'attr': {'name', 'type', 'doc', 'value', 'type-value', 'byte-order', 'multi-attr',
             'nested-attributes', 'enum', 'enum-as-flags', 'checks', 'sub-type', 'display-hint'},
    'checks': {'flags-mask', 'min', 'max', 'min-len', 'max-len', 'exact-len'},
    'operations': {'enum-model', 'name-prefix', 'enum-name', 'async-prefix', 'async-enum', 'list'},
    'op': {'name', 'doc', 'value', 'attribute-set', 'flags', 'dont-validate', 'config-cond',
           'do', 'dump', 'notify', 'event', 'mcgrp'},
    'mode': {'request', 'reply', 'pre', 'post'},
    'msg': {'attributes'},
    'mcast-groups': {'list'},
    'mcgrp': {'name', 'flags'},
}
ATTR_TYPES = {'unused', 'pad', 'flag', 'binary', 'uint', 'sint', 'u8', 'u16', 'u32', 'u64',
              's8', 's16', 's32', 's64', 'string', 'nest', 'array-nest', 'indexed-array',
              'nest-type-value'}
NAME = re.compile(r'^[0-9a-z-]+$')          # names end up in C identifiers
LIMIT = re.compile(r'^[su](8|16|32|64)-(min|max)$')


def obj(o, kind, where, required=()):
    """The mapping o with only the keys kind allows, or {} if it is none."""
    if not isinstance(o, dict):
        bad(f'{where}: not a mapping')
        return {}
    for k in o:
        if k not in KEYS[kind]:
            bad(f'{where}: unknown key "{k}"')
    for k in required:
        if k not in o:
            bad(f'{where}: missing "{k}"')
    return o


def named(items, kind, where, required=('name',)):
    """The list's mappings by name, reporting bad or duplicate names."""
    out = {}
    for i, it in enumerate(items if isinstance(items, list) else []):
        it = obj(it, kind, f'{where}[{i}]', required)
        n = it.get('name')
        if not isinstance(n, str) or not NAME.match(n):
            bad(f'{where}[{i}]: bad name {n!r}')
        elif n in out:
            bad(f'{where}: duplicate name "{n}"')
        else:
            out[n] = it
    return out


def check_ids(items, where):
    """Number items as nlspec.py does (from 1, 'value' restarts the count):
    two names on one id would collide in the policy or the op table."""
    val, used = 0, {}
    for n, it in items.items():
        v = it.get('value', val + 1)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            bad(f'{where} {n}: value {v!r} is not a non-negative integer')
            v = val + 1
        if v in used:
            bad(f'{where} {n}: value {v} is already {used[v]}\'s')
        used[v], val = n, v


def as_list(x, where):
    if isinstance(x, list):
        return x
    bad(f'{where}: not a list')
    return [x]


def check_flags(flags, where):
    for f in as_list(flags, where):
        if f != 'admin-perm':
            bad(f'{where}: {f!r} is not admin-perm')


def validate(spec, license_line):
    # ynl-gen-c refuses to generate a uAPI header under any other licence.
    uapi_license = '((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)'
    if license_line.strip() != '# SPDX-License-Identifier: ' + uapi_license:
        bad('spec: first line is not the SPDX tag ynl-gen-c requires for uAPI')
    obj(spec, 'family', 'spec', ('name', 'doc', 'attribute-sets', 'operations'))
    if not NAME.match(str(spec.get('name', ''))):
        bad(f'spec: bad family name {spec.get("name")!r}')
    if spec.get('protocol', 'genetlink') != 'genetlink':
        bad(f'spec: protocol is {spec.get("protocol")!r}, this check knows only genetlink')
    defs = named(spec.get('definitions', []), 'definition', 'definitions', ('name', 'type'))
    for n, d in defs.items():
        if d.get('type') == 'const' and not isinstance(d.get('value'), (int, str)):
            bad(f'definition {n}: const without an int or string value')
        elif d.get('type') in ('enum', 'flags') and not isinstance(d.get('entries'), list):
            bad(f'definition {n}: {d["type"]} without entries')
        elif d.get('type') not in ('const', 'enum', 'flags'):
            bad(f'definition {n}: type {d.get("type")!r} is not const, enum or flags')
    consts = {n for n, d in defs.items() if d.get('type') == 'const'}
    # Valid genetlink, but derive() below does not model them: say so, not guess.
    for n in set(defs) - consts:
        bad(f'definition {n}: enum/flags definitions are not handled by this test yet')
    sets = named(spec.get('attribute-sets'), 'set', 'attribute-sets', ('name', 'attributes'))
    attrs = {}
    for sn, s in sets.items():
        sub = s.get('subset-of')
        if sub is not None and (sub not in sets or 'name-prefix' in s):
            bad(f'set {sn}: subset-of "{sub}" is unknown or combined with name-prefix')
        required = ('name',) if sub else ('name', 'type')
        attrs[sn] = named(s.get('attributes'), 'attr', f'set {sn}', required)
        if sub is None:               # a subset takes its ids from the parent
            check_ids(attrs[sn], f'set {sn} attr')
        for an, a in attrs[sn].items():
            where = f'set {sn} attr {an}'
            if sub is None and a.get('type') not in ATTR_TYPES:
                bad(f'{where}: type {a.get("type")!r} is not a genetlink attribute type')
            if (a.get('type') == 'nest') != ('nested-attributes' in a) or \
               a.get('nested-attributes', sn) not in sets:
                bad(f'{where}: nest needs nested-attributes naming an existing set')
            if 'enum' in a and defs.get(a['enum'], {}).get('type') not in ('enum', 'flags'):
                bad(f'{where}: enum "{a["enum"]}" is not an enum or flags definition')
            for ck, cv in obj(a.get('checks', {}), 'checks', f'{where} checks').items():
                ok = isinstance(cv, int) or cv in consts or \
                    (ck in ('min', 'max') and LIMIT.match(str(cv)))
                if ck == 'flags-mask':
                    ok = defs.get(cv, {}).get('type') == 'flags'
                if not ok:
                    bad(f'{where}: check {ck}: {cv!r} is neither an integer nor a defined const')
        if sub in sets:
            for an in attrs[sn]:
                if an not in attrs.get(sub, {}):
                    bad(f'set {sn}: attr {an} is not in the parent set {sub}')
    mcast = obj(spec.get('mcast-groups', {'list': []}), 'mcast-groups', 'mcast-groups')
    groups = named(mcast.get('list'), 'mcgrp', 'mcast-groups')
    for gn, g in groups.items():
        check_flags(g.get('flags', []), f'mcgrp {gn} flags')
    ops_yaml = obj(spec.get('operations'), 'operations', 'operations', ('list',))
    if ops_yaml.get('enum-model', 'unified') != 'unified':
        bad('operations: enum-model must be unified')
    if 'async-prefix' in ops_yaml or 'async-enum' in ops_yaml:
        bad('operations: a separate async enum is not handled by this test yet')
    ops = named(ops_yaml.get('list'), 'op', 'operations', ('name', 'doc'))
    check_ids(ops, 'op')
    for on, op in ops.items():
        where = f'op {on}'
        check_flags(op.get('flags', []), f'{where} flags')
        set_name = op.get('attribute-set')
        if 'notify' in op:
            target = ops.get(op['notify'], {})
            if op['notify'] == on or not any('reply' in target.get(m, {}) for m in ('do', 'dump')):
                bad(f'{where}: notify "{op["notify"]}" is not another op with a reply')
            set_name = set_name or target.get('attribute-set')
        if set_name is not None and set_name not in sets:
            bad(f'{where}: attribute-set "{set_name}" does not exist')
        if 'mcgrp' in op and op['mcgrp'] not in groups:
            bad(f'{where}: mcgrp "{op["mcgrp"]}" is not in mcast-groups')
        msgs = [(f'{m} {d}', obj(obj(op[m], 'mode', f'{where} {m}').get(d, {}),
                                 'msg', f'{where} {m} {d}'))
                for m in ('do', 'dump') if m in op for d in ('request', 'reply')]
        if 'event' in op:
            msgs.append(('event', obj(op['event'], 'msg', f'{where} event')))
        for what, msg in msgs:
            for an in as_list(msg.get('attributes', []), f'{where} {what} attributes'):
                if set_name is None:
                    bad(f'{where}: {what} lists attributes but the op has no attribute-set')
                    break
                if an not in attrs.get(set_name, {}):
                    bad(f'{where}: {what} attribute "{an}" is not in set {set_name}')


# ---- 2. What ynl-gen-c's render_uapi() emits, as {name: value} ----
def derive(spec):
    fam = spec['name']
    ident = fam.replace('-', '_')
    want, tags = {}, []        # tags: (enum tag or None, first member) per enum
    hdr = spec.get('uapi-header', f'linux/{ident}.h')
    base = hdr[6:-2] if hdr.startswith('linux/') and hdr.endswith('.h') else ident
    want[f'_UAPI_LINUX_{c_upper(base)}_H'.replace('/', '_')] = ''   # include guard
    want[c_upper(fam + '_FAMILY_NAME')] = fam
    want[c_upper(fam + '_FAMILY_VERSION')] = 1           # genetlink has no version key
    for d in spec.get('definitions', []):
        if d['type'] == 'const' and not d.get('header'):  # else that header defines it
            want[c_upper(f'{ident}-{d["name"]}')] = d['value']

    def enum(items, pfx, tag):
        """A uAPI enum: from 1 in list order, 'value' restarts the count (as
        nlspec.py numbers them), then __PFX_MAX and PFX_MAX = __PFX_MAX - 1."""
        val, first = 0, None
        for it in items:
            name = c_upper(pfx + it['name'])
            val, first = it.get('value', val + 1), first or name
            want[name] = val
        want[c_upper('__' + pfx + 'max')] = val + 1 if first else 0
        want[c_upper(pfx + 'max')] = val if first else -1
        tags.append((c_lower(tag) if tag else None, first or c_upper(pfx + 'max')))

    for s in spec['attribute-sets']:
        if 'subset-of' not in s:      # a subset reuses its parent's enum
            own = '' if s['name'] == fam else s['name'] + '-'
            pfx = s.get('name-prefix', f'{ident}-a-{own}')
            enum(s['attributes'], pfx, s.get('enum-name'))
    ops = spec['operations']          # unified: notifications share the command enum
    enum(ops['list'], ops.get('name-prefix', f'{fam}-cmd-'), ops.get('enum-name'))
    for g in spec.get('mcast-groups', {}).get('list', []):
        want[c_upper(f'{ident}-mcgrp-{g["name"]}')] = g['name']
    return want, tags


# ---- 3. The header: #defines and enum members with their values ----
def c_value(expr, known):
    """Value of a constant expression over known names, or None."""
    expr = re.sub(r'\b([0-9]+|0x[0-9a-fA-F]+)[uUlL]*\b', r'\1', expr.strip())
    expr = re.sub(r'\b[A-Za-z_]\w*\b', lambda m: str(known.get(m.group(0), m.group(0))), expr)
    if not re.fullmatch(r'[0-9a-fA-FxX\s()+\-*<>|&~]+', expr):
        return None            # anything but integer arithmetic: not something ynl emits
    try:
        return eval(expr, {'__builtins__': {}})
    except Exception:
        return None


def parse_header(text):
    text = re.sub(r'/\*.*?\*/|//[^\n]*', ' ', text, flags=re.S).replace('\\\n', ' ')
    found, tags = {}, {}

    def add(name, value):
        if name in found:
            bad(f'{name}: defined twice in the header')
        found[name] = value
    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)(\(?)[ \t]*(.*?)[ \t]*$', text, re.M):
        name, func, body = m.groups()
        if body.startswith('"') and body.endswith('"'):
            add(name, body[1:-1])
        elif body == '' and not func:
            add(name, '')
        else:              # keep what it says, for the message, when it is no plain constant
            v = None if func else c_value(body, found)
            add(name, ('unparsed', func + body) if v is None else v)
    for m in re.finditer(r'\benum\s*(\w*)\s*\{(.*?)\}\s*;', text, re.S):
        val = -1
        for item in filter(None, (i.strip() for i in m.group(2).split(','))):
            name, _, expr = (p.strip() for p in item.partition('='))
            val = c_value(expr, found) if expr else (None if val is None else val + 1)
            add(name, ('unparsed', expr or 'previous + 1') if val is None else val)
            tags[name] = m.group(1) or None
    return found, tags


def show(v):
    if isinstance(v, tuple):
        return f'{v[1]!r} (not a constant this test can read)'
    return f'"{v}"' if isinstance(v, str) else str(v)


# ---- 4. The C compiler's word on the values the two agree on ----
def cc_check(want, header, uapi_header):
    cc = shlex.split(os.environ.get('CC') or 'cc')
    if not cc or not shutil.which(cc[0]):
        print(PFX + 'no C compiler found, skipping the _Static_assert check')
        return 'skipped'
    header = os.path.abspath(header)
    if header.endswith('/' + uapi_header):     # as users include it: <linux/nlipc.h>
        inc, name = header[:-len(uapi_header) - 1], f'<{uapi_header}>'
    else:
        inc, name = os.path.dirname(header), f'"{os.path.basename(header)}"'
    # Twice, so a broken include guard shows up as redefinitions.
    src = [f'#include {name}', f'#include {name}']
    for n, v in want.items():
        if v == '':
            src += [f'#ifndef {n}', f'#error "{n} is not defined"', '#endif']
        elif isinstance(v, str):   # C cannot compare strings statically: a literal of that length
            src.append(f'_Static_assert(sizeof({n} "") == sizeof({show(v)}), "{n} is \\"{v}\\"");')
        else:
            src.append(f'_Static_assert({n} == {v}, "{n} == {v}");')
    flags = ['-std=c11', '-Wall', '-Werror', '-fsyntax-only', '-I', inc, '-x', 'c', '-']
    run = subprocess.run(cc + flags, input='\n'.join(src) + '\n', capture_output=True, text=True)
    if run.returncode != 0:
        lines = run.stderr.splitlines() or ['failed']
        lines = [l for l in lines if 'error' in l] or lines
        for l in lines[:10]:       # a broken include guard alone gives one per enumerator
            bad('cc: ' + l.strip())
        if len(lines) > 10:
            print(f'{PFX}cc: ... and {len(lines) - 10} more errors')
    return 'checked'


def main(argv):
    if len(argv) > 3 or (argv[1:2] and argv[1].startswith('-')):
        print('usage: spec-uapi.py [--tap] [SPEC [HEADER]]', file=sys.stderr)
        return 99                  # automake: hard error, not a test failure
    spec_path = argv[1] if len(argv) > 1 else os.path.join(HERE, '..', 'spec', 'nlipc.yaml')
    header = argv[2] if len(argv) > 2 else \
        os.path.join(HERE, '..', 'include', 'uapi', 'linux', 'nlipc.h')
    with open(spec_path) as f:
        first = f.readline()
        f.seek(0)
        try:
            spec = yaml.safe_load(f)
        except yaml.YAMLError as e:
            spec = e
    if not isinstance(spec, dict):
        bad(f'{spec_path}: not a YAML mapping ({" ".join(str(spec).split())})')
        return 1
    validate(spec, first)
    try:
        want, want_tags = derive(spec)
    except (KeyError, TypeError, AttributeError) as e:
        bad(f'spec: too malformed to derive the header from ({type(e).__name__}: {e})')
        return 1
    with open(header) as f:
        have, have_tags = parse_header(f.read())
    for name, v in want.items():
        if name not in have:
            bad(f'{name}: missing from the header, spec {show(v)}')
        elif have[name] != v:
            bad(f'{name}: header {show(have[name])}, spec {show(v)}')
    for name, v in have.items():   # the generated header holds nothing else
        if name not in want:
            bad(f'{name}: in the header ({show(v)}), not produced by the spec')
    for tag, first in want_tags:   # enum-name gives the enum a tag, else it is anonymous
        if first in have_tags and have_tags[first] != tag:
            bad(f'enum of {first}: header tag {have_tags[first] or "(none)"}, '
                f'spec {tag or "(none)"}')
    agreed = {n: v for n, v in want.items() if have.get(n, object()) == v}
    uapi_header = spec.get('uapi-header', f'linux/{spec["name"].replace("-", "_")}.h')
    cc = cc_check(agreed, header, uapi_header) if agreed else 'not run'
    facts.extend([f'{len(want)} names from the spec', f'{len(have)} in the header',
                  f'cc check {cc}'])
    return 1 if errors else 0


if __name__ == '__main__':
    rc = main([a for a in sys.argv if a != '--tap'])
    if rc != 99:
        print(f'{PFX}{"FAIL" if errors else "PASS"}: {len(errors)} mismatches' +
              ''.join(', ' + f for f in facts))
        if TAP:
            print(f'{"not ok" if rc else "ok"} 1 - uAPI header matches the spec\n1..1')
            rc = 0             # the result is in the output; an exit status would be an ERROR
    sys.exit(rc)
