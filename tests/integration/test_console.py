"""What a person sees while a run goes (docs/cli.md, "Console output"), from the real binary
against nginx on loopback: on a terminal (stderr on a pseudo-terminal) a live line rewritten
every second, naming the chaos steps whose fault is in; without one (pipes, as in CI) a plain
line every 10 s; the summary on stdout; and nothing of either with --quiet."""
import os
import pty
import re
import subprocess
import threading
import tty
import unittest

import harness

PLAN = """\
target:
  plugin: http
  base_url: "http://127.0.0.1:{port}"
scenarios:
  - name: hello
    think_time: 50ms
    requests: [{{name: get, path: /hello}}]
profile: p
profiles:
  p:
    stages:
      - {{duration: 5s, users: 4}}
workers: 1
{extra}"""

# A proxy in front of nginx and a fault on it from 1 s to 3 s; the target goes through it.
CHAOS = """\
proxies:
  - name: front
    listen: 127.0.0.1:{proxy_port}
    upstream: 127.0.0.1:{nginx_port}
chaos:
  recovery: {{windows: 1, deadline: 5s, baseline: 1s}}
  steps:
    - name: slow hello
      at: 1s
      duration: 2s
      fault: proxy
      proxy: front
      toxic: latency
      latency: 20ms
"""

# "\r\033[K[    3s/5s] stage 1/1  users 4/4  61 req/s  p95 1.2 ms  errors 0 (total 0)  chaos: a, b"
LIVE = re.compile(r"\[ *(\d+)s/(\d+)s\] stage (\d+)/(\d+)  users \d+/\d+  (\d+) req/s  p95 ([\d.]+) ms"
                  r"  errors \d+ \(total \d+\)(?:  chaos: (.*))?$")
TIMEOUT = 60


