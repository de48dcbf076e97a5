#!/usr/bin/env python3
"""Reads Gatling runs' statistics for docs/benchmarks.md (standard library only).

    python3 load-tests/scripts/report.py [run directory]
        the run's per-request table in Markdown (default: the newest under load-tests/target/gatling)
    python3 load-tests/scripts/report.py --row LABEL RATE SECONDS < measured-run lines
        one row of compare.sh's chat table, from the newest run and measured-run.sh's '==' lines
    python3 load-tests/scripts/report.py --ratios ROW...
        each server's achieved rate (at the highest rate offered) as a ratio of the Node relay's

Gatling 3.15 keeps these figures only in its HTML report; this reads the statistics table of
index.html (columns: total, ok, ko, ko %, req/s over the whole run, min, p50, p75, p95, p99, max, mean).
"""
import glob
import html
import os
import re
import sys


def newest_run():
    here = os.path.dirname(os.path.abspath(__file__))
    runs = sorted(glob.glob(os.path.join(here, "..", "target", "gatling", "*", "index.html")), key=os.path.getmtime)
    if not runs:
        sys.exit("no Gatling run under load-tests/target/gatling")
    return os.path.dirname(runs[-1])


def statistics(run):
    """{request name: {column number: value}} of the run's statistics table."""
    page = open(os.path.join(run, "index.html"), encoding="utf-8").read()
    stats = {}
    for row in re.findall(r'<tr id="req_[^"]*" data-parent="ROOT">(.*?)</tr>', page, re.S):
        name = html.unescape(re.search(r'class="ellipsed-name">(.*?)</span>', row).group(1))
        stats[name] = dict(re.findall(r'class="value [a-z]+ col-(\d+)">([^<]*)</td>', row))
    return stats


def table(run):
    print(f"run: {os.path.basename(os.path.normpath(run))}\n")
    print("| request | count | failed | p50 ms | p75 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for name, values in statistics(run).items():
        print(f"| {name} | {values['2']} | {values['4']} | {values['8']} | {values['9']} | {values['10']} | {values['11']} | {values['12']} |")


def number(text):
    return float(text.replace(",", "")) if text and text not in ("-", "") else 0.0


def row(label, rate, seconds):
    stats = statistics(newest_run())
    measured = sys.stdin.read()
    # Measured requests only: the warm-up is reported under names of its own.
    timed = {name: v for name, v in stats.items() if not name.startswith("warm")}
    ack = timed.get("stored ack") or timed.get("echo") or {}
    delivered = timed.get("delivered") or timed.get("echo") or {}
    count = number(ack.get("2")) + (number(delivered.get("2")) if "delivered" in timed else 0)
    failures = int(sum(number(v.get("4")) for v in timed.values()))
    achieved = count / float(seconds)
    cpu = re.search(r"== server .*?([\d.]+) s CPU", measured)
    pg = re.search(r"== postgres during the run: ([\d.]+) s CPU", measured)
    thousands = max(achieved * float(seconds) / 1000.0, 1e-9)
    server_cpu = f"{float(cpu.group(1)) / thousands:.3f}" if cpu else "?"
    pg_cpu = f"{float(pg.group(1)) / thousands:.3f}" if pg else "–"
    print(f"| {label} | {int(rate):,} | {achieved:,.0f} | {ack.get('8', '?')} / {ack.get('11', '?')} | "
          f"{delivered.get('8', '?')} / {delivered.get('11', '?')} | {failures} | {server_cpu} | {pg_cpu} |")


def ratios(rows):
    best = {}
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        label, offered, achieved = cells[0], number(cells[1]), number(cells[2])
        if offered >= best.get(label, (0, 0))[0]:
            best[label] = (offered, achieved)
    relay = best.get("Node relay")
    for label, (offered, achieved) in best.items():
        ratio = f"{achieved / relay[1]:.2f}x the relay's" if relay and relay[1] else "no relay run"
        print(f"- {label}: {achieved:,.0f}/s achieved at {offered:,.0f}/s offered, {ratio}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--row":
        row(args[1], args[2], args[3])
    elif args and args[0] == "--ratios":
        ratios(args[1:])
    else:
        table(args[0] if args else newest_run())
