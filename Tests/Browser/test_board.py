"""The board in a real headless Chromium: sign-up and onboarding, creating, dragging within and
across columns, live updates from another session, the keyboard, filters in the URL, bulk moves,
API keys, and hostile text that must stay text."""
import time
import urllib.request

import pytest

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from harness import (API, PASSWORD, axe_violations, browser, card, column_keys, console_errors, emulate_theme,
                     screenshot, sign_in_browser, wait, wait_column, wait_css, wait_visible)


def drag(driver, source, target_element, offset_y=0):
    """Pointer drag in small steps, as a hand would (pointer events, not HTML5 drag and drop)."""
    start = source.location
    size = source.size
    end = target_element.location
    end_size = target_element.size
    sx, sy = start["x"] + size["width"] / 2, start["y"] + size["height"] / 2
    tx, ty = end["x"] + end_size["width"] / 2, end["y"] + offset_y
    chain = ActionChains(driver, duration=10)
    chain.move_to_element(source).click_and_hold()
    steps = 12
    for _ in range(steps):
        chain.move_by_offset((tx - sx) / steps, (ty - sy) / steps)
    chain.pause(0.1).release().perform()


def field(driver, label):
    return driver.find_element(By.XPATH, f'//label[normalize-space()="{label}"]/following-sibling::*[self::input or self::select or self::textarea][1]')


def open_board(driver, server, person, query=""):
    sign_in_browser(driver, server, person["api"])
    driver.get(f"{server.base}/w/{person['workspace']}{query}")
    wait_css(driver, '[data-column="backlog"] .column-count')
    wait(driver).until(lambda d: d.find_element(By.ID, "main").get_attribute("aria-busy") is None)


def test_sign_up_onboard_create_and_drag(server, driver):
    api = API(server)
    driver.get(server.base + "/")
    wait(driver).until(lambda d: "/signin" in d.current_url)
    wait_visible(driver, "form")
    screenshot(driver, "signin-light")
    assert not axe_violations(driver, "signin-light")
    emulate_theme(driver, "dark")
    screenshot(driver, "signin-dark")
    assert not axe_violations(driver, "signin-dark")
    emulate_theme(driver, "light")

    driver.find_element(By.LINK_TEXT, "Create account").click()
    wait_visible(driver, "#main form")
    field(driver, "Name").send_keys("Grace Hopper")
    field(driver, "Email").send_keys("grace@example.com")
    field(driver, "Password").send_keys("short")
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    # The API's reason appears beside the field it names.
    error = wait_visible(driver, '[data-field="password"] .field-error')
    assert error.text
    field(driver, "Password").clear()
    field(driver, "Password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()

    wait(driver).until(lambda d: "/onboarding" in d.current_url)
    name = wait_visible(driver, '[data-field="name"] input')
    name.clear()
    name.send_keys("Acme")
    screenshot(driver, "onboarding-workspace")
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-field="repository_url"]'))
    field(driver, "Project name").send_keys("Website")
    assert field(driver, "Key").get_attribute("value") == "WEB"
    field(driver, "Repository URL").send_keys("https://example.com/acme/website.git")
    screenshot(driver, "onboarding-project")
    assert not axe_violations(driver, "onboarding")
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    wait(driver).until(lambda d: "/w/" in d.current_url)
    workspace = driver.current_url.split("/w/")[1].split("/")[0].split("?")[0]
    wait_css(driver, '[data-column="todo"]')

    # A task made with the dialog lands in the column it was created from.
    driver.find_element(By.CSS_SELECTOR, '[data-column="todo"] .add').click()
    wait_visible(driver, "dialog[open]")
    field(driver, "Title").send_keys("Write the landing page")
    field(driver, "Labels").send_keys("web, copy")
    field(driver, "Title").send_keys(Keys.CONTROL, Keys.ENTER)
    wait_column(driver, "todo", lambda keys: keys == ["WEB-1"])

    api.sign_in("grace@example.com")
    project = api.call("GET", f"/workspaces/{workspace}/projects")["projects"][0]["id"]
    for title, extra in (("Pick the colours", {"priority": "high", "labels": ["design"]}),
                         ("Set up analytics", {"due_date": "2020-01-01", "labels": ["ops"]}),
                         ("Fix the footer", {"priority": "urgent"})):
        api.task(workspace, project, title, status="todo", **extra)
    api.call("POST", "/tasks/WEB-2/comments", {"body": "Go with the blue one"}, expect=201)
    wait_column(driver, "todo", lambda keys: keys == ["WEB-1", "WEB-2", "WEB-3", "WEB-4"])

    # Across columns: WEB-1 to In Progress.
    drag(driver, card(driver, "WEB-1"), driver.find_element(By.CSS_SELECTOR, '[data-column="in_progress"] .column-cards'), 40)
    wait_column(driver, "in_progress", lambda keys: keys == ["WEB-1"])
    wait(driver).until(lambda d: api.column(workspace, "in_progress") == ["WEB-1"])

    # Within a column: WEB-4 above WEB-2.
    target = card(driver, "WEB-2")
    drag(driver, card(driver, "WEB-4"), target, 4)
    wait_column(driver, "todo", lambda keys: keys == ["WEB-4", "WEB-2", "WEB-3"])
    wait(driver).until(lambda d: api.column(workspace, "todo") == ["WEB-4", "WEB-2", "WEB-3"])

    driver.refresh()
    wait_column(driver, "todo", lambda keys: keys == ["WEB-4", "WEB-2", "WEB-3"])
    assert column_keys(driver, "in_progress") == ["WEB-1"]
    screenshot(driver, "board-light")
    assert not axe_violations(driver, "board-light")
    emulate_theme(driver, "dark")
    screenshot(driver, "board-dark")
    assert not axe_violations(driver, "board-dark")
    assert not [error for error in console_errors(driver) if "Failed to load resource" not in error]


