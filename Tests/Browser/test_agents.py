"""Agents at work in the browser: the add-a-worker wizard with a real `taskinfa worker` started from
the command the page shows (the scripted test agent as its executor), the worker coming online,
a live coloured log, Stop, the diff review with a line comment sent back to the agent, the second
run that carries it, approval, and the analytics matching what happened (counted through the API)."""
import os
import shlex
import subprocess
import tempfile
import time

import pytest
from selenium.webdriver.common.by import By

from harness import (API, Server, axe_violations, console_errors, emulate_theme, screenshot, sign_in_browser, wait,
                     wait_css, wait_visible)



@pytest.fixture(scope="module")
def agent_server(request):
    # Short heartbeats, so that configuration changes and Stop reach the worker within a second.
    running = Server(os.path.abspath(request.config.getoption("--taskinfa")),
                     extra=["--lease-seconds", "8", "--heartbeat-seconds", "1"])
    yield running
    running.stop()


@pytest.fixture(scope="module")
def team(agent_server, request):
    """A person, a project whose repository is a local bare git remote, and a folder for the worker."""
    root = tempfile.mkdtemp(prefix="taskinfa-agents-")
    remote = os.path.join(root, "remote.git")
    seed = os.path.join(root, "seed")
    git = lambda *args, cwd=root: subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)
    git("init", "--quiet", "--bare", "-b", "main", remote)
    git("clone", "--quiet", remote, seed)
    with open(os.path.join(seed, "README.md"), "w") as out:
        out.write("seed\n")
    git("add", ".", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed", cwd=seed)
    git("push", "--quiet", "origin", "HEAD:main", cwd=seed)
    api = API(agent_server)
    workspace = api.sign_up("agents@example.com")["workspace"]["id"]
    project = api.call("POST", f"/workspaces/{workspace}/projects",
                       {"name": "Website", "key": "WEB", "repository_url": "file://" + remote}, expect=201)["id"]
    binary = os.path.abspath(request.config.getoption("--taskinfa"))
    # The scripted stand-in for a coding agent, built beside the binary (Tests/TestAgent).
    agent = os.path.join(os.path.dirname(binary), "taskinfa-test-agent")
    state = {"api": api, "workspace": workspace, "project": project, "root": root, "processes": [], "binary": binary, "agent": agent}
    yield state
    for process in state["processes"]:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def start_worker_from(command, team):
    """Runs exactly the command the page showed, with this host's own flags added (what it may run)."""
    words = shlex.split(command)
    assert words[:2] == ["taskinfa", "worker"], command
    binary, agent = team["binary"], team["agent"]
    log = open(os.path.join(team["root"], "worker.log"), "wb")
    process = subprocess.Popen(
        [binary, *words[1:], "--work-dir", os.path.join(team["root"], "work"),
         "--allow-command", f"{agent} stream", "--allow-command", f"{agent} review",
         "--allow-local-repositories"],
        stdout=log, stderr=subprocess.STDOUT)
    team["processes"].append(process)
    team["worker_log"] = log.name
    return process


def texts_of(driver, selector):
    """The texts of what matches, read in one step: the log redraws its visible lines as lines arrive,
    so an element found in one WebDriver call may be gone by the next."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(element => element.textContent)", selector)


def api_until(check, timeout=60, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


@pytest.fixture(scope="module")
def browser_session(agent_server, team):
    from harness import browser
    driver = browser()
    sign_in_browser(driver, agent_server, team["api"])
    yield driver
    driver.quit()


def test_the_wizard_starts_a_real_worker_that_comes_online(agent_server, team, browser_session):
    driver = browser_session
    driver.get(f"{agent_server.base}/w/{team['workspace']}/workers/new")
    wait_visible(driver, "input[name=name]").send_keys("builder")
    driver.find_element(By.CSS_SELECTOR, "input[name=specializations]").send_keys("frontend, python")
    screenshot(driver, "wizard-1-name")
    assert not axe_violations(driver, "wizard-name"), axe_violations(driver, "wizard-name")
    driver.find_element(By.CSS_SELECTOR, ".wizard-body button[type=submit]").click()
    command = wait_visible(driver, "#worker-command").get_attribute("value")
    secret = driver.find_element(By.CSS_SELECTOR, "#worker-secret").get_attribute("value")
    assert command == f"taskinfa worker --server {agent_server.base} --api-key {secret}"
    assert "services:" in driver.find_element(By.CSS_SELECTOR, "#worker-compose").get_attribute("value")
    screenshot(driver, "wizard-2-key")
    driver.find_element(By.CSS_SELECTOR, ".wizard-body button[type=submit]").click()
    # Step 3: the defaults are visible; choose "any command" with the test agent.
    executor = wait_visible(driver, "select[name='configuration.executor']")
    assert executor.get_attribute("value") == "claude"
    assert driver.find_element(By.CSS_SELECTOR, "input[name='configuration.max_loops']").get_attribute("value") == "50"
    driver.execute_script("arguments[0].value = 'command'; arguments[0].dispatchEvent(new Event('change'))", executor)
    loops = driver.find_element(By.CSS_SELECTOR, "input[name='configuration.max_loops']")
    loops.clear()
    loops.send_keys("0")
    driver.find_element(By.CSS_SELECTOR, ".wizard-body button[type=submit]").click()
    # The server's errors land beside their fields: the command is required, 0 loops is too few.
    error = wait_visible(driver, "[data-field='configuration.max_loops'] .field-error")
    assert "1" in error.text
    assert wait_visible(driver, "[data-field='configuration.agent_command'] .field-error").text
    loops.clear()
    loops.send_keys("5")
    driver.find_element(By.CSS_SELECTOR, "input[name='configuration.agent_command']").send_keys(f"{team['agent']} stream")
    screenshot(driver, "wizard-3-settings")
    assert not axe_violations(driver, "wizard-settings"), axe_violations(driver, "wizard-settings")
    emulate_theme(driver, "dark")
    screenshot(driver, "wizard-3-settings-dark")
    assert not axe_violations(driver, "wizard-settings-dark"), axe_violations(driver, "wizard-settings-dark")
    emulate_theme(driver, "light")
    driver.find_element(By.CSS_SELECTOR, ".wizard-body button[type=submit]").click()
    shown = wait_visible(driver, "#worker-command").get_attribute("value")
    assert shown == command
    driver.find_element(By.CSS_SELECTOR, ".wizard-body button[type=submit]").click()
    status = wait_visible(driver, ".connect-status")
    assert status.get_attribute("data-state") == "waiting"
    screenshot(driver, "wizard-5-waiting")
    start_worker_from(shown, team)
    wait(driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, ".connect-status").get_attribute("data-state") == "connected")
    screenshot(driver, "wizard-5-connected")
    team["worker_id"] = team["api"].call("GET", f"/workspaces/{team['workspace']}/workers", expect=200)["workers"][0]["id"]
    # The workers page shows it online, with its tags.
    driver.find_element(By.CSS_SELECTOR, ".wizard-body a.button.secondary").click()
    row = wait_visible(driver, f"tr[data-worker-id='{team['worker_id']}']")
    wait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, f"tr[data-worker-id='{team['worker_id']}'] .badge").get_attribute("data-state") == "idle")
    assert "frontend" in row.text and "python" in row.text
    screenshot(driver, "workers-page")
    assert not axe_violations(driver, "workers-light"), axe_violations(driver, "workers-light")
    emulate_theme(driver, "dark")
    driver.refresh()
    wait_visible(driver, f"tr[data-worker-id='{team['worker_id']}']")
    screenshot(driver, "workers-page-dark")
    assert not axe_violations(driver, "workers-dark"), axe_violations(driver, "workers-dark")
    emulate_theme(driver, "light")


def test_a_running_agents_log_streams_live_and_stop_ends_it(agent_server, team, browser_session):
    driver = browser_session
    api = team["api"]
    console_errors(driver)  # drain: the wizard's refused settings were expected
    task = api.task(team["workspace"], team["project"], "Stream some output", status="todo")
    try:
        watch_and_stop_the_stream(driver, agent_server, team, task)
    finally:
        # A failure above must not leave the worker busy with an endless stream for the tests after.
        for execution in api.call("GET", f"/tasks/{task['key']}/executions", expect=200)["executions"]:
            if execution["status"] == "running":
                api.call("POST", f"/tasks/{task['id']}/executions/{execution['id']}/cancel")


def watch_and_stop_the_stream(driver, agent_server, team, task):
    api = team["api"]
    driver.get(f"{agent_server.base}/w/{team['workspace']}/tasks/{task['key']}")
    # The running execution's log opens by itself and fills as the agent prints.
    wait_css(driver, ".execution[data-status='running'] .log-scroller", timeout=30)
    wait(driver, 30).until(lambda d: any("streaming" in text for text in texts_of(d, ".log-line")))
    # ANSI colours became classes on spans; no markup came from the agent's text.
    driver.execute_script("document.querySelector('.log-scroller').scrollTop = 0")
    red = wait(driver, 5).until(lambda d: texts_of(d, ".log-line .ansi-fg-red"))
    assert red[0].startswith("coloured line"), red
    assert "\x1b" not in driver.find_element(By.CSS_SELECTOR, ".log-lines").text
    # Scrolling up pauses following; the search finds a line.
    follow = driver.find_element(By.CSS_SELECTOR, ".log-toolbar button[aria-pressed]")
    wait(driver, 5).until(lambda d: follow.get_attribute("aria-pressed") == "false")
    search = driver.find_element(By.CSS_SELECTOR, ".log-search")
    search.send_keys("coloured line 3")
    wait(driver, 5).until(lambda d: "of" in d.find_element(By.CSS_SELECTOR, ".log-count").text)
    screenshot(driver, "log-viewer")
    assert not axe_violations(driver, "log-viewer"), axe_violations(driver, "log-viewer")
    emulate_theme(driver, "dark")
    screenshot(driver, "log-viewer-dark")
    assert not axe_violations(driver, "log-viewer-dark"), axe_violations(driver, "log-viewer-dark")
    emulate_theme(driver, "light")
    follow.click()
    wait(driver, 5).until(lambda d: follow.get_attribute("aria-pressed") == "true")
    # Stop.
    driver.find_element(By.CSS_SELECTOR, ".execution[data-status='running'] button.danger").click()
    wait_css(driver, ".execution[data-status='cancelled']", timeout=30)
    executions = api.call("GET", f"/tasks/{task['key']}/executions", expect=200)["executions"]
    assert executions[-1]["status"] == "cancelled"
    assert not [entry for entry in console_errors(driver) if "favicon" not in entry]


def test_request_changes_reaches_the_next_run_and_approval_finishes(agent_server, team, browser_session):
    driver = browser_session
    api = team["api"]
    api.call("PATCH", f"/workers/{team['worker_id']}", {"configuration": {"agent_command": f"{team['agent']} review"}}, expect=200)
    time.sleep(2.5)  # two heartbeats: the worker runs the new command from its next claim
    task = api.task(team["workspace"], team["project"], "Write the notes", status="todo")
    key = task["key"]
    api_until(lambda: api.call("GET", f"/tasks/{key}", expect=200)["status"] == "review", what=f"{key} in review")
    driver.get(f"{agent_server.base}/w/{team['workspace']}/tasks/{key}")
    wait_visible(driver, "button[data-review]", timeout=20).click()
    notes = f"{key}-notes.txt"
    wait_visible(driver, ".diff-file summary")
    assert notes in driver.find_element(By.CSS_SELECTOR, ".diff-review").text
    screenshot(driver, "diff-review")
    assert not axe_violations(driver, "diff-light"), axe_violations(driver, "diff-light")
    line = driver.find_element(By.CSS_SELECTOR, f"button[aria-label='Comment on {notes}, line 2']")
    line.click()
    box = wait_visible(driver, ".diff-comment-input")
    box.send_keys("Say which line this is: <b>two</b>")
    driver.find_element(By.CSS_SELECTOR, ".diff-comment-row .primary").click()
    wait_visible(driver, ".diff-comment.saved")
    # Approving is for work without line comments.
    assert not driver.find_element(By.CSS_SELECTOR, "button[data-decision='approve']").is_enabled()
    screenshot(driver, "diff-review-comment")
    emulate_theme(driver, "dark")
    screenshot(driver, "diff-review-dark")
    assert not axe_violations(driver, "diff-dark"), axe_violations(driver, "diff-dark")
    emulate_theme(driver, "light")
    driver.find_element(By.CSS_SELECTOR, "button[data-decision='request_changes']").click()
    wait(driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".dialog-review"))
    # The task went back; the next run's prompt carried the comment, and its work is in review again.
    def second_run_done():
        executions = api.call("GET", f"/tasks/{key}/executions", expect=200)["executions"]
        return len(executions) >= 2 and executions[-1]["status"] == "succeeded" and executions
    executions = api_until(second_run_done, what="a second run")
    assert executions[-1]["attempt"] == 2
    log = api.call("GET", f"/tasks/{key}/executions/{executions[-1]['id']}/logs?limit=1000", expect=200)["entries"]
    text = "\n".join(entry["text"] for entry in log)
    assert "review in prompt: **Changes requested.**" in text
    assert "Say which line this is: <b>two</b>" in text
    assert f"**{notes}**, line 2:" in text
    assert api.call("GET", f"/tasks/{key}", expect=200)["status"] == "review"
    diff = api.call("GET", f"/tasks/{key}/executions/{executions[-1]['id']}/diff", expect=200)
    assert f"{key}-fix.txt" in [file["path"] for file in diff["files"]]
    # Approve the second run.
    driver.refresh()
    wait_css(driver, f".execution[data-execution-id='{executions[-1]['id']}'] button[data-review]", timeout=20).click()
    wait_visible(driver, ".diff-file summary")
    driver.find_element(By.CSS_SELECTOR, "button[data-decision='approve']").click()
    api_until(lambda: api.call("GET", f"/tasks/{key}", expect=200)["status"] == "done", what=f"{key} done")
    team["reviewed"] = key


def test_an_agents_answer_shows_under_the_message_it_answers(agent_server, team, browser_session):
    driver = browser_session
    api = team["api"]
    key = team["reviewed"]
    asked = api.call("POST", f"/tasks/{key}/comments", {"body": "What did you change?", "type": "human_message"}, expect=201)
    answer = api_until(lambda: next((c for c in api.call("GET", f"/tasks/{key}/comments", expect=200)["comments"]
                                     if c.get("reply_to") == asked["id"]), None), what="the answer")
    driver.get(f"{agent_server.base}/w/{team['workspace']}/tasks/{key}")
    reply = wait_visible(driver, f"[data-comment-id='{asked['id']}'] > .replies [data-comment-id='{answer['id']}']", timeout=20)
    assert "The answer from the test agent." in reply.text


def test_the_overview_and_analytics_match_what_happened(agent_server, team, browser_session):
    driver = browser_session
    api = team["api"]
    workspace = team["workspace"]
    # Counted independently through the API.
    tasks = api.call("GET", f"/workspaces/{workspace}/tasks?limit=200", expect=200)["tasks"]
    done = [task for task in tasks if task["status"] == "done"]
    runs = []
    for task in tasks:
        runs += [e for e in api.call("GET", f"/tasks/{task['key']}/executions", expect=200)["executions"]
                 if e["kind"] == "task" and e["status"] not in ("running", "released")]
    succeeded = [run for run in runs if run["status"] == "succeeded"]
    driver.get(f"{agent_server.base}/w/{workspace}/analytics?period=day")
    wait_visible(driver, "#chart-throughput svg")
    throughput = driver.find_elements(By.CSS_SELECTOR, "#chart-throughput-table tbody td")
    assert sum(int(cell.get_attribute("textContent")) for cell in throughput) == len(done)
    status_cells = driver.find_elements(By.CSS_SELECTOR, "#chart-status-table tbody td")
    assert sum(int(cell.get_attribute("textContent")) for cell in status_cells) == len(tasks)
    row = wait_css(driver, f"[data-figures='figures-workers'] tr[data-id='{team['worker_id']}']")
    cells = [cell.get_attribute("textContent") for cell in row.find_elements(By.CSS_SELECTOR, "td")]
    assert cells[0] == str(len(runs))
    assert cells[1] == f"{round(len(succeeded) / len(runs) * 100)} %"
    executor_row = driver.find_element(By.CSS_SELECTOR, "[data-figures='figures-executors'] tr[data-id='command']")
    assert executor_row.find_element(By.CSS_SELECTOR, "td").get_attribute("textContent") == str(len(runs))
    assert "cancelled" in driver.find_element(By.CSS_SELECTOR, "#stop-reasons").find_element(By.XPATH, "..").text.lower()
    # The table behind a chart can be shown, and a CSV offered for it.
    driver.find_element(By.CSS_SELECTOR, "#chart-throughput .chart-actions .link").click()
    assert driver.find_element(By.CSS_SELECTOR, "#chart-throughput-table").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "#chart-throughput .chart-actions button.secondary")
    screenshot(driver, "analytics")
    assert not axe_violations(driver, "analytics-light"), axe_violations(driver, "analytics-light")
    emulate_theme(driver, "dark")
    screenshot(driver, "analytics-dark")
    assert not axe_violations(driver, "analytics-dark"), axe_violations(driver, "analytics-dark")
    emulate_theme(driver, "light")
    # The overview's card for WEB agrees with the API.
    driver.get(f"{agent_server.base}/w/{workspace}/overview")
    card = wait_visible(driver, f".overview-card[data-project-id='{team['project']}']")
    counts = dict(zip([dt.text for dt in card.find_elements(By.CSS_SELECTOR, "dt")], [dd.text for dd in card.find_elements(By.CSS_SELECTOR, "dd")]))
    assert counts["Done"] == str(len(done))
    screenshot(driver, "overview")
    assert not axe_violations(driver, "overview"), axe_violations(driver, "overview")
    emulate_theme(driver, "dark")
    assert not axe_violations(driver, "overview-dark"), axe_violations(driver, "overview-dark")
    emulate_theme(driver, "light")
    # At 375 px the charts fit without sideways scrolling of the page.
    driver.set_window_size(375, 800)
    driver.get(f"{agent_server.base}/w/{workspace}/analytics")
    wait_visible(driver, "#chart-burndown svg")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 375
    screenshot(driver, "analytics-375")
    driver.set_window_size(1280, 860)


def test_the_worker_page_edits_disables_and_lists_its_runs(agent_server, team, browser_session):
    driver = browser_session
    driver.get(f"{agent_server.base}/w/{team['workspace']}/workers/{team['worker_id']}")
    wait_visible(driver, ".worker-detail table")
    history = driver.find_element(By.CSS_SELECTOR, ".worker-detail table").text
    assert team["reviewed"] in history
    loops = driver.find_element(By.CSS_SELECTOR, "input[name='configuration.max_loops']")
    loops.clear()
    loops.send_keys("7")
    driver.find_element(By.CSS_SELECTOR, ".worker-detail form button[type=submit]").click()
    api_until(lambda: team["api"].call("GET", f"/workers/{team['worker_id']}", expect=200)["configuration"]["max_loops"] == 7, what="saved")
    # The summary is redrawn as the worker's heartbeats arrive: click whichever button is there now.
    def click_disable(d):
        button = d.find_element(By.CSS_SELECTOR, ".worker-summary [data-action=toggle]")
        assert button.text == "Disable"
        button.click()
        return True
    wait(driver, 10).until(click_disable)
    api_until(lambda: team["api"].call("GET", f"/workers/{team['worker_id']}", expect=200)["enabled"] is False, what="disabled")
    screenshot(driver, "worker-detail")
    assert not axe_violations(driver, "worker-detail"), axe_violations(driver, "worker-detail")
    emulate_theme(driver, "dark")
    screenshot(driver, "worker-detail-dark")
    assert not axe_violations(driver, "worker-detail-dark"), axe_violations(driver, "worker-detail-dark")
    emulate_theme(driver, "light")
