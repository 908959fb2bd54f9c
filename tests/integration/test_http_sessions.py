"""Sessions through `stressplan run` (docs/targets/http.md "Cookies"): a small HTTP/1.1 server in
this process sets a cookie on /login; the plan's later step must carry it back, each virtual
user its own, with no template; a cookie capture reads the same value; and the report counts
exactly the requests the server answered."""
import http.server
import json
import os
import threading
import unittest
from urllib.parse import parse_qs, urlparse

import harness


class CookieServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CookieHandler)
        self.lock = threading.Lock()
        self.seen = []  # (path, Cookie header or None, X-Sid header or None)


class CookieHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the target expects

    def do_GET(self):
        url = urlparse(self.path)
        with self.server.lock:
            self.server.seen.append((url.path, self.headers.get("Cookie"), self.headers.get("X-Sid")))
        extra = []
        if url.path == "/login":
            user = parse_qs(url.query)["u"][0]
            extra = [("Set-Cookie", "sid=u%s; Path=/; HttpOnly" % user)]
        body = b"ok"
        self.send_response(200)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Sessions(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        self.server = CookieServer()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        super().tearDown()

    def run_plan(self, **target):
        doc = {
            "name": "sessions",
            "target": dict({"plugin": "http", "base_url": "http://127.0.0.1:%d" % self.server.server_port},
                           **target),
            "scenarios": [{"name": "shop", "requests": [
                {"name": "login", "path": "/login?u={{ vu }}", "capture": {"sid": {"cookie": "sid", "default": "none"}}},
                {"name": "cart", "path": "/cart", "headers": {"X-Sid": "{{ sid }}"}},
            ]}],
            "profile": "p",
            "profiles": {"p": {"stages": [{"duration": "1s", "users": 4}]}},
            "reporters": [{"plugin": "json", "path": "report.json"}],
        }
        plan = self.write("plan.yaml", json.dumps(doc, indent=1))
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", plan, "--report", out])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return harness.read_json(os.path.join(out, "report.json"))["summary"]

    def test_each_user_sends_back_its_own_cookie(self):
        summary = self.run_plan(cookies_reset="iteration")
        carts = [s for s in self.server.seen if s[0] == "/cart"]
        self.assertGreater(len(carts), 8)
        for path, cookie, sid in carts:
            # The jar's cookie, and the capture of the same cookie, name the same user.
            self.assertTrue(sid and sid.startswith("u"), (cookie, sid))
            self.assertEqual(cookie, "sid=" + sid)
        self.assertGreater(len({sid for _, _, sid in carts}), 1)  # several users, several sessions
        # Each iteration starts with an empty jar: no login sends a cookie.
        logins = [s for s in self.server.seen if s[0] == "/login"]
        self.assertTrue(all(cookie is None for _, cookie, _ in logins), logins[:3])
        self.assertEqual(summary["requests"], len(self.server.seen))
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])

    def test_cookies_false_sends_none(self):
        summary = self.run_plan(cookies=False)
        carts = [s for s in self.server.seen if s[0] == "/cart"]
        self.assertGreater(len(carts), 0)
        # No Cookie header, and with no jar the capture finds nothing (its default).
        self.assertEqual({(cookie, sid) for _, cookie, sid in carts}, {(None, "none")})
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
        self.assertEqual(summary["requests"], len(self.server.seen))


if __name__ == "__main__":
    unittest.main()