def test_a_refused_move_snaps_back_with_the_reason(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    blocker = api.task(workspace, project, "Design the schema", status="in_progress")
    blocked = api.task(workspace, project, "Build the importer")
    api.call("POST", f"/tasks/{blocked['id']}/dependencies", {"depends_on_task_id": blocker["id"], "kind": "blocks"}, expect=201)
    open_board(driver, server, person)
    wait_column(driver, "backlog", lambda keys: keys == [blocked["key"]])
    drag(driver, card(driver, blocked["key"]), driver.find_element(By.CSS_SELECTOR, '[data-column="todo"] .column-cards'), 40)
    toast = wait_visible(driver, ".toast-error")
    assert blocked["key"] in toast.text
    wait_column(driver, "backlog", lambda keys: keys == [blocked["key"]])
    assert column_keys(driver, "todo") == []
    assert api.column(workspace, "backlog") == [blocked["key"]]


def test_a_second_session_sees_a_move_live(server, person):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    task = api.task(workspace, project, "Shared across tabs", status="todo")
    first, second = browser(), browser()
    try:
        open_board(first, server, person)
        other = API(server)
        other.sign_in(person["email"])
        open_board(second, server, {**person, "api": other})
        wait_column(second, "todo", lambda keys: keys == [task["key"]])
        wait_css(second, '.live-status[data-state="live"]')
        drag(first, card(first, task["key"]), first.find_element(By.CSS_SELECTOR, '[data-column="review"] .column-cards'), 40)
        wait_column(first, "review", lambda keys: keys == [task["key"]])
        started = time.time()
        wait_column(second, "review", lambda keys: keys == [task["key"]], timeout=5)
        assert time.time() - started < 1
        assert column_keys(second, "todo") == []
        # A change made by a script (an API call) shows the same way.
        api.call("POST", f"/tasks/{task['id']}/move", {"status": "done"}, expect=200)
        wait_column(second, "done", lambda keys: keys == [task["key"]], timeout=5)
        assert second.find_element(By.CSS_SELECTOR, '[data-column="done"] .column-count').text == "1"
    finally:
        first.quit()
        second.quit()


def test_keyboard_only_create_open_edit_and_move(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    api.task(workspace, project, "First in backlog")
    open_board(driver, server, person)
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys("c")
    wait_visible(driver, "dialog[open]")
    active = driver.switch_to.active_element
    assert active.get_attribute("name") == "title"
    active.send_keys("Made without a mouse")
    active.send_keys(Keys.CONTROL, Keys.ENTER)
    wait_column(driver, "backlog", lambda keys: "WEB-2" in keys)

    # Tab reaches the board's one tab stop, then the keys move focus and cards.
    for _ in range(40):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        if driver.switch_to.active_element.get_attribute("data-task-key"):
            break
    assert driver.switch_to.active_element.get_attribute("data-task-key") == "WEB-1"
    driver.switch_to.active_element.send_keys("j")
    assert driver.switch_to.active_element.get_attribute("data-task-key") == "WEB-2"
    driver.switch_to.active_element.send_keys("]")
    wait_column(driver, "todo", lambda keys: keys == ["WEB-2"])
    wait(driver).until(lambda d: api.column(workspace, "todo") == ["WEB-2"])
    wait(driver).until(lambda d: d.switch_to.active_element.get_attribute("data-task-key") == "WEB-2")
    announcer = driver.find_element(By.ID, "announcer")
    wait(driver).until(lambda d: "WEB-2" in announcer.get_attribute("textContent") and "To Do" in announcer.get_attribute("textContent"))

    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: d.current_url.endswith("/tasks/WEB-2"))
    title = wait_visible(driver, "#panel-title")
    title.click()
    title.send_keys(Keys.END, " (edited)")
    title.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: api.call("GET", "/tasks/WEB-2")["title"] == "Made without a mouse (edited)")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait(driver).until(lambda d: "/tasks/" not in d.current_url)
    wait(driver).until(lambda d: d.switch_to.active_element.get_attribute("data-task-key") == "WEB-2")
    # Alt+↑ within a column.
    api.task(workspace, project, "Also to do", status="todo")
    wait_column(driver, "todo", lambda keys: keys == ["WEB-2", "WEB-3"])
    driver.find_element(By.CSS_SELECTOR, '[data-task-key="WEB-3"]').send_keys(Keys.ALT, Keys.ARROW_UP)
    wait(driver).until(lambda d: api.column(workspace, "todo") == ["WEB-3", "WEB-2"])
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys("?")
    wait_visible(driver, "dialog[open] .shortcuts")
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)


