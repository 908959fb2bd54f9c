"""Every mistake caught before anything runs (docs/plugins.md "ABI 1.2", docs/cli.md exit codes,
docs/reports.md "The report folder"):

- a fault, target or reporter option a plugin refuses is an error of `validate` and of `run`
  (exit 2, the plan's file:line), and `run` refuses it before any proxy, service, journal or
  report folder exists;
- a report folder that cannot be written is refused before the load (exit 3, the OS reason);
- two runs into one report folder: the second is refused (exit 3) naming the first's pid.

Plans are written as indented JSON (which is YAML), so each key sits on a line of its own and
the test can say which line an error must point at."""
import json
import os
import shutil
import subprocess
import time
import unittest

import harness


def plan_doc(base_url, **sections):
    """A small open-model plan: one GET at 20/s for `duration` (default 1s)."""
    doc = {
        "name": "checks",
        "target": {"plugin": "http", "base_url": base_url, "connect_timeout": "1s", "response_timeout": "1s"},
        "scenarios": [{"name": "s", "requests": [{"name": "get", "path": "/health"}]}],
        "profile": "p",
        "profiles": {"p": {"stages": [{"duration": sections.pop("duration", "1s"), "rate": "20/s",
                                        "max_concurrency": 20}]}},
        "reporters": [{"plugin": "json", "path": "report.json"}],
    }
    doc.update(sections)
    return doc


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class ChecksTest(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        self.marker = os.path.join(self.tmp, "service-started")
        self.out = os.path.join(self.tmp, "out")

    def marker_service(self):
        """A service that leaves a file behind if it is ever started."""
        return {"name": "svc", "command": ["sh", "-c", "touch '%s'; exec sleep 30" % self.marker]}

    def write_plan(self, doc):
        return self.write("plan.yaml", json.dumps(doc, indent=1))

    def line_of(self, plan, text, after=None):
        """The 1-based line of the first line holding `text` (after the line holding `after`)."""
        with open(plan, encoding="utf-8") as f:
            lines = f.read().split("\n")
        start = 0
        if after is not None:
            start = next(i for i, l in enumerate(lines) if after in l) + 1
        return next(i for i, l in enumerate(lines) if i >= start and text in l) + 1

    def assert_refused_everywhere(self, doc, key_text, message, after=None):
        """validate and run both exit 2 pointing at the line holding key_text; run started nothing."""
        plan = self.write_plan(doc)
        where = "%s:%d:" % (plan, self.line_of(plan, key_text, after))
        v = harness.run(["validate", plan])
        self.assertEqual(v.returncode, 2, v.stdout + v.stderr)
        self.assertIn(where, v.stderr)
        self.assertIn(message, v.stderr)
        r = harness.run(["run", plan, "--report", self.out], timeout=60)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(where, r.stderr)
        self.assertIn(message, r.stderr)
        self.assert_nothing_started()

    def assert_nothing_started(self):
        self.assertFalse(os.path.exists(self.marker), "a service was started")
        # No report folder: so no journal, no service log, no report either.
        self.assertFalse(os.path.exists(self.out), os.listdir(self.out) if os.path.isdir(self.out) else "")


class FaultOptions(ChecksTest):
    def proxy_step_plan(self, step, protocol="http"):
        port, upstream = harness.free_port(), harness.free_port()
        return plan_doc("http://127.0.0.1:%d" % port, services=[self.marker_service()],
                        proxies=[{"name": "front", "listen": "127.0.0.1:%d" % port,
                                  "upstream": "127.0.0.1:%d" % upstream, "protocol": protocol}],
                        chaos={"steps": [dict({"name": "fault", "at": "500ms", "duration": "200ms",
                                               "fault": "proxy", "proxy": "front"}, **step)]})

    def test_unknown_toxic(self):
        doc = self.proxy_step_plan({"toxic": "latencyy", "latency": "1s"})
        self.assert_refused_everywhere(doc, '"toxic"', 'toxic "latencyy" is not one of')

    def test_probability_above_one(self):
        doc = self.proxy_step_plan({"toxic": "latency", "latency": "1s", "probability": "200%"})
        self.assert_refused_everywhere(doc, '"probability"', "is not between 0 and 1")

    def test_status_not_a_final_http_status(self):
        doc = self.proxy_step_plan({"toxic": "http_abort", "status": 99})
        self.assert_refused_everywhere(doc, '"status"', "status 99 is not a final HTTP status")

    def test_unknown_direction(self):
        doc = self.proxy_step_plan({"toxic": "latency", "latency": "1s", "direction": "sideways"})
        self.assert_refused_everywhere(doc, '"direction"', 'direction "sideways" is not')

    def test_latency_toxic_without_latency(self):
        doc = self.proxy_step_plan({"toxic": "latency"})
        # The error points at the step's map (the missing key has no line of its own).
        self.assert_refused_everywhere(doc, "{", "toxic latency needs `latency`", after='"steps"')

    def test_bandwidth_rate_zero(self):
        doc = self.proxy_step_plan({"toxic": "bandwidth", "rate": 0})
        self.assert_refused_everywhere(doc, '"rate": 0', "needs `rate`")

    def test_http_toxic_on_a_tcp_proxy_is_checked_with_the_sites_options(self):
        doc = self.proxy_step_plan({"toxic": "http_abort", "status": 503}, protocol="tcp")
        self.assert_refused_everywhere(doc, '"toxic"', "needs a proxy that follows HTTP")

    def test_bad_site_option(self):
        doc = self.proxy_step_plan({"toxic": "latency", "latency": "1s"})
        doc["proxies"][0]["protocol"] = "udp"
        self.assert_refused_everywhere(doc, '"protocol": "udp"', 'protocol "udp" is not tcp or http')

    def test_process_fault_unknown_action(self):
        doc = plan_doc("http://127.0.0.1:%d" % harness.free_port(), services=[self.marker_service()],
                       chaos={"steps": [{"name": "fault", "at": "500ms", "duration": "200ms",
                                         "fault": "process", "service": "svc", "action": "explode"}]})
        self.assert_refused_everywhere(doc, '"action"', "unknown action 'explode'")

    def test_process_fault_naming_no_plan_service(self):
        # Not a running check: validate starts no service, so the host answers from the plan
        # (sp_host_api.service_declared, ABI 1.3).
        doc = plan_doc("http://127.0.0.1:%d" % harness.free_port(), services=[self.marker_service()],
                       chaos={"steps": [{"name": "fault", "at": "500ms", "duration": "200ms",
                                         "fault": "process", "service": "svcc", "action": "pause"}]})
        self.assert_refused_everywhere(doc, '"service": "svcc"', "the plan declares no service 'svcc'")

    def test_process_fault_naming_a_plan_service_validates(self):
        doc = plan_doc("http://127.0.0.1:%d" % harness.free_port(), services=[self.marker_service()],
                       chaos={"steps": [{"name": "fault", "at": "500ms", "duration": "200ms",
                                         "fault": "process", "service": "svc", "action": "pause"}]})
        v = harness.run(["validate", self.write_plan(doc)])
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assert_nothing_started()

    def test_command_fault_refused_option(self):
        doc = plan_doc("http://127.0.0.1:%d" % harness.free_port(), services=[self.marker_service()],
                       chaos={"steps": [{"name": "fault", "at": "500ms", "duration": "200ms",
                                         "fault": "command", "inject": [], "revert": ["true"]}]})
        self.assert_refused_everywhere(doc, "\"inject\"", "got an empty list")


class TargetAndReporterOptions(ChecksTest):
    def test_target_rule_with_an_invalid_event_starts_no_proxy_service_or_journal(self):
        port, upstream = harness.free_port(), harness.free_port()
        doc = plan_doc("http://127.0.0.1:%d" % port, services=[self.marker_service()],
                       proxies=[{"name": "front", "listen": "127.0.0.1:%d" % port,
                                 "upstream": "127.0.0.1:%d" % upstream, "protocol": "http"}],
                       chaos={"steps": [{"name": "fault", "at": "500ms", "duration": "200ms",
                                         "fault": "proxy", "proxy": "front", "toxic": "latency",
                                         "latency": "100ms"}]})
        doc["target"]["rules"] = [{"event": "not a name!", "when": {"status": 503}}]
        self.assert_refused_everywhere(doc, '"event"', "event must be a name")

    def test_reporter_path_refused_before_anything(self):
        doc = plan_doc("http://127.0.0.1:%d" % harness.free_port(), services=[self.marker_service()])
        doc["reporters"] = [{"plugin": "json", "path": "sub/"}]
        self.assert_refused_everywhere(doc, '"path": "sub/"', "path must name a file")

    def test_a_1_1_reporter_without_check_options_still_validates(self):
        fixture = os.path.join(harness.FIXTURE_DIR, "stressplan-old_vtable.so")
        if not os.path.exists(fixture):
            self.skipTest("ABI fixtures not built: " + fixture)
        doc = plan_doc("http://127.0.0.1:%d" % harness.free_port())
        doc["reporters"] = [{"plugin": fixture, "path": "counts.txt"}]
        v = harness.run(["validate", self.write_plan(doc)])
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)


