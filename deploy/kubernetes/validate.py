#!/usr/bin/python3
"""Checks Kubernetes objects (render.py's output, or any YAML of them) against the Kubernetes API
models, offline, with the official Python client (Debian's python3-kubernetes):

    python3 deploy/kubernetes/render.py --plan plans/bench.yaml --segments 4 --image IMG > job.yaml
    /usr/bin/python3 deploy/kubernetes/validate.py job.yaml

Each object is built into its typed model by the client's own deserializer, which refuses an
unknown kind and a missing required field, and must serialise back to exactly what the file
says (a misspelt or misplaced key would be dropped on the way, and is reported). Prints one line
per object; exits 1 on the first object that does not validate, 2 on a usage error."""
import sys

import yaml

try:
    from kubernetes.client import ApiClient
except ImportError:
    sys.stderr.write("validate.py: the kubernetes client is missing: install python3-kubernetes "
                     "(scripts/install-deps.sh) and run this with /usr/bin/python3\n")
    sys.exit(2)


def diff(a, b, path="$"):
    """The first place where a and b differ, as a path, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s" % (path, k)
            d = diff(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else path


def validate(doc, api):
    kind = doc.get("kind")
    model = "V1" + str(kind)
    try:
        typed = api._ApiClient__deserialize(doc, model)
    except (AttributeError, ValueError, TypeError) as e:
        return "not a valid %s: %s" % (kind, e)
    if type(typed).__name__ != model:
        return "unknown kind %r" % kind
    where = diff(doc, api.sanitize_for_serialization(typed))
    return None if where is None else "%s is not a field of %s (or has the wrong type)" % (where, model)


def main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: validate.py FILE.yaml\n")
        return 2
    with open(argv[0], encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    api = ApiClient()
    for doc in docs:
        name = "%s %s" % (doc.get("kind"), (doc.get("metadata") or {}).get("name"))
        problem = validate(doc, api)
        if problem:
            print("%s: %s" % (name, problem))
            return 1
        print("%s: valid" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
