"""Validates each body of a corpus against a bundle schema with python-jsonschema (draft 2020-12).

    python3 check.py BUNDLE.json CORPUS.json

CORPUS.json is an array of strings, each one request body. Prints one line per body, "valid" or "invalid" (a
body that is not strict JSON is invalid: NaN and Infinity, which Python's json module takes by default, are
refused as every other JSON parser refuses them).
"""

import json
import sys

from jsonschema import Draft202012Validator


def refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def main():
    bundle_path, corpus_path = sys.argv[1:3]
    with open(bundle_path, encoding="utf-8") as f:
        bundle = json.load(f)
    Draft202012Validator.check_schema(bundle)
    validator = Draft202012Validator(bundle)
    with open(corpus_path, encoding="utf-8") as f:
        corpus = json.load(f)
    out = []
    for body in corpus:
        try:
            instance = json.loads(body, parse_constant=refuse_constant)
        except (ValueError, RecursionError):
            out.append("invalid")
            continue
        try:
            out.append("valid" if validator.is_valid(instance) else "invalid")
        except RecursionError:
            out.append("invalid")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
