"""The load engine against real servers on loopback: the open and closed models follow their
schedules, every request is counted exactly once (the report equals nginx's access log),
dropped starts are reported, and latency is corrected for coordinated omission."""
import os
import signal
import threading
import time
import unittest

import harness

PLAN = """\
target:
  plugin: http
  base_url: "${{TARGET_URL}}"
{target_extra}
scenarios:
  - name: hello
    think_time: {think}
    requests: [{request}]
profile: p
profiles:
  p:
    stages:
{stages}
workers: {workers}
reporters: [{{plugin: json, path: report.json}}]
"""


class LoadEngine(harness.TempDirTest):
    def run_plan(self, url, stages, think="0s", workers=2, target_extra="",
                 request="{name: get, path: /hello}", expect=0, extra=()):
        plan = self.write("plan.yaml", PLAN.format(stages=stages, think=think, workers=workers,
                                                   target_extra=target_extra, request=request))
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", plan, "--report", out, "--quiet"] + list(extra),
                        env={"TARGET_URL": url})
        report_path = os.path.join(out, "report.json")
        why = harness.read_json(report_path)["summary"] if os.path.exists(report_path) else ""
        self.assertEqual(r.returncode, expect, "%s%s\n%s" % (r.stdout, r.stderr, why))
        harness.validate_report(self, report_path)
        return harness.read_json(report_path)

    def test_open_model_10s_at_1000_per_s_issues_10000_requests_all_counted(self):
        with harness.Nginx(self.tmp) as nginx:
            report = self.run_plan(nginx.url, "      - {duration: 10s, rate: 1000/s}")
            served = nginx.served("/hello")
        s = report["summary"]
        self.assertEqual(s["requests"], served)  # exactly once, as the server saw them
        self.assertLessEqual(abs(s["requests"] - 10000), 100)  # +-1% of the schedule
        self.assertEqual(s["errors"], 0, s["errors_by_type"])
        stage = s["stages"][0]
        self.assertEqual(stage["model"], "open")
        self.assertEqual(stage["planned"]["iterations"], 10000)
        self.assertEqual(stage["achieved"]["iterations"], s["requests"])
        self.assertEqual(stage["achieved"]["dropped"], 0)
        self.assertAlmostEqual(stage["achieved"]["rate"], 1000, delta=10)
        self.assertTrue(s["trustworthy"], s["untrustworthy_reasons"])
        # Per second, the schedule holds too: starts, not completions, which a slow second on a
        # busy machine may shift into the next one.
        for snap in report["timeseries"][1:9]:
            self.assertAlmostEqual(snap["iterations_started"], 1000, delta=50, msg=snap)

    def test_open_model_ramp_follows_the_rate_line(self):
        with harness.Nginx(self.tmp) as nginx:
            report = self.run_plan(nginx.url, "      - {duration: 6s, rate: 100/s, ramp_to: 700/s}")
            served = nginx.served("/hello")
        s = report["summary"]
        self.assertEqual(s["requests"], served)
        self.assertLessEqual(abs(s["requests"] - 2400), 24)  # (100+700)/2 * 6
        per_second = [snap["iterations_started"] for snap in report["timeseries"][:6]]
        for i, n in enumerate(per_second):
            expected = 100 + 100 * i + 50  # the rate in the middle of second i
            self.assertAlmostEqual(n, expected, delta=25, msg=per_second)

    def test_closed_ramp_0_to_100_users_stays_on_the_line(self):
        with harness.Nginx(self.tmp) as nginx:
            report = self.run_plan(nginx.url, "      - {duration: 11s, users: 100, spawn_rate: 10}",
                                   think="50ms")
            served = nginx.served("/hello")
        s = report["summary"]
        self.assertEqual(s["requests"], served)
        for snap in report["timeseries"]:
            if snap["elapsed_s"] >= 10:
                continue  # the run is over: the users are gone
            line = 10 * snap["elapsed_s"]
            self.assertLessEqual(abs(snap["users"]["active"] - line), 2, snap)
        self.assertEqual(s["stages"][0]["achieved"]["users_max"], 100)

    def test_a_stage_with_iterations_ends_when_they_are_done(self):
        with harness.Nginx(self.tmp) as nginx:
            report = self.run_plan(nginx.url, "      - {duration: 30s, users: 5, iterations: 300}\n"
                                              "      - {duration: 1s, users: 1}")
            served = nginx.served("/hello")
        s = report["summary"]
        first = s["stages"][0]
        self.assertEqual(first["achieved"]["iterations"], 300)
        self.assertEqual(first["requests"], 300)
        self.assertLess(first["duration_s"], 10)  # it did not wait for its 30s
        self.assertEqual(s["requests"], served)
        self.assertEqual(len(s["stages"]), 2)

    def test_starts_beyond_max_concurrency_are_dropped_counted_and_flagged(self):
        port = harness.free_port()
        demo = harness.start_demo(self, port, "--latency", "100")
        try:
            report = self.run_plan("http://127.0.0.1:%d" % port,
                                   "      - {duration: 3s, rate: 100/s, max_concurrency: 2}",
                                   workers=1, expect=4,
                                   request='{name: hook, method: POST, path: /webhook, body: \'{"update_id": 1}\'}')
        finally:
            stats = harness.stop_demo(demo)
        s = report["summary"]
        stage = s["stages"][0]
        dropped = stage["achieved"]["dropped"]
        started = stage["achieved"]["iterations"]
        self.assertGreater(dropped, 100)
        self.assertEqual(started + dropped, 300)  # every planned start accounted for
        self.assertFalse(s["trustworthy"])
        self.assertTrue(any("dropped" in r for r in s["untrustworthy_reasons"]), s["untrustworthy_reasons"])
        self.assertEqual(s["requests"], stats["by_path"]["/webhook"])

    def test_coordinated_omission_a_stalled_server_shows_in_latency_not_service_time(self):
        with harness.Nginx(self.tmp) as nginx:
            def signal_all(pids, sig):
                for pid in pids:
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass  # the run already ended (and failed its own assertions)

            def stall():
                time.sleep(2.5)
                pids = nginx.pids()
                signal_all(pids, signal.SIGSTOP)
                time.sleep(1.0)
                signal_all(pids, signal.SIGCONT)
            t = threading.Thread(target=stall)
            t.start()
            # 10 connections carry 500 arrivals a second: during the stall, new arrivals wait
            # for a connection inside the generator - as in wrk2.
            report = self.run_plan(nginx.url, "      - {duration: 6s, rate: 500/s}", workers=1,
                                   target_extra="  max_connections: 10")
            t.join()
            served = nginx.served("/hello")
        s = report["summary"]
        self.assertEqual(s["requests"], served)
        self.assertEqual(s["errors"], 0, s["errors_by_type"])
        corrected = s["latency_ms"]["p99"]
        service = s["service_time_ms"]["p99"]
        self.assertGreater(corrected, 500, s)  # the stall is in the percentiles
        self.assertLess(service, 200, s)       # plain service time hides it
        self.assertGreater(s["latency_ms"]["max"], 900)


if __name__ == "__main__":
    unittest.main()
