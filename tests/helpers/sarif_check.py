#!/usr/bin/python3
"""sarif_check.py SCHEMA FILE [--no-region-ok]: validate a SARIF log against the
SARIF 2.1.0 JSON schema (python3-jsonschema) and GitHub code scanning's
ingestion rules (one run; every result has a location with a relative URI and
a ruleId among the rules at its ruleIndex; rules have a name other than the id,
descriptions, help and a default level).  Prints each problem, exit 1 if any.
--no-region-ok: a location may name a file without a region (a bundle)."""
import json
import sys

import jsonschema


def problems(schema, log, region_needed=True):
    errs = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(log)]
    runs = log.get("runs", [])
    if len(runs) != 1:
        errs.append("runs: %d, expected 1" % len(runs))
    for run in runs:
        rules = run["tool"]["driver"].get("rules", [])
        ids = [r["id"] for r in rules]
        for r in rules:
            for k in ("name", "shortDescription", "fullDescription", "help", "defaultConfiguration"):
                if k not in r:
                    errs.append("rule %s has no %s" % (r["id"], k))
            if r.get("name") == r["id"]:
                errs.append("rule %s: name equals id" % r["id"])
        for res in run.get("results", []):
            rid = res.get("ruleId")
            if rid not in ids:
                errs.append("result ruleId %s not among the rules" % rid)
            elif res.get("ruleIndex") != ids.index(rid):
                errs.append("result %s: ruleIndex %s, rule is at %d" % (rid, res.get("ruleIndex"), ids.index(rid)))
            if res.get("level") not in ("note", "warning", "error"):
                errs.append("result %s: level %s" % (rid, res.get("level")))
            locs = res.get("locations", [])
            if not locs:
                errs.append("result %s has no location" % rid)
            for loc in locs + res.get("relatedLocations", []):
                pl = loc.get("physicalLocation", {})
                uri = pl.get("artifactLocation", {}).get("uri", "")
                if not uri or ":" in uri.split("/")[0] or uri.startswith("/"):
                    errs.append("result %s: uri %r is not relative" % (rid, uri))
                reg = pl.get("region")
                if reg is None and not region_needed:
                    continue
                if not reg or reg.get("startLine", 0) < 1:
                    errs.append("result %s: region %r" % (rid, reg))
                elif reg.get("endColumn", 0) <= reg.get("startColumn", 0):
                    errs.append("result %s: endColumn not after startColumn %r" % (rid, reg))
    return errs


def main():
    schema = json.load(open(sys.argv[1]))
    try:
        log = json.load(open(sys.argv[2]))
    except ValueError as e:
        print("not JSON:", e)
        return 1
    errs = problems(schema, log, "--no-region-ok" not in sys.argv[3:])
    for e in errs[:10]:
        print(e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
