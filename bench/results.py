"""Parses one benchmark run into a TSV row, and turns runs.tsv into the summary (bench/run.sh).

    results.py row KEY=VALUE...        prints one TSV row (columns: HEADER)
    results.py summary RUNS.TSV KEY=VALUE...   prints the markdown summary and the verdicts

Standard library only; run with Debian's /usr/bin/python3 (the one that has locust).
"""
import json
import os
import re
import statistics
import sys

HEADER = ["case", "tool", "rep", "attempt", "status", "rc", "rps", "requests", "errors",
          "cpu_s", "rss_kb", "wall_s", "client_util", "nginx_util", "foreign_util",
          "idle_before", "conns_mid", "extra", "note"]

TOOL_ORDER = ["stressplan", "wrk", "locust", "h2load", "nginx-proxy"]
CASE_ORDER = ["c50", "c1000", "sink50", "sink1000", "c50x2", "h2c50", "h2c50m10", "tls50", "h2tls50",
              "c10000-rss", "open20k", "closed20k", "proxy50", "soak"]
# The open model's cost per request may be at most this many times the closed model's at the
# same rate (open20k against closed20k; issue 14, part 2).
OPEN_COST_GOAL = 1.3
# The tool each throughput case compares stressplan with, the ratio of requests/s it must reach
# (None: the case's goal is requests per client CPU-second, SINK_CASES), and the connections the
# case holds open. In proxy50 the "tools" are the proxies under test, and wrk is the load.
REFERENCE = {"c50": ("wrk", 0.9, 50), "c1000": ("wrk", 0.8, 1000),
             "sink50": ("wrk", None, 50), "sink1000": ("wrk", None, 1000), "c50x2": ("wrk", None, 50),
             "h2c50": ("h2load", 0.9, 50), "h2c50m10": ("h2load", 0.9, 50),
             "tls50": ("wrk", 0.9, 50), "h2tls50": ("h2load", 0.9, 50),
             "proxy50": ("nginx-proxy", 1.0, 50)}
# Against the sink, the figure that shows the generator's efficiency: requests per client
# CPU-second against wrk (issue 14, part 2), and how the case names wrk.
SINK_CASES = {"sink50": "wrk", "sink1000": "wrk", "c50x2": "wrk -t2"}
CPU_GOAL = 2.0
MIB = 1024.0


def clean(s):
    return re.sub(r"[\t\r\n]+", " ", str(s)).strip()


# ----------------------------------------------------------------------------- per-tool output

def parse_stressplan(base, out, a):
    path = os.path.join(base + ".report", "report.json")
    rep = json.load(open(path))
    s = rep["summary"]
    r = {"rps": float(s["throughput_rps"]), "requests": int(s["requests"]),
         "errors": int(s["errors"])}
    extra = {"load_threads": (rep.get("run") or {}).get("load_threads", "?"),
             "report_status": s.get("status", "?"),
             "duration_s": "%.3f" % float(s.get("duration_s", 0))}
    kinds = {k: v for k, v in (s.get("errors_by_type") or {}).items() if v}
    notes = []
    if kinds:
        notes.append("errors " + " ".join("%s=%s" % kv for kv in sorted(kinds.items())))
    if s.get("status") != "completed":
        notes.append("report status %s (%s)" % (s.get("status"), s.get("status_reason", "")))
    if s.get("trustworthy") is False:
        notes.append("report says untrustworthy: %s" % "; ".join(map(str, s.get("untrustworthy_reasons") or [])))
    # open model: what the report says it planned, achieved and dropped (when it says it)
    stages = s.get("stages") if isinstance(s.get("stages"), list) else []
    planned = [st["planned"]["iterations"] for st in stages
               if isinstance(st.get("planned"), dict) and "iterations" in st["planned"]]
    if planned:
        extra["report_planned"] = int(sum(planned))
    achieved = [st["achieved"]["iterations"] for st in stages
                if isinstance(st.get("achieved"), dict) and "iterations" in st["achieved"]]
    if achieved:
        extra["report_achieved"] = int(sum(achieved))
    # latency p50 (from the intended start) minus service time p50 (from the send): how late
    # the generator itself sent, which latency counts (open20k's verdict)
    lat, svc = (s.get("latency_ms") or {}).get("p50"), (s.get("service_time_ms") or {}).get("p50")
    if lat is not None and svc is not None:
        extra["lateness_p50_us"] = "%.1f" % ((lat - svc) * 1000)
    dropped = s.get("dropped_iterations")
    if dropped is None:
        dropped = find_key(rep, "dropped")
    if dropped is not None:
        extra["dropped"] = dropped
    return r, extra, notes


