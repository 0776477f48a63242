"""Two-factor sign-in, the workspace's audit log and the sessions page in a real browser. Codes come
from pyotp (an implementation independent of the server's); the QR code on the page is decoded by
zxing-cpp from a screenshot and must carry the same seed; each page is checked with axe."""
import io
import re
import time

import pyotp
import zxingcpp
from PIL import Image
from selenium.webdriver.common.by import By

from harness import (PASSWORD, API, Server, axe_violations, browser, console_errors, emulate_theme, screenshot, sign_in_browser,
                     wait, wait_css, wait_visible)


def next_code(totp, used):
    """A code of a step no code was used for yet (the server takes each step's code once)."""
    while True:
        code = totp.now()
        step = int(time.time() // 30)
        if step not in used:
            used.add(step)
            return code
        time.sleep(30 - time.time() % 30 + 0.2)


def decode_qr(driver, element):
    wait(driver).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", element))
    png = element.screenshot_as_png
    with open(screenshot(driver, "two-factor-enrol-page").replace("-page.png", "-qr.png"), "wb") as out:
        out.write(png)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "the QR code on the page did not decode"
    return results[0].text


def scripts_errors(driver):
    # Refused requests (a wrong code, a missing code) are expected; script errors aren't.
    return [line for line in console_errors(driver) if "Failed to load resource" not in line]


def test_two_factor_enrolment_sign_in_and_recovery(server):
    api = API(server)
    workspace = api.sign_up("tess@example.com", name="Tess Totp")["workspace"]["id"]
    driver = browser()
    used = set()
    try:
        sign_in_browser(driver, server, api)
        driver.get(f"{server.base}/w/{workspace}/settings/two-factor")
        wait_css(driver, "#two-factor-heading")
        assert not axe_violations(driver, "two-factor-off"), axe_violations(driver, "two-factor-off")
        wait_css(driver, ".settings-body button.primary").click()
        wait_css(driver, ".enrolment [name=password]").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, ".enrolment button[type=submit]").click()
        qr = wait_visible(driver, "img.qr-code")
        secret = driver.find_element(By.CSS_SELECTOR, ".enrolment .copy-field input").get_attribute("value")
        uri = decode_qr(driver, qr)
        assert uri.startswith("otpauth://totp/Taskinfa:tess%40example.com?") or uri.startswith("otpauth://totp/Taskinfa:tess@example.com?"), uri
        assert f"secret={secret}" in uri, "the picture and the text carry one seed"
        screenshot(driver, "two-factor-enrol")
        assert not axe_violations(driver, "two-factor-enrol"), axe_violations(driver, "two-factor-enrol")
        totp = pyotp.TOTP(secret)
        code = driver.find_element(By.CSS_SELECTOR, ".enrolment [name=code]")
        code.send_keys("000000")
        driver.find_element(By.CSS_SELECTOR, ".enrolment button[type=submit]").click()
        wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-field=code] .field-error").is_displayed())
        code.clear()
        code.send_keys(next_code(totp, used))
        driver.find_element(By.CSS_SELECTOR, ".enrolment button[type=submit]").click()
        codes = [element.text for element in wait_visible(driver, ".code-list").find_elements(By.TAG_NAME, "code")]
        assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes), codes
        screenshot(driver, "two-factor-recovery-codes")
        assert not axe_violations(driver, "two-factor-codes"), axe_violations(driver, "two-factor-codes")
        driver.find_element(By.CSS_SELECTOR, ".recovery-codes button.primary").click()
        wait(driver).until(lambda d: "On since" in d.find_element(By.CSS_SELECTOR, ".settings-body").text)
        emulate_theme(driver, "dark")
        screenshot(driver, "two-factor-on-dark")
        assert not axe_violations(driver, "two-factor-on-dark"), axe_violations(driver, "two-factor-on-dark")
        assert not scripts_errors(driver), scripts_errors(driver)
    finally:
        driver.quit()

    # Signing in now takes a code: a wrong one is refused beside the field, the right one works.
    driver = browser()
    try:
        driver.get(f"{server.base}/signin")
        wait_css(driver, "[name=email]").send_keys("tess@example.com")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        code = wait_visible(driver, "[name=totp_code]")
        assert "two-factor" in driver.find_element(By.CSS_SELECTOR, ".notice").text
        screenshot(driver, "sign-in-code")
        assert not axe_violations(driver, "sign-in-code"), axe_violations(driver, "sign-in-code")
        code.send_keys("123456")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-field=totp_code] .field-error").is_displayed())
        code.clear()
        code.send_keys(next_code(totp, used))
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(driver, 15).until(lambda d: f"/w/{workspace}" in d.current_url)
        assert not scripts_errors(driver), scripts_errors(driver)
    finally:
        driver.quit()

    # A recovery code signs in once.
    fresh = API(server)
    fresh.call("POST", "/auth/login", {"email": "tess@example.com", "password": PASSWORD, "recovery_code": codes[0]}, expect=200)
    again = API(server)
    again.call("POST", "/auth/login", {"email": "tess@example.com", "password": PASSWORD, "recovery_code": codes[0]}, expect=401)
    status = fresh.call("GET", "/auth/two-factor", expect=200)
    assert status["enabled"] and status["recovery_codes_left"] == 9


