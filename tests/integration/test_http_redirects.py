"""Redirects through `stressplan run` (docs/targets/http.md "Redirects") against a private nginx
on loopback whose `return 3xx` answers are followed: each hop is a request of its own, so the
report's request count equals nginx's access-log line count; a 307 resends POST and its body;
a 301 loop ends in too_many_redirects after max_redirects + 1 requests; a redirect to another
origin and max_redirects: 0 are not followed. The same again over HTTP/2 (h2c), where every
request nginx logs must say HTTP/2.0."""
import json
import os
import unittest

import harness


class RedirectNginx(harness.Nginx):
    """harness.Nginx with redirecting locations, logging each request's method, path, status
    and length (request line, headers and body)."""

    LOG_FORMAT = "$request_method $uri $status $request_length $server_protocol $http_content_length"
    LOCATIONS = """
    location = /start { return 302 /next; }
    location = /next { return 200 "next"; }
    location = /post { absolute_redirect off; return 307 /echo; }
    location = /echo { return 200 "echo"; }
    location = /loop { return 301 /loop; }
    location = /away { return 302 http://127.0.0.2:9/elsewhere; }
"""

    def log(self):
        """(method, path, status, request_length) per request nginx served, in order."""
        return [(m, p, int(s), int(n)) for m, p, s, n, _, _ in self.fields()]

    def fields(self):
        """Every logged request's fields, as strings (a missing Content-Length is "-")."""
        with open(os.path.join(self.dir, "access.log"), encoding="utf-8") as f:
            return [line.split() for line in f if line.strip()]


class H2cRedirectNginx(RedirectNginx):
    LISTEN = "http2"


class Redirects(harness.TempDirTest):
    NGINX = RedirectNginx
    PROTOCOL = "http1"

    def run_plan(self, nginx, requests, iterations, **target):
        doc = {
            "name": "redirects",
            "target": dict({"plugin": "http", "base_url": nginx.url, "protocol": self.PROTOCOL}, **target),
            "scenarios": [{"name": "s", "requests": requests}],
            "profile": "p",
            "profiles": {"p": {"stages": [{"duration": "30s", "users": 2, "iterations": iterations}]}},
            "reporters": [{"plugin": "json", "path": "report.json"}],
        }
        plan = self.write("plan.yaml", json.dumps(doc, indent=1))
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", plan, "--report", out])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = os.path.join(out, "report.json")
        harness.validate_report(self, report)
        summary = harness.read_json(report)["summary"]
        want = "HTTP/2.0" if self.PROTOCOL == "http2" else "HTTP/1.1"
        self.assertEqual({f[4] for f in nginx.fields()}, {want})
        return summary, {s["name"]: s for s in summary["requests_by_name"]}

    def test_each_hop_is_a_request_and_307_keeps_post_and_body(self):
        with self.NGINX(self.tmp) as nginx:
            summary, steps = self.run_plan(nginx, [
                {"name": "start", "path": "/start", "checks": [{"status": 200}]},
                {"name": "post", "method": "POST", "path": "/post", "body": '{"order": 42}',
                 "checks": [{"status": 200}]},
                {"name": "away", "path": "/away", "checks": [{"status": 302}]},
            ], iterations=10)
            log = nginx.log()
        self.assertEqual(summary["requests"], len(log))
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
        paths = [p for _, p, _, _ in log]
        iterations = paths.count("/away")
        self.assertGreaterEqual(iterations, 10)
        for path in ("/start", "/next", "/post", "/echo"):
            self.assertEqual(paths.count(path), iterations, path)
        self.assertNotIn("/elsewhere", paths)  # another origin: not followed
        self.assertEqual(steps["s/start"]["requests"], 2 * iterations)
        self.assertEqual(steps["s/start"]["redirects"], iterations)
        self.assertEqual(steps["s/post"]["requests"], 2 * iterations)
        self.assertEqual(steps["s/post"]["redirects"], iterations)
        self.assertEqual(steps["s/away"]["requests"], iterations)
        self.assertEqual(steps["s/away"]["redirects"], 0)
        self.assertEqual(summary["status_codes"].get("302"), 2 * iterations)  # /start and /away
        self.assertEqual(summary["status_codes"].get("307"), iterations)
        # 302 -> GET; 307 -> the same method and body (its Content-Length, 13 bytes).
        self.assertEqual({m for m, p, _, _ in log if p == "/next"}, {"GET"})
        self.assertEqual({(f[0], f[5]) for f in nginx.fields() if f[1] in ("/post", "/echo")},
                         {("POST", "13")})
        if self.PROTOCOL == "http1":
            # "/echo" is as long as "/post", so the resent request has exactly the original's
            # length. (Over HTTP/2 header compression makes the second request shorter.)
            posts = {n for m, p, _, n in log if p == "/post" and m == "POST"}
            echoes = {n for m, p, _, n in log if p == "/echo" and m == "POST"}
            self.assertEqual(len(posts), 1, log[:6])
            self.assertEqual(echoes, posts)
        self.assertEqual(len([1 for m, p, _, _ in log if p == "/echo" and m == "POST"]), iterations)

    def test_a_loop_ends_in_too_many_redirects_after_max_plus_one_requests(self):
        with self.NGINX(self.tmp) as nginx:
            summary, steps = self.run_plan(nginx, [{"name": "loop", "path": "/loop"}], iterations=5,
                                           max_redirects=3)
            log = nginx.log()
        self.assertEqual(summary["requests"], len(log))
        failed = summary["errors_by_type"]["too_many_redirects"]
        self.assertGreaterEqual(failed, 5)
        self.assertEqual(len(log), 4 * failed)  # 1 + max_redirects requests each
        self.assertEqual(summary["errors"], failed)
        self.assertEqual(steps["s/loop"]["redirects"], 3 * failed)
        self.assertEqual({(p, s) for _, p, s, _ in log}, {("/loop", 301)})

    def test_max_redirects_0_does_not_follow(self):
        with self.NGINX(self.tmp) as nginx:
            summary, steps = self.run_plan(nginx, [
                {"name": "start", "path": "/start", "checks": [{"status": 302}]},
                {"name": "loop", "path": "/loop", "max_redirects": 1},
            ], iterations=4, max_redirects=0)
            log = nginx.log()
        self.assertEqual(summary["requests"], len(log))
        paths = [p for _, p, _, _ in log]
        self.assertNotIn("/next", paths)
        starts = paths.count("/start")
        self.assertGreaterEqual(starts, 4)
        self.assertEqual(steps["s/start"]["requests"], starts)
        self.assertEqual(steps["s/start"]["redirects"], 0)
        # The step's own max_redirects: 1 overrides the target's 0.
        self.assertEqual(paths.count("/loop"), 2 * starts)
        self.assertEqual(summary["errors_by_type"]["too_many_redirects"], starts)


class H2cRedirects(Redirects):
    """Every case again with protocol: http2 over prior-knowledge h2c."""
    NGINX = H2cRedirectNginx
    PROTOCOL = "http2"


if __name__ == "__main__":
    unittest.main()