def find_key(node, key):
    """Sum of every numeric value stored under `key` anywhere in node (None if absent)."""
    found = []

    def walk(n):
        if isinstance(n, dict):
            for k, v in n.items():
                if k == key and isinstance(v, (int, float)) and not isinstance(v, bool):
                    found.append(v)
                else:
                    walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
    walk(node)
    return sum(found) if found else None


def parse_wrk(base, out, a):
    r = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
         "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    e = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    n = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["errors"] = (sum(map(int, e.groups())) if e else 0) + (int(n.group(1)) if n else 0)
    notes = [e.group(0)] if e else []
    return r, {}, notes


def parse_h2load(base, out, a):
    # finished in 10.00s, 95012.30 req/s, 3.08MB/s
    # requests: 950123 total, 950173 started, 950123 done, 950123 succeeded, 0 failed, 0 errored, 0 timeout
    m = re.search(r"finished in [\d.]+\w*, ([\d.]+) req/s", out)
    n = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                  r"(\d+) errored, (\d+) timeout", out)
    if not m or not n:
        raise ValueError("no h2load summary in the output")
    done, failed, errored, timeout = int(n.group(1)), int(n.group(3)), int(n.group(4)), int(n.group(5))
    s = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    non2xx = sum(map(int, s.groups()[2:])) if s else 0
    return {"rps": float(m.group(1)), "requests": done,
            "errors": failed + errored + timeout + non2xx}, {}, []


def parse_locust(base, out, a):
    # --only-summary prints the request table and then the percentile table; the first line
    # starting with "Aggregated" is the request table's total:
    #   Aggregated   <reqs> <fails>(<pct>%) | <avg> <min> <max> <med> | <req/s> <failures/s>
    rows = [l for l in out.splitlines() if l.strip().startswith("Aggregated")]
    if not rows:
        raise ValueError("no locust summary in the output")
    m = re.match(r"\s*Aggregated\s+(\d+)\s+(\d+)\(.*?\)\s*\|.*\|\s*([\d.]+)\s+([\d.]+)", rows[0])
    if not m:
        raise ValueError("cannot read locust's summary line: %r" % rows[0])
    reqs, fails, rps = int(m.group(1)), int(m.group(2)), float(m.group(3))
    notes = []
    if "CPU usage above 90%" in out:
        notes.append("locust warned: CPU usage above 90%")
    return {"rps": rps, "requests": reqs, "errors": fails}, {}, notes


def time_v(path):
    t = open(path).read()

    def g(k):
        return re.search(re.escape(k) + r":\s+(\S+)", t).group(1)
    wall = g("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    return {"cpu_s": float(g("User time (seconds)")) + float(g("System time (seconds)")),
            "rss_kb": int(g("Maximum resident set size (kbytes)")),
            "wall_s": sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))}


def fmt(v):
    if isinstance(v, float):
        return ("%.3f" % v).rstrip("0").rstrip(".")
    return str(v)


