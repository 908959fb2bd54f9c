"""Shared helpers for the integration tests: where the built binaries are, free ports, and
running `stressplan` as a user would. Paths come from ctest's environment (see CMakeLists.txt).
"""
import json
import os
import socket
import subprocess
import tempfile
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
