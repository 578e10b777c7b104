#!/usr/bin/env python3
"""Check the structure of one nlipc-bench run (smoke.sh), printing TAP.

usage: check-output.py DIR EXIT-STATUS [PLOT.svg]
DIR holds out.json, out.csv, table.txt and stderr.txt.
"""
import csv
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from nlipctest import tap  # noqa: E402

FAMILIES = ["netlink", "unix", "unix-seqpacket", "unix-dgram", "tcp4", "tcp6",
            "udp4", "udp6", "bridge", "pipe", "socketpair"]
MODES = ["pingpong", "stream", "rate", "batch"]
SIZES = [16, 1024]
LATENCY = ("min", "p50", "p90", "p99", "p99.9", "max")

def check(name, ok, why=""):
    tap.point(bool(ok), name, why.splitlines())


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def result_problems(r):
    """What is wrong with one result, as a list of strings."""
    bad = []
    st = r.get("status")
    if st not in ("ok", "skipped", "failed"):
        return ["status %r" % st]
    if st != "ok":
        if not r.get("note"):
            bad.append("%s without a reason" % st)
        return bad
    if r["mode"] == "stream":
        if not (num(r["msg_per_s"]) and r["msg_per_s"] > 0):
            bad.append("stream msg/s %r" % r["msg_per_s"])
        if not (num(r["loss_pct"]) and 0 <= r["loss_pct"] <= 100):
            bad.append("loss %r" % r["loss_pct"])
    else:
        rtt = r.get("rtt_us")
        if not rtt or not rtt.get("samples"):
            return bad + ["no RTT samples"]
        vals = [rtt.get(k) for k in LATENCY]
        if not all(num(v) and v > 0 for v in vals):
            bad.append("RTT %r" % vals)
        elif vals != sorted(vals):
            bad.append("RTT percentiles out of order %r" % vals)
        if not (num(r["msg_per_s"]) and r["msg_per_s"] > 0):
            bad.append("msg/s %r" % r["msg_per_s"])
        if r["path"] == "lib" and r["lib_raw_ratio"] is not None and \
                not (num(r["lib_raw_ratio"]) and r["lib_raw_ratio"] > 0):
            bad.append("lib/raw %r" % r["lib_raw_ratio"])
    if not (num(r["mb_per_s"]) and r["mb_per_s"] >= 0):
        bad.append("MB/s %r" % r["mb_per_s"])
    if r["syscalls_per_msg"] is not None and not (num(r["syscalls_per_msg"]) and
                                                   r["syscalls_per_msg"] > 0):
        bad.append("syscalls %r" % r["syscalls_per_msg"])
    if r["cpu_us_per_msg"] is not None and not (num(r["cpu_us_per_msg"]) and
                                                 r["cpu_us_per_msg"] >= 0):
        bad.append("CPU %r" % r["cpu_us_per_msg"])
    if r["runs"] and len(r["runs"]) != 2:
        bad.append("%d runs, 2 asked for" % len(r["runs"]))
    return bad


def main():
    d, status = sys.argv[1], int(sys.argv[2])
    plot = sys.argv[3] if len(sys.argv) > 3 else ""
    stderr = open(os.path.join(d, "stderr.txt")).read()
    check("nlipc-bench exits 0 (every measurement ran or was skipped with a reason)",
          status == 0, "exit status %d; stderr: %s" % (status, stderr.strip()[:300]))

    try:
        doc = json.load(open(os.path.join(d, "out.json")))
    except (OSError, ValueError) as e:
        doc = None
        check("--json writes JSON", False, str(e))
    else:
        env = doc.get("env", {})
        check("--json writes JSON with the environment",
              all(k in env for k in ("kernel", "cpu_model", "cpus", "vm",
                                     "emulated", "netlink", "daemon")),
              "env keys: %s" % sorted(env))

    results = doc.get("results", []) if doc else []
    for fam in FAMILIES:
        rows = [r for r in results if r.get("family") == fam]
        seen = {(r["mode"], r["size"], r["path"]) for r in rows}
        want = {(m, s, p) for m in MODES for s in SIZES
                for p in ("raw", "lib")}
        missing = sorted(want - seen)
        problems = ["%s %s %d B: %s" % (r["path"], r["mode"], r["size"], p)
                    for r in rows for p in result_problems(r)]
        ok_rows = [r for r in rows if r["status"] == "ok"]
        check("%s: every mode and size reported, numbers consistent (%d measured)"
              % (fam, len(ok_rows)), not missing and not problems,
              "missing %s; %s" % (missing[:4], "; ".join(problems[:4])))

    raw_ok = [r for r in results if r["status"] == "ok" and r["path"] == "raw"
              and r["mode"] == "pingpong"]
    check("the raw ping-pong runs on the floors and AF_UNIX here",
          {"pipe", "socketpair", "unix", "unix-dgram"} <= {r["family"] for r in raw_ok},
          "measured: %s" % sorted({r["family"] for r in raw_ok}))

    try:
        rows = list(csv.DictReader(open(os.path.join(d, "out.csv"), newline="")))
    except OSError as e:
        rows = None
        check("--csv writes CSV", False, str(e))
    if rows is not None:
        same = len(rows) == len(results) and all(
            (c["family"], c["path"], c["mode"], int(c["size"]), c["status"]) ==
            (j["family"], j["path"], j["mode"], j["size"], j["status"])
            for c, j in zip(rows, results))
        check("--csv has a row per JSON result, in the same order", same,
              "%d CSV rows, %d JSON results" % (len(rows), len(results)))
        p50s = [(c["rtt_p50_us"], j["rtt_us"]) for c, j in zip(rows, results)]
        check("CSV and JSON agree on p50 RTT", all(
            (c == "" and j is None) or (j is not None and abs(float(c) - j["p50"]) <= 1e-3 * j["p50"] + 1e-6)
            for c, j in p50s))

    table = open(os.path.join(d, "table.txt")).read()
    fams_ok = {r["family"] for r in results if r["status"] == "ok"}
    check("the table labels RTT, units and names every measured family",
          "RTT" in table and "µs" in table and "MB/s" in table and
          all(f in table for f in fams_ok) and "nan" not in table,
          "families: %s" % sorted(fams_ok))

    if plot:
        head = open(plot, "rb").read(200) if os.path.exists(plot) else b""
        check("--plot writes an SVG", b"<svg" in head or b"<?xml" in head,
              "starts with %r" % head[:40])
    else:
        tap.skip("--plot writes an SVG", "no gnuplot")
    tap.plan()
    return 0


if __name__ == "__main__":
    sys.exit(main())