def cmd_row(args):
    a = dict(x.split("=", 1) for x in args)
    base = a["base"]
    row = {k: a.get(k, "") for k in ("case", "tool", "rep", "attempt", "rc", "client_util",
                                      "nginx_util", "foreign_util", "idle_before", "conns_mid")}
    extra = {}
    for kv in a.get("extra", "").split(","):
        if "=" in kv:
            k, v = kv.split("=", 1)
            extra[k] = v
    notes = [a["note"]] if a.get("note") else []
    try:
        out = ""
        for ext in (".out", ".err"):
            if os.path.exists(base + ext):
                out += open(base + ext, errors="replace").read()
        # proxy50's output is wrk's, whichever proxy it went through
        client = "wrk" if a["case"] == "proxy50" else a["tool"]
        r, x, n = globals()["parse_" + client](base, out, a)
        row.update(r)
        extra.update(x)
        notes += n
        row.update(time_v(base + ".time"))
        row["status"] = "ok"
        rc = int(a.get("rc") or 0)
        if rc == 124 or rc == 137:
            row["status"] = "failed"
            notes.append("killed by timeout (exit %d)" % rc)
        elif client == "stressplan" and rc != 0:
            row["status"] = "failed"
            notes.append("stressplan exited %d" % rc)
        elif client == "locust" and rc not in (0, 1):  # 1 = some requests failed
            row["status"] = "failed"
            notes.append("locust exited %d" % rc)
        if a.get("failed"):  # the run's own check failed (proxy50: the proxy under test)
            row["status"] = "failed"
            notes.append(a["failed"])
        if row["status"] == "ok" and a.get("foreign_util") not in (None, "", "NA") and \
                float(a["foreign_util"]) > float(a.get("foreign_max", "0.10")):
            row["status"] = "contended"
    except Exception as e:  # a run whose output cannot be read is reported, not hidden
        row["status"] = "failed"
        notes.append("%s: %s" % (type(e).__name__, e))
        tail = ""
        for ext in (".err", ".out"):
            if os.path.exists(base + ext):
                lines = [l for l in open(base + ext, errors="replace").read().splitlines() if l.strip()]
                if lines:
                    tail = lines[-1]
                    break
        if tail:
            notes.append("last output line: " + tail[:200])
    row["extra"] = ",".join("%s=%s" % kv for kv in extra.items())
    row["note"] = "; ".join(notes)
    print("\t".join(clean(fmt(row.get(k, ""))) for k in HEADER))


# ----------------------------------------------------------------------------- summary

def read_rows(path):
    lines = open(path).read().splitlines()
    head = lines[0].split("\t")
    rows = []
    for l in lines[1:]:
        if not l.strip():
            continue
        r = dict(zip(head, l.split("\t")))
        r["x"] = dict(kv.split("=", 1) for kv in r.get("extra", "").split(",") if "=" in kv)
        rows.append(r)
    return rows


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def num(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError, TypeError):
        return None


def n0(v, spec="%.0f"):
    if v is None:
        return "–"
    s = spec % v
    if spec == "%.0f":  # thin grouping for readability: 118 893
        s = "{:,}".format(int(round(v))).replace(",", " ")
    return s


def us_per_req(r, util):
    """µs of `util` (a column or a key of extra, in cores) per request of run r, or None."""
    u = num(r, util) if util in r else num(r["x"], util)
    rps = num(r, "rps")
    return u / rps * 1e6 if u and rps else None


def cpu_per_request(r):
    """CPU µs per request of a run (user + system from time -v, start-up included), or None."""
    got, cpu = num(r, "requests"), num(r, "cpu_s")
    return cpu * 1e6 / got if (cpu and got) else None


def sink_verdict(case, good):
    """The sink cases' line: requests per client CPU-second against wrk (the goal: 2 ×), with
    the requests/s beside it and how busy the sink was (a saturated sink caps both tools)."""
    ref = SINK_CASES[case]
    runs = {t: [r for r in good if r["case"] == case and r["tool"] == t] for t in ("stressplan", "wrk")}
    if not runs["stressplan"] or not runs["wrk"]:
        return "- %s: requests per client CPU-second vs %s — NOT MEASURED (no %s run)" % (
            case, ref, "stressplan" if not runs["stressplan"] else "wrk")
    sp_us = med([us_per_req(r, "client_util") for r in runs["stressplan"]])
    wrk_us = med([us_per_req(r, "client_util") for r in runs["wrk"]])
    sp_rps = med([num(r, "rps") for r in runs["stressplan"]])
    wrk_rps = med([num(r, "rps") for r in runs["wrk"]])
    if not sp_us or not wrk_us:
        return "- %s: requests per client CPU-second vs %s — NOT MEASURED (no CPU sample in the middle " \
               "of the run)" % (case, ref)
    paired = []
    for rep in sorted({r["rep"] for r in runs["stressplan"]}, key=int):
        s = [r for r in runs["stressplan"] if r["rep"] == rep]
        w = [r for r in runs["wrk"] if r["rep"] == rep]
        if s and w and us_per_req(s[-1], "client_util") and us_per_req(w[-1], "client_util"):
            star = "*" if "contended" in (s[-1]["status"], w[-1]["status"]) else ""
            paired.append("%.2f%s" % (us_per_req(w[-1], "client_util") / us_per_req(s[-1], "client_util"), star))
    ratio = wrk_us / sp_us
    verdict = "goal met" if ratio >= CPU_GOAL else "goal NOT met"
    used = runs["stressplan"] + runs["wrk"]
    cont = sum(r["status"] == "contended" for r in used)
    if cont:
        verdict = "INCONCLUSIVE (would be %s; %d of the %d runs compared were contended)" % (verdict, cont, len(used))
    busy = lambda t: med([num(r, "nginx_util") for r in runs[t]])  # noqa: E731
    shared = " (the sink shares the two cores with both generator threads)" if case == "c50x2" else ""
    return ("- %s: requests per client CPU-second **%.2f × %s** (stressplan %.2f µs of generator CPU per "
            "request, %s %.2f µs; issue 14's goal: %.0f ×) — **%s**%s; requests/s stressplan %s vs %s %s "
            "= %.2f ×; the sink busy %s core with stressplan, %s with %s%s" % (
                case, ratio, ref, sp_us, ref, wrk_us, CPU_GOAL, verdict,
                "; per repetition: " + ", ".join(paired) if paired else "",
                n0(sp_rps), ref, n0(wrk_rps), sp_rps / wrk_rps,
                "%.2f" % busy("stressplan") if busy("stressplan") is not None else "?",
                "%.2f" % busy("wrk") if busy("wrk") is not None else "?", ref, shared))


