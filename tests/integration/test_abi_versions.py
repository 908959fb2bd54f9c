"""Plugins built against the frozen headers of every released plugin ABI (tests/abi/headers:
1.0, 1.1, 1.2, 1.3, 1.4, 1.5) in a real `stressplan run`: the version's target serves the load, its fault
is injected and reverted on the chaos timeline, its reporter receives the run's documents. The
fixtures (tests/abi/versioned) refuse option tables that do not line up with their
declarations, so a host that misread an older layout fails here. And a target whose results
are smaller than ABI 1.0's sp_result stops the run with a message that says so."""
import os
import unittest

import harness

VERSIONS = ["1_0", "1_1", "1_2", "1_3", "1_4", "1_5"]

PLAN = """\
target: {plugin: abi%(tag)s_target, status: 202, latency: 2ms, label: fixture}
scenarios:
  - name: pair
    requests:
      - {name: small, size: 2KiB}
      - {name: big, size: 3KiB, tag: second}
profile: short
profiles: {short: {stages: [{duration: 2s, users: 4}]}}
chaos:
  steps:
    - {name: flag, at: 500ms, duration: 500ms, fault: abi%(tag)s_fault, path: flag.txt, content: fault-in}
reporters:
  - {plugin: abi%(tag)s_reporter, path: documents.txt}
  - {plugin: json, path: report.json}
"""


class AbiVersions(harness.TempDirTest):
    def run_plan(self, text, name):
        plan = self.write(name + ".yaml", text)
        out = os.path.join(self.tmp, name)
        r = harness.run(["run", plan, "--plugin-path", harness.FIXTURE_DIR, "--report", out, "--quiet"])
        return r, out

    def test_every_released_abi_runs_a_plan(self):
        for tag in VERSIONS:
            with self.subTest(abi=tag):
                r, out = self.run_plan(PLAN % {"tag": tag}, "abi" + tag)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                summary = harness.read_json(os.path.join(out, "report.json"))["summary"]
                self.assertEqual(summary["status"], "completed")
                self.assertGreater(summary["requests"], 100)
                self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
                self.assertEqual(summary["status_codes"], {"202": summary["requests"]})
                # Each step's size option reached the target through its request spec.
                names = {s["name"]: s["requests"] for s in summary["requests_by_name"]}
                small, big = names["pair/small"], names["pair/big"]
                self.assertEqual(summary["bytes_received"], small * 2048 + big * 3072)
                experiment = summary["experiments"][0]
                self.assertTrue(experiment["injected"] and experiment["reverted"], experiment)
                self.assertFalse(os.path.exists(os.path.join(self.tmp, "flag.txt")))
                with open(os.path.join(out, "documents.txt")) as f:
                    counts = dict(kv.split("=") for kv in f.read().split())
                self.assertEqual(counts["run_start"], "1")
                self.assertEqual(counts["summary"], "1")
                self.assertGreaterEqual(int(counts["snapshot"]), 1)
                self.assertGreaterEqual(int(counts["event"]), 2)  # at least the inject and the revert

    def test_results_smaller_than_abi_1_0_stop_the_run(self):
        plan = (PLAN % {"tag": "1_3"}).replace("abi1_3_target", "short_result_target")
        r, out = self.run_plan(plan, "short")
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        summary = harness.read_json(os.path.join(out, "report.json"))["summary"]
        self.assertEqual(summary["status"], "aborted")
        self.assertIn("target plugin short_result_target completed a request with an sp_result whose "
                      "struct_size is 16, smaller than the 104 bytes of ABI 1.0's", summary["status_reason"])
        self.assertEqual(summary["requests"], 0)


if __name__ == "__main__":
    unittest.main()
