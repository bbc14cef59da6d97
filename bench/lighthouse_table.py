"""Lighthouse JSON reports → a Markdown table of the four scores per page (bench/lighthouse.sh).

Reads "name<TAB>path<TAB>report.json" lines on stdin (several runs of a page: the median
score per category), prints the table, then each failing audit of a page below 100."""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def main() -> None:
    runs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for line in sys.stdin:
        name, path, report = line.rstrip("\n").split("\t")
        file = Path(report)
        if file.exists():
            runs[(name, path)].append(json.loads(file.read_text()))
        else:
            runs[(name, path)]
    print("| page | path | performance | accessibility | best practices | SEO |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    notes = []
    for (name, path), reports in runs.items():
        scores = []
        for category in CATEGORIES:
            values = [r["categories"][category]["score"] for r in reports]
            values = [v for v in values if v is not None]
            scores.append(round(statistics.median(values) * 100) if values else "–")
        print(f"| {name} | `{path}` | " + " | ".join(str(s) for s in scores) + " |")
        if reports:
            notes += _failing(name, reports[-1])
    if notes:
        print()
        print("\n".join(notes))


def _failing(name: str, report: dict) -> list[str]:
    """The audits that cost points, per category (weight > 0, score < 1)."""
    lines = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                shown = audit.get("displayValue", "")
                lines.append(f"- {name} · {category}: {audit['title']} {shown}".rstrip())
    return lines


if __name__ == "__main__":
    main()
