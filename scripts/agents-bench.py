#!/usr/bin/env python3
"""The agents' pages under load, on a release `taskinfa serve`, each figure beside a baseline taken
in the same run (a slow machine slows both):

  - GET /analytics (period week, the whole workspace) with 100k tasks and 10k executions, p50/p95
    (goal p95 < 100 ms), beside GET /tasks/counts over the same rows;
  - the log viewer's frame interval in headless Chromium while 1,000 lines/s arrive for 10 s
    (p50/p95/p99/max), beside the same page's frame interval with no log arriving.

The 100k tasks and 10k executions are written straight into the server's SQLite file (the server
stopped, its own schema in place; they are left out of the search index) — filling through HTTP
would take minutes and measures something else; the server then reads them as its own.

    swift build -c release --product taskinfa
    .venv/bin/python scripts/agents-bench.py .build/release/taskinfa [--json FILE]
"""
import argparse
import json
import math
import os
import random
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Browser"))
from harness import API, Server, browser, sign_in_browser, wait, wait_css  # noqa: E402

TASKS = 100_000
EXECUTIONS = 10_000
STATUSES = [("backlog", 0), ("todo", 1), ("in_progress", 2), ("review", 3), ("done", 4)]
PRIORITIES = [("urgent", 0), ("high", 1), ("medium", 2), ("low", 3)]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(api, path, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        api.call("GET", path, expect=200)
        times.append((time.perf_counter() - started) * 1000)
    return times


def seed(database, workspace, project, user, worker):
    """100k tasks over the last 90 days in every column, 10k finished executions of them."""
    now = int(time.time() * 1000)
    day = 86_400_000
    rng = random.Random(7)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    first = connection.execute("SELECT COALESCE(MAX(number), 0) FROM tasks WHERE project_id = ?", (project,)).fetchone()[0]
    # The search index is an FTS5 table with options older SQLite builds (Python's) can't open: the
    # rows go in without it (analytics doesn't search), and its trigger is put back as it was.
    trigger = connection.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'tasks_search_insert'").fetchone()[0]
    connection.execute("DROP TRIGGER tasks_search_insert")
    rows = []
    for index in range(TASKS):
        status, order = STATUSES[index % 5]
        priority, rank = PRIORITIES[rng.randrange(4)]
        created = now - rng.randrange(90 * day)
        started = created + rng.randrange(day) if order >= 2 else None
        completed = (started or created) + rng.randrange(3 * day) if order >= 3 else None
        completed = min(completed, now) if completed else None
        rows.append((f"tsk_bench{index:08d}", workspace, project, first + index + 1, f"Bench task {index} about caching",
                     status, order, priority, rank, f"a{index:08d}", user, created, completed or created, started, completed,
                     completed or started or created))
    connection.executemany(
        """INSERT INTO tasks (id, workspace_id, project_id, number, title, status, status_order, priority, priority_rank,
                              position, created_by, created_at, updated_at, started_at, completed_at, entered_status_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
    outcomes = ["succeeded"] * 6 + ["failed", "failed", "blocked", "cancelled"]
    executors = ["claude", "codex", "command"]
    executions = []
    for index in range(EXECUTIONS):
        started = now - rng.randrange(80 * day)
        status = outcomes[index % len(outcomes)]
        executions.append((f"exe_bench{index:08d}", workspace, f"tsk_bench{rng.randrange(TASKS):08d}", worker, status,
                           1 + (index % 3 == 0), f"token{index}", started + 3_600_000, started, started + rng.randrange(1_800_000),
                           1 + rng.randrange(8), rng.randrange(3), rng.randrange(50_000), rng.randrange(20_000),
                           rng.random(), None if status == "succeeded" else rng.choice(["tests failed", "no progress in 3 loops", "loop timeout"]),
                           executors[index % 3]))
    connection.executemany(
        """INSERT INTO executions (id, workspace_id, task_id, worker_id, kind, status, attempt, claim_token, lease_expires_at,
                                   started_at, finished_at, loops, errors, input_tokens, output_tokens, cost_usd, reason, executor)
           VALUES (?, ?, ?, ?, 'task', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", executions)
    connection.execute(trigger)
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def analytics_phase(binary):
    server = Server(binary)
    api = API(server)
    result = api.sign_up("bench@example.com")
    workspace, user = result["workspace"]["id"], result["user"]["id"]
    project = api.call("POST", f"/workspaces/{workspace}/projects", {"name": "Bench", "key": "BEN"}, expect=201)["id"]
    worker = api.call("POST", f"/workspaces/{workspace}/workers", {"name": "bench-worker"}, expect=201)["worker"]["id"]
    server.stop(keep_data=True)
    started = time.time()
    seed(os.path.join(server.folder, "taskinfa.sqlite"), workspace, project, user, worker)
    seeded = time.time() - started
    # The same data folder, served again.
    restarted = Server(binary, folder=server.folder, port=server.port)
    try:
        api.server = restarted
        api.sign_in("bench@example.com")
        for _ in range(5):  # warm the page cache
            api.call("GET", f"/workspaces/{workspace}/analytics", expect=200)
        baseline = timed(api, f"/workspaces/{workspace}/tasks/counts", 50)
        analytics = timed(api, f"/workspaces/{workspace}/analytics", 50)
        by_day = timed(api, f"/workspaces/{workspace}/analytics?period=day", 20)
        report = api.call("GET", f"/workspaces/{workspace}/analytics", expect=200)
        assert sum(report["status_counts"].values()) == TASKS, report["status_counts"]
        assert sum(row["runs"] for row in report["workers"]) > 0
        return {
            "seconds_to_seed": round(seeded, 1),
            "analytics_p50_ms": round(percentile(analytics, 50), 1), "analytics_p95_ms": round(percentile(analytics, 95), 1),
            "analytics_day_p95_ms": round(percentile(by_day, 95), 1),
            "baseline_counts_p50_ms": round(percentile(baseline, 50), 1), "baseline_counts_p95_ms": round(percentile(baseline, 95), 1),
            "ratio_p95": round(percentile(analytics, 95) / max(percentile(baseline, 95), 0.01), 2),
        }
    finally:
        restarted.stop()


FRAMES = """
window.__frames = [];
let last = performance.now();
const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__frames.length < 100000) requestAnimationFrame(tick); };
requestAnimationFrame(tick);
"""


def log_phase(binary, seconds=10, rate=1000):
    server = Server(binary)
    try:
        api = API(server)
        workspace = api.sign_up("logs@example.com")["workspace"]["id"]
        project = api.call("POST", f"/workspaces/{workspace}/projects", {"name": "Logs", "key": "LOG"}, expect=201)["id"]
        created = api.call("POST", f"/workspaces/{workspace}/workers", {"name": "shipper"}, expect=201)
        bot = API(server, key=created["secret"])
        worker = created["worker"]["id"]
        api.task(workspace, project, "Print a lot", status="todo")
        claim = bot.call("POST", f"/workers/{worker}/claim", {}, expect=200)
        token = {"X-Taskinfa-Claim": claim["claim_token"]}
        path = f"/tasks/{claim['task']['id']}/executions/{claim['execution']['id']}/logs"
        driver = browser()
        sign_in_browser(driver, server, api)
        driver.get(f"{server.base}/w/{workspace}/tasks/{claim['task']['key']}")
        wait_css(driver, ".log-scroller", timeout=20)
        time.sleep(1)

        def frames(duration):
            driver.execute_script(FRAMES)
            time.sleep(duration)
            return driver.execute_script("const f = window.__frames; window.__frames = []; return f.slice(2);")

        idle = frames(5)
        stop = threading.Event()
        shipped = [0]

        def ship():
            # 100 lines every 100 ms, some of them coloured, as an agent CLI prints.
            sequence = 0
            while not stop.is_set():
                batch = [{"stream": "stdout", "loop": 1,
                          "text": f"\u001b[3{sequence % 7}mline {sequence + i}\u001b[0m compiling module {sequence + i} of a long build"}
                         for i in range(rate // 10)]
                sequence += len(batch)
                bot.call("POST", path, {"entries": batch}, headers=token, expect=200)
                shipped[0] = sequence
                time.sleep(0.1)

        shipper = threading.Thread(target=ship)
        shipper.start()
        busy = frames(seconds)
        stop.set()
        shipper.join()
        wait(driver, 20).until(lambda d: d.execute_script(
            "return document.querySelector('.log-spacer').offsetHeight / 18") >= shipped[0])
        in_dom = driver.execute_script("return document.querySelectorAll('.log-line').length")
        driver.quit()
        return {
            "lines_shipped": shipped[0], "lines_per_second": round(shipped[0] / seconds),
            "line_elements_in_dom": in_dom,
            "frame_p50_ms": round(percentile(busy, 50), 1), "frame_p95_ms": round(percentile(busy, 95), 1),
            "frame_p99_ms": round(percentile(busy, 99), 1), "frame_max_ms": round(max(busy), 1),
            "baseline_idle_frame_p95_ms": round(percentile(idle, 95), 1),
            "ratio_p95": round(percentile(busy, 95) / max(percentile(idle, 95), 0.01), 2),
        }
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--json")
    arguments = parser.parse_args()
    binary = os.path.abspath(arguments.binary)
    results = {"analytics": analytics_phase(binary), "log_viewer": log_phase(binary)}
    for phase, figures in results.items():
        print(phase)
        for name, value in figures.items():
            print(f"  {name:32} {value}")
    if arguments.json:
        with open(arguments.json, "w") as out:
            json.dump(results, out, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
