#!/usr/bin/python3
# crd_check.py CRD_DIR FILE — validate the Kubernetes resources in FILE (a YAML
# stream, or a JSON array of documents) against the openAPIV3Schema of their
# CustomResourceDefinition in CRD_DIR (the version named by apiVersion), the
# integer formats (int32, int64) included, as the API server would.  The last
# document, a container securityContext snippet, is checked for its shape.
# Prints one line per problem (nothing when valid); exit 1 on problems.
import json
import sys

import jsonschema
import yaml

crd_dir, path = sys.argv[1], sys.argv[2]
schemas = {}
for name in ("seccompprofile.yaml", "selinuxpolicy.yaml", "apparmorprofile.yaml"):
    for crd in yaml.safe_load_all(open(f"{crd_dir}/{name}")):
        if not crd:
            continue
        group = crd["spec"]["group"]
        for v in crd["spec"]["versions"]:
            schemas[(f"{group}/{v['name']}", crd["spec"]["names"]["kind"])] = v["schema"]["openAPIV3Schema"]

fc = jsonschema.FormatChecker()


@fc.checks("int32")
def int32(x):
    return not isinstance(x, int) or -(2**31) <= x < 2**31


@fc.checks("int64")
def int64(x):
    return not isinstance(x, int) or -(2**63) <= x < 2**63


text = open(path).read()
docs = json.loads(text) if text.lstrip().startswith("[") else list(yaml.safe_load_all(text))
problems = []
if not docs:
    problems.append("no documents")
for i, d in enumerate(docs[:-1]):
    key = (d.get("apiVersion"), d.get("kind"))
    if key not in schemas:
        problems.append(f"document {i}: no CRD for {key}")
        continue
    v = jsonschema.Draft7Validator(schemas[key], format_checker=fc)
    for e in v.iter_errors(d):
        problems.append(f"document {i} ({key[1]}): {'/'.join(map(str, e.path))}: {e.message[:200]}")
    if not d.get("metadata", {}).get("name"):
        problems.append(f"document {i}: no metadata.name")
sc = docs[-1].get("securityContext") if docs else None
allowed = {"seccompProfile", "appArmorProfile", "seLinuxOptions", "capabilities", "allowPrivilegeEscalation",
           "runAsUser", "runAsGroup"}
if not isinstance(sc, dict):
    problems.append("last document: no securityContext")
else:
    for k in sc:
        if k not in allowed:
            problems.append(f"securityContext: unexpected {k}")
    for k in ("runAsUser", "runAsGroup"):
        if k in sc and not (isinstance(sc[k], int) and 0 <= sc[k] < 2**31):
            problems.append(f"securityContext.{k}: not a 32-bit id")
    for k in ("seccompProfile", "appArmorProfile"):
        if k in sc and (sc[k].get("type") != "Localhost" or not sc[k].get("localhostProfile")):
            problems.append(f"securityContext.{k}: not a Localhost profile")
    if "allowPrivilegeEscalation" in sc and not isinstance(sc["allowPrivilegeEscalation"], bool):
        problems.append("securityContext.allowPrivilegeEscalation: not a boolean")
    caps = sc.get("capabilities", {})
    for k, v in caps.items():
        if k not in ("add", "drop") or not all(isinstance(c, str) and c.isupper() for c in v):
            problems.append(f"securityContext.capabilities.{k}: {v}")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
