"""Parallel workloads against nginx on loopback: a profile of two workloads (closed browsing
users and an open arrival rate that starts later) runs both on the same load threads, and the
JSON report gives each workload's counts, which add up to the run's and equal what nginx
served for each workload's path; a workload-scoped threshold judges its workload only; the
JUnit file has a testcase per workload and still validates."""
import os
import unittest
import xml.etree.ElementTree as ET

import harness

PLAN = """\
target:
  plugin: http
  base_url: "${TARGET_URL}"
scenarios:
  - {name: browse, think_time: 50ms, requests: [{name: page, path: /hello/browse}]}
  - {name: api, requests: [{name: call, path: /hello/api}]}
profile: shop
profiles:
  shop:
    workloads:
      browsing: {scenarios: [browse], stages: [{duration: 4s, users: 5}]}
      api:
        scenarios: [api]
        start: 1s
        stages: [{duration: 2s, rate: 100/s}]
        thresholds: ["requests < 250"]
thresholds:
  - {threshold: "requests > 250", workload: browsing}
workers: 2
reporters:
  - {plugin: json, path: report.json}
  - {plugin: junit, path: junit.xml}
"""


class Workloads(harness.TempDirTest):
    def test_two_workloads_run_at_once_and_are_reported_each_and_together(self):
        plan = self.write("plan.yaml", PLAN)
        out = os.path.join(self.tmp, "out")
        with harness.Nginx(self.tmp) as nginx:
            r = harness.run(["run", plan, "--report", out, "--quiet"], env={"TARGET_URL": nginx.url})
            browse_served = nginx.served("/hello/browse")
            api_served = nginx.served("/hello/api")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report_path = os.path.join(out, "report.json")
        harness.validate_report(self, report_path)
        s = harness.read_json(report_path)["summary"]
        by_name = {w["name"]: w for w in s["workloads"]}
        self.assertEqual(list(by_name), ["browsing", "api"])
        browsing, api = by_name["browsing"], by_name["api"]
        # Each workload's count is what the server saw on its path; together, the run's.
        self.assertEqual(browsing["requests"], browse_served)
        self.assertEqual(api["requests"], api_served)
        self.assertEqual(s["requests"], browse_served + api_served)
        self.assertEqual(s["errors"], 0, s["errors_by_type"])
        # The open workload kept its own schedule from its own start.
        self.assertLessEqual(abs(api["requests"] - 200), 4)
        self.assertEqual(api["dropped"], 0)
        self.assertEqual(api["start_s"], 1.0)
        self.assertAlmostEqual(api["throughput_rps"], 100, delta=10)
        self.assertGreater(browsing["requests"], 250)  # 5 users for 4 s at ~50 ms a round
        # Stages are numbered across the workloads.
        self.assertEqual([(st["index"], st["workload"]) for st in s["stages"]], [(0, "browsing"), (1, "api")])
        self.assertAlmostEqual(s["stages"][1]["started_s"], 1.0, delta=0.1)
        self.assertAlmostEqual(s["duration_s"], 4.0, delta=1.0)
        # Both thresholds pass only when each judges its own workload.
        self.assertTrue(s["thresholds_passed"], s["thresholds"])
        self.assertEqual([t["scope"] for t in s["thresholds"]], ["workload browsing", "workload api"])
        self.assertEqual(s["thresholds"][1]["observed"], api["requests"])

        junit = os.path.join(out, "junit.xml")
        harness.validate_junit(self, junit)
        cases = ET.parse(junit).getroot().iter("testcase")
        workloads = [c.get("name") for c in cases if c.get("classname") == "plan.workloads"]
        self.assertEqual(workloads, ["browsing", "api"])


if __name__ == "__main__":
    unittest.main()
