"""Teams in a real browser with a real SMTP server (aiosmtpd) on 127.0.0.1: an invitation e-mailed
and its link followed to a new account, a password reset e-mailed and its link followed, a mail
server that is down shown on the invitation, and the members and account pages checked with axe."""
import base64
import email
import email.policy
import re
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from selenium.webdriver.common.by import By

from harness import (PASSWORD, API, Server, axe_violations, browser, console_errors, emulate_theme, free_port, screenshot,
                     sign_in_browser, wait, wait_css)

NEW_PASSWORD = "copper Lantern drift 9"


class Inbox:
    """An SMTP server's handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, recipient, count=1, timeout=20):
        deadline = time.time() + timeout
        with self.arrived:
            while True:
                mine = [message for rcpts, message in self.messages if recipient in rcpts]
                if len(mine) >= count:
                    return mine[count - 1]
                left = deadline - time.time()
                assert left > 0, f"no mail for {recipient} within {timeout} s"
                self.arrived.wait(left)


def link_in(message, path):
    text = message.get_content()
    found = re.search(r"https?://\S+" + re.escape(path) + r"#[A-Za-z0-9_-]+", text)
    assert found, text
    return found.group(0)


@pytest.fixture(scope="module")
def mail():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def team_server(request, mail):
    _, smtp_port = mail
    port = free_port()
    binary = request.config.getoption("--taskinfa")
    running = Server(binary, port=port, extra=(
        "--smtp-url", f"smtp://127.0.0.1:{smtp_port}", "--mail-from", "Taskinfa <taskinfa@example.com>",
        "--public-url", f"http://127.0.0.1:{port}"))
    yield running
    running.stop()


def test_an_emailed_invitation_brings_a_newcomer_onto_the_board(team_server, mail):
    inbox, _ = mail
    owner = API(team_server)
    workspace = owner.sign_up("owen@example.com", name="Owen Owner")["workspace"]["id"]
    driver = browser()
    try:
        sign_in_browser(driver, team_server, owner)
        driver.get(f"{team_server.base}/w/{workspace}/settings/members")
        wait_css(driver, ".members-table")
        form = wait_css(driver, ".invite-form")
        form.find_element(By.NAME, "email").send_keys("bea@example.com")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(driver).until(lambda d: "bea@example.com" in d.find_element(By.CSS_SELECTOR, ".invite-section").text)
        message = inbox.wait_for("bea@example.com")
        assert "Owen Owner invited you" in message["Subject"]
        link = link_in(message, "/invite")
        assert link.startswith(team_server.base + "/invite#"), "the link points at the configured public URL"
        # The sent state is on the invitation once the outbox has delivered it.
        wait(driver, 15).until(lambda d: (d.refresh() or True) and "E-mail sent" in wait_css(d, ".invitations-table").text)
        screenshot(driver, "members")
        assert not axe_violations(driver, "members"), axe_violations(driver, "members")
        emulate_theme(driver, "dark")
        assert not axe_violations(driver, "members-dark"), axe_violations(driver, "members-dark")
    finally:
        driver.quit()

    newcomer = browser()
    try:
        newcomer.get(link)
        form = wait_css(newcomer, "form [name=password]")
        assert newcomer.find_element(By.NAME, "email").get_attribute("value") == "bea@example.com"
        assert "Owen Owner invites you" in newcomer.find_element(By.CSS_SELECTOR, ".auth-card").text
        screenshot(newcomer, "invite-newcomer")
        assert not axe_violations(newcomer, "invite"), axe_violations(newcomer, "invite")
        newcomer.find_element(By.NAME, "name").send_keys("Bea Newcomer")
        newcomer.find_element(By.NAME, "password").send_keys("short")
        newcomer.find_element(By.CSS_SELECTOR, ".auth-card button[type=submit]").click()
        wait(newcomer).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-field=password] .field-error").is_displayed())
        field = newcomer.find_element(By.NAME, "password")
        field.clear()
        field.send_keys(PASSWORD)
        newcomer.find_element(By.CSS_SELECTOR, ".auth-card button[type=submit]").click()
        wait(newcomer, 15).until(lambda d: d.current_url.rstrip("/").endswith(f"/w/{workspace}"))
        wait_css(newcomer, "[data-column=\"backlog\"]")
        # Refused requests (the short password, /auth/me before signing in) are expected; script errors aren't.
        scripts = [line for line in console_errors(newcomer) if "Failed to load resource" not in line]
        assert not scripts, scripts
        # The link worked once.
        newcomer.delete_all_cookies()
        newcomer.get(link)
        wait(newcomer).until(lambda d: "used, revoked or replaced" in d.find_element(By.CSS_SELECTOR, ".auth-card").text)
    finally:
        newcomer.quit()
    members = owner.call("GET", f"/workspaces/{workspace}/members", expect=200)["members"]
    assert {member["user"]["email"]: member["role"] for member in members} == {"owen@example.com": "owner", "bea@example.com": "member"}


def test_a_password_reset_by_email_signs_out_every_other_session(team_server, mail):
    inbox, _ = mail
    other_device = API(team_server)
    other_device.sign_up("rita@example.com", name="Rita Reset")
    other_device.call("GET", "/auth/me", expect=200)
    driver = browser()
    try:
        driver.get(f"{team_server.base}/signin")
        wait_css(driver, "a[href='/forgot-password']").click()
        wait_css(driver, "[name=email]").send_keys("rita@example.com")
        screenshot(driver, "forgot-password")
        assert not axe_violations(driver, "forgot-password"), axe_violations(driver, "forgot-password")
        driver.find_element(By.CSS_SELECTOR, ".auth-card button[type=submit]").click()
        wait(driver).until(lambda d: "a link is on its way" in d.find_element(By.CSS_SELECTOR, ".auth-card").text)
        link = link_in(inbox.wait_for("rita@example.com"), "/reset-password")
        driver.get(link)
        wait_css(driver, "[name=password]").send_keys(NEW_PASSWORD)
        assert not axe_violations(driver, "reset-password"), axe_violations(driver, "reset-password")
        driver.find_element(By.CSS_SELECTOR, ".auth-card button[type=submit]").click()
        wait_css(driver, "[data-column=\"backlog\"]", timeout=15)
        screenshot(driver, "reset-signed-in")
        other_device.call("GET", "/auth/me", expect=401)
        again = API(team_server)
        again.call("POST", "/auth/login", {"email": "rita@example.com", "password": NEW_PASSWORD}, expect=200)
        again.call("POST", "/auth/login", {"email": "rita@example.com", "password": PASSWORD}, expect=401)
        # The link worked once.
        token = link.split("#", 1)[1]
        again.call("POST", "/auth/password-reset/confirm", {"token": token, "password": "another Fine phrase 3"}, expect=400)
    finally:
        driver.quit()
    # An address without an account gets the same answer, and no mail.
    API(team_server).call("POST", "/auth/password-reset", {"email": "nobody@example.com"}, expect=202)
    time.sleep(3)
    assert not [m for rcpts, m in inbox.messages if "nobody@example.com" in rcpts]


def test_a_mail_server_that_is_down_shows_on_the_invitation(request):
    closed = free_port()
    server = Server(request.config.getoption("--taskinfa"), extra=(
        "--smtp-url", f"smtp://127.0.0.1:{closed}", "--mail-from", "taskinfa@example.com"))
    try:
        owner = API(server)
        workspace = owner.sign_up("ola@example.com")["workspace"]["id"]
        made = owner.call("POST", f"/workspaces/{workspace}/invitations", {"email": "sam@example.com"}, expect=201)
        assert "link" not in made, "with a mail server the link goes only to the invited address"
        deadline = time.time() + 20
        while True:
            invitation = owner.call("GET", f"/workspaces/{workspace}/invitations", expect=200)["invitations"][0]
            if invitation["delivery"]["attempts"] >= 1:
                break
            assert time.time() < deadline, invitation
            time.sleep(0.5)
        assert invitation["delivery"]["state"] == "queued", "it will be tried again"
        assert "can't reach the mail server" in invitation["delivery"]["last_error"]
        driver = browser()
        try:
            sign_in_browser(driver, server, owner)
            driver.get(f"{server.base}/w/{workspace}/settings/members")
            row = wait_css(driver, ".invitations-table tbody tr")
            assert "Retrying (1 failed)" in row.text, row.text
            screenshot(driver, "invitation-retrying")
        finally:
            driver.quit()
    finally:
        server.stop()
