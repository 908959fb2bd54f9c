"""The HTTP target's local_addresses (docs/targets/http.md) through `stressplan run` against nginx
on 127.0.0.1, whose access log is the witness: the source address ($remote_addr) of every
request, and of each connection's first request, sent by the user that opened it (the path
carries the user's id), which must be local_addresses[vu % 2] - over HTTP/1.1 and h2c, the list
given in the plan or by --set. An address that is not on this machine fails each request at
once as local_limit (not a hang), and a list the target cannot use is refused before anything
runs."""
import json
import os
import time

import harness

ADDRESSES = ["127.0.0.2", "127.0.0.3"]


class LocalNginx(harness.Nginx):
    LOG_FORMAT = "$connection $remote_addr $request_uri $server_protocol"


class H2LocalNginx(LocalNginx):
    LISTEN = "http2"


class LocalAddresses(harness.TempDirTest):
    def plan(self, base_url, users, **target):
        doc = {
            "name": "local-addresses",
            "target": dict({"plugin": "http", "base_url": base_url}, **target),
            "scenarios": [{"name": "s", "think_time": "20ms",
                           "requests": [{"name": "hello", "path": "/hello?vu={{ vu }}"}]}],
            "profile": "p",
            "profiles": {"p": {"stages": [{"duration": "2s", "users": users}]}},
            "workers": 1,
            "reporters": [{"plugin": "json", "path": "report.json"}],
        }
        return self.write("plan.yaml", json.dumps(doc, indent=1))

    def run_plan(self, plan, *flags, expect=0):
        out = os.path.join(self.tmp, "out")
        r = harness.run(["run", plan, "--report", out, "--quiet"] + list(flags))
        report = os.path.join(out, "report.json")
        summary = harness.read_json(report)["summary"] if os.path.exists(report) else None
        self.assertEqual(r.returncode, expect, "%s%s\n%s" % (r.stdout, r.stderr, summary))
        return summary

    def assert_split(self, nginx, summary, users, protocol):
        with open(os.path.join(nginx.dir, "access.log"), encoding="utf-8") as f:
            log = [line.split() for line in f if line.strip()]
        self.assertEqual(summary["errors"], 0, summary["errors_by_type"])
        self.assertEqual(summary["requests"], len(log))
        self.assertEqual({e[3] for e in log}, {protocol})
        self.assertEqual({e[1] for e in log}, set(ADDRESSES))  # both, and only these
        first = {}  # nginx's connection number -> its first request: by the user that opened it
        for connection, remote, uri, _ in log:
            first.setdefault(connection, (remote, int(uri.split("vu=")[1])))
            self.assertEqual(remote, first[connection][0])  # one source per connection
        self.assertGreaterEqual(len(first), users)
        for remote, vu in first.values():
            self.assertEqual(remote, ADDRESSES[vu % len(ADDRESSES)], "user %d" % vu)
        self.assertEqual({vu for _, vu in first.values()}, set(range(users)))

    def test_http1_users_bind_round_robin(self):
        with LocalNginx(self.tmp) as nginx:
            summary = self.run_plan(self.plan(nginx.url, 6, local_addresses=ADDRESSES))
            self.assert_split(nginx, summary, 6, "HTTP/1.1")

    def test_h2c_users_bind_round_robin_given_by_set(self):
        with H2LocalNginx(self.tmp) as nginx:
            plan = self.plan(nginx.url, 5, protocol="http2")
            summary = self.run_plan(plan, "--set", "target.local_addresses=[%s]" % ",".join(ADDRESSES))
            self.assert_split(nginx, summary, 5, "HTTP/2.0")

    def test_an_address_not_on_this_host_fails_each_request_at_once(self):
        # 192.0.2.1 is TEST-NET-1 (RFC 5737): bind refuses it (EADDRNOTAVAIL) before any packet.
        with LocalNginx(self.tmp) as nginx:
            plan = self.plan(nginx.url, 3, local_addresses=["192.0.2.1"], connect_timeout="30s")
            started = time.monotonic()
            summary = self.run_plan(plan, expect=4)  # the generator's own failure: untrustworthy
            self.assertLess(time.monotonic() - started, 20)
            self.assertEqual(nginx.served(), 0)
        self.assertGreater(summary["requests"], 3)
        self.assertEqual(summary["errors_by_type"], {"local_limit": summary["requests"]})
        self.assertFalse(summary["trustworthy"])

    def test_unusable_lists_are_refused_before_anything_runs(self):
        cases = [
            ("target.local_addresses=[127.0.0.2,localhost]",
             '"localhost" is not an IPv4 or IPv6 address'),
            ("target.local_addresses=[127.0.0.2,127.0.0.2]", '"127.0.0.2" is listed twice'),
            ("target.local_addresses=[]", "local_addresses must be a non-empty list"),
            ("target.local_addresses=127.0.0.2", "local_addresses must be a non-empty list"),
            ("target.local_addresses=[::1]", "local_addresses has no IPv4 address"),
        ]
        plan = self.plan("http://127.0.0.1:9", 1)
        for flag, message in cases:
            with self.subTest(flag):
                r = harness.run(["validate", plan, "--set", flag])
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("local_addresses", r.stderr)
                self.assertIn(message, r.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
