#!/usr/bin/env python3
"""Runs the README's transcripts and compares what the commands print with what the README shows
(as CoreDNS tests its plugin READMEs).

A transcript is a fenced block without a language whose lines start with "$ " (a command; a line
ending in a backslash or opening a here-document continues it) followed by the output the command
prints, up to the next "$ " or the end of the block. Every command runs, in README order, in one
bash shell (so variables and $! carry over, as in a terminal) started in a temporary directory that
holds copies of meridian.yaml, zones/, geo-data/ and demo/ (bin/ copied, target/meridian.jar
linked): the shipped files are never touched. Before the first transcript the script starts the
Quick start server there ("bin/meridian serve") on the README's ports, 1053 (DNS) and 8053
(admin), and fails if either is taken.

A command with a single "&" (e.g. "java -jar target/meridian.jar serve ... & pid=$!") runs in the
background with its output sent to a log of its own (a terminal interleaves it at random); the
script then waits until that program is up: a "serve" until it logs "ready", anything else until it
prints its first line.

HTML comments steer the check; each takes effect where it stands:
  <!-- readme-check: skip (REASON) -->  the next block is not run (long benchmarks, other servers)
  <!-- readme-check: stop-server -->    stop the Quick start server (the README says to, e.g. before
                                         a section that serves its own configuration on 1053)
  <!-- readme-check: start-server -->   start it again
  <!-- readme-check: log [REGEX] -->    the next block is what the last started server logged: its
                                         lines up to "ready", or with REGEX every line matching it
Any other block without a language must be a transcript or carry one of these, so that no output
shown in the README goes unchecked by accident.

What legitimately varies is normalised on both sides before comparing: dig's query id and its
"Query time"/"WHEN" lines; times and dates; absolute paths in front of the shipped files (the
temporary directory here, a checkout on the reader's machine); "in N ms" durations and the uptime "up 5s"; bash's notices
about killed background jobs; and the order of records within an RRset (rotation): consecutive
records with the same owner, class and type, consecutive bare addresses (+short), nslookup's
Name/Address pairs and the addresses after "answer:" are sorted. An expected line "..." matches any
number of lines, and "..." inside a line any text.

Usage: scripts/readme-check.py [--write] [--keep] [README]
  --write  rewrite each transcript whose output differs with what the command printed
  --keep   keep the temporary directory (its path is printed)
Exit: 0 every transcript matches; 1 some differ (a diff for each); 2 cannot run (port taken, no
jar, server did not start); 77 a tool the README uses is missing.
"""
import difflib
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README_DNS, README_ADMIN = 1053, 8053
# README_CHECK_PORTS=DNS,ADMIN runs on other ports (the commands, the copied configurations and
# the output are rewritten), for a machine where someone else serves the Quick start already.
DNS, ADMIN = (
    [int(p) for p in os.environ["README_CHECK_PORTS"].split(",")]
    if os.environ.get("README_CHECK_PORTS")
    else [README_DNS, README_ADMIN]
)
PORTS = [("udp", DNS), ("tcp", DNS), ("tcp", ADMIN)]
TOOLS = ["bash", "java", "dig", "nslookup", "nsupdate", "curl"]
COMMAND_TIMEOUT = 120
START_TIMEOUT = 90
DISPLAY_ROOT = "/home/me/meridian"  # the checkout shown in regenerated output
DIRECTIVE = re.compile(r"^<!--\s*readme-check:\s*(?P<verb>[\w-]+)\s*(?P<arg>.*?)\s*-->\s*$")
FENCE = re.compile(r"^```(?P<lang>[\w-]*)\s*$")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<word>\w+)\1")
# A single "&" that sends the command before it to the background (not &&, >&, &>, 2>&1).
BACKGROUND = re.compile(r"(?<![&>|<])&(?![&>])(?=\s|$)")


class Setup(Exception):
    """The check cannot run (exit 2), or a tool is missing (exit 77)."""

    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


# ---- README parsing -----------------------------------------------------------------------------


class Block:
    def __init__(self, start, end, lang, lines, directive):
        self.start, self.end, self.lang, self.lines = start, end, lang, lines
        self.directive = directive  # (verb, arg) or None

    def is_transcript(self):
        return self.lang == "" and any(l.startswith("$ ") for l in self.lines)


