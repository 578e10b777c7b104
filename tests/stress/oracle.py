# SPDX-License-Identifier: GPL-2.0
"""What the kernel must answer to any datagram sent to the nlipc family,
well-formed or not: a model of netlink_rcv_skb() and the genetlink core of
Linux 6.1 and 6.12 (the kernels nlipc-vm boots), of strict attribute validation
against the policies the spec gives, and of the module's handlers over a
shadow copy of the store. It predicts every answer exactly -- ACK, errno,
extack offset or missing attribute, reply contents, dump entries, change
notifications -- and which requests reach a handler, so the per-operation
counters can be checked to the byte.

The core's order of checks (net/netlink/genetlink.c, af_netlink.c):
nlmsg_len shorter than the headers or past the datagram's end stops the
datagram silently; no NLM_F_REQUEST or a control type gets an ACK only if
asked; an unknown type is ENOENT; then nlmsg_len < genl header (EINVAL),
reserved bits or nlmsg_flags besides REQUEST/ACK/ECHO/DUMP (EINVAL, since
resv_start_op is 0), an unknown command (EOPNOTSUPP), admin-perm (EPERM),
no dumpit (EOPNOTSUPP; from 6.2 before admin-perm), a dump already running on the socket (EBUSY),
strict policy validation, and only then the handler."""

import collections
import errno
import struct

from nlipctest import genl as nl
from nlipctest.genl import NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI
from nlipctest.genl import SPLIT_OPS, DUMP_START_EXTACK

NLM_F_ECHO = 0x8
NLMSG_MIN_TYPE = 16
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3fff
CTRL_CMD_NEWFAMILY = 1
ANY = object()          # an errno, offset or missing type not predicted

Req = collections.namedtuple('Req', 'off len type flags seq pid raw')


def kernel_view(data):
    """The messages of a datagram that netlink_rcv_skb() hands on."""
    out, off = [], 0
    while len(data) - off >= 16:
        mlen, mtype, flags, seq, pid = struct.unpack_from('=IHHII', data, off)
        if mlen < 16 or mlen > len(data) - off:
            break
        out.append(Req(off, mlen, mtype, flags, seq, pid, data[off:off + mlen]))
        off += min(nl.align(mlen), len(data) - off)
    return out


def attr_walk(data, base=0):
    """(offset, nla_len, raw type) of each attribute, as nla_for_each_attr
    walks them, and the bytes left over (positive: trailing garbage)."""
    out, off, rem = [], 0, len(data)
    while rem >= 4:
        alen, atype = struct.unpack_from('=HH', data, off)
        if alen < 4 or alen > rem:
            break
        out.append((base + off, alen, atype))
        off += nl.align(alen)
        rem -= nl.align(alen)
    return out, rem


class Op:
    def __init__(self, cmd, name, admin, do, dump, aset, policy):
        self.cmd, self.name, self.admin = cmd, name, admin
        self.do, self.dump, self.aset = do, dump, aset
        # {attr type: (kind, min, max)}; ops without request attributes
        # get the core's reject-all policy (one NLA_REJECT entry).
        self.policy = policy or {1: ('reject', 0, 0)}
        self.maxattr = max(self.policy)


