# SPDX-License-Identifier: GPL-2.0
# Do not edit directly, auto-generated from:
#	spec/nlipc.yaml
# by tools/gen/nlipc-gen; make regenerates it.
"""The nlipc family's ids and limits, as the UAPI header has them."""

FAMILY_NAME = 'nlipc'
FAMILY_VERSION = 1

CONST = {
    'ping-max-payload': 65531,
    'kv-key-max-len': 255,
    'value-max-len': 61440,
    'topic-max-len': 255,
}

# Command ids, notifications included.
CMD = {
    'ping': 1,
    'info-get': 2,
    'stats-get': 3,
    'stats-reset': 4,
    'kv-set': 5,
    'kv-get': 6,
    'kv-del': 7,
    'publish': 8,
    'kv-set-ntf': 9,
    'kv-del-ntf': 10,
    'publish-ntf': 11,
}

# Attribute ids, by attribute set.
ATTR = {
    'ping': {'payload': 1, 'cookie': 2, 'reply-size': 3, 'pad': 4},
    'info': {'version': 1, 'backend': 2, 'uptime-ms': 3, 'ping-max-payload': 4, 'kv-max-entries': 5, 'kv-max-key-len': 6, 'kv-max-value-len': 7, 'kv-max-bytes': 8, 'kv-entries': 9, 'kv-bytes': 10, 'pad': 11},
    'stats': {'op': 1},
    'op-stats': {'cmd': 1, 'requests': 2, 'errors': 3, 'rx-bytes': 4, 'tx-bytes': 5, 'pad': 6},
    'kv': {'key': 1, 'value': 2, 'key-prefix': 3, 'create': 4, 'excl': 5, 'replace': 6},
    'bus': {'topic': 1, 'payload': 2, 'sender': 3},
}

# Operations (not notifications): set, admin-perm, request attributes.
OPS = {
    'ping': {'set': 'ping', 'admin': False, 'do': ['payload', 'cookie', 'reply-size'], 'dump': None},
    'info-get': {'set': 'info', 'admin': False, 'do': [], 'dump': None},
    'stats-get': {'set': 'stats', 'admin': False, 'do': [], 'dump': None},
    'stats-reset': {'set': 'stats', 'admin': True, 'do': [], 'dump': None},
    'kv-set': {'set': 'kv', 'admin': True, 'do': ['key', 'value', 'create', 'excl', 'replace'], 'dump': None},
    'kv-get': {'set': 'kv', 'admin': False, 'do': ['key'], 'dump': ['key-prefix']},
    'kv-del': {'set': 'kv', 'admin': True, 'do': ['key'], 'dump': None},
    'publish': {'set': 'bus', 'admin': False, 'do': ['topic', 'payload'], 'dump': None},
}

MCGRPS = ['events', 'bus']
