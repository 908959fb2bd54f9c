"""Shared helpers for the integration tests: where the built binaries are, free ports, and
running `stressplan` as a user would. Paths come from ctest's environment (see CMakeLists.txt).
"""
import json
import os
import socket
import subprocess
import tempfile
import signal
import time
import unittest

STRESSPLAN = os.environ.get("STRESSPLAN_BIN", "stressplan")
SOURCE_DIR = os.environ.get("STRESSPLAN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE_DIR = os.environ.get("STRESSPLAN_FIXTURE_DIR", "")
PLANS = os.path.join(SOURCE_DIR, "plans")
TEST_PLANS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plans")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def full_plan_ports():
    """Free ports for plans/full.yaml's demo, its LLM upstream and the fault proxy between them,
    so tests running it in parallel do not collide."""
    return {"DEMO_PORT": str(free_port()), "LLM_PORT": str(free_port()), "LLM_PROXY_PORT": str(free_port())}


def run(args, env=None, timeout=120, **kwargs):
    """Runs stressplan with `args`; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([STRESSPLAN] + list(args), env=full_env, capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def demo_final_stats(log_path):
    """The demo prints its final counts as one JSON line on exit; the run's service log has it."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        lines = [l.strip() for l in f if l.strip().startswith("{")]
    for line in reversed(lines):
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if "by_path" in doc:
            return doc
    raise AssertionError("no final stats line in " + log_path)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="stressplan-test-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path


class Nginx:
    """A private nginx on 127.0.0.1:<port> (Debian's nginx-light, from scripts/install-deps.sh)
    whose access log counts exactly what it served. Use as a context manager."""

    CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log {dir}/access.log;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port};
    location /hello {{ return 200 "hello"; }}
  }}
}}
"""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "nginx")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = None

    def __enter__(self):
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(self.CONF.format(dir=self.dir, port=self.port))
        self.proc = subprocess.Popen(["nginx", "-p", self.dir, "-c", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        self.__exit__(None, None, None)
        raise AssertionError("nginx did not start: " + open(os.path.join(self.dir, "error.log")).read())

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def pids(self):
        """The master and its worker(s)."""
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [self.proc.pid] + [int(p) for p in out.split()]

    def served(self, path=None):
        """Requests in the access log (flushed: nginx writes each line as it serves it)."""
        n = 0
        with open(os.path.join(self.dir, "access.log"), encoding="utf-8", errors="replace") as f:
            for line in f:
                if path is None or (' %s ' % path) in line:
                    n += 1
        return n


def start_demo(test, port, *args):
    """Starts the demo target on `port` and waits for /health; returns the process (with
    .health_probes: the /health requests this wait made, so tests can subtract them)."""
    import urllib.request
    demo_bin = os.path.join(os.path.dirname(STRESSPLAN), "stressplan-demo")
    stats = os.path.join(test.tmp, "demo-stats.json")
    p = subprocess.Popen([demo_bin, "--port", str(port), "--stats-file", stats] + list(args),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p.stats_file = stats
    p.health_probes = 1  # the one probe that got an answer; refused ones never reached it
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=1).read()
            return p
        except OSError:
            time.sleep(0.05)
    p.kill()
    raise AssertionError("the demo did not become healthy")


def stop_demo(p):
    """Stops the demo (SIGTERM) and returns its final stats."""
    p.terminate()
    p.wait(timeout=10)
    return read_json(p.stats_file)


def validate_report(test, path):
    """Asserts that the JSON report at `path` validates against docs/report-schema.json."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "validate_report.py")
    r = subprocess.run(["/usr/bin/python3", script, path], capture_output=True, text=True, timeout=60)
    test.assertEqual(r.returncode, 0, "report %s does not match the schema:\n%s%s" % (path, r.stdout, r.stderr))