class ReportFolder(ChecksTest):
    def plan_with_marker(self):
        return self.write_plan(plan_doc("http://127.0.0.1:%d" % harness.free_port(),
                                        services=[self.marker_service()]))

    def test_a_path_under_a_regular_file_is_refused_before_the_load(self):
        plan = self.plan_with_marker()
        blocker = self.write("blocker", "a file, not a folder\n")
        out = os.path.join(blocker, "out")
        r = harness.run(["run", plan, "--report", out], timeout=60)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn(out, r.stderr)
        self.assertIn("Not a directory", r.stderr)
        self.assertFalse(os.path.exists(self.marker), "a service was started")

    def test_an_existing_folder_that_cannot_be_written_is_refused_before_the_load(self):
        plan = self.plan_with_marker()
        os.makedirs(self.out)
        undo = self.make_read_only(self.out)
        try:
            r = harness.run(["run", plan, "--report", self.out], timeout=60)
        finally:
            undo()  # before tearDown removes the temp folder
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn(self.out, r.stderr)
        self.assertIn("cannot be written", r.stderr)
        self.assertTrue("Operation not permitted" in r.stderr or "Permission denied" in r.stderr, r.stderr)
        self.assertFalse(os.path.exists(self.marker), "a service was started")
        self.assertEqual(os.listdir(self.out), [])

    def make_read_only(self, path):
        """Makes `path` unwritable and returns what undoes it. root ignores permission bits but
        not the immutable attribute; others get chmod."""
        if os.geteuid() != 0:
            os.chmod(path, 0o555)
            return lambda: os.chmod(path, 0o755)
        if shutil.which("chattr") is None:
            self.skipTest("running as root without chattr: cannot make a folder unwritable")
        r = subprocess.run(["chattr", "+i", path], capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest("chattr +i is not supported here: " + r.stderr.strip())
        return lambda: subprocess.run(["chattr", "-i", path], check=True)


class ReportFolderLock(ChecksTest):
    def test_a_second_run_into_the_same_folder_is_refused_naming_the_first(self):
        port = harness.free_port()
        demo = harness.start_demo(self, port)
        try:
            self.run_twice_into_one_folder(port)
        finally:
            demo.terminate()
            demo.wait(timeout=10)

    def run_twice_into_one_folder(self, port):
        plan = self.write_plan(plan_doc("http://127.0.0.1:%d" % port, duration="4s"))
        lock = os.path.join(self.out, ".stressplan.lock")
        with harness.BackgroundRun(["run", plan, "--report", self.out, "--quiet"], self.tmp) as first:
            harness.wait_until(lambda: os.path.exists(lock) and read_text(lock).strip(), 20,
                               what="the first run's lock file")
            self.assertEqual(read_text(lock).strip(), str(first.proc.pid))
            second = harness.run(["run", plan, "--report", self.out], timeout=60)
            self.assertEqual(second.returncode, 3, second.stdout + second.stderr)
            self.assertIn("in use by another stressplan run (pid %d" % first.proc.pid, second.stderr)
            self.assertTrue(first.alive(), "the second run must not disturb the first")
            self.assertEqual(first.wait(60), 0, first.output())
        # The first run's report is its own, and the lock is gone with it.
        report = harness.read_json(os.path.join(self.out, "report.json"))
        self.assertEqual(report["summary"]["status"], "completed")
        self.assertFalse(os.path.exists(lock))
        # The folder is free again.
        third = harness.run(["run", plan, "--report", self.out, "--duration", "1s"], timeout=60)
        self.assertEqual(third.returncode, 0, third.stdout + third.stderr)


if __name__ == "__main__":
    unittest.main()
