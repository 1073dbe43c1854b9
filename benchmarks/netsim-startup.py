#!/usr/bin/env python3
"""netsim start-up: the wall time from launch to the first line of output and to the end of a command.

Usage: benchmarks/netsim-startup.py [--runs N] [--env NAME=VALUE ...] NETSIM [ARGS...]
Runs NETSIM ARGS (default: no argument, the web-visit lesson) N times (default 5) with its output on a pipe,
and prints the median and the range of both times in milliseconds. Not a BenchmarkDotNet benchmark: it
measures a process, start to end, as a user waits for it (see benchmarks/README.md, "netsim start-up").
"""
import os, statistics, subprocess, sys, time

def main(argv):
    runs, env = 5, dict(os.environ)
    while argv and argv[0].startswith("--"):
        if argv[0] == "--runs":
            runs, argv = int(argv[1]), argv[2:]
        elif argv[0] == "--env":
            name, value = argv[1].split("=", 1)
            env[name], argv = value, argv[2:]
        else:
            sys.exit(f"unknown option {argv[0]}")
    if not argv:
        sys.exit(__doc__)
    first, total = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        process.stdout.readline()
        first.append((time.perf_counter() - start) * 1000)
        process.stdout.read()
        code = process.wait()
        total.append((time.perf_counter() - start) * 1000)
        if code not in (0, 1):
            sys.exit(f"{' '.join(argv)} exited with {code}")
    show = lambda xs: f"{statistics.median(xs):6.0f} ms ({min(xs):.0f}-{max(xs):.0f})"
    print(f"first line {show(first)}   end {show(total)}   {' '.join(argv)}")

main(sys.argv[1:])
