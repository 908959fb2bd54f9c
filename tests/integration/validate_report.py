"""Validates a JSON report against docs/report-schema.json: validate_report.py REPORT.
Runs under Debian's python3 with python3-jsonschema (scripts/install-deps.sh)."""
import json
import os
import sys

import jsonschema

schema_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "report-schema.json")
with open(schema_path) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
with open(sys.argv[1]) as f:
    report = json.load(f)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
for e in errors[:20]:
    print("%s: %s" % ("/".join(str(p) for p in e.path), e.message))
sys.exit(1 if errors else 0)