class Spec:
    """Numbers, limits and per-op policies, all from spec/nlipc.yaml."""

    KINDS = ('binary', 'u32', 'u64', 'flag', 'string')

    def __init__(self, spec):
        self.const = {d['name']: d['value'] for d in spec.get('definitions', [])}
        self.cmd = {op['name']: i + 1
                    for i, op in enumerate(spec['operations']['list'])}
        self.attr = {s['name']: {a['name']: i + 1
                                 for i, a in enumerate(s['attributes'])}
                     for s in spec['attribute-sets']}
        sets = {s['name']: {a['name']: a for a in s['attributes']}
                for s in spec['attribute-sets']}
        self.ops = {}
        for op in spec['operations']['list']:
            if 'do' not in op and 'dump' not in op:
                continue
            aset = op['attribute-set']
            policy = {}
            for k in ('do', 'dump'):
                req = (op.get(k) or {}).get('request') or {}
                for n in req.get('attributes', []):
                    a = sets[aset][n]
                    checks = a.get('checks', {})
                    lo = self._limit(checks.get('min-len', 0))
                    hi = self._limit(checks.get('max-len', checks.get('max')))
                    assert a['type'] in self.KINDS, f'no model of {a["type"]}'
                    policy[self.attr[aset][n]] = (a['type'], lo, hi)
            self.ops[self.cmd[op['name']]] = Op(
                self.cmd[op['name']], op['name'],
                'admin-perm' in op.get('flags', []), 'do' in op, 'dump' in op,
                aset, policy)

    def _limit(self, v):
        return self.const[v] if isinstance(v, str) else v


def check_attr(rule, raw_type, payload):
    """validate_nla() of one attribute in strict mode: 0 or -errno."""
    n = len(payload)
    if rule is None:                    # in range, not in the policy
        return -errno.EINVAL            # NLA_UNSPEC under NL_VALIDATE_UNSPEC
    kind, lo, hi = rule
    if kind == 'u32' and n != 4 or kind == 'u64' and n != 8:
        return -errno.EINVAL            # exact length (NL_VALIDATE_STRICT_ATTRS)
    if raw_type & NLA_F_NESTED:
        return -errno.EINVAL            # "NLA_F_NESTED not expected"
    if kind == 'reject':
        return -errno.EINVAL
    if kind == 'flag':
        return -errno.ERANGE if n else 0
    if kind == 'string':                # NLA_NUL_STRING with a length
        minlen = min(n, hi + 1) if hi else n
        if not minlen or b'\0' not in payload[:minlen]:
            return -errno.EINVAL
        if payload[-1] == 0:
            n -= 1
        return -errno.ERANGE if hi and n > hi else 0
    if kind == 'binary':
        return -errno.ERANGE if n < lo or (hi is not None and n > hi) else 0
    if kind == 'u32' and hi is not None:
        return -errno.ERANGE if struct.unpack('=I', payload)[0] > hi else 0
    return 0


def validate(op, raw):
    """Strict parse of a request's attributes: (0, {type: (payload,
    offset)}) with the last of duplicates, as nla_parse() keeps them, or
    (-errno, offset of the offending attribute or None)."""
    body = raw[20:]
    walked, rem = attr_walk(body, 20)
    tb = {}
    for off, alen, raw_type in walked:
        atype = raw_type & NLA_TYPE_MASK
        if atype == 0 or atype > op.maxattr:
            return -errno.EINVAL, off   # "Unknown attribute type"
        payload = raw[off + 4:off + alen]
        err = check_attr(op.policy.get(atype), raw_type, payload)
        if err:
            return err, off
        tb[atype] = (payload, off)
    if rem > 0:
        return -errno.EINVAL, None      # "bytes leftover after parsing"
    return 0, tb


class Expect:
    """The answers one request must get, in order, and what it did.

    items: ('ack',), ('err', -errno, offset, missing type),
    ('reply', cmd, check), ('dump', cmd, entries or None)."""

    __slots__ = ('req', 'items', 'cmd', 'reached', 'herr', 'reset',
                 'dump_running', 'unpriv_write')

    def __init__(self, req, items, cmd=None, reached=False, herr=False):
        self.req, self.items, self.cmd = req, items, cmd
        self.reached, self.herr = reached, herr
        self.reset = self.dump_running = self.unpriv_write = False

    def must_end(self):
        """True if the answers end with an ACK, error or DONE."""
        return bool(self.items) and self.items[-1][0] in ('ack', 'err', 'dump')


class Store:
    """The shadow store: what the module's store of this namespace holds,
    in dump order, plus the notifications the kernel must send."""

    def __init__(self, entries, limits):
        self.kv = collections.OrderedDict(entries)
        (self.max_ping, self.max_entries, self.max_key, self.max_value,
         self.max_bytes) = limits
        self.events = collections.deque()

    def bytes(self):
        return sum(len(k) + len(v) for k, v in self.kv.items())


