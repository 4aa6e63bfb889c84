#!/usr/bin/env python3
"""Scrape two /metrics endpoints alternately N times over keep-alive connections and report
latency p50/p99 and the server's CPU time per scrape (from /proc/PID/stat).
usage: scrape_bench.py N NAME=PORT:PID [NAME=PORT:PID ...]"""
import http.client, os, sys, time

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

n = int(sys.argv[1])
targets = []
for spec in sys.argv[2:]:
    name, rest = spec.split("=")
    port, pid = rest.split(":")
    targets.append({"name": name, "port": int(port), "pid": int(pid), "lat": [], "bytes": 0,
                    "conn": http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)})
for t in targets:  # warm up, and open the connections
    for _ in range(10):
        t["conn"].request("GET", "/metrics"); t["conn"].getresponse().read()
    t["cpu0"] = cpu_seconds(t["pid"])
for _ in range(n):
    for t in targets:
        start = time.perf_counter()
        t["conn"].request("GET", "/metrics")
        body = t["conn"].getresponse().read()
        t["lat"].append(time.perf_counter() - start)
        t["bytes"] = len(body)
for t in targets:
    cpu = cpu_seconds(t["pid"]) - t["cpu0"]
    lat = sorted(t["lat"])
    print(f"{t['name']:>14}: p50 {lat[n // 2] * 1000:7.3f} ms  p99 {lat[n * 99 // 100] * 1000:7.3f} ms  "
          f"cpu/scrape {cpu / n * 1000:7.3f} ms  body {t['bytes']} B")
