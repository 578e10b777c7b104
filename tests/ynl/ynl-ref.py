#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ynl-ref.py YNL-DIR: the kernel's YNL library, what its cli.py runs,
answering requests one JSON line at a time, as cli.py --output-json
would answer each (ynl-compare.py's reference, without an interpreter's
start per request):

  {"spec": F, "schema": S, "mode": "do"|"dump", "op": OP, "req": {...}}
  {"spec": F, "schema": S, "mode": "subscribe", "op": GROUP}
      joins GROUP, answering once it has (rc 0, out "")
  {"spec": F, "schema": S, "mode": "notifications"}
      the notifications since, as cli.py --subscribe prints them
  -> {"rc": 0, "out": JSON}   the reply, as cli.py prints it
     {"rc": 1, "out": TEXT}   the kernel's error, as cli.py prints it
     {"rc": 2, "out": TEXT}   anything else that went wrong

S is cli.py's --schema: a path, "" for none, null for its default."""
import contextlib
import io
import json
import sys

sys.path.insert(0, sys.argv[1])
from lib import YnlFamily, NlError  # noqa: E402


class Encoder(json.JSONEncoder):
    """cli.py's: bytes as hex, sets as lists."""

    def default(self, obj):
        if isinstance(obj, bytes):
            return bytes.hex(obj)
        if isinstance(obj, set):
            return list(obj)
        return json.JSONEncoder.default(self, obj)


families = {}
for line in sys.stdin:
    q = json.loads(line)
    said = io.StringIO()        # the library's own prints (warnings)
    try:
        with contextlib.redirect_stdout(said):
            key = (q["spec"], q["schema"])
            if key not in families:
                families[key] = YnlFamily(q["spec"], q["schema"])
            y = families[key]
            if q["mode"] == "do":
                reply = y.do(q["op"], q["req"] or {}, None)
            elif q["mode"] == "subscribe":
                y.ntf_subscribe(q["op"])
                reply = None
            elif q["mode"] == "notifications":
                y.check_ntf()
                reply, y.async_msg_queue = y.async_msg_queue, []
            else:
                reply = y.dump(q["op"], q["req"] or {})
        answer = {"rc": 0, "out": said.getvalue() +
                  json.dumps(reply, cls=Encoder)}
    except NlError as e:
        answer = {"rc": 1, "out": said.getvalue() + str(e)}
    except Exception as e:      # noqa: BLE001 (told to the comparison)
        answer = {"rc": 2, "out": f"{type(e).__name__}: {e}"}
    print(json.dumps(answer), flush=True)
