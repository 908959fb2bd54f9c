#!/usr/bin/env python3
"""Renders the Kubernetes objects that run one plan as N segments (docs/distributed.md):

    python3 deploy/kubernetes/render.py --plan plans/bench.yaml --segments 4 \\
        --image registry.example/stressplan:0.1.0 --start-in 90 > stressplan-job.yaml
    kubectl apply -f stressplan-job.yaml

- a ConfigMap holding the plan file;
- a PersistentVolumeClaim (ReadWriteMany) where every pod writes its report;
- an Indexed Job, completions = parallelism = N, `completionMode: Indexed`: pod I runs segment
  I/N (entrypoint.sh run; stressplan reads JOB_COMPLETION_INDEX and STRESSPLAN_SEGMENTS), every
  pod with the same STRESSPLAN_START_AT, so pods started seconds apart begin their load together;
- a merge Job that waits for the N reports and merges them (entrypoint.sh merge).

--start-in S sets the start S seconds after rendering (give the cluster time to pull the image
and schedule N pods); --start-at gives the instant itself. Standard library and python3-yaml
only."""
import argparse
import datetime
import os
import re
import sys

import yaml

NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--plan", required=True, help="the plan file to run")
    p.add_argument("--segments", type=int, required=True, help="N: pods, each one segment")
    p.add_argument("--image", required=True, help="the stressplan image (deploy/docker/Dockerfile)")
    p.add_argument("--name", default="stressplan", help="prefix of the objects' names (default stressplan)")
    p.add_argument("--namespace", default=None, help="namespace of the objects (default: kubectl's)")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--start-in", type=float, default=60.0,
                       help="seconds from now until the load starts (default 60)")
    start.add_argument("--start-at", default=None, help="the instant the load starts (RFC 3339)")
    p.add_argument("--args", default="", help="more flags for stressplan run, e.g. '--profile spike'")
    p.add_argument("--set-env", action="append", default=[], metavar="NAME=VALUE",
                   help="an environment variable for the segments, e.g. TARGET_URL=http://shop:8080 "
                        "for the plan's ${TARGET_URL} (repeatable)")
    p.add_argument("--cpu", default="1", help="CPU request and limit per pod (default 1: one load thread)")
    p.add_argument("--memory", default="1Gi", help="memory request and limit per pod (default 1Gi)")
    p.add_argument("--storage", default="1Gi", help="size of the reports volume (default 1Gi)")
    p.add_argument("--storage-class", default=None, help="a ReadWriteMany storage class (default: the cluster's)")
    p.add_argument("--merge-wait", type=int, default=None,
                   help="seconds the merge waits for the segments' reports, from when it starts "
                        "(default: until the start instant, plus 3600)")
    p.add_argument("--now", type=float, default=None, help=argparse.SUPPRESS)  # tests: a fixed clock
    a = p.parse_args(argv)
    if a.segments < 1 or a.segments > 10000:
        p.error("--segments must be from 1 to 10000, got %d" % a.segments)
    if not NAME.match(a.name):
        p.error("--name must be a DNS label of at most 42 characters (lowercase letters, digits, '-'), got %r"
                % a.name)
    if not os.path.isfile(a.plan):
        p.error("--plan %s: no such file" % a.plan)
    for e in a.set_env:
        if re.match(r"^(STRESSPLAN_|JOB_COMPLETION_INDEX=)", e):
            p.error("--set-env %s: that variable is the Job's own" % e.split("=", 1)[0])
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", e):
            p.error("--set-env must be NAME=VALUE, got %r" % e)
    return a


def fail(message):
    sys.stderr.write("render.py: %s\n" % message)
    sys.exit(2)


def now(a):
    return a.now if a.now is not None else datetime.datetime.now(datetime.timezone.utc).timestamp()


