"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (oidc-provider-mock from
PyPI, RS256-signed ID tokens): the sign-in page's button, the provider's page, the way back, and the
workspace that takes the person's e-mail domain; a state used twice and an unverified address
sign nobody in."""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from harness import API, Server, axe_violations, browser, console_errors, free_port, screenshot, wait, wait_css


@pytest.fixture(scope="module")
def provider():
    port = free_port()
    users = [
        {"sub": "alice-1", "email": "alice@acme.test", "email_verified": True, "name": "Alice Acme"},
        {"sub": "mallory-1", "email": "owner@acme.test", "email_verified": False, "name": "Mallory"},
    ]
    arguments = [os.path.join(os.path.dirname(sys.executable), "oidc-provider-mock"), "--port", str(port), "--require-nonce", "true"]
    for user in users:
        arguments += ["--user-claims", json.dumps(user)]
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/.well-known/openid-configuration", timeout=2).read()
            break
        except OSError:
            assert time.time() < deadline, "the OIDC provider did not start"
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def sso_server(request, provider):
    port = free_port()
    os.environ["TASKINFA_OIDC_CLIENT_SECRET"] = "client-secret-for-the-test"
    try:
        running = Server(request.config.getoption("--taskinfa"), port=port, extra=(
            "--oidc-issuer", provider, "--oidc-client-id", "taskinfa-test", "--oidc-name", "Acme SSO",
            "--public-url", f"http://127.0.0.1:{port}"))
    finally:
        del os.environ["TASKINFA_OIDC_CLIENT_SECRET"]
    yield running
    running.stop()


def test_signing_in_with_the_provider_joins_the_domains_workspace(sso_server):
    owner = API(sso_server)
    workspace = owner.sign_up("owner@acme.test", name="Olga Owner")["workspace"]["id"]
    owner.call("PATCH", f"/workspaces/{workspace}", {"sso_domains": ["acme.test"], "sso_role": "viewer"}, expect=200)
    driver = browser()
    try:
        driver.get(f"{sso_server.base}/signin")
        button = wait(driver).until(lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, ".sso button") if b.is_displayed()), None))
        assert button.text == "Sign in with Acme SSO"
        screenshot(driver, "sso-sign-in")
        assert not axe_violations(driver, "sso-sign-in"), axe_violations(driver, "sso-sign-in")
        button.click()
        wait(driver, 15).until(lambda d: "/oauth2/authorize" in d.current_url)
        assert "code_challenge_method=S256" in driver.current_url and "nonce=" in driver.current_url
        wait_css(driver, "button[value='alice-1']").click()
        wait(driver, 15).until(lambda d: d.current_url.rstrip("/").endswith(f"/w/{workspace}"))
        wait_css(driver, "[data-column=\"backlog\"]")
        assert "code=" not in driver.current_url
        scripts = [line for line in console_errors(driver) if "Failed to load resource" not in line]
        assert not scripts, scripts
    finally:
        driver.quit()
    members = {m["user"]["email"]: m["role"] for m in owner.call("GET", f"/workspaces/{workspace}/members", expect=200)["members"]}
    assert members == {"owner@acme.test": "owner", "alice@acme.test": "viewer"}
    log = owner.call("GET", f"/workspaces/{workspace}/audit-log?action=auth.sso_login", expect=200)["entries"]
    assert [entry["actor_name"] for entry in log] == ["Alice Acme"] and log[0]["details"]["joined"] == [workspace]


def run_to_callback(server, subject):
    """The provider's side of a sign-in without a browser: start, authorize as `subject`, and
    return the code and state the provider sends back."""
    api = API(server)
    start = api.call("POST", "/auth/sso/start", {"next": "/"}, expect=200)["authorization_url"]

    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(Stop)
    request = urllib.request.Request(start, data=urllib.parse.urlencode({"sub": subject}).encode(), method="POST")
    try:
        opener.open(request, timeout=10)
        raise AssertionError("the provider did not redirect")
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    assert location.startswith(server.base + "/sso/callback?"), location
    return api, query["code"][0], query["state"][0]


def test_a_state_works_once_and_an_unverified_address_signs_nobody_in(sso_server):
    api, code, state = run_to_callback(sso_server, "alice-1")
    signed_in = api.call("POST", "/auth/sso/callback", {"code": code, "state": state}, expect=200)
    assert signed_in["user"]["email"] == "alice@acme.test"
    api.call("GET", "/auth/me", expect=200)
    # The same state again (a replayed callback) finds nothing.
    API(sso_server).call("POST", "/auth/sso/callback", {"code": code, "state": state}, expect=400)
    # The provider didn't verify this address (it is the workspace owner's): no sign-in, no takeover.
    api, code, state = run_to_callback(sso_server, "mallory-1")
    refused = api.call("POST", "/auth/sso/callback", {"code": code, "state": state}, expect=401)
    assert "email_verified" in refused["detail"]
    api.call("GET", "/auth/me", expect=401)
