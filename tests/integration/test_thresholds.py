"""Thresholds decide the exit code: passing ones give 0, a failing one 1 with observed vs
expected in the report, and abort_on_fail ends the run early with the reports still written."""
import os
import time
import unittest
import xml.etree.ElementTree as ET

import harness

PLAN = """\
target: {{plugin: http, base_url: "${{TARGET_URL}}"}}
scenarios:
  - name: s
    requests:
      - {{name: ok, path: /hello}}
      - {{name: missing, path: /nothing}}
profile: p
profiles: {{p: {{stages: [{{duration: {duration}, rate: 200/s}}]}}}}
thresholds:
{thresholds}
reporters: [{{plugin: json, path: report.json}}]
"""


class Thresholds(harness.TempDirTest):
    def run_plan(self, nginx, thresholds, duration="3s"):
        plan = self.write("plan.yaml", PLAN.format(thresholds=thresholds, duration=duration))
        out = os.path.join(self.tmp, "out")
        started = time.time()
        r = harness.run(["run", plan, "--report", out], env={"TARGET_URL": nginx.url})
        took = time.time() - started
        harness.validate_report(self, os.path.join(out, "report.json"))
        return r, harness.read_json(os.path.join(out, "report.json"))["summary"], took

    def test_passing_and_failing_thresholds_decide_the_exit_code(self):
        with harness.Nginx(self.tmp) as nginx:
            r, s, _ = self.run_plan(nginx, '  - "rps > 100"\n'
                                           '  - {threshold: "error_rate == 0", request: s/ok}\n'
                                           '  - {threshold: "latency.p99 < 1s", request: s/ok}\n'
                                           '  - "errors.http_4xx > 0"\n')
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(s["thresholds_passed"])
            self.assertEqual([t["passed"] for t in s["thresholds"]], [True] * 4)
            self.assertIn("pass rps > 100", r.stdout)

            r, s, _ = self.run_plan(nginx, '  - "error_rate < 1%"\n  - "rps > 100"\n')
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            failed = s["thresholds"][0]
            self.assertFalse(failed["passed"])
            self.assertEqual(failed["expected"], "< 1%")
            self.assertAlmostEqual(failed["observed"], 0.5, delta=0.02)  # every second request 404s
            self.assertEqual(failed["observed_text"][-1], "%")
            self.assertTrue(failed["location"].endswith("plan.yaml:10:5"), failed)
            self.assertTrue(s["thresholds"][1]["passed"])
            self.assertIn("FAIL error_rate < 1%: observed", r.stdout)

    def test_abort_on_fail_stops_the_run_and_still_writes_reports(self):
        with harness.Nginx(self.tmp) as nginx:
            r, s, took = self.run_plan(
                nginx, '  - {threshold: "errors.http_4xx < 50", abort_on_fail: true}\n', duration="60s")
            served = nginx.served()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertLess(took, 20)
        self.assertEqual(s["status"], "aborted")
        self.assertIn("errors.http_4xx < 50", s["status_reason"])
        self.assertFalse(s["thresholds"][0]["passed"])
        self.assertGreaterEqual(s["thresholds"][0]["observed"], 50)
        self.assertEqual(s["requests"], served)  # drained, nothing lost
        self.assertIn("abort_on_fail", r.stderr)
        # The console says which value stopped the run and which is the whole run's.
        self.assertRegex(r.stdout, r"FAIL errors.http_4xx < 50: observed \d+ at [\d.]+s, when it stopped the run; "
                                   r"over the whole run \d+")

    def test_a_threshold_on_chaos_steps_that_did_not_run_is_reported_skipped(self):
        """recovery_time needs a fault: with --mode load, or when every step starts after the
        load's end (a run shortened by --duration), it is not judged, but stays in every report
        as skipped, exit code 0."""
        plan = self.write("chaos.yaml", CHAOS_PLAN)
        with harness.Nginx(self.tmp) as nginx:
            for mode, reason in (("load", "--mode load runs no chaos steps"),
                                 ("full", "every chaos step starts after the end of the load")):
                with self.subTest(mode=mode):
                    out = os.path.join(self.tmp, "out-" + mode)
                    r = harness.run(["run", plan, "--mode", mode, "--duration", "2s", "--report", out],
                                   env={"TARGET_URL": nginx.url})
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                    harness.validate_report(self, os.path.join(out, "report.json"))
                    s = harness.read_json(os.path.join(out, "report.json"))["summary"]
                    t = [t for t in s["thresholds"] if t["metric"] == "recovery_time"]
                    self.assertEqual(len(t), 1, s["thresholds"])
                    self.assertIsNone(t[0]["passed"])
                    self.assertTrue(t[0]["skipped"])
                    self.assertIn(reason, t[0]["skip_reason"])
                    self.assertTrue(s["thresholds_passed"])
                    self.assertIn("skip recovery_time < 10s: not judged: " + reason, r.stdout)
                    junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
                    case = [c for c in junit.iter("testcase") if c.get("name") == "recovery_time < 10s"]
                    self.assertEqual(len(case), 1)
                    self.assertIn(reason, case[0].find("skipped").get("message"))
                    with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
                        self.assertIn("skipped: " + reason, f.read())


CHAOS_PLAN = """\
target: {plugin: http, base_url: "${TARGET_URL}"}
scenarios:
  - name: s
    requests:
      - {name: ok, path: /hello}
profile: p
profiles: {p: {stages: [{duration: 12s, rate: 20/s}]}}
chaos:
  steps:
    - {name: late, at: 10s, duration: 1s, fault: command, inject: ["true"], revert: ["true"]}
thresholds:
  - "recovery_time < 10s"
  - "error_rate < 50%"
reporters:
  - {plugin: json, path: report.json}
  - {plugin: junit, path: junit.xml}
  - {plugin: html, path: report.html}
"""


if __name__ == "__main__":
    unittest.main()
