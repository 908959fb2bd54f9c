"""stressplan-demo's upstream role and the webhook's circuit breaker (docs/demo.md), with real
processes on loopback: the webhook calls the upstream; a SIGSTOPped upstream makes the calls
time out (504) until the breaker opens (fast 503s); after SIGCONT and the open time, trial calls
close it again. /metrics and /stats show the transitions."""
import concurrent.futures
import http.client
import json
import os
import signal
import statistics
import subprocess
import threading
import time
import unittest

import harness


def demo_binary():
    build = os.environ.get("STRESSPLAN_BUILD_DIR")
    if build:
        return os.path.join(build, "bin", "stressplan-demo")
    return os.path.join(os.path.dirname(harness.STRESSPLAN), "stressplan-demo")


def request(port, method, path, body=None, timeout=5):
    """One request on a new connection: (status, headers dict lower-cased, body text, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        start = time.monotonic()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        text = r.read().decode("utf-8")
        took = time.monotonic() - start
        return r.status, {k.lower(): v for k, v in r.getheaders()}, text, took
    finally:
        conn.close()


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def stop_process(p):
    """SIGSTOP, then waits until every thread is stopped: the kernel stops them one by one, and
    a thread that is not yet stopped still answers."""
    p.send_signal(signal.SIGSTOP)
    deadline = time.monotonic() + 10
    task_dir = "/proc/%d/task" % p.pid
    while time.monotonic() < deadline:
        states = []
        for tid in os.listdir(task_dir):
            try:
                stat = read_text(os.path.join(task_dir, tid, "stat"))
            except OSError:
                continue  # the thread has exited
            states.append(stat[stat.rindex(")") + 2])
        if all(s in "Tt" for s in states):
            return
        time.sleep(0.005)
    raise AssertionError("pid %d did not stop" % p.pid)


def update(text, update_id=1):
    return json.dumps({"update_id": update_id, "message": {"chat": {"id": 7}, "text": text}})


def metrics(port):
    """/metrics as {'name{label="v"}': value}, after checking the content type."""
    status, headers, text, _ = request(port, "GET", "/metrics")
    assert status == 200, status
    assert headers["content-type"] == "text/plain; version=0.0.4", headers
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


class DemoBreaker(harness.TempDirTest):
    def start(self, name, *args):
        """Starts a demo process on a free port, waits for /health; cleaned up even on failure."""
        port = harness.free_port()
        stats = os.path.join(self.tmp, name + "-stats.json")
        log = open(os.path.join(self.tmp, name + ".log"), "w")
        self.addCleanup(log.close)
        p = subprocess.Popen([demo_binary(), "--port", str(port), "--stats-file", stats] + list(args),
                             stdout=subprocess.DEVNULL, stderr=log)
        p.port, p.stats_file, p.log = port, stats, log.name
        self.addCleanup(self.kill, p)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if request(port, "GET", "/health", timeout=1)[0] == 200:
                    return p
            except OSError:
                time.sleep(0.05)
            self.assertIsNone(p.poll(), "%s exited: %s" % (name, read_text(log.name)))
        self.fail("%s did not become healthy" % name)

    @staticmethod
    def kill(p):
        if p.poll() is None:
            p.send_signal(signal.SIGCONT)  # a stopped process cannot act on SIGKILL's cleanup
            p.kill()
            p.wait(timeout=10)

    def stop(self, p):
        """SIGTERM and the final stats."""
        p.terminate()
        self.assertEqual(p.wait(timeout=15), 0, read_text(p.log))
        return harness.read_json(p.stats_file)

    def ask(self, port, text="hi"):
        status, headers, body, took = request(port, "POST", "/webhook", update(text))
        return status, headers.get("x-circuit-state"), json.loads(body), took

    def test_upstream_role_serves_the_reply_api(self):
        up = self.start("upstream", "--role", "upstream")
        status, headers, body, _ = request(up.port, "POST", "/v1/reply", json.dumps({"text": "hi"}))
        self.assertEqual((status, json.loads(body)), (200, {"reply": "You said: hi"}))
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(request(up.port, "POST", "/v1/reply", '{"txt": 1}')[0], 400)
        self.assertEqual(request(up.port, "GET", "/v1/reply")[0], 405)
        self.assertEqual(request(up.port, "POST", "/webhook", update("hi"))[0], 404)
        stats = self.stop(up)
        self.assertEqual(stats["by_path"]["/v1/reply"], 3)
        self.assertNotIn("circuit", stats)

    def test_breaker_opens_on_timeouts_answers_fast_and_closes_again(self):
        up = self.start("upstream", "--role", "upstream")
        hook = self.start("webhook", "--upstream", "http://127.0.0.1:%d" % up.port,
                          "--upstream-timeout", "200ms", "--breaker-open", "1s",
                          "--breaker-window", "10", "--breaker-min-calls", "5")
        sent = 0

        # Healthy: the upstream's reply, circuit closed.
        for _ in range(3):
            status, state, body, _ = self.ask(hook.port, "hello")
            sent += 1
            self.assertEqual((status, state), (200, "closed"), body)
            self.assertEqual(body["reply"], "You said: hello")

        # A stalled upstream: every call times out (504) until the window holds >= 5 calls of
        # which >= 50% failed: 3 ok + 3 timeouts.
        stop_process(up)
        statuses = []
        for _ in range(10):
            status, state, body, took = self.ask(hook.port)
            sent += 1
            statuses.append(status)
            if status == 504:
                self.assertGreaterEqual(took, 0.15)
                self.assertIn("upstream timeout", body["error"])
            if state == "open":
                break
        self.assertEqual(statuses, [504] * 3, "opens at the 3rd timeout (3 of 6 calls)")

        # Open: 503 at once, no upstream call.
        took_all = []
        for _ in range(5):
            status, state, body, took = self.ask(hook.port)
            sent += 1
            self.assertEqual((status, state), (503, "open"))
            self.assertEqual(body["error"], "circuit open")
            self.assertFalse(body["ok"])
            took_all.append(took)
        self.assertLess(statistics.median(took_all), 0.050, took_all)
        self.assertLess(max(took_all), 0.2, "no 503 waited for the upstream: %s" % took_all)
        opened_at = time.monotonic()

        m = metrics(hook.port)
        self.assertEqual(m['stressplan_demo_circuit_state{state="open"}'], 1)
        self.assertEqual(m['stressplan_demo_circuit_state{state="closed"}'], 0)
        self.assertEqual(m['stressplan_demo_circuit_state{state="half_open"}'], 0)
        self.assertEqual(m['stressplan_demo_circuit_transitions_total{to="open"}'], 1)
        self.assertEqual(m['stressplan_demo_upstream_calls_total{outcome="timeout"}'], 3)
        self.assertEqual(m['stressplan_demo_upstream_calls_total{outcome="rejected"}'], 5)
        self.assertEqual(m['stressplan_demo_upstream_calls_total{outcome="ok"}'], 3)

        # Recovery: after the open time, 3 trial calls succeed and close the circuit.
        up.send_signal(signal.SIGCONT)
        time.sleep(max(0.0, opened_at + 1.1 - time.monotonic()))
        states = []
        for _ in range(3):
            status, state, body, _ = self.ask(hook.port)
            sent += 1
            self.assertEqual(status, 200, body)
            states.append(state)
        self.assertEqual(states, ["half_open", "half_open", "closed"])
        status, state, _, _ = self.ask(hook.port)
        sent += 1
        self.assertEqual((status, state), (200, "closed"))

        m = metrics(hook.port)
        self.assertEqual(m['stressplan_demo_circuit_state{state="closed"}'], 1)
        self.assertEqual(m['stressplan_demo_circuit_state{state="open"}'], 0)
        for to in ("open", "half_open", "closed"):
            self.assertEqual(m['stressplan_demo_circuit_transitions_total{to="%s"}' % to], 1, to)
        self.assertEqual(m['stressplan_demo_requests_total{path="/webhook"}'], sent)

        status, _, text, _ = request(hook.port, "GET", "/stats")
        circuit = json.loads(text)["circuit"]
        self.assertEqual(circuit["state"], "closed")
        self.assertEqual(circuit["transitions"], {"open": 1, "half_open": 1, "closed": 1})
        self.assertEqual(circuit["upstream_calls"], {"ok": 7, "error": 0, "timeout": 3, "rejected": 5})

        final = self.stop(hook)
        self.assertEqual(final["by_path"]["/webhook"], sent)
        self.assertEqual(final["requests"], final["by_path"]["/webhook"] + final["by_path"]["/health"])
        self.assertEqual(final["by_status"], {"200": 7 + final["by_path"]["/health"], "504": 3, "503": 5})
        self.assertEqual(final["circuit"]["transitions"], {"open": 1, "half_open": 1, "closed": 1})

    def test_refused_upstream_is_502_and_no_upstream_is_unchanged(self):
        hook = self.start("webhook", "--upstream", "http://127.0.0.1:%d" % harness.free_port())
        status, state, body, _ = self.ask(hook.port)
        self.assertEqual((status, state), (502, "closed"))
        self.assertIn("upstream error", body["error"])
        self.assertEqual(request(hook.port, "POST", "/webhook", "{")[1]["x-circuit-state"], "closed")
        self.assertEqual(request(hook.port, "GET", "/webhook")[1]["x-circuit-state"], "closed")

        plain = self.start("plain")
        status, headers, text, _ = request(plain.port, "POST", "/webhook", update("hi"))
        self.assertEqual(status, 200)
        self.assertNotIn("x-circuit-state", headers)
        self.assertEqual(json.loads(text)["reply"], "You said: hi")
        m = metrics(plain.port)
        self.assertEqual(m['stressplan_demo_requests_total{path="/webhook"}'], 1)
        self.assertFalse([k for k in m if "circuit" in k or "upstream" in k], m)
        self.assertNotIn("circuit", self.stop(plain))

        r = subprocess.run([demo_binary(), "--breaker-open", "1s"], capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--breaker-open needs --upstream URL", r.stderr)

    def test_serves_250_requests_in_flight_while_the_upstream_is_slow(self):
        up = self.start("upstream", "--role", "upstream", "--latency", "1s")
        hook = self.start("webhook", "--upstream", "http://127.0.0.1:%d" % up.port,
                          "--upstream-timeout", "5s")
        n = 250
        barrier = threading.Barrier(n, timeout=20)

        def one(i):
            barrier.wait()
            return request(hook.port, "POST", "/webhook", update("m%d" % i, i), timeout=20)

        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
            results = list(pool.map(one, range(n)))
        took = time.monotonic() - start
        self.assertEqual([r[0] for r in results], [200] * n)
        self.assertEqual(sorted(json.loads(r[2])["reply"] for r in results),
                         sorted("You said: m%d" % i for i in range(n)))
        # Served together: one after the other would take n seconds.
        self.assertLess(took, 4.5)
        self.assertEqual(self.stop(up)["by_path"]["/v1/reply"], n)


if __name__ == "__main__":
    unittest.main()