def parse(text):
    """Yields ("directive", verb, arg, line) and ("block", Block) in document order."""
    lines = text.split("\n")
    i, pending = 0, None
    while i < len(lines):
        d = DIRECTIVE.match(lines[i])
        f = FENCE.match(lines[i])
        if d:
            verb, arg = d.group("verb"), d.group("arg")
            if verb in ("skip", "log"):
                pending = (verb, arg)
            else:
                yield ("directive", verb, arg, i + 1)
        elif f:
            j = i + 1
            while j < len(lines) and lines[j].rstrip() != "```":
                j += 1
            yield ("block", Block(i + 1, j, f.group("lang"), lines[i + 1 : j], pending))
            pending, i = None, j
        i += 1


def commands(block):
    """Splits a transcript into (command, expected lines, first line, last line) with indexes into
    block.lines."""
    out, i, lines = [], 0, block.lines
    while i < len(lines) and not lines[i].startswith("$ "):
        i += 1
    while i < len(lines):
        first = i
        cmd = [lines[i][2:]]
        while cmd[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd.append(lines[i])
        for m in HEREDOC.finditer("\n".join(cmd)):
            while i + 1 < len(lines) and lines[i].strip() != m.group("word"):
                i += 1
                cmd.append(lines[i])
        i += 1
        start = i
        while i < len(lines) and not lines[i].startswith("$ "):
            i += 1
        out.append(("\n".join(cmd), lines[start:i], first, start, i))
    return out


# ---- normalisation ------------------------------------------------------------------------------

TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b"
)
ABSPATH = re.compile(
    r"(?<![\w.])(?:/[\w.+-]+)+?/(?=(?:zones|geo-data|demo)/|meridian\.(?:yaml|state)\b)"
)
DROP = re.compile(
    r"^;; (?:Query time|WHEN|XFR size):"
    r"|^(?:\S+: )?line \d+: +\d+ (?:Killed|Terminated|Done)\b"  # bash -c: a killed job reaped
    r"|^\[\d+\][+-]? +(?:Killed|Terminated|Done|Exit \d+)\b"  # an interactive shell's notice
    r"|^\[\d+\] \d+$"
)
RR = re.compile(r"^(\S+)\s+\d+\s+(IN|CH|HS)\s+(\S+)\s")
ADDRESS = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]+)$")
ANSWER = re.compile(r"(answer: )((?:[0-9a-fA-F.:]+, )+[0-9a-fA-F.:]+)")


def normalise(lines, tmp_paths=()):
    out = []
    for line in lines:
        for p in tmp_paths:
            line = line.replace(p, DISPLAY_ROOT)
        line = line.rstrip()
        if DROP.search(line):
            continue
        line = re.sub(r"\bid: \d+", "id: N", line)
        line = TIME.sub("<time>", line)
        line = ABSPATH.sub("<dir>/", line)
        line = re.sub(r"\bin \d+ ms\b", "in N ms", line)
        line = re.sub(r"\bup (?:\d+[dhms])+(?=[\s,]|$)", "up N", line)  # meridian status: uptime
        line = ANSWER.sub(lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))), line)
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return sort_runs(out)


def sort_runs(lines):
    """Sorts each run of lines that form one RRset, whose order rotates from one answer to the
    next: records with the same owner, class and type; bare addresses (+short); nslookup's
    Name/Address pairs (sorted as pairs)."""
    units, i = [], 0
    while i < len(lines):
        if lines[i].startswith("Name:") and i + 1 < len(lines) and lines[i + 1].startswith("Addr"):
            units.append((("nslookup", lines[i]), lines[i] + "\n" + lines[i + 1]))
            i += 2
            continue
        m = RR.match(lines[i])
        if m:
            key = ("rr",) + m.groups()
        elif ADDRESS.match(lines[i].strip()):
            key = ("address",)
        else:
            key = None
        units.append((key, lines[i]))
        i += 1
    out, run, key = [], [], None
    for k, u in units + [(None, None)]:
        if k is not None and k == key:
            run.append(u)
            continue
        out.extend(sorted(run))
        run, key = [], k
        if k is not None:
            run.append(u)
        elif u is not None:
            out.append(u)
    return "\n".join(out).split("\n") if out else []


def matches(expected, actual):
    """Expected may hold "..." lines (any lines) and "..." inside a line (any text)."""
    if "..." not in "\n".join(expected):
        return expected == actual
    parts = []
    for line in expected:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in line.split("...")) + r"\n")
    return re.fullmatch("".join(parts), "".join(l + "\n" for l in actual), re.S) is not None


# ---- running ------------------------------------------------------------------------------------