def test_a_filter_url_reproduces_the_view_and_bulk_moves(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    high = [api.task(workspace, project, f"Urgent thing {n}", priority="high", labels=["ops"]) for n in range(3)]
    api.task(workspace, project, "Calm thing", priority="low")
    open_board(driver, server, person, "?priority=high&label=ops")
    wait_column(driver, "backlog", lambda keys: keys == [task["key"] for task in high])
    assert Select(driver.find_element(By.CSS_SELECTOR, '.filter-bar [name="priority"]')).first_selected_option.text == "High"
    assert driver.find_element(By.CSS_SELECTOR, '[data-column="backlog"] .column-count').text == "3"

    # Change a filter: the address follows.
    Select(driver.find_element(By.CSS_SELECTOR, '.filter-bar [name="priority"]')).select_by_visible_text("Low")
    wait(driver).until(lambda d: "priority=low" in d.current_url)
    wait_column(driver, "backlog", lambda keys: keys == [])
    driver.back()
    driver.get(f"{server.base}/w/{workspace}?priority=high&label=ops")
    wait_column(driver, "backlog", lambda keys: len(keys) == 3)

    for task in high[:2]:
        card(driver, task["key"]).find_element(By.CSS_SELECTOR, ".card-select").click()
    bar = wait_visible(driver, ".bulk-bar")
    assert "2 selected" in bar.text
    Select(bar.find_element(By.CSS_SELECTOR, 'select[aria-label="Move to…"]')).select_by_visible_text("Review")
    wait(driver).until(lambda d: sorted(api.column(workspace, "review")) == sorted(task["key"] for task in high[:2]))
    wait_column(driver, "review", lambda keys: len(keys) == 2)
    wait(driver).until(lambda d: not d.find_element(By.CSS_SELECTOR, ".bulk-bar").is_displayed())


def test_api_keys_are_created_once_shown_and_revoked(server, person, driver):
    open_board(driver, server, person)
    driver.get(f"{server.base}/w/{person['workspace']}/settings/api-keys")
    wait_visible(driver, "#keys-heading")
    driver.find_element(By.XPATH, '//button[normalize-space()="New API key"]').click()
    wait_visible(driver, "dialog[open]")
    field(driver, "Name").send_keys("CI script")
    Select(field(driver, "Scope")).select_by_visible_text("Read only")
    field(driver, "Allowed addresses").send_keys("127.0.0.1\n2001:db8::/32")
    driver.find_element(By.CSS_SELECTOR, "dialog[open] [type=submit]").click()
    secret = wait_visible(driver, "#new-key-secret").get_attribute("value")
    assert secret.startswith("tk_")
    # The key works, and the list shows only its preview.
    keyed = API(person["api"].server, key=secret)
    made = keyed.call("GET", "/auth/me", expect=200)["api_key"]
    assert made["name"] == "CI script" and made["scopes"] == ["read"], made
    assert made["allowed_ips"] == ["127.0.0.1", "2001:db8::/32"], made
    keyed.call("POST", f"/workspaces/{person['workspace']}/projects", {"name": "Ops", "key": "OPS"}, expect=403)
    driver.find_element(By.XPATH, '//dialog[@open]//button[normalize-space()="Done"]').click()
    row = wait_visible(driver, "tr[data-key-id]")
    assert secret not in driver.page_source
    assert "CI script" in row.text and "Read only" in row.text and "from 2 address ranges" in row.text
    screenshot(driver, "settings-api-keys")
    assert not axe_violations(driver, "settings-light")
    row.find_element(By.XPATH, './/button[normalize-space()="Revoke"]').click()
    wait_visible(driver, "dialog[open]")
    driver.find_element(By.XPATH, '//dialog[@open]//button[normalize-space()="Revoke"]').click()
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "tr[data-key-id]"))
    keyed.call("GET", "/auth/me", expect=401)
    emulate_theme(driver, "dark")
    driver.get(f"{server.base}/w/{person['workspace']}/settings/sessions")
    wait_visible(driver, "#sessions-heading")
    wait_css(driver, "table")
    assert not axe_violations(driver, "settings-dark")