class Oracle:
    def __init__(self, spec, family, store, registered, priv, portid,
                 listening=(False, False)):
        self.s, self.fam, self.store = spec, family, store
        self.registered, self.priv, self.portid = registered, priv, portid
        self.events_on, self.bus_on = listening
        c = spec.cmd
        self.handlers = {c['ping']: self._ping, c['info-get']: self._info,
                         c['stats-get']: self._stats_get,
                         c['stats-reset']: self._stats_reset,
                         c['kv-set']: self._kv_set, c['kv-get']: self._kv_get,
                         c['kv-del']: self._kv_del, c['publish']: self._publish}

    def predict(self, reqs):
        """Expectations for the messages of one datagram, in order; the
        store model moves on as the kernel's will."""
        out, running = [], False
        for r in reqs:
            e = self._predict(r, running)
            running = running or e.dump_running
            out.append(e)
        return out

    def _predict(self, r, running):
        ack = [('ack',)] if r.flags & NLM_F_ACK else []
        if not r.flags & NLM_F_REQUEST or r.type < NLMSG_MIN_TYPE:
            return Expect(r, ack)
        if r.type == nl.GENL_ID_CTRL:
            return self._ctrl(r, ack, running)
        if r.type != self.fam:
            assert r.type not in self.registered, 'the generator hit a family'
            return Expect(r, [('err', -errno.ENOENT, None, None)])
        if r.len < 20:
            return Expect(r, [('err', -errno.EINVAL, None, None)])
        cmd, _version, reserved = struct.unpack_from('=BBH', r.raw, 16)
        flags = r.flags
        dump = flags & NLM_F_DUMP == NLM_F_DUMP
        if dump:
            flags &= ~NLM_F_DUMP
        if reserved or flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO):
            return Expect(r, [('err', -errno.EINVAL, None, None)])
        op = self.s.ops.get(cmd)
        no_handler = op is None or (dump and not op.dump or not dump and not op.do)
        # From 6.2 the core looks an op up by kind (do or dump), so one
        # without a handler of that kind is refused before its admin-perm.
        if op is None or no_handler and SPLIT_OPS:
            return Expect(r, [('err', -errno.EOPNOTSUPP, None, None)])
        if op.admin and not self.priv:
            e = Expect(r, [('err', -errno.EPERM, None, None)])
            e.unpriv_write = True
            return e
        if no_handler:
            return Expect(r, [('err', -errno.EOPNOTSUPP, None, None)])
        if dump and running:
            return Expect(r, [('err', -errno.EBUSY, None, None)])
        err, tb = validate(op, r.raw)
        if err:
            return Expect(r, [('err', err, tb, None)])
        e = self.handlers[cmd](r, tb, dump, ack)
        e.cmd, e.reached = cmd, True
        return e

    # ------------------------------------------------------- handlers ---

    @staticmethod
    def _fail(r, err, offs=None, miss=None):
        return Expect(r, [('err', err, offs, miss)], herr=True)

    def _ping(self, r, tb, dump, ack):
        a = self.s.attr['ping']
        payload = tb[a['payload']][0] if a['payload'] in tb else b''
        size = (struct.unpack('=I', tb[a['reply-size']][0])[0]
                if a['reply-size'] in tb else len(payload))
        if len(payload) > self.store.max_ping:
            return self._fail(r, -errno.EMSGSIZE, tb[a['payload']][1])
        if size > self.store.max_ping:
            return self._fail(r, -errno.EMSGSIZE, tb[a['reply-size']][1])
        cookie = tb[a['cookie']][0] if a['cookie'] in tb else None
        want = {}
        if size:
            want[a['payload']] = (payload[:size] + bytes(size))[:size]
        if cookie is not None:
            want[a['cookie']] = cookie

        def check(m):
            got = {t: v[-1] for t, v in m.attrs.items() if t != a['pad']}
            return None if got == want else f'ping reply: {differ(got, want)}'
        return Expect(r, [('reply', r.raw[16], check)] + ack)

    def _info(self, r, tb, dump, ack):
        a = self.s.attr['info']
        entries, nbytes = len(self.store.kv), self.store.bytes()

        def check(m):
            got = (nl.get_u32(m.get(a['kv-entries'])),
                   nl.get_u64(m.get(a['kv-bytes'])), m.get(a['backend']))
            if got != (entries, nbytes, b'kernel\0'):
                return f'info-get says {got}, the store holds {entries} ' \
                    f'entries of {nbytes} bytes'
            return None
        return Expect(r, [('reply', r.raw[16], check)] + ack)

    def _stats_get(self, r, tb, dump, ack):
        n = len(self.s.ops)

        def check(m):
            ops = m.attrs.get(self.s.attr['stats']['op'], [])
            return None if len(ops) == n else f'stats-get lists {len(ops)} ops'
        return Expect(r, [('reply', r.raw[16], check)] + ack)

    def _stats_reset(self, r, tb, dump, ack):
        e = Expect(r, list(ack))
        e.reset = True
        return e

    def _kv_set(self, r, tb, dump, ack):
        a, st = self.s.attr['kv'], self.store
        if a['key'] not in tb:
            return self._fail(r, -errno.EINVAL, miss=a['key'])
        if a['value'] not in tb:
            return self._fail(r, -errno.EINVAL, miss=a['value'])
        (key, koff), (value, voff) = tb[a['key']], tb[a['value']]
        if len(key) > st.max_key:
            return self._fail(r, -errno.EMSGSIZE, koff)
        if len(value) > st.max_value:
            return self._fail(r, -errno.EMSGSIZE, voff)
        old = st.kv.get(key)
        if old is None and a['create'] not in tb:
            return self._fail(r, -errno.ENOENT, koff)
        if old is not None and (a['excl'] in tb or a['replace'] not in tb):
            return self._fail(r, -errno.EEXIST, koff)
        grow = len(key) + len(value) - (len(key) + len(old) if old is not None else 0)
        if old is None and len(st.kv) >= st.max_entries or \
                st.bytes() + grow > st.max_bytes:
            return self._fail(r, -errno.ENOSPC)
        st.kv[key] = value
        if self.events_on:
            st.events.append((self.s.cmd['kv-set-ntf'],
                              {a['key']: key, a['value']: value}))
        return Expect(r, list(ack))

    def _kv_get(self, r, tb, dump, ack):
        a, st = self.s.attr['kv'], self.store
        if dump:
            # Refused by the dump's start callback, whose extack kernels
            # before 6.4 drop (their __netlink_dump_start() sets
            # cb->extack for dumpit only).
            if a['key'] in tb:
                return self._fail(r, -errno.EINVAL,
                                  tb[a['key']][1] if DUMP_START_EXTACK else None)
            prefix = tb[a['key-prefix']][0] if a['key-prefix'] in tb else b''
            entries = [(k, v) for k, v in st.kv.items() if k.startswith(prefix)]
            e = Expect(r, [('dump', self.s.cmd['kv-get'], entries,
                            (a['key'], a['value']))])
            # A dump with anything to send stays open until read, so a
            # second one in the same datagram finds the socket busy.
            e.dump_running = bool(entries)
            return e
        if a['key-prefix'] in tb:
            return self._fail(r, -errno.EINVAL, tb[a['key-prefix']][1])
        if a['key'] not in tb:
            return self._fail(r, -errno.EINVAL, miss=a['key'])
        key, koff = tb[a['key']]
        if key not in st.kv:
            return self._fail(r, -errno.ENOENT, koff)
        want = {a['key']: key, a['value']: st.kv[key]}

        def check(m):
            got = {t: v[-1] for t, v in m.attrs.items()}
            return None if got == want else f'kv-get reply: {differ(got, want)}'
        return Expect(r, [('reply', r.raw[16], check)] + ack)

    def _kv_del(self, r, tb, dump, ack):
        a, st = self.s.attr['kv'], self.store
        if a['key'] not in tb:
            return self._fail(r, -errno.EINVAL, miss=a['key'])
        key, koff = tb[a['key']]
        if key not in st.kv:
            return self._fail(r, -errno.ENOENT, koff)
        del st.kv[key]
        if self.events_on:
            st.events.append((self.s.cmd['kv-del-ntf'], {a['key']: key}))
        return Expect(r, list(ack))

    def _publish(self, r, tb, dump, ack):
        a = self.s.attr['bus']
        if a['topic'] not in tb:
            return self._fail(r, -errno.EINVAL, miss=a['topic'])
        topic, toff = tb[a['topic']]
        if topic[0] == 0:
            return self._fail(r, -errno.EINVAL, toff)
        if self.bus_on:
            ev = {a['topic']: topic, a['sender']: struct.pack('=I', self.portid)}
            if a['payload'] in tb:
                ev[a['payload']] = tb[a['payload']][0]
            self.store.events.append((self.s.cmd['publish-ntf'], ev))
        return Expect(r, list(ack))

    # ------------------------------------------------------- nlctrl ---

    def _ctrl(self, r, ack, running):
        """Only clean queries are sent to the controller: their answers are
        checked for shape, not contents."""
        if r.flags & NLM_F_DUMP == NLM_F_DUMP:
            if running:
                return Expect(r, [('err', -errno.EBUSY, None, None)])
            e = Expect(r, [('dump', None, None, None)])
            e.dump_running = True
            return e
        body = r.raw[20:]
        fid = struct.unpack_from('=H', body, 4)[0] if len(body) >= 6 else None
        if fid in self.registered or fid == self.fam:
            return Expect(r, [('reply', CTRL_CMD_NEWFAMILY, None)] + ack)
        return Expect(r, [('err', -errno.ENOENT, ANY, ANY)])


