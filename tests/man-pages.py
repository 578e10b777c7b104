#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The manual pages, as make install lays them out, cover what is built.

Everything is derived at run time, nothing is listed here: the pages are
what `make install-man` installs; the library's functions are what
libnlipc.so exports; the options and commands are what each tool's --help
(and each nlipc command's -h) prints. Checked:
  - every page is clean under `mandoc -T lint` (style messages included),
    and under groff's warnings where groff is installed;
  - every exported symbol has a page of its name in section 3 (a page or a
    .so link), whose NAME lists it and whose SYNOPSIS declares it;
  - every page named as nlipc*(N) or libnlipc(3) exists, and every other
    page named is one of the outside pages known below, with its package;
  - every option in nlipc's, nlipcd's, nlipc-bench's and nlipc-vm's --help
    is a tag of its page's OPTIONS section; every nlipc command of the
    help has a subsection of COMMANDS, and every option of its -h, and
    every kv subcommand, appears in that command's subsections (heading,
    tags or bold text).
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nlipctest import tap  # noqa: E402

SRC = os.environ.get("top_srcdir", ".")
BUILD = os.environ.get("top_builddir", ".")

# Pages of other packages the manuals may name, and where they come from;
# a name missing here and in the tree is a reference to nothing.
OUTSIDE = {
    "accept(2)": "manpages-dev", "bind(2)": "manpages-dev",
    "connect(2)": "manpages-dev", "poll(2)": "manpages-dev",
    "recvmsg(2)": "manpages-dev", "socket(2)": "manpages-dev",
    "getaddrinfo(3)": "manpages-dev", "snprintf(3)": "manpages-dev",
    "strerror(3)": "manpages-dev", "sd_listen_fds(3)": "libsystemd-dev",
    "libmnl(3)": None, "systemd.socket(5)": "systemd",
    "systemd.service(5)": "systemd", "dkms(8)": "dkms",
    "epoll(7)": "manpages", "netlink(7)": "manpages",
    "rtnetlink(7)": "manpages", "sock_diag(7)": "manpages",
    "unix(7)": "manpages", "ip(7)": "manpages", "ipv6(7)": "manpages",
    "tcp(7)": "manpages", "udp(7)": "manpages",
    "capabilities(7)": "manpages", "namespaces(7)": "manpages",
    "genl(8)": "iproute2", "ip(8)": "iproute2", "ip-monitor(8)": "iproute2",
    "ip-netns(8)": "iproute2", "ping(8)": "iputils-ping",
    "modprobe(8)": "kmod", "insmod(8)": "kmod", "depmod(8)": "kmod",
    "qemu-system-x86_64(1)": "qemu-system-x86", "gnuplot(1)": "gnuplot-nox",
    "sockperf(1)": "sockperf", "jq(1)": "jq", "pkg-config(1)": "pkgconf",
    "valgrind(1)": "valgrind",
}
OUTSIDE = {k: v for k, v in OUTSIDE.items() if v}

TOOLS = {
    "nlipc": (f"{BUILD}/tools/nlipc/nlipc", "man1/nlipc.1"),
    "nlipcd": (f"{BUILD}/tools/nlipcd/nlipcd", "man8/nlipcd.8"),
    "nlipc-bench": (f"{BUILD}/tools/nlipc-bench/nlipc-bench",
                    "man1/nlipc-bench.1"),
    "nlipc-vm": (f"{SRC}/tools/nlipc-vm", "man1/nlipc-vm.1"),
}

