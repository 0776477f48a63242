#!/usr/bin/env python3
"""The dashboard's speed, measured the way a person meets it: a release `taskinfa serve` with 10k
tasks in one workspace and a headless Chromium reading the page's own Performance API.

Each figure is printed beside the same run's API board read (counts + the five columns' first
pages in one GET /board, the request a board load makes), so a slow machine slows both:
  - navigation → the board painted with its first page of cards (p50, p95; goal p95 < 300 ms)
  - another client's move (an API call) → the card moving on this page (p50, p99; goal p99 < 100 ms)
  - the UI's own HTML + CSS + JS, compressed (goal < 150 KB)
  - the most cards one column renders while scrolling through 6000 (goal: a few hundred at most)

    swift build -c release --product taskinfa
    .venv/bin/python scripts/ui-bench.py .build/release/taskinfa [--json FILE]
"""
import argparse
import concurrent.futures
import gzip
import json
import math
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Browser"))
from harness import API, Server, browser, sign_in_browser, wait, wait_css  # noqa: E402

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "TaskinfaServer", "Web", "Assets")
COLUMNS = {"backlog": 6000, "todo": 2000, "in_progress": 1000, "review": 500, "done": 500}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def fill(server, workspace, project, key):
    keyed = API(server, key=key)
    jobs = [status for status, count in COLUMNS.items() for _ in range(count)]
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda item: keyed.task(workspace, project, f"Task {item[0]} in {item[1]}", status=item[1]), enumerate(jobs)))
    return len(jobs), time.time() - started


def api_board_read(api, workspace, repeats=30):
    """The read the page makes: GET /board (every column's count and first 30 cards)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        api.call("GET", f"/workspaces/{workspace}/board?limit=30", expect=200)
        times.append((time.perf_counter() - started) * 1000)
    return times


def painted(driver, url, repeats=30):
    times = []
    for _ in range(repeats):
        driver.get(url)
        wait(driver, 20).until(lambda d: d.execute_script("return performance.getEntriesByName('taskinfa:board-painted').length") > 0)
        times.append(driver.execute_script("return performance.getEntriesByName('taskinfa:board-painted')[0].startTime"))
    return times


def live_moves(driver, api, workspace, repeats=100):
    driver.execute_script("""
        window.__seen = {};
        const list = document.querySelector('[data-column=todo] .column-cards');
        new MutationObserver((records) => {
          for (const record of records) for (const node of record.addedNodes) {
            const key = node.dataset && node.dataset.taskKey;
            if (key && !(key in window.__seen)) window.__seen[key] = Date.now();
          }
        }).observe(list, { childList: true });""")
    backlog = api.call("GET", f"/workspaces/{workspace}/tasks?status=backlog&limit={repeats}", expect=200)["tasks"]
    latencies = []
    for task in backlog:
        first = api.call("GET", f"/workspaces/{workspace}/tasks?status=todo&limit=1", expect=200)["tasks"][0]
        sent = time.time() * 1000
        api.call("POST", f"/tasks/{task['id']}/move", {"status": "todo", "before_id": first["id"]}, expect=200)
        wait(driver, 5).until(lambda d: d.execute_script("return window.__seen[arguments[0]]", task["key"]) is not None)
        latencies.append(driver.execute_script("return window.__seen[arguments[0]]", task["key"]) - sent)
    return latencies


def ui_size(server):
    shell = urllib.request.urlopen(server.base + "/").read().decode()
    prefix = shell.split('src="')[1].split('"')[0].rsplit("/", 1)[0]
    total = len(gzip.compress(shell.encode()))
    for folder, _, files in os.walk(ASSETS):
        for name in files:
            path = os.path.relpath(os.path.join(folder, name), ASSETS)
            if path == "index.html":
                continue
            request = urllib.request.Request(f"{server.base}{prefix}/{path}", headers={"Accept-Encoding": "gzip"})
            total += len(urllib.request.urlopen(request).read())
    return total


def most_cards(driver):
    most = 0
    for _ in range(60):
        driver.execute_script("const l = document.querySelector('[data-column=backlog] .column-cards'); l.scrollTop = l.scrollHeight;")
        time.sleep(0.15)
        most = max(most, driver.execute_script("return document.querySelectorAll('[data-column=backlog] .card').length"))
    loaded = driver.execute_script("return document.querySelectorAll('[data-column=backlog] .card').length")
    return most, loaded


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", nargs="?", default=".build/release/taskinfa")
    parser.add_argument("--json")
    arguments = parser.parse_args()
    server = Server(os.path.abspath(arguments.binary))
    driver = None
    try:
        api = API(server)
        workspace = api.sign_up("bench@example.com")["workspace"]["id"]
        project = api.call("POST", f"/workspaces/{workspace}/projects", {"name": "Bench", "key": "BEN"}, expect=201)["id"]
        key = api.call("POST", f"/workspaces/{workspace}/api-keys", {"name": "bench"}, expect=201)["secret"]
        count, seconds = fill(server, workspace, project, key)
        print(f"filled {count} tasks in {seconds:.1f} s")
        read = api_board_read(api, workspace)
        driver = browser()
        sign_in_browser(driver, server, api)
        url = f"{server.base}/w/{workspace}"
        paint = painted(driver, url)
        driver.get(url)
        wait_css(driver, '[data-column=todo] .card', 20)
        wait_css(driver, '.live-status[data-state="live"]', 20)
        moves = live_moves(driver, api, workspace)
        size = ui_size(server)
        driver.get(url)
        wait_css(driver, '[data-column=backlog] .card', 20)
        most, rendered_at_end = most_cards(driver)
        figures = {
            "tasks": count,
            "api_board_read_ms": {"p50": percentile(read, 50), "p95": percentile(read, 95)},
            "board_painted_ms": {"p50": percentile(paint, 50), "p95": percentile(paint, 95), "first": paint[0]},
            "live_move_ms": {"p50": percentile(moves, 50), "p99": percentile(moves, 99)},
            "ui_bytes_compressed": size,
            "most_cards_in_a_column": most,
        }
        print(f"{'figure':44} {'value':>16} {'goal':>12}   baseline (same run)")
        print(f"{'API board read (GET /board, 5 × 30 cards)':44} {f'p50 {percentile(read, 50):.1f} ms':>16} {'':>12}   p95 {percentile(read, 95):.1f} ms")
        print(f"{'navigation → board painted, p95':44} {percentile(paint, 95):>13.1f} ms {'< 300 ms':>12}   {percentile(paint, 95) / percentile(read, 95):.1f}× the API read p95 (p50 {percentile(paint, 50):.1f} ms, first {paint[0]:.1f} ms)")
        print(f"{'API move → card moved on this page, p99':44} {percentile(moves, 99):>13.1f} ms {'< 100 ms':>12}   p50 {percentile(moves, 50):.1f} ms")
        print(f"{'UI HTML + CSS + JS, compressed':44} {size / 1024:>13.1f} KB {'< 150 KB':>12}")
        print(f"{'most cards one column rendered (of 6000)':44} {most:>16} {'few hundred':>12}   {rendered_at_end} at the end of the scroll")
        if arguments.json:
            with open(arguments.json, "w") as out:
                json.dump(figures, out, indent=2)
    finally:
        if driver:
            driver.quit()
        server.stop()


if __name__ == "__main__":
    main()
