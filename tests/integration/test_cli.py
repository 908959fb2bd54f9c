"""The command line as a user meets it: exit codes, located errors for bad plans, flags and
plugins, and `stressplan plugins`. Nothing here sends load."""
import os
import re
import unittest

import harness

GOOD = """\
target: {plugin: http, base_url: "http://127.0.0.1:1"}
scenarios:
  - name: s
    requests: [{name: r, path: /}]
profile: smoke
profiles: {smoke: {stages: [{duration: 1s, users: 1}]}}
"""


class Cli(harness.TempDirTest):
    def test_version_and_help(self):
        r = harness.run(["version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"stressplan \d+\.\d+\.\d+ \(plugin ABI 1\.\d+\)")
        r = harness.run(["run", "--help"])
        self.assertEqual(r.returncode, 0)
        for flag in ("--profile", "--users", "--duration", "--spawn-rate", "--host", "--report",
                     "--env", "--set", "--quiet", "--mode"):
            self.assertIn(flag, r.stdout)

    def test_each_command_helps_with_its_own_exit_codes(self):
        r = harness.run(["version", "--help"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("usage: stressplan version", r.stdout)
        self.assertNotRegex(r.stdout, r"stressplan \d+\.\d+\.\d+ \(plugin ABI")  # help, not the version
        r = harness.run(["version", "--bogus"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--bogus", r.stderr)
        # run's codes belong to run; the others say what theirs mean.
        run_only = ("4 untrustworthy", "130 interrupted", "1 thresholds")
        codes = {"run": run_only,
                 "validate": ("0 the plan is valid", "2 it is not"),
                 "plugins": ("0 every plugin file loaded", "3 a plugin file could not be loaded"),
                 "recover": ("0 nothing left to recover", "3 a fault could not be recovered",
                             "a plugin not on the plugin path")}
        for command, expected in codes.items():
            with self.subTest(command=command):
                r = harness.run([command, "--help"])
                self.assertEqual(r.returncode, 0, r.stderr)
                footer = r.stdout[r.stdout.index("Exit codes:"):]
                for text in expected:
                    self.assertIn(text, " ".join(footer.split()))
                if command != "run":
                    for text in run_only:
                        self.assertNotIn(text, footer)

    def test_unknown_command_and_flag(self):
        r = harness.run(["rnu"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'rnu'", r.stderr)
        r = harness.run(["run", self.write("p.yaml", GOOD), "--prfile", "x"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--prfile", r.stderr)
        self.assertIn("did you mean --profile", r.stderr)
        r = harness.run(["run", self.write("p.yaml", GOOD), "--users", "many"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--users", r.stderr)
        r = harness.run(["run", self.write("p.yaml", GOOD), "--mode", "stress"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--mode", r.stderr)

    def test_valid_plan_validates(self):
        r = harness.run(["validate", self.write("p.yaml", GOOD)])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("valid", r.stdout)

    def test_shipped_plans_validate(self):
        """Every plan in plans/ (CI runs them: docs/ci.md), and plans/baseline.yaml in each of its
        environments and profiles."""
        plans = sorted(n for n in os.listdir(harness.PLANS) if n.endswith(".yaml"))
        self.assertIn("baseline.yaml", plans)
        for name in plans:
            r = harness.run(["validate", os.path.join(harness.PLANS, name)])
            self.assertEqual(r.returncode, 0, name + ": " + r.stderr)
        baseline = os.path.join(harness.PLANS, "baseline.yaml")
        staging = {"STAGING_URL": "https://bot.example.com", "WEBHOOK_SECRET": "s3cret-value"}
        for env in ("demo", "staging"):
            for profile in ("baseline", "smoke", "soak"):
                r = harness.run(["validate", baseline, "--env", env, "--profile", profile], env=staging)
                self.assertEqual(r.returncode, 0, "%s %s: %s" % (env, profile, r.stderr))

    def test_plan_errors_are_located(self):
        cases = [
            # (plan text, expected fragments of the error)
            (GOOD.replace("profile: smoke", "profile: smok"), [":5:10", "smok", "did you mean", "smoke"]),
            (GOOD.replace("name: s\n", "name: s\n    wieght: 2\n"), [":4:5", "wieght", "weight"]),
            (GOOD.replace("duration: 1s", "duration: -1s"), [":6:", "duration"]),
            (GOOD.replace("duration: 1s", "duration: 0s"), [":6:", "duration"]),
            (GOOD + "profile: again\n", [":7:1", "duplicate key", "profile", "line 5, column 1"]),
            (GOOD.replace("name: s\n", "name: s\n    weight: 0\n"), ["weight"]),
            (GOOD.replace("users: 1", "users: lots"), [":6:", "users"]),
        ]
        for text, fragments in cases:
            path = self.write("bad.yaml", text)
            r = harness.run(["validate", path])
            self.assertEqual(r.returncode, 2, text + r.stderr)
            self.assertIn(path, r.stderr)
            for f in fragments:
                self.assertIn(f, r.stderr, "plan:\n%s\nstderr:\n%s" % (text, r.stderr))

    def test_plugin_option_errors_are_located(self):
        text = GOOD.replace('base_url: "http://127.0.0.1:1"', 'base_url: "http://127.0.0.1:1", conect_timeout: 2s')
        path = self.write("p.yaml", text)
        r = harness.run(["validate", path])
        self.assertEqual(r.returncode, 2)
        self.assertIn(path + ":1:", r.stderr)
        self.assertIn("conect_timeout", r.stderr)
        self.assertIn("connect_timeout", r.stderr)  # did you mean
        text = GOOD.replace("{name: r, path: /}", "{name: r, path: /, method: 'GE T'}")
        path = self.write("p2.yaml", text)
        r = harness.run(["validate", path])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(path + ":4:", r.stderr)
        self.assertIn("method", r.stderr)

    def test_unknown_plugin(self):
        path = self.write("p.yaml", GOOD.replace("plugin: http", "plugin: htp"))
        r = harness.run(["validate", path])
        self.assertEqual(r.returncode, 2)
        self.assertIn(path + ":1:", r.stderr)
        self.assertIn("no plugin named 'htp'", r.stderr)
        self.assertIn("http", r.stderr)

    def test_broken_plugins_stop_the_run_naming_the_file(self):
        for fixture, why in [("wrong_major", "built for plugin ABI 2.0"),
                             ("no_entry", "has no entry symbol"),
                             ("malformed", "malformed descriptor"),
                             ("failing_init", "init failed")]:
            path = self.write("p.yaml", GOOD + "reporters: [{plugin: %s}]\n" % fixture)
            r = harness.run(["run", path, "--plugin-path", harness.FIXTURE_DIR, "--report", self.tmp])
            self.assertEqual(r.returncode, 2, fixture + r.stderr)
            self.assertIn(os.path.join(harness.FIXTURE_DIR, "stressplan-%s.so" % fixture), r.stderr)
            self.assertIn(why, r.stderr)

    def test_kind_mismatch(self):
        path = self.write("p.yaml", GOOD.replace("plugin: http", "plugin: json"))
        r = harness.run(["validate", path])
        self.assertEqual(r.returncode, 2)
        self.assertIn("reporter plugin, not a target plugin", r.stderr)

    def test_plugins_lists_name_kind_versions_file_and_options(self):
        r = harness.run(["plugins"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"http\s+\(target plugin, version [\d.]+, ABI 1\.\d+\)")
        self.assertRegex(r.stdout, r"json\s+\(reporter plugin, version [\d.]+, ABI 1\.\d+\)")
        self.assertIn("stressplan-http.so", r.stdout)
        self.assertIn("base_url", r.stdout)
        self.assertIn("request options", r.stdout)
        # Broken plugins on the path are listed with their reason, and the exit code says so.
        r = harness.run(["plugins"], env={"STRESSPLAN_PLUGIN_PATH": harness.FIXTURE_DIR})
        self.assertEqual(r.returncode, 3)
        self.assertIn("c_counter", r.stdout)
        self.assertIn("built for plugin ABI 2.0", r.stdout)


if __name__ == "__main__":
    unittest.main()