def start_instant(a):
    """(the instant as RFC 3339, as epoch seconds)"""
    if a.start_at:
        try:
            at = datetime.datetime.fromisoformat(a.start_at.replace("Z", "+00:00"))
        except ValueError:
            fail("--start-at %r is not an RFC 3339 instant (2026-01-02T03:04:05Z)" % a.start_at)
        if at.tzinfo is None:
            fail("--start-at %r needs a Z or an offset" % a.start_at)
        return a.start_at, at.timestamp()
    t = now(a) + a.start_in
    at = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (at.microsecond // 1000), t


def run_folder(start_epoch):
    """This run's folder on the reports volume, named after its start: a volume reused by the
    next run never mixes their reports."""
    return "/reports/run-" + datetime.datetime.fromtimestamp(
        start_epoch, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def meta(a, suffix, extra=None):
    m = {"name": "%s-%s" % (a.name, suffix), "labels": {"app.kubernetes.io/name": "stressplan",
                                                         "app.kubernetes.io/instance": a.name}}
    if a.namespace:
        m["namespace"] = a.namespace
    m["labels"].update(extra or {})
    return m


def pod_spec(a, role, env):
    """The pod template's spec: one container, non-root, the plan and the reports mounted. The
    merge pod asks for little CPU (it runs after the load) so it never keeps a segment from
    being scheduled before the start instant."""
    limits = {"cpu": a.cpu, "memory": a.memory}
    requests = dict(limits, cpu="100m") if role == "merge" else dict(limits)
    return {
        "restartPolicy": "Never",
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001},
        "containers": [{
            "name": role,
            "image": a.image,
            "args": [role],
            "env": [{"name": k, "value": v} for k, v in env],
            "resources": {"requests": requests, "limits": limits},
            "volumeMounts": [{"name": "plan", "mountPath": "/etc/stressplan", "readOnly": True},
                             {"name": "reports", "mountPath": "/reports"}],
        }],
        "volumes": [{"name": "plan", "configMap": {"name": "%s-plan" % a.name}},
                    {"name": "reports", "persistentVolumeClaim": {"claimName": "%s-reports" % a.name}}],
    }


def objects(a, start_at, start_epoch):
    with open(a.plan, encoding="utf-8") as f:
        plan_text = f.read()
    n = str(a.segments)
    common = [("STRESSPLAN_PLAN", "/etc/stressplan/plan.yaml"),
              ("STRESSPLAN_REPORTS", run_folder(start_epoch)), ("STRESSPLAN_SEGMENTS", n)]
    merge_wait = a.merge_wait if a.merge_wait is not None else int(max(0, start_epoch - now(a))) + 3600
    pvc_spec = {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": a.storage}}}
    if a.storage_class:
        pvc_spec["storageClassName"] = a.storage_class
    segments = {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": meta(a, "segments"),
        "spec": {
            "completionMode": "Indexed",
            "completions": a.segments,
            "parallelism": a.segments,
            # A segment run twice would count its requests twice. A segment whose run completed
            # exits 0 even when its thresholds failed (entrypoint.sh): a failed pod fails the
            # Job, and Kubernetes would stop the segments still running.
            "backoffLimit": 0,
            "template": {"metadata": {"labels": {"app.kubernetes.io/name": "stressplan",
                                                 "app.kubernetes.io/component": "segment"}},
                         "spec": pod_spec(a, "run", common + [("STRESSPLAN_START_AT", start_at),
                                                              ("STRESSPLAN_ARGS", a.args)]
                                                 + [tuple(e.split("=", 1)) for e in a.set_env])},
        },
    }
    merge = {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": meta(a, "merge"),
        "spec": {
            "backoffLimit": 0,
            "template": {"metadata": {"labels": {"app.kubernetes.io/name": "stressplan",
                                                 "app.kubernetes.io/component": "merge"}},
                         "spec": pod_spec(a, "merge", common + [("STRESSPLAN_MERGE_WAIT", str(merge_wait))])},
        },
    }
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(a, "plan"),
         "data": {"plan.yaml": plan_text}},
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(a, "reports"), "spec": pvc_spec},
        segments,
        merge,
    ]


def block_strings(dumper, text):
    """Multi-line strings (the plan) as YAML literal blocks, readable in the ConfigMap."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


def main(argv):
    a = parse_args(argv)
    start_at, start_epoch = start_instant(a)
    yaml.SafeDumper.add_representer(str, block_strings)
    sys.stdout.write("# Rendered by deploy/kubernetes/render.py for %s, %d segments; load starts at %s;"
                     " reports in %s\n" % (os.path.basename(a.plan), a.segments, start_at, run_folder(start_epoch)))
    sys.stdout.write(yaml.safe_dump_all(objects(a, start_at, start_epoch), sort_keys=False,
                                        default_flow_style=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
