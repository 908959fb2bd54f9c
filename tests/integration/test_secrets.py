"""Secrets stay out of reports: values of the plan's `secrets:` variables and of credential
headers never appear in the JSON, HTML or JUnit report, though the requests carried them."""
import os
import unittest

import harness

TOKEN = "tok-9f8e7d6c5b4a-secret"

PLAN = """\
secrets: [API_TOKEN]
target:
  plugin: http
  base_url: "${TARGET_URL}"
  headers: {Authorization: "Bearer ${API_TOKEN}", Cookie: "sid=abc123session"}
scenarios:
  - name: s
    requests:
      - {name: "call ${API_TOKEN}", path: "/hello?key=${API_TOKEN}"}
profile: p
profiles: {p: {stages: [{duration: 1s, users: 2}]}}
reporters:
  - {plugin: json, path: report.json}
  - {plugin: html, path: report.html}
  - {plugin: junit, path: junit.xml}
"""


class Secrets(harness.TempDirTest):
    def test_secret_values_and_credential_headers_are_redacted(self):
        plan = self.write("plan.yaml", PLAN)
        out = os.path.join(self.tmp, "out")
        with harness.Nginx(self.tmp) as nginx:
            r = harness.run(["run", plan, "--report", out], env={"TARGET_URL": nginx.url, "API_TOKEN": TOKEN})
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with open(os.path.join(nginx.dir, "access.log")) as f:
                self.assertIn(TOKEN, f.read())  # the server did get it
        for name in ("report.json", "report.html", "junit.xml"):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                text = f.read()
            self.assertNotIn(TOKEN, text, name)
            self.assertNotIn("abc123session", text, name)
        self.assertNotIn(TOKEN, r.stdout)
        run = harness.read_json(os.path.join(out, "report.json"))["run"]
        headers = run["target"]["options"]["headers"]
        self.assertEqual(headers, {"Authorization": "[redacted]", "Cookie": "[redacted]"})
        self.assertIn("s/call [redacted]", run["target"]["requests"])
        harness.validate_report(self, os.path.join(out, "report.json"))


if __name__ == "__main__":
    unittest.main()