def summary(attrs):
    return {t: (v if len(v) <= 16 else v[:16] + b'...(%d)' % len(v))
            for t, v in attrs.items()}


def differ(got, want):
    """Where two {attr type: bytes} differ, briefly."""
    if set(got) != set(want):
        return f'attributes {sorted(got)}, expected {sorted(want)}'
    for t in sorted(want):
        g, w = got[t], want[t]
        if g != w:
            at = next((i for i, (x, y) in enumerate(zip(g, w)) if x != y),
                      min(len(g), len(w)))
            return f'attribute {t}: {len(g)} bytes, expected {len(w)}; first ' \
                f'difference at {at}: {g[at:at + 8].hex()} vs {w[at:at + 8].hex()}'
    return 'equal'


def parse_error(flags, payload):
    """(errno, echoed header, offset, missing type) of an NLMSG_ERROR that
    was sent with NETLINK_CAP_ACK, so only the request's header is echoed."""
    code = struct.unpack_from('=i', payload)[0]
    hdr = payload[4:20]
    offs = miss = None
    if flags & nl.NLM_F_ACK_TLVS:
        tlvs = nl.parse_attrs(payload[20:])
        if nl.NLMSGERR_ATTR_OFFS in tlvs:
            offs = nl.get_u32(tlvs[nl.NLMSGERR_ATTR_OFFS][0])
        if nl.NLMSGERR_ATTR_MISS_TYPE in tlvs:
            miss = nl.get_u32(tlvs[nl.NLMSGERR_ATTR_MISS_TYPE][0])
    return code, hdr, offs, miss