def proxy_cpu_verdict(good):
    """proxy50's second line: the proxy's CPU per request (its process time over the middle of
    the run) and how busy it was; a proxy below 1 core is not what limits its requests/s."""
    runs = {t: [r for r in good if r["case"] == "proxy50" and r["tool"] == t] for t in ("stressplan", "nginx-proxy")}
    if not runs["stressplan"] or not runs["nginx-proxy"]:
        return []
    sp_us = med([us_per_req(r, "proxy_util") for r in runs["stressplan"]])
    ngx_us = med([us_per_req(r, "proxy_util") for r in runs["nginx-proxy"]])
    if not sp_us or not ngx_us:
        return []
    busy = {t: med([num(r["x"], "proxy_util") for r in runs[t]]) for t in runs}
    return ["- proxy50 proxy CPU per request: stressplan's fault proxy %.2f µs, nginx proxy_pass %.2f µs "
            "(**%.2f ×**: %s); proxy busy: stressplan "
            "%.2f, nginx %.2f core (below about 0.95, the proxy is not what limits the requests/s)" % (
                sp_us, ngx_us, sp_us / ngx_us,
                "stressplan's proxy spends less per request" if sp_us < ngx_us
                else "stressplan's proxy spends no less per request",
                busy["stressplan"] or 0, busy["nginx-proxy"] or 0)]


