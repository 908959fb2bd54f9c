"""Shared helpers for the integration tests: where the built binaries are, free ports, and
running `stressplan` as a user would. Paths come from ctest's environment (see CMakeLists.txt).
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import signal
import time
import unittest

STRESSPLAN = os.environ.get("STRESSPLAN_BIN", "stressplan")
SOURCE_DIR = os.environ.get("STRESSPLAN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE_DIR = os.environ.get("STRESSPLAN_FIXTURE_DIR", "")
PLANS = os.path.join(SOURCE_DIR, "plans")

# The JUnit schemas (the project's, and ../shared's junit-10.xsd when there): one list for all tests.
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "reporters"))
import junit_schemas  # noqa: E402


def validate_junit(test, path):
    """Asserts that the JUnit file at `path` validates against every schema we check it with."""
    junit_schemas.validate(test, path)
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
        text = f.read()
    lines = [l.strip() for l in text.split("\n") if l.strip().startswith("{")]
    for line in reversed(lines):
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if "by_path" in doc:
            return doc
    # The log's end says why: no "stopping" line (SIGTERM never arrived) or one with nothing
    # after it (the demo was still stopping when its stop_timeout ran out and it got SIGKILL).
    raise AssertionError("no final stats line in %s; it ends with:\n%s" % (log_path, text[-2000:]))


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
    whose access log counts exactly what it served. Use as a context manager. A subclass may
    set LOG_FORMAT (the access log's format, "" for nginx's own), LOCATIONS and LISTEN (the
    listen directive's parameters, e.g. "http2" for prior-knowledge h2c)."""

    LOG_FORMAT = ""
    LISTEN = ""
    LOCATIONS = 'location /hello { return 200 "hello"; }'
    CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  {log_format}
  access_log {dir}/access.log{log_name};
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port}{listen};
    {locations}
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
            f.write(self.CONF.format(dir=self.dir, port=self.port, locations=self.LOCATIONS,
                                     listen=" " + self.LISTEN if self.LISTEN else "",
                                     log_format="log_format custom '%s';" % self.LOG_FORMAT
                                     if self.LOG_FORMAT else "",
                                     log_name=" custom" if self.LOG_FORMAT else ""))
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


# --- Chaos helpers (test_chaos.py) ---------------------------------------------------------

DEMO_BIN = os.path.join(os.path.dirname(STRESSPLAN), "stressplan-demo")


def wait_until(predicate, timeout, interval=0.02, what="the condition"):
    """Polls `predicate` until it returns something truthy (returned) or `timeout` seconds
    passed (AssertionError naming `what`)."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() >= deadline:
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def proc_stat(pid):
    """(state, start_time) of /proc/<pid>/stat, or None when there is no such process."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[19])


def proc_state(pid):
    """The one-letter state of `pid` ('R', 'S', 'T', 'Z', ...) or None when it is gone."""
    st = proc_stat(pid)
    return st[0] if st else None


def pids_running(*needles):
    """Pids of live (not zombie) processes whose argv contains every string of `needles` as one
    argument."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = f.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if all(n in argv for n in needles) and proc_state(int(entry)) not in (None, "Z", "X"):
            found.append(int(entry))
    # A match whose parent also matches is not a process of its own: under ASan, LeakSanitizer
    # clones a tracer task with the same argv when the process exits.
    return [pid for pid in found if _parent_pid(pid) not in found]


def _parent_pid(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def read_journal(path):
    """The chaos journal's lines as dicts (a line still being written is left out)."""
    lines = []
    try:
        with open(path, encoding="utf-8") as f:
            for text in f:
                if not text.endswith("\n"):
                    break
                try:
                    lines.append(json.loads(text))
                except ValueError:
                    pass
    except OSError:
        pass
    return lines


class BackgroundRun:
    """`stressplan ARGS` in the background (stdout/stderr to files, so nothing blocks on a full
    pipe). As a context manager it never leaves the run behind: SIGTERM (which reverts its faults
    and stops its services), then SIGKILL after `stop_timeout`."""

    def __init__(self, args, workdir, env=None, stop_timeout=30):
        self.args = list(args)
        self.workdir = workdir
        self.env = dict(os.environ, **(env or {}))
        self.stop_timeout = stop_timeout
        self.proc = None
        self.started = None

    def __enter__(self):
        self.out_path = os.path.join(self.workdir, "run.stdout")
        self.err_path = os.path.join(self.workdir, "run.stderr")
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen([STRESSPLAN] + self.args, env=self.env, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL)
        self.started = time.time()
        return self

    def alive(self):
        return self.proc.poll() is None

    def wait(self, timeout):
        return self.proc.wait(timeout=timeout)

    def output(self):
        with open(self.out_path, encoding="utf-8", errors="replace") as f:
            out = f.read()
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            err = f.read()
        return out, err

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
