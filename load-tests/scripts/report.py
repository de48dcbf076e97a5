#!/usr/bin/env python3
"""Prints a Gatling run's per-request statistics as a Markdown table (for docs/benchmarks.md).

    python3 load-tests/scripts/report.py [run directory]   # default: the newest under load-tests/target/gatling

Gatling 3.15 keeps these figures only in its HTML report; this reads the statistics table of
index.html (columns: total, ok, ko, ko %, req/s over the whole run, min, p50, p75, p95, p99, max, mean).
"""
import glob
import html
import os
import re
import sys

if len(sys.argv) > 1:
    run = sys.argv[1]
else:
    here = os.path.dirname(os.path.abspath(__file__))
    runs = sorted(glob.glob(os.path.join(here, "..", "target", "gatling", "*", "index.html")), key=os.path.getmtime)
    if not runs:
        sys.exit("no Gatling run under load-tests/target/gatling")
    run = os.path.dirname(runs[-1])

page = open(os.path.join(run, "index.html"), encoding="utf-8").read()
rows = re.findall(r'<tr id="req_[^"]*" data-parent="ROOT">(.*?)</tr>', page, re.S)
print(f"run: {os.path.basename(os.path.normpath(run))}\n")
print("| request | count | failed | p50 ms | p75 ms | p95 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|---|---|")
for row in rows:
    name = html.unescape(re.search(r'class="ellipsed-name">(.*?)</span>', row).group(1))
    values = dict(re.findall(r'class="value [a-z]+ col-(\d+)">([^<]*)</td>', row))
    print(f"| {name} | {values['2']} | {values['4']} | {values['8']} | {values['9']} | {values['10']} | {values['11']} | {values['12']} |")