def cmd_summary(args):
    path = args[0]
    a = dict(x.split("=", 1) for x in args[1:])
    rows = read_rows(path)
    good = [r for r in rows if r["status"] in ("ok", "contended")]
    out = []
    p = out.append

    def medrps(case, tool):
        return med([num(r, "rps") for r in good if r["case"] == case and r["tool"] == tool])

    p("| tool | case | runs | requests/s (median) | requests/s min–max | peak RSS MiB (median) "
      "| CPU seconds (median) | ratio vs wrk / h2load (req/s) | connections mid-run | nginx count − tool count | errors | notes |")
    p("|---|---|---|---|---|---|---|---|---|---|---|---|")
    cases = [c for c in CASE_ORDER if any(r["case"] == c for r in rows)]
    for case in cases:
        ref_tool, _, expected = REFERENCE.get(case, ("wrk", None, None))
        wrk = medrps(case, ref_tool)
        for tool in TOOL_ORDER:
            all_rs = [r for r in rows if r["case"] == case and r["tool"] == tool]
            if not all_rs:
                continue
            rs = [r for r in all_rs if r["status"] in ("ok", "contended")]
            failed = [r for r in all_rs if r["status"] == "failed"]
            notes = []
            cont = sum(r["status"] == "contended" for r in rs)
            if cont:
                notes.append("%d run(s) contended (foreign load > %s core)" % (cont, a.get("foreign_max", "0.10")))
            if failed:
                notes.append("%d run(s) failed: %s" % (len(failed), failed[0]["note"][:160]))
            if not rs:
                p("| %s | %s | 0 of %d | – | – | – | – | – | – | – | – | %s |" % (
                    tool, case, len(all_rs), "; ".join(notes)))
                continue
            short = [int(num(r, "conns_mid")) for r in rs
                     if expected and num(r, "conns_mid") is not None and num(r, "conns_mid") < expected]
            if short:
                notes.append("only %s of %d connections open mid-run in %d run(s)" % (
                    "/".join(map(str, short)), expected, len(short)))
            rps = [num(r, "rps") for r in rs]
            m = med(rps)
            ratio = "%.2f" % (m / wrk) if (wrk and m is not None and case in REFERENCE) else "–"
            conns = [num(r, "conns_mid") for r in rs]
            conns = [c for c in conns if c is not None]
            cstr = "%d–%d" % (min(conns), max(conns)) if conns and min(conns) != max(conns) else (
                "%d" % conns[0] if conns else "–")
            diffs = []
            for r in rs:
                srv = r["x"].get("server_requests")
                if srv not in (None, "") and num(r, "requests") is not None:
                    diffs.append(int(srv) - int(num(r, "requests")))
            dstr = ", ".join("%+d" % d for d in diffs) if diffs else "–"
            p("| %s | %s | %d | %s | %s–%s | %.1f | %.2f | %s | %s | %s | %d | %s |" % (
                tool, case, len(rs), n0(m), n0(min(rps)), n0(max(rps)),
                med([num(r, "rss_kb") for r in rs]) / MIB, med([num(r, "cpu_s") for r in rs]),
                ratio, cstr, dstr, sum(int(float(r["errors"] or 0)) for r in rs), "; ".join(notes)))
    p("")
    p("requests/s: stressplan `summary.throughput_rps` from its JSON report, wrk `Requests/sec`, "
      "locust the `Aggregated` req/s of `--only-summary`, h2load the req/s of its `finished in` "
      "line (h2 cases: ratio vs h2load; tls50 is HTTP/1.1 over TLS vs wrk on https, h2tls50 "
      "HTTP/2 over TLS by ALPN vs h2load, neither side verifying the self-signed certificate). Peak RSS and CPU seconds (user+sys, "
      "start-up included) from `/usr/bin/time -v`. Connections mid-run: established sockets on "
      "nginx's side of 127.0.0.1:%s (18081 for h2c50 and h2c50m10, 18443 for tls50, 18444 for h2tls50) (`ss`), sampled in the middle of the run (the largest sample "
      "for c10000-rss). nginx count − tool count: the requests nginx counted during the run "
      "(stub_status, its own probes taken out) minus the requests the tool reported, per run: a "
      "tool that stops its clock with requests in flight does not count those (at most one per "
      "connection); a large gap means the tool's figure cannot be trusted. sink50, sink1000 and c50x2 "
      "measure against bench/sink's server on 127.0.0.1:18090 instead of nginx: their connections are "
      "counted there and their server count is its `/sink_status`. In proxy50 the rows are the proxies "
      "under test (stressplan's fault proxy on 18096, nginx's proxy_pass on 18095), the requests/s "
      "are wrk's through them, the ratio is against nginx's proxy_pass and the server count is the "
      "backend nginx's; peak RSS and CPU seconds are wrk's there." % a.get("port", "18080"))

    verdicts = []

    # --- ratios (paired by repetition: rep k of stressplan against rep k of wrk or h2load)
    for case, (ref, target, _) in REFERENCE.items():
        sp, wrk = medrps(case, "stressplan"), medrps(case, ref)
        if not any(r["case"] == case for r in rows):
            verdicts.append("- %s: not run (not in CASES)" % case)
            continue
        if target is None:
            verdicts.append(sink_verdict(case, good))
            continue
        if sp is None or wrk is None:
            verdicts.append("- %s: stressplan ≥ %.1f × %s — NOT MEASURED (%s)" % (
                case, target, ref, "no stressplan run" if sp is None else "no %s run" % ref))
            continue
        paired = []  # "1.08" or "0.83*" when either run of the pair was contended
        for rep in sorted({r["rep"] for r in good if r["case"] == case}, key=int):
            s = [r for r in good if r["case"] == case and r["tool"] == "stressplan" and r["rep"] == rep]
            w = [r for r in good if r["case"] == case and r["tool"] == ref and r["rep"] == rep]
            if s and w:
                star = "*" if "contended" in (s[-1]["status"], w[-1]["status"]) else ""
                paired.append("%.2f%s" % (num(s[-1], "rps") / num(w[-1], "rps"), star))
        ratio = sp / wrk
        verdict = "PASS" if ratio >= target else "FAIL"
        used = [r for r in good if r["case"] == case and r["tool"] in ("stressplan", ref)]
        cont = sum(r["status"] == "contended" for r in used)
        if cont:  # other processes shared the CPUs: the ratio says little either way
            verdict = "INCONCLUSIVE (would be %s; %d of the %d runs compared were contended)" % (
                verdict, cont, len(used))
        verdicts.append("- %s: stressplan %s req/s vs %s %s req/s = **%.2f × %s** (target ≥ %.1f) — **%s**%s" % (
            case, n0(sp), ref, n0(wrk), ratio, ref, target, verdict,
            "; per repetition: " + ", ".join(paired) + (" (* = a contended pair)" if any(
                x.endswith("*") for x in paired) else "") if paired else ""))

    # --- CPU per request, on both sides (issue 14): the generator's own cost (client_util, the
    # cores it used over the middle of the run, over its rate) and what it costs the server
    # (nginx_util over the same rate). Medians over the runs.
    def us_per_request(case, tool, util):
        return med([us_per_req(r, util) for r in good if r["case"] == case and r["tool"] == tool])
    for case in ("c50", "c1000", "tls50", "sink50", "sink1000", "c50x2"):
        sp_c, wrk_c = us_per_request(case, "stressplan", "client_util"), us_per_request(case, "wrk", "client_util")
        sp_n, wrk_n = us_per_request(case, "stressplan", "nginx_util"), us_per_request(case, "wrk", "nginx_util")
        if None in (sp_c, wrk_c, sp_n, wrk_n):
            continue
        server = "the sink" if case in SINK_CASES else "nginx"
        verdicts.append("- %s CPU per request: generator stressplan %.2f µs, wrk %.2f µs — requests per "
                        "client CPU-second **%.2f × wrk** (issue 14's goal: 2 ×); %s %.2f µs when "
                        "stressplan drives it, %.2f µs with wrk (**%.2f ×**: %s)" % (
                            case, sp_c, wrk_c, wrk_c / sp_c, server, sp_n, wrk_n, sp_n / wrk_n,
                            "stressplan costs the server more per request" if sp_n > wrk_n
                            else "stressplan costs the server no more per request than wrk"))
    verdicts.extend(proxy_cpu_verdict(good))

    # --- c10000-rss
    rss_users = int(a.get("rss_users", "10000"))
    rss_target = float(a.get("rss_target_mib", "256"))
    rr = [r for r in rows if r["case"] == "c10000-rss"]
    if rr:
        p("")
        p("### c10000-rss: %d users held open" % rss_users)
        p("")
        p("| rep | status | peak RSS MiB | max established (ss) | max nginx active (stub_status, minus the probe) | requests/s | errors | notes |")
        p("|---|---|---|---|---|---|---|---|")
        for r in rr:
            p("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["rep"], r["status"], "%.1f" % (num(r, "rss_kb") / MIB) if num(r, "rss_kb") else "–",
                r["x"].get("conns_max", "–"), r["x"].get("nginx_active_max", "–"), n0(num(r, "rps")),
                r["errors"] or "–", r["note"] or ""))
        okr = [r for r in rr if r["status"] in ("ok", "contended")]
        if okr:
            rss = med([num(r, "rss_kb") for r in okr]) / MIB
            conns = [int(r["x"].get("conns_max", "0") or 0) for r in okr]
            all_open = all(c >= rss_users for c in conns)
            verdicts.append("- c10000-rss: peak RSS **%.1f MiB** (median of %d; target ≤ %.0f MiB) — **%s**; "
                            "all %d connections open: **%s** (max established per run: %s)" % (
                                rss, len(okr), rss_target, "PASS" if rss <= rss_target else "FAIL",
                                rss_users, "yes" if all_open else "NO", ", ".join(map(str, conns))))
        else:
            verdicts.append("- c10000-rss: NOT MEASURED (every run failed: %s)" % rr[0]["note"][:200])
    elif a.get("rss_skipped"):
        verdicts.append("- c10000-rss: NOT RUN — %s" % a["rss_skipped"])
    else:
        verdicts.append("- c10000-rss: not run (not in CASES)")

    # --- closed20k: the closed model at open20k's rate, what the open model's cost is held to
    crr = [r for r in rows if r["case"] == "closed20k"]
    closed_costs = [c for c in (cpu_per_request(r) for r in crr if r["status"] == "ok") if c is not None]

    # --- open20k
    orr = [r for r in rows if r["case"] == "open20k"]
    if orr:
        p("")
        p("### open20k: open model, %s/s planned for %s s" % (a.get("open_rate"), a.get("dur")))
        p("")
        p("| rep | status | planned requests | achieved requests | achieved / planned | throughput_rps (report) | dropped | nginx count | lateness p50 µs | CPU µs per request | errors | notes |")
        p("|---|---|---|---|---|---|---|---|---|---|---|---|")
        devs, costs, lates = [], [], []
        for r in orr:
            planned = float(r["x"].get("report_planned") or r["x"].get("planned_requests", "0") or 0)
            got = num(r, "requests")
            frac = got / planned if (planned and got is not None) else None
            if frac is not None and r["status"] in ("ok", "contended"):
                devs.append(frac)
            per_req = cpu_per_request(r)
            if per_req is not None and r["status"] == "ok":
                costs.append(per_req)
            if r["x"].get("lateness_p50_us") and r["status"] == "ok":
                lates.append(float(r["x"]["lateness_p50_us"]))
            p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["rep"], r["status"], n0(planned), n0(got), "%.4f" % frac if frac is not None else "–",
                n0(num(r, "rps")), r["x"].get("dropped", "–"), r["x"].get("server_requests", "–"),
                r["x"].get("lateness_p50_us", "–"), "%.2f" % per_req if per_req is not None else "–",
                r["errors"] or "–", r["note"] or ""))
        if devs:
            m = med(devs)
            verdict = "PASS" if abs(m - 1) <= 0.01 else "FAIL"
            cont = sum(r["status"] == "contended" for r in orr)
            if cont and verdict == "FAIL":  # a miss under foreign load may be the load's doing
                verdict = "INCONCLUSIVE (would be FAIL; %d of %d runs contended)" % (cont, len(orr))
            verdicts.append("- open20k: achieved **%.2f%%** of the planned requests (median of %d; target within 1%%) — **%s**" % (
                m * 100, len(devs), verdict))
            if lates and costs:
                verdicts.append("- open20k cost: the generator sent each arrival %.1f µs late (median of the runs' "
                                "latency p50 − service time p50; latency counts it) at %.2f µs of CPU per request "
                                "(user + system, start-up included)" % (med(lates), med(costs)))
            if costs and closed_costs:
                ratio = med(costs) / med(closed_costs)
                verdicts.append("- open20k against closed20k: the open model costs **%.2f ×** the closed model's CPU "
                                "per request at the same rate (%.2f against %.2f µs, medians of uncontended runs; "
                                "target ≤ %.1f ×) — **%s**" % (ratio, med(costs), med(closed_costs), OPEN_COST_GOAL,
                                                              "PASS" if ratio <= OPEN_COST_GOAL else "FAIL"))
            elif costs and crr:
                verdicts.append("- open20k against closed20k: NOT MEASURED (no uncontended closed20k run)")
            elif costs:
                verdicts.append("- open20k against closed20k: not run (closed20k not in CASES)")
        else:
            verdicts.append("- open20k: NOT MEASURED (every run failed: %s)" % orr[0]["note"][:200])
    elif a.get("open_skipped"):
        verdicts.append("- open20k: NOT RUN — %s" % a["open_skipped"])
    else:
        verdicts.append("- open20k: not run (not in CASES)")

    if crr:
        p("")
        p("### closed20k: 50 closed users at %s/s (think times 0.5–1.5 × the mean), for %s s" % (
            a.get("open_rate"), a.get("dur")))
        p("")
        p("| rep | status | requests | requests/s | lateness p50 µs | CPU µs per request | errors | notes |")
        p("|---|---|---|---|---|---|---|---|")
        for r in crr:
            per_req = cpu_per_request(r)
            p("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["rep"], r["status"], n0(num(r, "requests")), n0(num(r, "rps")),
                r["x"].get("lateness_p50_us", "–"), "%.2f" % per_req if per_req is not None else "–",
                r["errors"] or "–", r["note"] or ""))

    # --- soak
    sr = [r for r in rows if r["case"] == "soak"]
    if sr:
        p("")
        p("### soak: %s users for %s" % (a.get("soak_users", "1000"), a.get("soak_desc", "10 min")))
        p("")
        end = int(a.get("soak_seconds", "600"))
        end_s = "%d min" % (end // 60) if end % 60 == 0 else "%d s" % end
        p("| status | VmRSS at 1 min (MiB) | VmRSS at %s (MiB) | ratio | peak RSS MiB | requests/s | errors | notes |" % end_s)
        p("|---|---|---|---|---|---|---|---|")
        for r in sr:
            r1 = float(r["x"].get("rss_1min_kb", "0") or 0)
            r10 = float(r["x"].get("rss_end_kb", "0") or 0)
            ratio = r10 / r1 if r1 and r10 else None
            p("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["status"], "%.1f" % (r1 / MIB) if r1 else "–", "%.1f" % (r10 / MIB) if r10 else "–",
                "%.3f" % ratio if ratio else "–",
                "%.1f" % (num(r, "rss_kb") / MIB) if num(r, "rss_kb") else "–", n0(num(r, "rps")),
                r["errors"] or "–", r["note"] or ""))
            if ratio:
                verdicts.append("- soak: VmRSS at %s / at 1 min = **%.3f** (%.1f / %.1f MiB; target within 5%%) — **%s**" % (
                    end_s, ratio, r10 / MIB, r1 / MIB, "PASS" if abs(ratio - 1) <= 0.05 else "FAIL"))
            else:
                verdicts.append("- soak: NOT MEASURED (RSS samples missing: %s)" % (r["note"][:200] or r["status"]))
    elif "soak" in a.get("cases", "").split():
        verdicts.append("- soak: NOT MEASURED (no soak row)")
    else:
        verdicts.append("- soak: not run (set BENCH_SOAK=1 to run it)")

    p("")
    p("### Verdicts")
    p("")
    out.extend(verdicts)

    cont = [r for r in rows if r["status"] == "contended"]
    fails = [r for r in rows if r["status"] == "failed"]
    p("")
    p("### Conditions")
    p("")
    fu = [num(r, "foreign_util") for r in rows if num(r, "foreign_util") is not None]
    ib = [num(r, "idle_before") for r in rows if num(r, "idle_before") is not None]
    p("- runs: %d counted (%d contended), %d failed; discarded (contended, retried): %s" % (
        len(good), len(cont), len(fails), a.get("discarded", "0")))
    if fu:
        p("- foreign load during the runs (cores busy outside the client and nginx, middle of each run): "
          "median %.2f, max %.2f" % (med(fu), max(fu)))
    if ib:
        p("- busy cores just before each run (idle wait target < %s): median %.2f, max %.2f" % (
            a.get("idle_cores", "0.15"), med(ib), max(ib)))
    probes = [float(r["x"][k]) for r in rows for k in ("probe_ms_cpu0", "probe_ms_cpu1")
              if r["x"].get(k, "") not in ("", None)]
    if probes:
        p("- vCPU speed probe (a fixed awk loop timed on each CPU before each run; slower = the host "
          "gave the VM less): %.0f–%.0f ms, median %.0f" % (min(probes), max(probes), med(probes)))
    steal = [float(r["x"]["steal"]) for r in rows if r["x"].get("steal", "") not in ("", None)]
    if steal:
        p("- steal time reported by the kernel during the runs: max %.2f core" % max(steal))
    nu = [num(r, "nginx_util") for r in good if r["case"] in ("c50", "c1000") and num(r, "nginx_util") is not None]
    if nu:
        p("- nginx's core during the c50/c1000 runs: median %.2f busy, max %.2f (process time; the "
          "loopback softirq time is not in it)%s" % (
              med(nu), max(nu), "; nginx is close to saturated, so a generator faster than wrk cannot "
              "show all of it: the ratio vs wrk is then a lower bound" if med(nu) >= 0.85 else ""))
    print("\n".join(out))


if __name__ == "__main__":
    {"row": cmd_row, "summary": cmd_summary}[sys.argv[1]](sys.argv[2:])