def test_a_workspace_that_requires_two_factor_sends_members_to_enrol(server):
    owner = API(server)
    workspace = owner.sign_up("olive@example.com", name="Olive Owner")["workspace"]["id"]
    enrolment = owner.call("POST", "/auth/two-factor/enrolment", {"password": PASSWORD}, expect=200)
    used = set()
    owner.call("POST", "/auth/two-factor/enable", {"code": next_code(pyotp.TOTP(enrolment["secret"]), used)}, expect=200)
    owner.call("PATCH", f"/workspaces/{workspace}", {"require_two_factor": True}, expect=200)
    member = API(server)
    member.sign_up("milo@example.com", name="Milo Member")
    member.join(owner, workspace, "member")
    driver = browser()
    try:
        sign_in_browser(driver, server, member)
        driver.get(f"{server.base}/w/{workspace}")
        wait(driver, 15).until(lambda d: "/two-factor-required" in d.current_url)
        wait_css(driver, ".enrolment [name=password]").send_keys(PASSWORD)
        screenshot(driver, "two-factor-required")
        assert not axe_violations(driver, "two-factor-required"), axe_violations(driver, "two-factor-required")
        driver.find_element(By.CSS_SELECTOR, ".enrolment button[type=submit]").click()
        secret = wait_visible(driver, ".enrolment .copy-field input").get_attribute("value")
        driver.find_element(By.CSS_SELECTOR, ".enrolment [name=code]").send_keys(next_code(pyotp.TOTP(secret), set()))
        driver.find_element(By.CSS_SELECTOR, ".enrolment button[type=submit]").click()
        wait_visible(driver, ".recovery-codes button.primary").click()
        wait(driver, 15).until(lambda d: d.current_url.rstrip("/").endswith(f"/w/{workspace}"))
        wait_css(driver, "[data-column=\"backlog\"]")
    finally:
        driver.quit()


