"""The installed package: `cmake --install` to a temporary prefix, build the example plugin
(examples/ndjson_reporter, plain C) out of tree with find_package(stressplan), and run a plan
that uses it with the installed binary - which must find its own plugins and the demo."""
import json
import os
import subprocess
import unittest

import harness

BUILD_DIR = os.environ.get("STRESSPLAN_BUILD_DIR", "")

PLAN = """\
target: {plugin: http, base_url: "http://127.0.0.1:${DEMO_PORT}"}
scenarios:
  - name: hook
    requests: [{name: send, method: POST, path: /webhook, body: '{"update_id": 7}'}]
profile: short
profiles: {short: {stages: [{duration: 2s, users: 4}]}}
services:
  - name: demo
    command: ["${STRESSPLAN_BIN_DIR}/stressplan-demo", "--port", "${DEMO_PORT}"]
    health: "http://127.0.0.1:${DEMO_PORT}/health"
reporters:
  - {plugin: ndjson, path: run.ndjson}
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


if __name__ == "__main__":
    unittest.main()