def match(e, got, portid):
    """Compare the answers one request got -- (type, flags, seq, pid,
    payload) in arrival order -- with its expectation. Returns (problem or
    None, reply bytes sent by the handler)."""
    r, i, tx = e.req, 0, 0

    def where():
        return f'seq {r.seq} type {r.type:#x} flags {r.flags:#x} len {r.len} ' \
            f'request {r.raw[:48].hex()}'

    for g in got:
        if g[3] != portid:
            return f'{where()}: answer addressed to port {g[3]}', tx
    for item in e.items:
        kind = item[0]
        if kind == 'dump':
            intr = False
            parts = []
            while i < len(got) and got[i][0] == r.type:
                mtype, flags, _seq, pid, payload = got[i]
                if not flags & NLM_F_MULTI:
                    return f'{where()}: dump part without NLM_F_MULTI', tx
                intr |= bool(flags & nl.NLM_F_DUMP_INTR)
                m = nl.Msg(mtype, flags, _seq, pid, payload)
                if item[1] is not None and (m.cmd != item[1] or m.version != 1):
                    return f'{where()}: dump part cmd {m.cmd} v{m.version}', tx
                parts.append(m)
                tx += 16 + len(payload)
                i += 1
            if i == len(got) or got[i][0] != nl.NLMSG_DONE:
                return f'{where()}: dump of {len(parts)} parts not ended by ' \
                    f'DONE but {answers(got[i:])}', tx
            code = struct.unpack_from('=i', got[i][4])[0]
            intr |= bool(got[i][1] & nl.NLM_F_DUMP_INTR)
            i += 1
            if code:
                return f'{where()}: dump ended with error {code}', tx
            if item[2] is not None and not intr:
                want = item[2]
                ka, va = item[3]
                have = [(m.get(ka), m.get(va)) for m in parts]
                if have != want:
                    return f'{where()}: dump of {len(have)} entries, the ' \
                        f'store holds {len(want)}: first difference ' \
                        f'{first_diff(have, want)}', tx
            continue
        if i == len(got):
            return f'{where()}: no answer, expected {item}', tx
        mtype, flags, _seq, pid, payload = got[i]
        i += 1
        if kind == 'reply':
            if mtype != r.type:
                return f'{where()}: expected a reply, got {answers([got[i - 1]])}', tx
            m = nl.Msg(mtype, flags, _seq, pid, payload)
            if flags or m.cmd != item[1] or m.version != (2 if r.type == nl.GENL_ID_CTRL else 1):
                return f'{where()}: reply flags {flags:#x} cmd {m.cmd} v{m.version}', tx
            if item[2]:
                problem = item[2](m)
                if problem:
                    return f'{where()}: {problem}', tx
            tx += 16 + len(payload)
            continue
        if mtype != nl.NLMSG_ERROR:
            return f'{where()}: expected {item}, got {answers([got[i - 1]])}', tx
        code, hdr, offs, miss = parse_error(flags, payload)
        if hdr != r.raw[:16]:
            return f'{where()}: the error echoes header {hdr.hex()}', tx
        want_code = 0 if kind == 'ack' else item[1]
        if code != want_code:
            return f'{where()}: expected {errname(want_code)}, got ' \
                f'{errname(code)} (offset {offs}, missing {miss})', tx
        if kind == 'err':
            for name, want, have in (('offset', item[2], offs),
                                     ('missing type', item[3], miss)):
                if want is not ANY and want != have:
                    return f'{where()}: {errname(code)} with {name} {have}, ' \
                        f'expected {want}', tx
    if i != len(got):
        return f'{where()}: {len(got) - i} answers too many: {answers(got[i:])}', tx
    return None, tx


def errname(code):
    return 'ACK' if code == 0 else errno.errorcode.get(-code, str(code))


def answers(got):
    out = []
    for mtype, flags, _seq, _pid, payload in got[:4]:
        if mtype == nl.NLMSG_ERROR:
            out.append(errname(struct.unpack_from('=i', payload)[0]))
        elif mtype == nl.NLMSG_DONE:
            out.append('DONE')
        else:
            out.append(f'msg type {mtype:#x} flags {flags:#x}')
    return out or ['nothing']


def first_diff(have, want):
    for n, (h, w) in enumerate(zip(have, want)):
        if h != w:
            return f'#{n} {h[0]!r} vs {w[0]!r}'
    return f'#{min(len(have), len(want))} (one list is longer)'