def test_the_audit_log_page_filters_and_exports(server):
    owner = API(server)
    workspace = owner.sign_up("ada@example.com", name="Ada Admin")["workspace"]["id"]
    project = owner.call("POST", f"/workspaces/{workspace}/projects", {"name": "Web", "key": "WEB"}, expect=201)["id"]
    task = owner.task(workspace, project, "Audit me")
    owner.call("PATCH", f"/tasks/{task['id']}", {"priority": "high"}, expect=200)
    owner.call("POST", f"/workspaces/{workspace}/api-keys", {"name": "ci", "scopes": ["read"]}, expect=201)
    driver = browser()
    try:
        sign_in_browser(driver, server, owner)
        driver.get(f"{server.base}/w/{workspace}/settings/audit-log")
        wait(driver).until(lambda d: "task.update" in d.find_element(By.CSS_SELECTOR, ".audit-table").text)
        text = driver.find_element(By.CSS_SELECTOR, ".audit-table").text
        assert "api_key.create" in text and "project.create" in text and "Ada Admin" in text
        action = driver.find_element(By.CSS_SELECTOR, ".audit-filters [name=action]")
        action.send_keys("task.")
        driver.find_element(By.CSS_SELECTOR, ".audit-filters button[type=submit]").click()
        wait(driver).until(lambda d: "api_key.create" not in d.find_element(By.CSS_SELECTOR, ".audit-table").text)
        rows = driver.find_elements(By.CSS_SELECTOR, ".audit-table tbody tr")
        assert rows and all("task." in row.text for row in rows)
        screenshot(driver, "audit-log")
        assert not axe_violations(driver, "audit-log"), axe_violations(driver, "audit-log")
        emulate_theme(driver, "dark")
        screenshot(driver, "audit-log-dark")
        assert not axe_violations(driver, "audit-log-dark"), axe_violations(driver, "audit-log-dark")
        driver.set_window_size(375, 800)
        screenshot(driver, "audit-log-narrow")
        assert not scripts_errors(driver), scripts_errors(driver)
    finally:
        driver.quit()
    # The page's export is the API's: every matching entry, as CSV.
    csv = owner.call("GET", f"/workspaces/{workspace}/audit-log?format=json&action=task.", expect=200)["entries"]
    assert [entry["action"] for entry in csv] == ["task.update", "task.create"]


def test_the_sessions_page_names_devices_and_addresses(server):
    api = API(server)
    workspace = api.sign_up("sam@example.com", name="Sam Sessions")["workspace"]["id"]
    other = API(server)
    other.call("POST", "/auth/login", {"email": "sam@example.com", "password": PASSWORD},
               headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/133.0"}, expect=200)
    driver = browser()
    try:
        sign_in_browser(driver, server, api)
        driver.get(f"{server.base}/w/{workspace}/settings/sessions")
        wait(driver).until(lambda d: "Firefox on Windows" in d.find_element(By.CSS_SELECTOR, ".settings-body").text)
        assert "127.0.0.1" in driver.find_element(By.CSS_SELECTOR, ".settings-body table").text
        screenshot(driver, "sessions")
        assert not axe_violations(driver, "sessions"), axe_violations(driver, "sessions")
    finally:
        driver.quit()


def test_project_roles_are_set_from_the_projects_page(server):
    owner = API(server)
    workspace = owner.sign_up("pia@example.com", name="Pia Projects")["workspace"]["id"]
    project = owner.call("POST", f"/workspaces/{workspace}/projects", {"name": "Web", "key": "WEB"}, expect=201)["id"]
    viewer = API(server)
    viewer_id = viewer.sign_up("vik@example.com", name="Vik Viewer")["user"]["id"]
    viewer.join(owner, workspace, "viewer")
    viewer.call("POST", f"/workspaces/{workspace}/tasks", {"project_id": project, "title": "not yet"}, expect=403)
    driver = browser()
    try:
        sign_in_browser(driver, server, owner)
        driver.get(f"{server.base}/w/{workspace}/projects")
        wait_css(driver, "button[aria-label='People of Web']").click()
        select = wait_css(driver, "select[aria-label='Role of Vik Viewer in this project']")
        assert driver.find_element(By.CSS_SELECTOR, ".project-people").text.count("Full access") == 1, "the owner runs the workspace"
        screenshot(driver, "project-people")
        assert not axe_violations(driver, "project-people"), axe_violations(driver, "project-people")
        from selenium.webdriver.support.ui import Select
        Select(select).select_by_value("contributor")
        wait(driver).until(lambda d: "Project role of Vik Viewer saved" in d.find_element(By.TAG_NAME, "body").text)
        assert not scripts_errors(driver), scripts_errors(driver)
    finally:
        driver.quit()
    people = owner.call("GET", f"/projects/{project}/members", expect=200)["members"]
    assert [(m["user"]["id"], m["role"]) for m in people] == [(viewer_id, "contributor")]
    viewer.call("POST", f"/workspaces/{workspace}/tasks", {"project_id": project, "title": "now I may"}, expect=201)