def to_ports(text):
    if (DNS, ADMIN) == (README_DNS, README_ADMIN):
        return text
    text = re.sub(rf"\b{README_DNS}\b", str(DNS), text)
    return re.sub(rf"\b{README_ADMIN}\b", str(ADMIN), text)


def from_ports(text):
    if (DNS, ADMIN) == (README_DNS, README_ADMIN):
        return text
    text = re.sub(rf"\b{DNS}\b", str(README_DNS), text)
    return re.sub(rf"\b{ADMIN}\b", str(README_ADMIN), text)


def check_ports(patience=15):
    """Fails unless the README's ports are free; waits a little for a server stopped just now."""
    deadline = time.monotonic() + patience
    for proto, port in PORTS:
        kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
        while True:
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind(("127.0.0.1", port))
                break
            except OSError as e:
                if time.monotonic() > deadline:
                    raise Setup(
                        f"readme-check: 127.0.0.1 {proto} port {port} is taken ({e.strerror}): the"
                        f" README's commands use it; stop what listens there"
                        f" (ss -lnp 'sport = :{port}')"
                    )
                time.sleep(0.2)
            finally:
                s.close()


def wait_for(path, pattern, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                if re.search(pattern, f.read(), re.M):
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.1)
    with open(path, encoding="utf-8", errors="replace") as f:
        raise Setup(f"readme-check: {what} not up after {timeout} s; its output:\n{f.read()}")


