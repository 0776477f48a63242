import os

import pytest

from harness import API, Server


def pytest_addoption(parser):
    parser.addoption("--taskinfa", default=os.environ.get("TASKINFA_BINARY", ".build/debug/taskinfa"))


@pytest.fixture(scope="session")
def server(request):
    running = Server(os.path.abspath(request.config.getoption("--taskinfa")))
    yield running
    running.stop()


@pytest.fixture()
def person(server, request):
    """A new person with a workspace and a project WEB, signed in through the API."""
    api = API(server)
    email = f"{request.node.name.replace('_', '-')[:40]}@example.com"
    result = api.sign_up(email)
    workspace = result["workspace"]["id"]
    project = api.call("POST", f"/workspaces/{workspace}/projects", {"name": "Website", "key": "WEB"}, expect=201)
    return {"api": api, "email": email, "workspace": workspace, "project": project["id"]}


@pytest.fixture()
def driver(request):
    """A headless Chromium, closed after the test; `indirect` parameters set its window size."""
    from harness import browser
    options = getattr(request, "param", {})
    running = browser(**options)
    yield running
    running.quit()
