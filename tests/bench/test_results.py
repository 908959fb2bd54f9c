"""bench/results.py's verdict on the open model's cost (issue 14): open20k's CPU per request
against closed20k's, the closed model at the same rate, from uncontended runs only. Each test
writes a runs.tsv of made-up rows (the columns bench/run.sh writes) and reads the summary."""
import os
import subprocess
import sys
import tempfile
import unittest

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "results.py")
sys.path.insert(0, os.path.dirname(RESULTS))
from results import HEADER  # noqa: E402  (the columns, as bench/run.sh writes them)


def row(case, rep, status, requests, cpu_s, extra=""):
    values = {"case": case, "tool": "stressplan", "rep": str(rep), "attempt": "0", "status": status,
              "rc": "0", "rps": str(requests / 10), "requests": str(requests), "errors": "0",
              "cpu_s": str(cpu_s), "rss_kb": "13000", "wall_s": "10.5", "client_util": "0.3",
              "nginx_util": "0.3", "foreign_util": "0.00", "idle_before": "0.01", "conns_mid": "50",
              "extra": extra}
    return "\t".join(values.get(h, "") for h in HEADER)


def open_row(rep, cpu_s, status="ok"):
    return row("open20k", rep, status, 200000, cpu_s,
               "planned_requests=200000,planned_rate=20000,lateness_p50_us=4.0,dropped=0")


def closed_row(rep, cpu_s, status="ok"):
    return row("closed20k", rep, status, 199000, cpu_s, "planned_rate=20000,lateness_p50_us=4.0")


def verdicts(rows, cases="open20k closed20k"):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "runs.tsv")
        with open(path, "w") as f:
            f.write("\n".join(["\t".join(HEADER)] + rows) + "\n")
        out = subprocess.run([sys.executable, RESULTS, "summary", path, "dur=10", "open_rate=20000",
                              "cases=" + cases], check=True, capture_output=True, text=True).stdout
    return [l for l in out.splitlines() if l.startswith("- open20k against closed20k")]


class OpenCostVerdictTest(unittest.TestCase):
    def test_within_the_goal_passes_with_the_ratio_of_the_medians(self):
        # open 2.80 s / 200 000 = 14.0 us; closed medians 2.388 s / 199 000 = 12.0 us
        v = verdicts([open_row(1, 2.80), open_row(2, 2.90), open_row(3, 2.70),
                      closed_row(1, 2.388), closed_row(2, 2.5), closed_row(3, 2.2)])
        self.assertEqual(len(v), 1)
        self.assertIn("**1.17 ×**", v[0])
        self.assertIn("14.00 against 12.00 µs", v[0])
        self.assertTrue(v[0].endswith("— **PASS**"), v[0])

    def test_above_the_goal_fails(self):
        v = verdicts([open_row(1, 4.0), closed_row(1, 2.388)])  # 20.0 against 12.0 us: 1.67
        self.assertIn("**1.67 ×**", v[0])
        self.assertTrue(v[0].endswith("— **FAIL**"), v[0])

    def test_contended_runs_do_not_count(self):
        # the contended closed run (a cost of 5.0 us) would make it FAIL; only the ok one counts
        v = verdicts([open_row(1, 2.80), closed_row(1, 0.995, "contended"), closed_row(2, 2.388)])
        self.assertIn("**1.17 ×**", v[0])
        v = verdicts([open_row(1, 2.80), closed_row(1, 2.388, "contended")])
        self.assertEqual(v, ["- open20k against closed20k: NOT MEASURED (no uncontended closed20k run)"])

    def test_without_closed20k_it_says_so(self):
        v = verdicts([open_row(1, 2.80)], cases="open20k")
        self.assertEqual(v, ["- open20k against closed20k: not run (closed20k not in CASES)"])


if __name__ == "__main__":
    unittest.main()
