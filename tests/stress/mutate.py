# SPDX-License-Identifier: GPL-2.0
"""Datagrams for the nlipc family, from well-formed requests to garbage:
random commands, flags, genl headers and attributes (wrong types, lengths,
NLA_F_NESTED, deep nests), mutations of valid requests (bit flips, length
edits, attribute swaps, duplicates, truncation), batches and junk. Every
choice comes from one random.Random, so a seed replays a run's inputs.

Messages never reach another family: a type that lands on a registered
family other than nlipc (mutations can make one) is rewritten to an id no
family holds; nlctrl only gets clean queries, since a mangled getfamily by
name would make the kernel try to load modules."""

import struct

from nlipctest import genl as nl
from nlipctest.genl import NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP

from oracle import NLM_F_ECHO, NLA_F_NESTED, kernel_view, attr_walk

NLA_F_NET_BYTEORDER = 0x4000
RA = NLM_F_REQUEST | NLM_F_ACK

# Header flags, the core's allowed ones and the rest.
FLAGS = [(RA, 60), (NLM_F_REQUEST, 12), (RA | NLM_F_ECHO, 5),
         (NLM_F_REQUEST | NLM_F_ECHO, 2), (RA | NLM_F_DUMP, 5),
         (NLM_F_REQUEST | NLM_F_DUMP, 2), (0, 2), (NLM_F_ACK, 2),
         (RA | 0x100, 2), (RA | 0x200, 2), (RA | 0x400, 2), (RA | 0x800, 1),
         (RA | 0x10, 1), (RA | 0x20, 1), (RA | 0x2, 1), (None, 3)]


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for v, w in weighted:
        x -= w
        if x <= 0:
            return v
    return weighted[-1][0]


def header(length, mtype, flags, seq=0, pid=0):
    return struct.pack('=IHHII', length, mtype, flags, seq, pid)