class Shell:
    """One bash, as a terminal: each command's output (stdout and stderr) goes to a file."""

    def __init__(self, cwd):
        self.cwd, self.n, self.server_log = cwd, 0, None
        self.proc = subprocess.Popen(
            ["bash", "--norc", "--noprofile"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its background jobs share this group: stopped together
            text=True,
            bufsize=1,
        )

    def run(self, cmd):
        self.n += 1
        out = os.path.join(self.cwd, ".readme-check", f"out-{self.n}")
        bg_log, ready = None, None
        lines = cmd.split("\n")
        m = BACKGROUND.search(lines[-1]) if len(lines) == 1 else None
        if m:
            bg_log = os.path.join(self.cwd, ".readme-check", f"bg-{self.n}.log")
            head, tail = lines[0][: m.start()].rstrip(), lines[0][m.start() :]
            lines[0] = f'{head} >"{bg_log}" 2>&1 {tail}'
            ready = r"\bready$" if re.search(r"\bserve\b", head) else r"."
        lines = [to_ports(l) for l in lines]
        token = f"__readme_check_{self.n}__"
        script = "{\n" + "\n".join(lines) + f'\n}} >"{out}" 2>&1 </dev/null\necho "{token} $?"\n'
        self.proc.stdin.write(script)
        self.proc.stdin.flush()
        deadline, stray = time.monotonic() + COMMAND_TIMEOUT, []
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise Setup(f"readme-check: still running after {COMMAND_TIMEOUT} s: {cmd}", 1)
            line = self.proc.stdout.readline()
            if not line:
                raise Setup(f"readme-check: the shell exited during: {cmd}", 1)
            if line.startswith(token):
                break
            stray.append(line.rstrip("\n"))
        if bg_log:
            wait_for(bg_log, ready, START_TIMEOUT, f"'{cmd}'")
            if ready != ".":
                self.server_log = bg_log
        with open(out, encoding="utf-8", errors="replace") as f:
            text = f.read()
        return [from_ports(l) for l in stray + text.split("\n")]

    def close(self):
        try:
            self.proc.stdin.write("kill $(jobs -p) 2>/dev/null; exit 0\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own session's leftovers, if any
        except ProcessLookupError:
            pass


class QuickStartServer:
    """bin/meridian serve in the temporary directory, as the Quick start runs it."""

    def __init__(self, cwd):
        self.cwd, self.proc, self.starts = cwd, None, 0

    def start(self):
        check_ports()
        self.starts += 1
        self.log = os.path.join(self.cwd, ".readme-check", f"server-{self.starts}.log")
        with open(self.log, "w") as f:
            self.proc = subprocess.Popen(
                ["bin/meridian", "serve"],
                cwd=self.cwd,
                stdout=f,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        wait_for(self.log, r"\bready$", START_TIMEOUT, "bin/meridian serve")
        return self.log

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def prepare(tmp):
    jar = os.path.join(ROOT, "target", "meridian.jar")
    if not os.path.isfile(jar):
        raise Setup("readme-check: target/meridian.jar not found (mvn -B -q package -DskipTests)")
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        raise Setup(f"readme-check: missing {' '.join(missing)} (.ci/install-deps installs them)", 77)
    for d in ("zones", "geo-data", "demo", "bin"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(tmp, d))
    for p in ("zones", "demo"):  # a reader's leftovers are not part of the shipped example
        for name in os.listdir(os.path.join(tmp, p)):
            if name.endswith((".jnl", ".state")):
                os.remove(os.path.join(tmp, p, name))
    shutil.copy(os.path.join(ROOT, "meridian.yaml"), tmp)
    if (DNS, ADMIN) != (README_DNS, README_ADMIN):
        for conf in ("meridian.yaml", "demo/meridian.yaml"):
            with open(os.path.join(tmp, conf), encoding="utf-8") as f:
                text = to_ports(f.read())
            if not re.search(r"^admin:", text, re.M):
                text += f"admin: {{listen: 127.0.0.1:{ADMIN}}}\n"
            with open(os.path.join(tmp, conf), "w", encoding="utf-8") as f:
                f.write(text)
    os.makedirs(os.path.join(tmp, "target"))
    os.symlink(jar, os.path.join(tmp, "target", "meridian.jar"))
    os.makedirs(os.path.join(tmp, ".readme-check"))


def log_lines(path, regex):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = from_ports(f.read()).split("\n")
    if regex:
        return [l for l in lines if re.search(regex, l)]
    for i, l in enumerate(lines):
        if re.search(r"\bready$", l):
            return lines[: i + 1]
    return lines


def main(argv):
    write = "--write" in argv
    keep = "--keep" in argv
    args = [a for a in argv if not a.startswith("--")]
    readme = os.path.abspath(args[0] if args else os.path.join(ROOT, "README.md"))
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    readme_lines = text.split("\n")
    tmp = os.path.realpath(tempfile.mkdtemp(prefix="readme-check-"))
    tmp_paths = [tmp]
    server = QuickStartServer(tmp)
    shell = None
    failures, skipped, ran, edits = [], [], 0, []
    try:
        prepare(tmp)
        server_log = server.start()
        shell = Shell(tmp)
        for item in parse(text):
            if item[0] == "directive":
                _, verb, arg, line = item
                if verb == "stop-server":
                    server.stop()
                elif verb == "start-server":
                    server_log = server.start()
                else:
                    raise Setup(f"readme-check: {readme}:{line}: unknown directive '{verb}'")
                continue
            block = item[1]
            verb, arg = block.directive or (None, "")
            if verb == "skip":
                skipped.append(f"README.md:{block.start}: {arg.strip('()') or 'no reason given'}")
                continue
            if verb == "log":
                log = server_log
                actual = log_lines(log, arg)
                exp, act = normalise(block.lines), normalise(actual, tmp_paths)
                ran += 1
                if not matches(exp, act):
                    failures.append(report(block.start, f"log of {os.path.basename(log)}", exp, act))
                    edits.append((block.start, block.end, actual))
                continue
            if not block.is_transcript():
                if block.lang == "":
                    failures.append(
                        f"README.md:{block.start}: output block without a check: make it a"
                        " transcript or mark it <!-- readme-check: skip (REASON) -->\n"
                    )
                continue
            for cmd, expected, first, start, end in commands(block):
                actual = shell.run(cmd)
                server_log = shell.server_log or server_log
                shell.server_log = None
                ran += 1
                exp, act = normalise(expected), normalise(actual, tmp_paths)
                if not matches(exp, act):
                    failures.append(report(block.start + first + 1, "$ " + cmd, exp, act))
                    edits.append((block.start + start, block.start + end, actual))
    except Setup as e:
        print(e, file=sys.stderr)
        return e.code
    finally:
        if shell:
            shell.close()
        server.stop()
        if keep:
            print(f"readme-check: kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f)
    for s in skipped:
        print(f"skipped {s}")
    if write and edits:
        for start, end, actual in sorted(edits, reverse=True):
            shown = [l.replace(tmp, DISPLAY_ROOT).rstrip() for l in actual]
            while shown and not shown[-1]:
                shown.pop()
            readme_lines[start:end] = shown
        with open(readme, "w", encoding="utf-8") as f:
            f.write("\n".join(readme_lines))
        print(f"readme-check: rewrote {len(edits)} transcript(s) in {readme}")
    print(f"readme-check: {ran} checked, {len(failures)} differ, {len(skipped)} skipped")
    return 1 if failures else 0


def report(line, what, expected, actual):
    diff = difflib.unified_diff(expected, actual, "README", "actual", lineterm="", n=2)
    return f"README.md:{line}: {what}\n" + "\n".join(diff) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