class Console(harness.TempDirTest):
    def plan(self, port, extra=""):
        return self.write("plan.yaml", PLAN.format(port=port, extra=extra))

    def args(self, plan, *extra):
        return ["run", plan, "--report", os.path.join(self.tmp, "out")] + list(extra)

    def run_on_terminal(self, args):
        """Runs stressplan with stderr on a pseudo-terminal (raw: no newline translation) and
        stdout on a pipe; returns (exit code, stdout, what was written to the terminal)."""
        master, slave = pty.openpty()
        tty.setraw(slave)
        try:
            p = subprocess.Popen([harness.STRESSPLAN] + args, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=slave)
        finally:
            os.close(slave)
        chunks = []

        def drain():
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every writer closed the terminal
                    return
                if not data:
                    return
                chunks.append(data)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        try:
            out, _ = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise
        finally:
            reader.join(timeout=10)
            os.close(master)
        return p.returncode, out.decode(), b"".join(chunks).decode(errors="replace")

    def live_lines(self, terminal):
        """The live lines, each as LIVE's match: every rewrite starts with CR + erase-line."""
        parts = terminal.split("\r\033[K")[1:]
        lines = []
        for part in parts:
            # The last one is ended by the newline the summary writes. A message printed while
            # the line is open (see test_messages_while_the_live_line_is_open_start_a_new_line)
            # lands on it: it is not part of the live line.
            m = LIVE.match(part.split("\n")[0].split("stressplan: ")[0])
            self.assertIsNotNone(m, "not a live line: %r\nterminal:\n%r" % (part, terminal))
            lines.append(m)
        return lines

    def assert_summary(self, stdout, requests_min=1):
        self.assertRegex(stdout, r"\nstressplan: plan, profile p: completed in [\d.]+s\n")
        m = re.search(r"\n  requests      (\d+) \([\d.]+/s\), errors 0 \(0.00%\), interrupted \d+\n", stdout)
        self.assertIsNotNone(m, stdout)
        self.assertGreaterEqual(int(m.group(1)), requests_min, stdout)
        self.assertRegex(stdout, r"\n  latency ms    min [\d.]+  p50 [\d.]+  p95 [\d.]+  p99 [\d.]+  max [\d.]+\n")
        self.assertRegex(stdout, r"\n  status codes  200 %s\n" % m.group(1))

    def test_on_a_terminal_the_live_line_is_rewritten_every_second(self):
        with harness.Nginx(self.tmp) as nginx:
            code, stdout, terminal = self.run_on_terminal(self.args(self.plan(nginx.port)))
        self.assertEqual(code, 0, stdout + terminal)
        lines = self.live_lines(terminal)
        self.assertGreaterEqual(len(lines), 4, terminal)  # 5 s: one a second (and the last part-second)
        self.assertLessEqual(len(lines), 7, terminal)
        # One per whole second, none skipped; the time shown is when it was taken (a loaded
        # machine may show a tick late, never early).
        seconds = [int(m.group(1)) for m in lines]
        self.assertEqual(seconds, sorted(seconds), terminal)
        self.assertIn(seconds[0], (1, 2), terminal)
        self.assertIn(seconds[-1], (5, 6), terminal)
        for m in lines:
            self.assertEqual(m.group(2), "5")
            self.assertEqual((m.group(3), m.group(4)), ("1", "1"))
            self.assertIsNone(m.group(7), terminal)  # no chaos in this plan
        self.assertTrue(any(int(m.group(5)) > 0 for m in lines), terminal)
        # The line is closed before anything else is printed; the summary is on stdout, not here.
        self.assertTrue(terminal.endswith("\n"), repr(terminal))
        self.assertNotIn("latency ms", terminal)
        self.assertNotIn("\r", stdout)
        self.assert_summary(stdout, requests_min=50)

    def test_without_a_terminal_one_plain_line_every_10s(self):
        with harness.Nginx(self.tmp) as nginx:
            plan = self.plan(nginx.port)
            r = harness.run(self.args(plan, "--duration", "12s"), timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("\r", r.stderr)
        self.assertNotIn("\033", r.stderr)
        progress = [l for l in r.stderr.splitlines() if LIVE.match(l)]
        self.assertEqual(len(progress), 1, r.stderr)
        self.assertRegex(progress[0], r"^\[   1[01]s/12s\] stage 1/1  users 4/4  ", r.stderr)  # the 10th second's
        self.assertNotIn("latency ms", r.stderr)
        self.assert_summary(r.stdout, requests_min=100)

    def test_quiet_prints_no_summary_and_no_progress(self):
        with harness.Nginx(self.tmp) as nginx:
            plan = self.plan(nginx.port, "reporters: [{plugin: json, path: report.json}]\n")
            code, stdout, terminal = self.run_on_terminal(self.args(plan, "--duration", "3s", "--quiet"))
        self.assertEqual(code, 0, stdout + terminal)
        self.assertEqual(stdout, "")
        self.assertNotIn("\r\033[K", terminal)
        self.assertNotRegex(terminal, r"\[ *\d+s/\d+s\]")
        # The run did run (quiet is not idle): its report counts requests.
        report = harness.read_json(os.path.join(self.tmp, "out", "report.json"))
        self.assertGreater(report["summary"]["requests"], 0)

    def test_quiet_still_prints_errors(self):
        r = harness.run(self.args(self.plan(harness.free_port()), "--duration", "1s", "--quiet"),
                        timeout=TIMEOUT)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)  # nothing listens there
        self.assertEqual(r.stdout, "")
        self.assertIn("not reachable", r.stderr)

    def chaos_run(self):
        """The chaos plan run once under the terminal for the tests that look at it:
        (exit code, stdout, terminal)."""
        cls = type(self)
        if getattr(cls, "_chaos", None) is None:
            with harness.Nginx(self.tmp) as nginx:
                proxy_port = harness.free_port()
                extra = CHAOS.format(proxy_port=proxy_port, nginx_port=nginx.port)
                plan = self.write("plan.yaml", PLAN.format(port=proxy_port, extra=extra))
                cls._chaos = self.run_on_terminal(self.args(plan, "--duration", "6s"))
        return cls._chaos

    def test_the_live_line_names_the_chaos_steps_in_and_the_summary_the_experiment(self):
        code, stdout, terminal = self.chaos_run()
        self.assertEqual(code, 0, stdout + terminal)
        lines = self.live_lines(terminal)
        self.assertGreaterEqual(len(lines), 5, terminal)
        # Line i is the (i+1)th second's. The fault is in from 1 s to 3 s: the 2nd second's line
        # names it; from the 5th second on (the last line included) no line names anything.
        chaos = [m.group(7) for m in lines]
        self.assertEqual(chaos[1], "slow hello", terminal)
        self.assertEqual(chaos[4:], [None] * (len(chaos) - 4), terminal)
        self.assertIn("stressplan: chaos journal: ", terminal)
        self.assert_summary(stdout, requests_min=50)
        self.assertRegex(stdout, r"\n  experiments\n    pass slow hello \(proxy latency\): completed, "
                                 r"1\.\d s - 3\.\d s, during: [\d.]+% errors, p95 [\d.]+ ms, recovery ")

    # Messages while the run goes ("stressplan: chaos journal: ...", "received SIGINT", the
    # abort_on_fail message, plugins' log lines) go through Console::Message, which ends the open
    # live line first instead of gluing the message to its end.
    def test_messages_while_the_live_line_is_open_start_a_new_line(self):
        _, _, terminal = self.chaos_run()
        for part in terminal.split("\r\033[K")[1:]:
            self.assertIsNotNone(LIVE.match(part.split("\n")[0]), repr(part))


if __name__ == "__main__":
    unittest.main()