XSS_TITLE = '<img src=x onerror="window.__xss=1">'
XSS_DESCRIPTION = ('<script>window.__xss=2</script>\n\n[click me](javascript:window.__xss=3) and '
                   '[ok](https://example.com) <img src=x onerror="window.__xss=4">\n\n`<b>code</b>`')


def test_hostile_text_stays_inert_everywhere(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    task = api.task(workspace, project, XSS_TITLE, description=XSS_DESCRIPTION, labels=["<svg onload=alert(1)>"])
    api.call("POST", f"/tasks/{task['id']}/comments", {"body": '<iframe src="javascript:alert(5)"></iframe> **bold**'}, expect=201)
    open_board(driver, server, person)
    wait_column(driver, "backlog", lambda keys: keys == [task["key"]])
    assert card(driver, task["key"]).find_element(By.CSS_SELECTOR, ".card-title").text == XSS_TITLE
    card(driver, task["key"]).click()
    wait_visible(driver, ".task-panel .markdown a")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".comment-body strong"))
    screenshot(driver, "task-panel")
    assert not axe_violations(driver, "task-panel-light")
    emulate_theme(driver, "dark")
    assert not axe_violations(driver, "task-panel-dark")
    emulate_theme(driver, "light")
    description = driver.find_element(By.CSS_SELECTOR, ".description .markdown")
    assert "<script>" in description.text
    links = [link.get_attribute("href") for link in description.find_elements(By.TAG_NAME, "a")]
    assert links and all(link is None or link.startswith("https://") for link in links)
    assert XSS_TITLE in driver.title

    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.CONTROL, "k")
    palette = wait_visible(driver, ".palette-input")
    palette.send_keys("img")
    wait(driver).until(lambda d: any(XSS_TITLE in item.text for item in d.find_elements(By.CSS_SELECTOR, ".palette-item")))
    screenshot(driver, "command-palette")
    palette.send_keys(Keys.ESCAPE)

    for selector in ("img", "script:not([src])", "iframe", "svg"):
        assert not driver.find_elements(By.CSS_SELECTOR, f"#app {selector}, .toasts {selector}, dialog {selector}"), selector
    assert driver.execute_script("return window.__xss") is None
    try:
        driver.switch_to.alert
        raise AssertionError("an alert opened")
    except NoAlertPresentException:
        pass


