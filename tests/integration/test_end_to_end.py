"""plans/full.yaml end to end, load only (--mode load; the chaos story is test_chaos.py):
the run starts the demo target and its upstream, drives load through the fault proxy, writes
the reports, stops the demo - and the report's numbers are the server's numbers, exactly."""
import json
import os
import signal
import socket
import subprocess
import time
import unittest

import harness


class EndToEnd(harness.TempDirTest):
    def run_full(self, *extra, expect=0):
        report_dir = os.path.join(self.tmp, "out")
        r = harness.run(["run", os.path.join(harness.PLANS, "full.yaml"), "--mode", "load", "--report", report_dir]
                        + list(extra), env=harness.full_plan_ports())
        self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        return r, report_dir

    def test_report_counts_equal_what_the_demo_served(self):
        r, out = self.run_full("--users", "20", "--duration", "3s")
        report = harness.read_json(os.path.join(out, "report.json"))
        harness.validate_report(self, os.path.join(out, "report.json"))
        summary = report["summary"]
        stats = harness.demo_final_stats(os.path.join(out, "services", "demo.log"))
        self.assertGreater(summary["requests"], 100)
        self.assertEqual(summary["requests"], stats["by_path"]["/webhook"])
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
        self.assertEqual(summary["status_codes"], {"200": summary["requests"]})
        self.assertEqual(summary["status"], "completed")
        lat = summary["latency_ms"]
        self.assertLessEqual(lat["min"], lat["p50"])
        self.assertLessEqual(lat["p50"], lat["p95"])
        self.assertLessEqual(lat["p95"], lat["p99"])
        self.assertLessEqual(lat["p99"], lat["max"])
        names = {s["name"]: s["requests"] for s in summary["requests_by_name"]}
        self.assertEqual(sum(names.values()), summary["requests"])
        # Weights 8:2 between the scenarios; "command" has two steps.
        self.assertGreater(names["message/send"], names["command/start"])
        self.assertGreater(summary["throughput_rps"], 0)
        self.assertGreaterEqual(len(report["timeseries"]), 3)
        self.assertEqual(sum(s["requests"] for s in report["timeseries"]), summary["requests"])
        # The console summary went to stdout.
        self.assertIn("requests", r.stdout)
        self.assertIn("pass error_rate < 40%", r.stdout)
        self.assertEqual(summary["mode"], "load")
        self.assertEqual(summary["experiments"], [])
        self.assertTrue(summary["thresholds_passed"])
        # All three reports: the JUnit one as Jenkins reads it, the HTML one self-contained.
        harness.validate_junit(self, os.path.join(out, "junit.xml"))
        with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
            html = f.read()
        self.assertIn("webhook-demo", html)
        self.assertNotIn("http://", html.replace("http://www.w3.org/2000/svg", ""))

    def test_profile_stages_are_followed(self):
        _, out = self.run_full("--profile", "spike", "--set", "profiles.spike.stages.0.duration=2s",
                               "--set", "profiles.spike.stages.1.duration=3s",
                               "--set", "profiles.spike.stages.2.duration=2s", "--quiet")
        report = harness.read_json(os.path.join(out, "report.json"))
        self.assertEqual(report["run"]["plan"]["profile"], "spike")
        planned = [s["users"]["planned"] for s in report["timeseries"]]
        self.assertIn(100, planned)
        self.assertEqual(planned[0], 5)
        active_peak = max(s["users"]["active"] for s in report["timeseries"])
        self.assertEqual(active_peak, 100)

    def interrupt_run(self, sig, after_s, *extra):
        """Starts a long run, sends `sig` after `after_s`, returns (port, out dir, stdout, stderr)."""
        ports = harness.full_plan_ports()
        port = int(ports["DEMO_PORT"])
        out = os.path.join(self.tmp, "out")
        env = dict(os.environ, **ports)
        p = subprocess.Popen([harness.STRESSPLAN, "run", os.path.join(harness.PLANS, "full.yaml"), "--mode", "load",
                              "--report", out, "--duration", "60s"] + list(extra),
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(after_s)
        p.send_signal(sig)
        stdout, stderr = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 130, stdout + stderr)
        return port, out, stdout, stderr

    def test_sigint_drains_writes_reports_and_stops_the_demo(self):
        port, out, _, _ = self.interrupt_run(signal.SIGINT, 3, "--users", "10")
        harness.validate_report(self, os.path.join(out, "report.json"))
        summary = harness.read_json(os.path.join(out, "report.json"))["summary"]
        self.assertEqual(summary["status"], "interrupted")
        self.assertEqual(summary["status_reason"], "SIGINT")
        self.assertLess(summary["duration_s"], 20)
        stats = harness.demo_final_stats(os.path.join(out, "services", "demo.log"))
        self.assertEqual(summary["requests"], stats["by_path"]["/webhook"])
        # The demo is gone: its port no longer answers.
        with socket.socket() as s:
            self.assertNotEqual(s.connect_ex(("127.0.0.1", port)), 0)

    def test_sigterm_behaves_like_sigint(self):
        _, out, stdout, _ = self.interrupt_run(signal.SIGTERM, 2.5, "--users", "5", "--quiet")
        summary = harness.read_json(os.path.join(out, "report.json"))["summary"]
        self.assertEqual(summary["status_reason"], "SIGTERM")
        self.assertEqual(stdout, "")  # --quiet

    def test_a_third_signal_exits_at_once_and_the_services_still_stop(self):
        ports = harness.full_plan_ports()
        out = os.path.join(self.tmp, "out")
        p = subprocess.Popen([harness.STRESSPLAN, "run", os.path.join(harness.PLANS, "full.yaml"), "--mode", "load",
                              "--report", out, "--duration", "60s", "--users", "20", "--quiet"],
                             env=dict(os.environ, **ports), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2.5)
        for _ in range(3):
            p.send_signal(signal.SIGINT)
            time.sleep(0.01)
        _, stderr = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 130, stderr)
        # Three signals within 30 ms come while the run is still stopping its services.
        self.assertIn("received a third time: exiting now; reports are not written", stderr)
        # The demo and its upstream die with the run (parent-death signal), reports or not.
        deadline = time.time() + 10
        while time.time() < deadline:
            alive = []
            for port in (ports["DEMO_PORT"], ports["LLM_PORT"]):
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", int(port))) == 0:
                        alive.append(port)
            if not alive:
                break
            time.sleep(0.1)
        self.assertEqual(alive, [])

    def test_telegram_plan_runs_clean_with_checks_captures_and_rules(self):
        port = harness.free_port()
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", os.path.join(harness.PLANS, "telegram_webhook.yaml"), "--report", out,
                         "--duration", "3s", "--users", "10", "--quiet"], env={"DEMO_PORT": str(port)})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        harness.validate_report(self, os.path.join(out, "report.json"))
        summary = harness.read_json(os.path.join(out, "report.json"))["summary"]
        self.assertGreater(summary["requests"], 50)
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
        self.assertEqual(summary["failed_checks"], {})
        self.assertGreater(summary["events"].get("echo_reply", 0), 0)
        stats = harness.demo_final_stats(os.path.join(out, "services", "demo.log"))
        self.assertEqual(summary["requests"], stats["by_path"]["/webhook"])

    def test_a_service_killed_after_its_stop_timeout_is_a_warning(self):
        # The demo stops on SIGTERM; "stubborn" ignores it and is SIGKILLed after 300 ms. The
        # run's verdict is unchanged, but stderr says which service lost its way out.
        port = harness.free_port()
        demo = os.path.join(os.path.dirname(harness.STRESSPLAN), "stressplan-demo")
        plan = self.write("plan.yaml", json.dumps({
            "name": "stop-timeout",
            "target": {"plugin": "http", "base_url": "http://127.0.0.1:%d" % port},
            "scenarios": [{"name": "s", "requests": [{"name": "health", "path": "/health"}]}],
            "profile": "p",
            "profiles": {"p": {"stages": [{"duration": "1s", "users": 2}]}},
            "services": [
                {"name": "demo", "command": [demo, "--port", str(port)],
                 "health": "http://127.0.0.1:%d/health" % port},
                {"name": "stubborn", "command": ["sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"],
                 "stop_timeout": "300ms"},
            ],
            "reporters": [{"plugin": "json", "path": "report.json"}],
        }, indent=1))
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", plan, "--report", out])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        warnings = [l for l in r.stderr.splitlines() if "warning:" in l]
        self.assertEqual(len(warnings), 1, r.stderr)
        self.assertIn("service 'stubborn'", warnings[0])
        self.assertIn("stop_timeout of 0.3 s", warnings[0])
        self.assertIn("SIGKILL", warnings[0])
        self.assertIn(os.path.join(out, "services", "stubborn.log"), warnings[0])

    def test_unreachable_target_is_a_runtime_error(self):
        port = harness.free_port()
        r = harness.run(["run", os.path.join(harness.PLANS, "full.yaml"), "--env", "external",
                         "--report", self.tmp, "--duration", "1s"],
                        env=dict(harness.full_plan_ports(), DEMO_PORT=str(port)))
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("not reachable", r.stderr)
        self.assertIn("127.0.0.1:%d" % port, r.stderr)


if __name__ == "__main__":
    unittest.main()