class Gen:
    """kinds: valid, mutated, random, batch, garbage, ctrl."""

    KINDS = [('valid', 30), ('mutated', 35), ('random', 14), ('batch', 10),
             ('garbage', 4), ('ctrl', 5), ('deep', 2)]
    HOSTILE = ('mutated', 'random', 'batch', 'garbage', 'deep')

    def __init__(self, rng, spec, family, registered, priv, budget):
        self.rng, self.s, self.fam = rng, spec, family
        self.registered, self.priv, self.budget = registered, priv, budget
        # Whether a message may be a stats-reset; if not, its command
        # becomes stats-get, the same shape without the side effect.
        self.allow_reset = True
        self.seq = rng.randrange(1, 1 << 30)
        c, self.a = spec.cmd, spec.attr
        self.cmds = [(c['ping'], 20), (c['info-get'], 4), (c['stats-get'], 4),
                     (c['stats-reset'], 1 if priv else 4), (c['kv-set'], 25),
                     (c['kv-get'], 22), (c['kv-del'], 10), (c['publish'], 8)]
        self.reply_heavy = {c['ping'], c['kv-get']}
        # Keys hostile requests work on: short names and binary ones.
        self.keys = [b'k%d' % i for i in range(100)] + \
            [bytes(rng.randrange(256) for _ in range(rng.choice((1, 8, 100, 255))))
             for _ in range(16)]
        self.prefixes = [b'', b'k', b'k1', b'k19', b'k7', b'none-such']

    # ------------------------------------------------------- pieces ---

    def rand_bytes(self, n):
        return self.rng.randbytes(n)

    def flags(self):
        f = pick(self.rng, FLAGS)
        return self.rng.randrange(1 << 16) if f is None else f

    def value(self):
        r = self.rng
        n = pick(r, [(0, 3), (r.randrange(1, 64), 60), (r.randrange(64, 1024), 25),
                     (r.randrange(1024, 4097), 6), (4096, 2),
                     (r.randrange(4097, 6000), 2)])
        return self.rand_bytes(n)

    def key(self):
        r = self.rng
        if r.random() < 0.97:
            return r.choice(self.keys)
        return pick(r, [(b'', 1), (self.rand_bytes(r.randrange(1, 256)), 2),
                        (self.rand_bytes(256), 1)])

    def attrs_for(self, cmd, dump):
        r, c = self.rng, self.s.cmd
        out = []
        if cmd == c['ping']:
            a = self.a['ping']
            if r.random() < 0.8:
                n = pick(r, [(r.randrange(0, 64), 50), (r.randrange(64, 2048), 35),
                             (r.randrange(2048, 65532), 10), (65531, 5)])
                out.append(nl.attr(a['payload'], self.rand_bytes(n)))
            if r.random() < 0.5:
                out.append(nl.u64(a['cookie'], r.randrange(1 << 64)))
            if r.random() < 0.3:
                out.append(nl.u32(a['reply-size'], pick(r, [
                    (r.randrange(0, 4096), 80), (65531, 5), (65532, 5),
                    (r.randrange(1 << 32), 10)])))
        elif cmd == c['kv-set']:
            a = self.a['kv']
            out.append(nl.attr(a['key'], self.key()))
            out.append(nl.attr(a['value'], self.value()))
            # Every combination of rtnetlink's three flags, as attributes.
            flags = pick(r, [(('create', 'replace'), 30), (('create',), 20),
                             (tuple(f for f in ('create', 'excl', 'replace')
                                    if r.random() < 0.5), 50)])
            out += [nl.attr(a[f]) for f in flags]
        elif cmd == c['kv-get']:
            a = self.a['kv']
            if dump:
                if r.random() < 0.8:
                    p = pick(r, [(r.choice(self.prefixes), 80),
                                 (r.choice(self.keys)[:r.randrange(1, 4)], 15),
                                 (self.rand_bytes(r.randrange(0, 300)), 5)])
                    out.append(nl.attr(a['key-prefix'], p))
            else:
                out.append(nl.attr(a['key'], self.key()))
        elif cmd == c['kv-del']:
            out.append(nl.attr(self.a['kv']['key'], self.key()))
        elif cmd == c['publish']:
            a = self.a['bus']
            topic = pick(r, [(b'topic-%d\0' % r.randrange(100), 85), (b'\0', 5),
                             (self.rand_bytes(r.randrange(1, 300)), 5),
                             (b't' * 255 + b'\0', 3), (b't' * 256 + b'\0', 2)])
            out.append(nl.attr(a['topic'], topic))
            if r.random() < 0.7:
                out.append(nl.attr(a['payload'], self.rand_bytes(r.randrange(0, 512))))
        if r.random() < 0.1:
            r.shuffle(out)
        if out and r.random() < 0.05:
            out.append(r.choice(out))           # a duplicate: the last wins
        return b''.join(out)

    def valid(self):
        r, c = self.rng, self.s.cmd
        cmd = pick(r, self.cmds)
        dump = cmd == c['kv-get'] and r.random() < 0.3
        flags = pick(r, [(RA, 75), (NLM_F_REQUEST, 15), (RA | NLM_F_ECHO, 10)])
        if dump:
            flags |= NLM_F_DUMP
        body = struct.pack('=BBH', cmd, 1, 0) + self.attrs_for(cmd, dump)
        return header(16 + len(body), self.fam, flags) + body

    def rand_attr(self, depth=0):
        r = self.rng
        atype = pick(r, [(r.randrange(1, 8), 70), (0, 5), (r.randrange(1 << 14), 25)])
        if r.random() < 0.15:
            atype |= NLA_F_NESTED
        if r.random() < 0.05:
            atype |= NLA_F_NET_BYTEORDER
        kind = pick(r, [('empty', 8), ('u32', 15), ('u64', 10), ('bytes', 35),
                        ('string', 12), ('nest', 20 if depth < 6 else 0)])
        if kind == 'empty':
            data = b''
        elif kind == 'u32':
            data = struct.pack('=I', pick(r, [(r.randrange(1 << 32), 1),
                                              (r.randrange(70000), 1)]))
        elif kind == 'u64':
            data = struct.pack('=Q', r.randrange(1 << 64))
        elif kind == 'bytes':
            data = self.rand_bytes(pick(r, [(r.randrange(1, 16), 6),
                                            (r.randrange(16, 300), 3),
                                            (r.randrange(300, 5000), 1)]))
        elif kind == 'string':
            data = b'x' * r.randrange(0, 300) + (b'\0' if r.random() < 0.8 else b'')
        else:
            atype |= NLA_F_NESTED if r.random() < 0.8 else 0
            data = b''.join(self.rand_attr(depth + 1)
                            for _ in range(r.randrange(0, 4)))
        alen = 4 + len(data)
        if r.random() < 0.15:
            alen = pick(r, [(max(0, alen - r.randrange(1, 8)), 3), (r.randrange(4), 2),
                            (alen + r.randrange(1, 64), 3), (0xffff, 1)])
        pad = b'\0' * (nl.align(len(data)) - len(data)) if r.random() < 0.9 else b''
        return struct.pack('=HH', alen & 0xffff, atype) + data + pad

    def random_msg(self):
        r = self.rng
        cmd = pick(r, [(r.randrange(0, 13), 85), (r.randrange(256), 15)])
        version = pick(r, [(1, 70), (0, 10), (2, 5), (r.randrange(256), 15)])
        reserved = 0 if r.random() < 0.85 else r.randrange(1, 1 << 16)
        body = struct.pack('=BBH', cmd, version, reserved)
        body += b''.join(self.rand_attr() for _ in range(r.randrange(0, 6)))
        mtype = pick(r, [(self.fam, 90), (r.randrange(0, 16), 4),
                         (r.randrange(17, 1 << 16), 6)])
        return header(16 + len(body), mtype, self.flags(), pid=r.choice(
            (0, 0, 0, r.randrange(1 << 32)))) + body

    def deep(self):
        """One attribute nested hundreds of levels deep, in a valid header."""
        r = self.rng
        inner = self.rand_bytes(r.randrange(0, 8))
        depth = r.randrange(16, 1500)
        heads = [struct.pack('=HH', 4 * (depth - i) + len(inner),
                             r.randrange(1, 8) | NLA_F_NESTED)
                 for i in range(depth)]
        body = struct.pack('=BBH', pick(r, self.cmds), 1, 0) + b''.join(heads) + inner
        return header(16 + len(body), self.fam, RA) + body

    def mutated(self):
        r = self.rng
        msg = bytearray(self.valid())
        for _ in range(pick(r, [(1, 50), (2, 25), (3, 15), (6, 10)])):
            msg = bytearray(self.mutate_once(msg))
        return bytes(msg)

    def mutate_once(self, msg):
        r = self.rng
        op = pick(r, [('flip', 25), ('byte', 8), ('nlmsg_len', 8), ('nla_len', 14),
                      ('nla_type', 10), ('swap', 6), ('dup', 5), ('drop', 6),
                      ('insert', 6), ('truncate', 5), ('append', 4),
                      ('flags', 6), ('genlhdr', 8)])
        attrs, _ = attr_walk(bytes(msg[20:]), 20)
        if op == 'flip' and len(msg) > 0:
            i = self.rand_pos(msg, attrs)
            msg[i] ^= 1 << r.randrange(8)
        elif op == 'byte' and len(msg) > 0:
            msg[self.rand_pos(msg, attrs)] = r.randrange(256)
        elif op == 'nlmsg_len' and len(msg) >= 4:
            n = len(msg)
            new = pick(r, [(0, 1), (r.randrange(1, 16), 1), (16, 1), (19, 1), (20, 1),
                           (max(0, n - r.randrange(1, 9)), 3), (n + r.randrange(1, 9), 3),
                           (n + r.randrange(9, 5000), 1), (r.randrange(1 << 32), 1)])
            struct.pack_into('=I', msg, 0, new)
        elif op == 'nla_len' and attrs:
            off, alen, _ = r.choice(attrs)
            new = pick(r, [(r.randrange(0, 4), 2), (max(0, alen - r.randrange(1, 9)), 3),
                           (alen + r.randrange(1, 9), 3), (r.randrange(1 << 16), 2)])
            struct.pack_into('=H', msg, off, new & 0xffff)
        elif op == 'nla_type' and attrs:
            off, _, atype = r.choice(attrs)
            new = pick(r, [(atype ^ NLA_F_NESTED, 3), (atype ^ NLA_F_NET_BYTEORDER, 1),
                           (r.randrange(0, 8), 4), (r.randrange(1 << 16), 2)])
            struct.pack_into('=H', msg, off + 2, new)
        elif op in ('swap', 'dup', 'drop', 'insert') and len(msg) >= 20:
            pieces = [bytes(msg[o:o + nl.align(ln)]) for o, ln, _ in attrs]
            if op == 'swap' and len(pieces) >= 2:
                i, j = r.sample(range(len(pieces)), 2)
                if r.random() < 0.5:
                    pieces[i], pieces[j] = pieces[j], pieces[i]
                else:                               # swap the types only
                    ti, tj = pieces[i][2:4], pieces[j][2:4]
                    pieces[i] = pieces[i][:2] + tj + pieces[i][4:]
                    pieces[j] = pieces[j][:2] + ti + pieces[j][4:]
            elif op == 'dup' and pieces:
                pieces.insert(r.randrange(len(pieces) + 1), r.choice(pieces))
            elif op == 'drop' and pieces:
                pieces.pop(r.randrange(len(pieces)))
            elif op == 'insert':
                pieces.insert(r.randrange(len(pieces) + 1), self.rand_attr())
            body = bytes(msg[16:20]) + b''.join(pieces)
            msg = bytearray(header(16 + len(body), *struct.unpack_from('=HHII', msg, 4)) +
                            body)
        elif op == 'truncate' and len(msg) > 1:
            msg = msg[:r.randrange(1, len(msg))]
        elif op == 'append':
            junk = self.rand_bytes(r.randrange(1, 64))
            msg += junk
            if r.random() < 0.5 and len(msg) >= 4:
                struct.pack_into('=I', msg, 0, len(msg))
        elif op == 'flags' and len(msg) >= 8:
            struct.pack_into('=H', msg, 6, self.flags())
        elif op == 'genlhdr' and len(msg) >= 20:
            field = r.randrange(3)
            if field == 0:
                msg[16] = pick(r, [(r.randrange(0, 13), 3), (r.randrange(256), 1)])
            elif field == 1:
                msg[17] = r.randrange(256)
            else:
                struct.pack_into('=H', msg, 18, r.randrange(1, 1 << 16))
        return msg

    def rand_pos(self, msg, attrs):
        """Mostly in the attributes, sometimes in the headers."""
        r = self.rng
        if attrs and r.random() < 0.7:
            off, alen, _ = r.choice(attrs)
            return min(len(msg) - 1, off + r.randrange(max(1, alen)))
        return r.randrange(min(len(msg), 20))

    def garbage(self):
        r = self.rng
        n = r.randrange(0, 120)
        data = self.rand_bytes(n)
        if n >= 16 and r.random() < 0.6:
            data = header(n, self.fam, self.flags()) + data[16:]
        return data

    def batch(self):
        r = self.rng
        out = b''
        for _ in range(r.randrange(2, 5)):
            m = pick(r, [(self.valid, 4), (self.mutated, 3), (self.random_msg, 2),
                         (self.garbage, 1)])()
            if r.random() < 0.9:
                m += b'\0' * (nl.align(len(m)) - len(m))
            out += m
        return out

    def ctrl(self):
        """A clean query to the controller, about nlipc or any id."""
        r = self.rng
        ctl = nl.GENL_ID_CTRL
        flags = pick(r, [(RA, 3), (NLM_F_REQUEST, 1)])
        kind = pick(r, [('family', 5), ('families', 1), ('policy', 3)])
        if kind == 'family':
            fid = pick(r, [(self.fam, 3), (r.choice(sorted(self.registered)), 1),
                           (r.randrange(17, 1 << 16), 1)])
            body = struct.pack('=BBH', nl.CTRL_CMD_GETFAMILY, 2, 0) + \
                nl.attr(nl.CTRL_ATTR_FAMILY_ID, struct.pack('=H', fid))
        elif kind == 'families':
            flags |= NLM_F_DUMP
            body = struct.pack('=BBH', nl.CTRL_CMD_GETFAMILY, 2, 0)
        else:
            flags |= NLM_F_DUMP
            body = struct.pack('=BBH', nl.CTRL_CMD_GETPOLICY, 2, 0) + \
                nl.attr(nl.CTRL_ATTR_FAMILY_ID, struct.pack('=H', self.fam))
            if r.random() < 0.5:
                body += nl.u32(nl.CTRL_ATTR_OP, r.choice(sorted(self.s.ops)))
        return header(16 + len(body), ctl, flags) + body

    # ------------------------------------------------------ datagram ---

    def next(self):
        """(kind, datagram bytes), every message with a fresh sequence
        number and within the reply budget of the receiving socket."""
        while True:
            kind = pick(self.rng, self.KINDS)
            data = bytearray(getattr(self, kind if kind != 'random' else 'random_msg')())
            if len(data) > 150000:
                continue
            if self.finish(data, kind):
                return kind, bytes(data)

    def finish(self, data, kind):
        cost = 0
        for m in kernel_view(bytes(data)):
            self.seq = self.seq % 0xfffffff0 + 1
            struct.pack_into('=I', data, m.off + 8, self.seq)
            if m.type == self.fam and m.len >= 20 and not self.allow_reset and \
                    m.raw[16] == self.s.cmd['stats-reset']:
                data[m.off + 16] = self.s.cmd['stats-get']
            if m.type >= 16 and m.type != self.fam and \
                    (m.type in self.registered or m.type == nl.GENL_ID_CTRL) and \
                    kind != 'ctrl':
                struct.pack_into('=H', data, m.off + 4, self.unused_id())
            # What the answers may hold in the socket's buffer at once: a
            # ping reply or a dump part of 64 KiB is a 128 KiB allocation.
            if m.type == self.fam and m.len >= 20 and m.raw[16] in self.reply_heavy:
                cost += 140000
            elif m.type == nl.GENL_ID_CTRL:
                cost += 70000
            else:
                cost += 2000
        return cost <= self.budget

    def unused_id(self):
        while True:
            i = self.rng.randrange(17, 1 << 16)
            if i not in self.registered and i != self.fam:
                return i