def test_every_ui_response_carries_the_content_security_policy(server):
    index = urllib.request.urlopen(server.base + "/signin")
    page = index.read().decode()
    asset = page.split('src="')[1].split('"')[0]
    for path in ("/", "/signin", "/w/anything/tasks/WEB-1", asset):
        with urllib.request.urlopen(server.base + path) as response:
            policy = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy, path
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    request = urllib.request.Request(server.base + asset, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        etag = response.headers["ETag"]
    request = urllib.request.Request(server.base + asset, headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(request)
        raise AssertionError("expected 304")
    except urllib.error.HTTPError as error:
        assert error.code == 304


@pytest.mark.parametrize("driver", [{"width": 375, "height": 780}], indirect=True)
def test_a_phone_sees_one_column_at_a_time(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    for n in range(3):
        api.task(workspace, project, f"Small screen task {n}", status="todo", priority=["low", "high", "urgent"][n], due_date="2020-01-01" if n == 0 else None)
    open_board(driver, server, person)
    wait_column(driver, "todo", lambda keys: len(keys) == 3)
    width = driver.execute_script("return document.querySelector('[data-column=backlog]').getBoundingClientRect().width")
    assert width > 300
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 380
    driver.find_element(By.CSS_SELECTOR, '.column-tab[data-target="todo"]').click()
    time.sleep(0.6)
    screenshot(driver, "board-375px")
    assert not axe_violations(driver, "board-375px")


def test_an_edit_over_a_teammates_change_asks_which_to_keep(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    task = api.task(workspace, project, "Original title")
    open_board(driver, server, person)
    driver.get(f"{server.base}/w/{workspace}/tasks/{task['key']}")
    title = wait_visible(driver, "#panel-title")
    title.click()
    # A teammate renames it while this person is typing.
    api.call("PATCH", f"/tasks/{task['id']}", {"title": "Their title"}, expect=200)
    time.sleep(0.5)
    title.send_keys(Keys.END, " (mine)")
    title.send_keys(Keys.ENTER)
    dialog = wait_visible(driver, "dialog[open] table.conflict")
    assert "Original title (mine)" in dialog.text and "Their title" in dialog.text
    screenshot(driver, "conflict")
    driver.find_element(By.XPATH, '//dialog[@open]//button[normalize-space()="Keep mine"]').click()
    wait(driver).until(lambda d: api.call("GET", f"/tasks/{task['id']}")["title"] == "Original title (mine)")
    wait(driver).until(lambda d: d.find_element(By.ID, "panel-title").get_attribute("value") == "Original title (mine)")


def test_a_column_of_hundreds_pages_in_and_never_renders_them_all(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    total = 420
    for n in range(total):
        api.task(workspace, project, f"Bulk task {n + 1}")
    open_board(driver, server, person)
    assert driver.find_element(By.CSS_SELECTOR, '[data-column="backlog"] .column-count').text == str(total)
    # A screenful first; the rest of the page, and then further pages by cursor, as it scrolls.
    wait_column(driver, "backlog", lambda keys: 0 < len(keys) <= 30)
    most = 0
    for _ in range(40):
        driver.execute_script("const list = document.querySelector('[data-column=backlog] .column-cards'); list.scrollTop = list.scrollHeight;")
        time.sleep(0.25)
        keys = column_keys(driver, "backlog")
        most = max(most, len(keys))
        if f"WEB-{total}" in keys:
            break
    assert f"WEB-{total}" in column_keys(driver, "backlog")
    assert most <= 200, most
    # Scrolling back up brings the first cards back.
    for _ in range(40):
        driver.execute_script("document.querySelector('[data-column=backlog] .column-cards').scrollTop = 0;")
        time.sleep(0.25)
        if "WEB-1" in column_keys(driver, "backlog"):
            break
    assert "WEB-1" in column_keys(driver, "backlog")


def test_a_search_matching_more_than_the_board_shows_says_so(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    # One more match than a search considers (the newest 2,000).
    for n in range(2001):
        api.task(workspace, project, f"Needle {n + 1}")
    api.task(workspace, project, "Haystack needle", status="todo")
    open_board(driver, server, person, "?q=needle")
    notice = wait_visible(driver, ".search-truncated")
    assert "newest 2,000" in notice.text
    counts = [int(element.text) for element in driver.find_elements(By.CSS_SELECTOR, ".column-count")]
    assert sum(counts) == 2000, counts
    # The newest is shown, the oldest left out.
    assert "WEB-2002" in column_keys(driver, "todo")
    screenshot(driver, "board-search-truncated")
    assert not axe_violations(driver, "board-search-truncated"), axe_violations(driver, "board-search-truncated")
    emulate_theme(driver, "dark")
    assert not axe_violations(driver, "board-search-truncated-dark"), axe_violations(driver, "board-search-truncated-dark")
    emulate_theme(driver, "light")
    # A search that matches fewer says nothing.
    driver.get(f"{server.base}/w/{workspace}?q=haystack")
    wait(driver).until(lambda d: column_keys(d, "todo") == ["WEB-2002"])
    assert not driver.find_element(By.CSS_SELECTOR, ".search-truncated").is_displayed()


def test_a_finger_drags_a_card_by_its_grip(server, person, driver):
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    api, workspace, project = person["api"], person["workspace"], person["project"]
    task = api.task(workspace, project, "Moved by touch")
    open_board(driver, server, person)
    wait_column(driver, "backlog", lambda keys: keys == [task["key"]])
    grip = card(driver, task["key"]).find_element(By.CSS_SELECTOR, ".card-grip")
    target = driver.find_element(By.CSS_SELECTOR, '[data-column="review"] .column-cards')
    start, end = grip.location, target.location
    dx = end["x"] + target.size["width"] / 2 - start["x"]
    dy = end["y"] + 30 - start["y"]
    finger = PointerInput(interaction.POINTER_TOUCH, "finger")
    actions = ActionBuilder(driver, mouse=finger, duration=10)
    actions.pointer_action.move_to(grip).pointer_down()
    for _ in range(12):
        actions.pointer_action.move_by(int(dx / 12), int(dy / 12))
    actions.pointer_action.pause(0.1).pointer_up()
    actions.perform()
    wait_column(driver, "review", lambda keys: keys == [task["key"]])
    wait(driver).until(lambda d: api.column(workspace, "review") == [task["key"]])


def test_the_profile_name_is_changed_from_settings(server, person, driver):
    open_board(driver, server, person)
    driver.get(f"{server.base}/w/{person['workspace']}/settings")
    name = wait_visible(driver, '.profile-form [name="name"]')
    name.clear()
    driver.find_element(By.CSS_SELECTOR, ".profile-form [type=submit]").click()
    assert wait_visible(driver, '.profile-form [data-field="name"] .field-error').text
    name.send_keys("Ada King")
    driver.find_element(By.CSS_SELECTOR, ".profile-form [type=submit]").click()
    wait(driver).until(lambda d: person["api"].call("GET", "/auth/me")["user"]["name"] == "Ada King")
    screenshot(driver, "settings-profile")
    assert not axe_violations(driver, "settings-profile")


def test_an_ended_session_signs_in_again_and_comes_back(server, person, driver):
    api, workspace, project = person["api"], person["workspace"], person["project"]
    task = api.task(workspace, project, "Where I was")
    other = API(server)
    other.sign_in(person["email"])
    sign_in_browser(driver, server, other)
    driver.get(f"{server.base}/w/{workspace}/tasks/{task['key']}")
    wait_visible(driver, "#panel-title")
    # The person signs this browser out from elsewhere (Settings → Active sessions).
    sessions = api.call("GET", "/auth/sessions", expect=200)["sessions"]
    for session in sessions:
        if not session["current"]:
            api.call("DELETE", f"/auth/sessions/{session['id']}", expect=204)
    driver.find_element(By.CSS_SELECTOR, '.panel-fields [name="priority"]').send_keys("h")
    wait(driver).until(lambda d: "/signin?next=" in d.current_url)
    field(driver, "Email").send_keys(person["email"])
    field(driver, "Password").send_keys(PASSWORD, Keys.ENTER)
    wait(driver).until(lambda d: d.current_url.endswith(f"/w/{workspace}/tasks/{task['key']}"))
    wait_visible(driver, "#panel-title")
