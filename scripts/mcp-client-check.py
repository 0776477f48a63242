#!/usr/bin/env python3
"""Drives `taskinfa mcp` with an MCP client this project did not write: the official Python `mcp`
package (PyPI). Starts a throw-away `taskinfa serve`, makes a workspace with a project and a key,
then over real stdio MCP: initialize, list the tools, call several of them, and check that bad
input comes back as a tool error rather than a crash.

    scripts/mcp-client-check.py path/to/taskinfa
"""
import asyncio
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import urllib.request

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/taskinfa"
EXPECTED_TOOLS = {
    "list_tasks", "get_task", "update_task_status", "update_task", "add_task_comment", "list_task_comments",
    "claim_task", "create_task", "reorder_task", "list_projects", "get_project", "report_progress",
    "complete_execution", "create_subtask", "add_dependency",
}


def request(base, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as response:
        return response.status, dict(response.headers), json.loads(response.read() or b"null")


def text_of(result):
    return "".join(item.text for item in result.content if getattr(item, "type", "") == "text")


async def main():
    data = tempfile.mkdtemp()
    server = subprocess.Popen([BINARY, "serve", "--port", "0", "--data-dir", data, "--bcrypt-cost", "4",
                               "--sign-in-limit", "1000", "--sign-up-limit", "1000", "--api-rate-limit", "1000000"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        base = re.search(r"(http://127\.0\.0\.1:\d+)", line).group(1)
        _, headers, signup = request(base, "POST", "/api/v1/auth/signup",
                                     {"email": "mcp@example.com", "password": "mauve kettle orbit"})
        cookie = headers["Set-Cookie"].split(";")[0]
        workspace = signup["workspace"]["id"]
        csrf = hashlib.sha256(b"taskinfa-csrf\x00" + cookie.split("=", 1)[1].encode()).hexdigest()
        _, _, key = request(base, "POST", f"/api/v1/workspaces/{workspace}/api-keys", {"name": "mcp"},
                            {"Cookie": cookie, "X-CSRF-Token": csrf})
        auth = {"Authorization": "Bearer " + key["secret"]}
        _, _, project = request(base, "POST", f"/api/v1/workspaces/{workspace}/projects",
                                {"name": "Web", "key": "WEB"}, auth)

        params = StdioServerParameters(command=BINARY, args=["mcp", "--server", base, "--api-key", key["secret"]])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                assert init.server_info.name == "taskinfa", init.server_info
                tools = {tool.name for tool in (await session.list_tools()).tools}
                missing = EXPECTED_TOOLS - tools
                assert not missing, f"missing tools: {missing}"

                created = await session.call_tool("create_task", {"project_id": project["id"], "title": "From MCP",
                                                                   "status": "todo", "labels": ["mcp"]})
                assert not created.is_error, text_of(created)
                assert json.loads(text_of(created))["key"] == "WEB-1"

                listed = await session.call_tool("list_tasks", {"status": "todo"})
                assert [t["key"] for t in json.loads(text_of(listed))] == ["WEB-1"], text_of(listed)

                commented = await session.call_tool("add_task_comment", {"task_id": "WEB-1", "body": "hello from python"})
                assert not commented.is_error, text_of(commented)

                task = await session.call_tool("get_task", {"task_id": "WEB-1"})
                assert "hello from python" in text_of(task), text_of(task)

                projects = await session.call_tool("list_projects", {})
                assert json.loads(text_of(projects))[0]["key"] == "WEB"

                moved = await session.call_tool("update_task_status", {"task_id": "WEB-1", "status": "in_progress"})
                assert json.loads(text_of(moved))["status"] == "in_progress", text_of(moved)

                bad = await session.call_tool("get_task", {"task_id": "WEB-999"})
                assert bad.is_error, "an unknown task must be a tool error"
                missing_argument = await session.call_tool("create_task", {"title": "no project"})
                assert missing_argument.is_error and "project_id" in text_of(missing_argument)
                bad_value = await session.call_tool("update_task_status", {"task_id": "WEB-1", "status": "sideways"})
                assert bad_value.is_error and "status" in text_of(bad_value)
                # Still alive after the errors.
                again = await session.call_tool("list_tasks", {})
                assert not again.is_error
        print(f"MCP check passed: {len(tools)} tools, initialize + 9 calls (3 tool errors) with the official client")
    finally:
        server.terminate()
        server.wait(timeout=10)


asyncio.run(main())
