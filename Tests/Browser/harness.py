"""What the browser tests share: a real `taskinfa serve` on 127.0.0.1, a headless Chromium driven
by Selenium, the API spoken directly (to set up and to check what the page did), axe-core and
screenshots."""
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "mauve Kettle orbit 7"
ARTIFACTS = os.environ.get("TASKINFA_BROWSER_ARTIFACTS", os.path.join(os.getcwd(), "test-artifacts", "browser"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`taskinfa serve` in a fresh data folder; stopped (and its folder removed) by stop()."""

    def __init__(self, binary, extra=(), folder=None, port=None):
        # An existing folder (and port) serves the same data again, e.g. after writing to it offline.
        self.folder = folder or tempfile.mkdtemp(prefix="taskinfa-browser-")
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.folder, "server.log"), "ab")
        # Every test signs people up from 127.0.0.1: the sign-up and sign-in limits are raised unless
        # a test sets them.
        limits = [flag for name in ("--sign-in-limit", "--sign-up-limit") if name not in extra for flag in (name, "10000")]
        self.process = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", self.folder,
             "--bcrypt-cost", "4", *limits, *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None:
                    raise RuntimeError("taskinfa serve exited: " + open(self.log.name).read())
                time.sleep(0.2)
        raise RuntimeError("taskinfa serve did not answer within 60 s")

    def stop(self, keep_data=False):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        if not keep_data:
            shutil.rmtree(self.folder, ignore_errors=True)


class API:
    """The HTTP API as a person's session (cookie) or with a key."""

    def __init__(self, server, key=None):
        self.server = server
        self.key = key
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def call(self, method, path, body=None, headers=None, expect=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.server.base + "/api/v1" + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        request.add_header("Origin", self.server.base)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if self.key:
            request.add_header("Authorization", "Bearer " + self.key)
        elif method != "GET":
            # What the page does: a write with the session cookie carries the session's CSRF token.
            for cookie in self.cookies:
                if cookie.name == "taskinfa_session":
                    request.add_header("X-CSRF-Token", csrf_token(cookie.value))
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        if expect is not None and status != expect:
            raise AssertionError(f"{method} {path}: expected {expect}, got {status}: {raw[:500]!r}")
        return json.loads(raw) if raw else None

    def sign_up(self, email, name="Ada Lovelace"):
        return self.call("POST", "/auth/signup", {"email": email, "password": PASSWORD, "name": name}, expect=201)

    def sign_in(self, email):
        return self.call("POST", "/auth/login", {"email": email, "password": PASSWORD}, expect=200)

    def join(self, owner, workspace, role):
        """This person joins `owner`'s workspace with `role` through an invitation link."""
        me = self.call("GET", "/auth/me", expect=200)["user"]["email"]
        link = owner.call("POST", f"/workspaces/{workspace}/invitations", {"email": me, "role": role}, expect=201)["link"]
        self.call("POST", f"/invitations/{link.split('#')[1]}/accept", expect=200)

    def session_cookie(self):
        return next(cookie for cookie in self.cookies)

    def task(self, workspace, project, title, **fields):
        return self.call("POST", f"/workspaces/{workspace}/tasks", {"project_id": project, "title": title, **fields}, expect=201)

    def column(self, workspace, status, **query):
        parameters = "&".join(f"{name}={value}" for name, value in {"status": status, "limit": 200, **query}.items())
        return [task["key"] for task in self.call("GET", f"/workspaces/{workspace}/tasks?{parameters}", expect=200)["tasks"]]


def csrf_token(session_token):
    """The session's anti-CSRF token, derived as the server derives it (`CSRFToken.of`)."""
    return hashlib.sha256(b"taskinfa-csrf\x00" + session_token.encode()).hexdigest()


def browser(width=1280, height=860, theme=None):
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=en-US", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_window_size(width, height)
    if theme:
        emulate_theme(driver, theme)
    return driver


def emulate_theme(driver, theme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": theme}]})


def sign_in_browser(driver, server, api):
    """Gives the browser the API client's session (no need to type the form each time)."""
    driver.get(server.base + "/healthz")
    cookie = api.session_cookie()
    driver.add_cookie({"name": cookie.name, "value": cookie.value, "path": "/"})


def wait(driver, timeout=10):
    # The board re-renders cards as events arrive: an element read a moment ago may be replaced.
    return WebDriverWait(driver, timeout, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,))


def wait_css(driver, selector, timeout=10):
    return wait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)))


def wait_visible(driver, selector, timeout=10):
    return wait(driver, timeout).until(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))


def card(driver, key):
    return driver.find_element(By.CSS_SELECTOR, f'[data-task-key="{key}"]')


def column_keys(driver, status):
    return [element.get_attribute("data-task-key")
            for element in driver.find_elements(By.CSS_SELECTOR, f'[data-column="{status}"] .card')]


def wait_column(driver, status, predicate, timeout=10):
    return wait(driver, timeout).until(lambda d: predicate(column_keys(d, status)))


def screenshot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    driver.save_screenshot(path)
    return path


def axe_violations(driver, name):
    """Serious and critical axe-core violations of the page as it is now (also saved as JSON)."""
    from axe_selenium_python import Axe
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, f"axe-{name}.json"), "w") as out:
        json.dump(results["violations"], out, indent=1)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — " +
        "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"] if violation["impact"] in ("serious", "critical")
    ]


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