def run(*argv, cwd=None):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class Page(html.parser.HTMLParser):
    """A page rendered by mandoc -T html: its sections, subsections and
    tagged-paragraph tags, as text, and its bold words."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.sections = {}      # SH title -> {"tags": [], "ss": [], "text"}
        self.sh = None
        self.ss = None          # the subsection being read, a dict
        self.grab = None        # "sh", "ss", "dt" while inside one
        self.buf = ""
        self.bold = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class", "")
        if tag == "h1" and cls == "Sh":
            self.grab, self.buf = "sh", ""
        elif tag == "h2" and cls == "Ss":
            self.grab, self.buf = "ss", ""
        elif tag == "dt":
            self.grab, self.buf = "dt", ""
        elif tag == "b":
            self.bold = True

    def handle_endtag(self, tag):
        if tag == "b":
            self.bold = False
        if tag == "h1" and self.grab == "sh":
            self.sh = self.sections.setdefault(
                norm(self.buf), {"tags": [], "ss": [], "text": "",
                                 "bold": []})
            self.ss, self.grab = None, None
        elif tag == "h2" and self.grab == "ss":
            self.ss = {"title": norm(self.buf), "tags": [], "bold": [],
                       "text": ""}
            self.sh["ss"].append(self.ss)
            self.grab = None
        elif tag == "dt" and self.grab == "dt":
            (self.ss or self.sh)["tags"].append(norm(self.buf))
            self.grab = None

    def handle_data(self, data):
        if self.grab:
            self.buf += data
        if self.sh is None:
            return
        where = self.ss or self.sh
        where["text"] += data
        if self.bold:
            where["bold"].append(data)


def norm(s):
    return " ".join(s.split())


def options_in(text):
    """The option names in a piece of text: -x, --long-name."""
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)", text))


def help_options(text):
    """The options of a --help text: indented lines starting with '-',
    the part before the description (two spaces or more)."""
    opts = set()
    for line in text.splitlines():
        m = re.match(r"\s+(-.*)", line)
        if m:
            opts |= options_in(re.split(r"\s{2,}", m.group(1))[0])
    return opts


def render(mandir, rel, fmt):
    rc, out, err = run("mandoc", "-T", fmt, "-O", "fragment" if fmt == "html"
                       else "width=200", rel, cwd=mandir)
    return re.sub(".\b", "", out)


def so_target(mandir, rel):
    """The page a .so link page points to, or None for a page of its own."""
    with open(os.path.join(mandir, rel), encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    if lines and lines[0].startswith(".so"):
        return lines[0].split()[1] if len(lines) == 1 else ""
    return None


def check_lint(mandir, pages):
    for rel in pages:
        target = so_target(mandir, rel)
        if target is not None:
            # mandoc calls every .so fragile: a link is checked for what
            # it is, one .so line to an installed page.
            tap.point(target in pages, f"{rel}: a link to an installed page "
                      f"({target or 'more than one line'})")
            continue
        rc, out, err = run("mandoc", "-T", "lint", "-W", "style", rel,
                           cwd=mandir)
        msgs = [m for m in (out + err).splitlines() if m.strip()]
        if shutil.which("groff"):
            # What man-db renders with, and lintian checks with.
            grc, gout, gerr = run("groff", "-t", "-man", "-Tutf8", "-ww",
                                  "-z", rel, cwd=mandir)
            msgs += [f"groff: {m}" for m in (gout + gerr).splitlines()]
            rc |= grc
        tap.point(rc == 0 and not msgs,
                  f"{rel}: mandoc -T lint (and groff -ww) are silent", msgs)


def check_symbols(mandir, pages):
    lib = f"{BUILD}/lib/.libs/libnlipc.so"
    rc, out, err = run("nm", "-D", "--defined-only", lib)
    syms = sorted({l.split()[-1].split("@")[0] for l in out.splitlines()
                   if len(l.split()) == 3 and l.split()[1] in "TDRBW"})
    tap.point(rc == 0 and len(syms) > 0,
              f"libnlipc.so exports functions ({len(syms)})", err.splitlines())
    for s in syms:
        rel = f"man3/{s}.3"
        if rel not in pages:
            tap.point(False, f"{s}: a page {rel} is installed")
            continue
        text = render(mandir, rel, "ascii")
        name = re.search(r"\nNAME\n(.*?)\n\S", "\n" + text, re.S)
        syn = re.search(r"\nSYNOPSIS\n(.*?)\n\S", "\n" + text, re.S)
        in_name = bool(name) and s in re.split(r"[\s,]+", name.group(1))
        in_syn = bool(syn) and re.search(rf"\b{s}\(", syn.group(1))
        tap.point(in_name and bool(in_syn),
                  f"{s}: man 3 {s} lists it in NAME and declares it in SYNOPSIS")
    # man-db itself, on a page and on a link (each call costs about a
    # second on a busy machine: mandoc has read the others above).
    links = [s for s in syms if so_target(mandir, f"man3/{s}.3")]
    pages_ = sorted((s for s in syms if f"man3/{s}.3" in pages and
                     s not in links), key=lambda s: s != "nlipc_open")
    for s in ([pages_[0]] if pages_ else []) + ([links[0]] if links else []):
        if not shutil.which("man"):
            tap.skip(f"man 3 {s}", "man-db is not installed")
            continue
        rc, out, err = run("env", "MANWIDTH=200", "man", "-M", mandir,
                           "-P", "cat", "3", s)
        tap.point(rc == 0 and re.search(rf"\b{s}\(", out),
                  f"man 3 {s} shows it (man-db, from the installed tree)",
                  err.splitlines())


def check_references(mandir, pages):
    ours = {f"{os.path.basename(p).rsplit('.', 1)[0]}"
            f"({p.split('/')[0][3:]})" for p in pages}
    for rel in pages:
        if so_target(mandir, rel) is not None:
            continue
        with open(os.path.join(mandir, rel), encoding="utf-8") as f:
            src = f.read().replace("\\-", "-")
        # .BR name (N) and \fBname\fP(N), the ways a page names a page.
        refs = {f"{m[0]}({m[1]})" for m in re.findall(
            r"^\.BR\s+(\S+)\s+\((\d)\)", src, re.M)}
        refs |= {f"{m[0]}({m[1]})" for m in re.findall(
            r"\\fB([\w.+-]+)\\f[PR]\((\d)\)", src)}
        bad = sorted(r for r in refs if r not in ours and r not in OUTSIDE)
        tap.point(len(refs) > 0 and not bad,
                  f"{rel}: each of the {len(refs)} pages it names exists",
                  [f"no such page: {r}" for r in bad])


def check_tool(mandir, tool, binary, rel):
    rc, out, err = run(binary, "--help")
    opts = help_options(out)
    page = Page(render(mandir, rel, "html"))
    section = page.sections.get("OPTIONS", {"tags": []})
    tagged = set()
    for t in section["tags"]:
        tagged |= options_in(t)
    missing = sorted(opts - tagged)
    tap.point(rc == 0 and len(opts) > 3 and not missing,
              f"{tool}: each of the {len(opts)} options of --help is a tag of "
              f"OPTIONS in {rel}", [f"not in the page: {o}" for o in missing])
    return out, page


def check_commands(mandir, help_text, page):
    block = re.search(r"\nCommands:\n(.*?)(\n\n|$)", help_text, re.S)
    cmds = [l.split()[0] for l in block.group(1).splitlines()] if block else []
    tap.point(len(cmds) > 3, f"nlipc --help lists commands ({' '.join(cmds)})")
    subs = page.sections.get("COMMANDS", {"ss": []})["ss"]
    for cmd in cmds:
        mine = [s for s in subs if s["title"].split()[0] == cmd]
        tap.point(bool(mine), f"nlipc {cmd}: a subsection of COMMANDS in nlipc(1)")
        rc, out, err = run(TOOLS["nlipc"][0], cmd, "-h")
        opts = help_options(out)
        where = set()
        for s in mine:
            where |= options_in(s["title"])
            for t in s["tags"] + s["bold"]:
                where |= options_in(t)
        missing = sorted(opts - where)
        tap.point(rc == 0 and not missing,
                  f"nlipc {cmd}: each of the {len(opts)} options of its -h is in "
                  "its subsection's heading, tags or bold text",
                  [f"not in the page: {o}" for o in missing])
        # Subcommands: "Usage: nlipc kv set ..." lines.
        words = set()
        for m in re.finditer(rf"nlipc {re.escape(cmd)} ([a-z][\w|,-]*)",
                             out):
            words |= set(w for w in re.split(r"[|,]", m.group(1)) if w)
        if cmd == "kv" or len(words) > 1:
            text = " ".join(s["title"] + " " + " ".join(s["bold"])
                            for s in mine)
            missing = sorted(w for w in words
                             if not re.search(rf"\b{w}\b", text))
            tap.point(len(words) > 1 and not missing,
                      f"nlipc {cmd}: each subcommand of its -h "
                      f"({' '.join(sorted(words))}) is in its subsections",
                      [f"not in the page: {w}" for w in missing])


def main():
    if not shutil.which("mandoc"):
        tap.skip_all("mandoc is not installed (bootstrap.sh installs it)")
    tmp = tempfile.mkdtemp()
    try:
        rc, out, err = run(os.environ.get("MAKE", "make"), "-C", BUILD,
                           "install-man", f"DESTDIR={tmp}")
        tops = [d for d, sub, files in os.walk(tmp)
                if "man1" in sub and "man3" in sub]
        tap.point(rc == 0 and len(tops) == 1, "make install-man DESTDIR=...",
                  (out + err).splitlines()[-20:])
        if rc or len(tops) != 1:
            return tap.plan()
        mandir = tops[0]
        pages = sorted(os.path.relpath(os.path.join(d, f), mandir)
                       for d, sub, files in os.walk(mandir) for f in files)
        check_lint(mandir, pages)
        check_symbols(mandir, pages)
        check_references(mandir, pages)
        for tool, (binary, rel) in TOOLS.items():
            out, page = check_tool(mandir, tool, binary, rel)
            if tool == "nlipc":
                check_commands(mandir, out, page)
    finally:
        shutil.rmtree(tmp)
    tap.plan()
    return 0


if __name__ == "__main__":
    sys.exit(main())
