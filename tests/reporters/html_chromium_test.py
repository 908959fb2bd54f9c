"""The HTML reporter's page in a real browser: headless Chromium loads the file offline and
dumps the DOM after its scripts ran. The page records any script error, rejected promise,
console.error or Content-Security-Policy violation into #sp-errors (and Chromium logs console
messages on stderr), so "no errors" is checked both ways. With #sp-selftest in the URL the page
also hovers every chart and sorts every table once. A screenshot is kept in the build folder
(tests/reporters/consumers/report.png) for people to look at."""
import html.parser
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

import consumers

PLUGIN = os.environ.get("STRESSPLAN_HTML_PLUGIN", "")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr",
                  "--v=0", "--hide-scrollbars"]


class Dom(html.parser.HTMLParser):
    """The parts of a dumped DOM the tests look at."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []   # (tag, attrs) in document order
        self.scripts = []    # text of each <script>
        self.text = []       # every text node, decoded
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    def find(self, tag=None, **attrs):
        return [a for t, a in self.elements
                if (tag is None or t == tag) and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def with_class(self, tag, cls):
        return [a for t, a in self.elements if t == tag and cls in (a.get("class") or "").split()]


class HtmlChromiumTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not cls.chromium:
            raise AssertionError("chromium not found: install it (scripts/install-deps.sh)")

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def browse(self, path, *extra, fragment="#sp-selftest"):
        """Runs Chromium on the file (--dump-dom unless `extra` asks for a screenshot); returns
        (stdout, the console lines from its log on stderr)."""
        profile = tempfile.mkdtemp(dir=self.tmp.name)
        args = [self.chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + list(extra)
        if not any(a.startswith("--screenshot") for a in extra):
            args.append("--dump-dom")
        args.append("file://" + os.path.abspath(path) + fragment)
        # Its own process group, so a hung browser is stopped with all its helper processes.
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise AssertionError("chromium did not finish within 120 s: " + " ".join(args))
        console = [line for line in err.splitlines() if ":CONSOLE" in line]
        self.assertEqual(proc.returncode, 0, "chromium failed:\n" + err[-3000:])
        return out, console

    def render(self, documents, name="report.html", **options):
        return consumers.render(PLUGIN, documents, os.path.join(self.tmp.name, name), **options)

    def assert_clean(self, dom, console):
        """The page's scripts ran to the end without a single error."""
        body = dom.find("body")[0]
        errors = dom.find("div", id="sp-errors")[0]
        self.assertEqual(errors.get("data-count"), "0", "script errors: " + " | ".join(dom.text))
        self.assertEqual(console, [], "console messages")
        self.assertEqual(body.get("data-ready"), "1", "the page script did not run to the end")
        return body

    def test_renders_the_fixture(self):
        path = self.render(consumers.fixture())
        out, console = self.browse(path)
        dom = Dom(out)
        body = self.assert_clean(dom, console)
        self.assertEqual(body.get("data-selftest"), "7/7 charts", "hovering a chart gave no read-out")

        # The summary numbers.
        text = " ".join(dom.text)
        for expected in ["2,625", "519.8", "0.34%", "13.1", "40.2", "120", "421", "96.0"]:
            self.assertIn(expected, text)
        self.assertIn("FAILED", text)
        self.assertIn("1 of 2 thresholds failed.", text)

        # Six time charts, each with lines through the five snapshots, and the latency distribution.
        charts = dom.with_class("svg", "chart")
        self.assertEqual([c["id"] for c in charts],
                         ["chart-throughput", "chart-latency", "chart-errors", "chart-users", "chart-request-throughput",
                          "chart-request-latency", "chart-distribution"])
        self.assertEqual([c["id"] for c in charts if c.get("data-scale") == "log"],
                         ["chart-latency", "chart-request-latency", "chart-distribution"])
        paths = dom.with_class("path", "series")
        for p in paths:
            self.assertRegex(p["d"], r"^M[0-9.]+ [0-9.]+( L[0-9.]+ [0-9.]+)+$")
        # rps, p50/p95/p99, three error kinds, users, and three request names twice.
        self.assertEqual(sum(1 for p in paths if p["data-points"] == "5"), 14)
        self.assertEqual(len(dom.with_class("rect", "chaos-band")), 6)
        self.assertEqual(len(dom.with_class("rect", "stage-band")), 12)
        legend = " ".join(dom.text)
        for key in ["http_5xx", "response_timeout", "connect_refused", "message/send", "command/start"]:
            self.assertIn(key, legend)

        # The distribution: bars, each sized, and the run's percentiles as lines.
        bars = dom.with_class("rect", "bar")
        self.assertGreater(len(bars), 10)
        for bar in bars:
            self.assertGreater(float(bar["height"]), 0)
            self.assertGreater(float(bar["width"]), 0)
        self.assertEqual([m["data-mark"] for m in dom.with_class("line", "mark")], ["p50", "p95", "p99"])

        # <script>alert(1)</script> from the plan is text in a cell, not a script.
        self.assertIn("message/<script>alert(1)</script>", dom.text)
        self.assertEqual(len(dom.scripts), 3)
        # In the chart data the name is a string (its "<" escaped), in the code nowhere.
        data = [s for s in dom.scripts if s.startswith('{"charts"')]
        self.assertEqual(len(data), 1)
        self.assertNotIn("<script>alert", data[0])
        self.assertFalse(any("alert(" in s for s in dom.scripts if s not in data))
        self.assertIn('checkout "quotes" & ampersands', dom.text)

        # A table sorted by the self-test: the second column's header is marked.
        self.assertTrue(dom.find("th", **{"aria-sort": "descending"}))

    def test_variants_render_without_errors(self):
        def no_summary(d):
            d.pop()

        def bad_run(d):
            d[-1].update(status="interrupted", status_reason="SIGINT", trustworthy=False,
                         untrustworthy_reasons=["stage 1: <b>112/s</b> of 150/s"])
            d[-1].pop("thresholds")
            d[-1].pop("experiments")

        def long_run(d):
            snapshot, summary = d[1], d[-1]
            del d[1:]
            for i in range(1, 3601):
                s = dict(snapshot, second=i, elapsed_s=float(i))
                d.append(s)
            summary["duration_s"] = 3600.0
            d.append(summary)

        def workloads(d):
            start = d[0]
            start["stages"][0]["workload"] = "browse"
            start["stages"][1].update(workload="checkout", start_s=1.0)
            start["workloads"] = [{"name": "browse", "start_s": 0.0, "stages": [0]},
                                  {"name": "checkout", "start_s": 1.0, "stages": [1]}]
            d[-1].pop("stages")

        def no_breakdowns(d):
            for doc in d:
                for key in ("errors_by_type", "requests_by_name", "recorder", "latency_histogram"):
                    doc.pop(key, None)

        # Per variant: the charts, the workloads' strips and the chaos bands on them (the summary's
        # window, or without a summary the snapshots' seconds with the step in).
        for name, change, charts, strips, chaos in [("no_summary", no_summary, 6, 0, 6), ("bad_run", bad_run, 7, 0, 0),
                                                    ("long_run", long_run, 7, 0, 6), ("workloads", workloads, 7, 12, 6),
                                                    ("no_breakdowns", no_breakdowns, 4, 0, 4)]:
            with self.subTest(name):
                out, console = self.browse(self.render(consumers.variant(change), name + ".html"))
                dom = Dom(out)
                body = self.assert_clean(dom, console)
                self.assertEqual(len(dom.with_class("svg", "chart")), charts)
                self.assertEqual(body.get("data-selftest"), "%d/%d charts" % (charts, charts))
                self.assertEqual(len(dom.with_class("rect", "workload-band")), strips)
                self.assertEqual(len(dom.with_class("rect", "chaos-band")), chaos)

    def test_the_error_trap_is_not_vacuous(self):
        """A broken script and a fetch the CSP blocks both show up, so "no errors" above means it."""
        path = self.render(consumers.fixture())
        with open(path, encoding="utf-8") as f:
            page = f.read()
        page = page.replace("</body>", '<img src="https://example.invalid/x.png"><script>undefinedFunction();</script></body>')
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
        out, console = self.browse(path, fragment="")
        errors = Dom(out).find("div", id="sp-errors")[0]
        self.assertGreaterEqual(int(errors["data-count"]), 2, out[:2000])
        self.assertTrue(any("undefinedFunction" in line for line in console))

    def test_screenshot(self):
        path = self.render(consumers.fixture())
        shot = consumers.output_path("report.png") or os.path.join(self.tmp.name, "report.png")
        if os.path.exists(shot):
            os.unlink(shot)
        kept = consumers.output_path("report.html")
        if kept:
            shutil.copyfile(path, kept)
        self.browse(path, "--screenshot=" + shot, "--window-size=1280,2600", fragment="")
        self.assertTrue(os.path.isfile(shot), "no screenshot written")
        with open(shot, "rb") as f:
            header = f.read(8)
        self.assertEqual(header, b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(shot), 30000, "the screenshot looks empty")


if __name__ == "__main__":
    unittest.main()
