"""The installed package: `cmake --install` to a temporary prefix, build the example plugins
(examples/ndjson_reporter and examples/flag_file_fault, plain C) out of tree with
find_package(stressplan), and run plans that use them with the installed binary - which must
find its own plugins and the demo. The fault example is also killed with -9 while its fault is
in, and `stressplan recover` undoes it from the journal, as docs/plugins.md walks through."""
import json
import os
import signal
import subprocess
import time
import unittest

import harness

BUILD_DIR = os.environ.get("STRESSPLAN_BUILD_DIR", "")

# The demo behind a short load; LENGTH (default 2s) sets the load's duration.
HEAD = """\
target: {plugin: http, base_url: "http://127.0.0.1:${DEMO_PORT}"}
scenarios:
  - name: hook
    requests: [{name: send, method: POST, path: /webhook, body: '{"update_id": 7}'}]
profile: short
profiles: {short: {stages: [{duration: "${LENGTH:-2s}", users: 4}]}}
services:
  - name: demo
    command: ["${STRESSPLAN_BIN_DIR}/stressplan-demo", "--port", "${DEMO_PORT}"]
    health: "http://127.0.0.1:${DEMO_PORT}/health"
"""

PLAN = HEAD + """\
reporters:
  - {plugin: ndjson, path: run.ndjson}
  - {plugin: json, path: report.json}
"""

FAULT_PLAN = HEAD + """\
chaos:
  recovery: {windows: 1, deadline: 2s, baseline: 1s}
  steps:
    - name: maintenance
      at: 1s
      duration: ${FAULT_LENGTH}
      fault: flag_file
      path: maintenance.flag
      content: "down for maintenance"
reporters:
  - {plugin: json, path: report.json}
"""


class Install(harness.TempDirTest):
    def sh(self, *cmd, **kw):
        r = subprocess.run(list(cmd), capture_output=True, text=True, timeout=600, **kw)
        self.assertEqual(r.returncode, 0, " ".join(cmd) + "\n" + r.stdout + r.stderr)
        return r

    def test_out_of_tree_plugin_against_the_installed_package(self):
        prefix = os.path.join(self.tmp, "prefix")
        self.sh("cmake", "--install", BUILD_DIR, "--prefix", prefix)
        stressplan = os.path.join(prefix, "bin", "stressplan")
        self.assertTrue(os.path.exists(os.path.join(prefix, "include", "stressplan", "plugin.h")))

        plugin_build = os.path.join(self.tmp, "ndjson-build")
        self.sh("cmake", "-S", os.path.join(harness.SOURCE_DIR, "examples", "ndjson_reporter"),
                "-B", plugin_build, "-G", "Ninja", "-DCMAKE_PREFIX_PATH=" + prefix)
        self.sh("cmake", "--build", plugin_build)
        self.assertTrue(os.path.exists(os.path.join(plugin_build, "stressplan-ndjson.so")))

        env = dict(os.environ, DEMO_PORT=str(harness.free_port()))
        env.pop("STRESSPLAN_BIN_DIR", None)
        r = self.sh(stressplan, "plugins", "--plugin-path", plugin_build, env=env)
        self.assertIn("ndjson  (reporter plugin, version 1.0.0", r.stdout)
        self.assertIn(os.path.join(prefix, "lib"), r.stdout)  # the installed built-ins

        plan = self.write("plan.yaml", PLAN)
        out = os.path.join(self.tmp, "out")
        self.sh(stressplan, "run", plan, "--plugin-path", plugin_build, "--report", out, "--quiet", env=env)
        with open(os.path.join(out, "run.ndjson")) as f:
            docs = [json.loads(line) for line in f]
        kinds = [d["type"] for d in docs]
        self.assertEqual(kinds[0], "run_start")
        self.assertEqual(kinds[-1], "summary")
        self.assertIn("snapshot", kinds)
        summary = harness.read_json(os.path.join(out, "report.json"))["summary"]
        self.assertEqual(docs[-1]["requests"], summary["requests"])
        self.assertGreater(summary["requests"], 0)

    def test_out_of_tree_fault_plugin_with_journal_and_recover(self):
        prefix = os.path.join(self.tmp, "prefix")
        self.sh("cmake", "--install", BUILD_DIR, "--prefix", prefix)
        stressplan = os.path.join(prefix, "bin", "stressplan")
        plugin_build = os.path.join(self.tmp, "flag-build")
        self.sh("cmake", "-S", os.path.join(harness.SOURCE_DIR, "examples", "flag_file_fault"),
                "-B", plugin_build, "-G", "Ninja", "-DCMAKE_PREFIX_PATH=" + prefix)
        self.sh("cmake", "--build", plugin_build)
        env = dict(os.environ, DEMO_PORT=str(harness.free_port()))
        env.pop("STRESSPLAN_BIN_DIR", None)
        r = self.sh(stressplan, "plugins", "--plugin-path", plugin_build, env=env)
        self.assertIn("flag_file  (fault plugin, version 1.0.0", r.stdout)

        # A whole run: the flag is there while the fault is in, and gone after.
        flag = os.path.join(self.tmp, "maintenance.flag")
        plan = self.write("fault-plan.yaml", FAULT_PLAN)
        out = os.path.join(self.tmp, "out")
        run_env = dict(env, LENGTH="4s", FAULT_LENGTH="1s")
        with subprocess.Popen([stressplan, "run", plan, "--plugin-path", plugin_build, "--report", out, "--quiet"],
                              env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
            seen = None
            while p.poll() is None and seen is None:
                if os.path.exists(flag):
                    with open(flag) as f:
                        seen = f.read()
                time.sleep(0.02)
            stdout, stderr = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, stdout + stderr)
        self.assertEqual(seen, "down for maintenance")
        self.assertFalse(os.path.exists(flag))
        e = harness.read_json(os.path.join(out, "report.json"))["summary"]["experiments"][0]
        self.assertTrue(e["injected"] and e["reverted"], e)

        # Killed while the fault is in: the flag stays, the journal says how to remove it.
        out = os.path.join(self.tmp, "killed")
        run_env = dict(env, LENGTH="60s", FAULT_LENGTH="50s")
        with subprocess.Popen([stressplan, "run", plan, "--plugin-path", plugin_build, "--report", out, "--quiet"],
                              env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as p:
            try:
                harness.wait_until(lambda: os.path.exists(flag), 30, what="the flag file")
            finally:
                p.send_signal(signal.SIGKILL)
                p.wait(timeout=30)
        self.assertTrue(os.path.exists(flag))
        journal = harness.read_journal(os.path.join(out, "chaos-journal.jsonl"))
        inject = [l for l in journal if l["op"] == "inject"][0]
        self.assertEqual(inject["plugin"], "flag_file")
        self.assertEqual(inject["record"], {"path": flag})
        r = self.sh(stressplan, "recover", "--report", out, "--plugin-path", plugin_build, env=env)
        self.assertIn("maintenance (flag_file): recovered", r.stdout)
        self.assertFalse(os.path.exists(flag))


if __name__ == "__main__":
    unittest.main()
