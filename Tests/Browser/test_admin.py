"""`taskinfa admin set-password`: the operator's way back in on a server that sends no e-mail."""
import subprocess

from harness import API, Server


def test_an_operator_sets_a_forgotten_password_and_every_session_ends(request, tmp_path):
    binary = request.config.getoption("--taskinfa")
    server = Server(binary, folder=str(tmp_path))
    person = API(server)
    person.sign_up("op@example.com")
    server.stop(keep_data=True)

    def set_password(password, email="op@example.com"):
        return subprocess.run([binary, "admin", "set-password", "--email", email, "--data-dir", str(tmp_path)],
                              input=password + "\n", capture_output=True, text=True, timeout=60)

    weak = set_password("short")
    assert weak.returncode != 0 and "at least 12 characters" in weak.stderr
    unknown = set_password("copper lantern drift", email="nobody@example.com")
    assert unknown.returncode != 0 and "no active account" in unknown.stderr
    done = set_password("copper lantern drift")
    assert done.returncode == 0, done.stderr

    again = Server(binary, folder=str(tmp_path), port=server.port)
    try:
        person.server = again
        person.call("GET", "/auth/me", expect=401)
        API(again).call("POST", "/auth/login", {"email": "op@example.com", "password": "copper lantern drift"}, expect=200)
    finally:
        again.stop()
