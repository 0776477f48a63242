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


def test_an_operator_turns_off_a_lost_second_factor_and_rotates_the_secret_key(request, tmp_path):
    import pyotp
    binary = request.config.getoption("--taskinfa")
    server = Server(binary, folder=str(tmp_path))
    person = API(server)
    person.sign_up("lost@example.com")
    other = API(server)
    other.sign_up("kept@example.com")
    seeds = {}
    for api, email in ((person, "lost@example.com"), (other, "kept@example.com")):
        seed = api.call("POST", "/auth/two-factor/enrolment", {"password": "mauve Kettle orbit 7"}, expect=200)["secret"]
        api.call("POST", "/auth/two-factor/enable", {"code": pyotp.TOTP(seed).now()}, expect=200)
        seeds[email] = seed
    server.stop(keep_data=True)

    def admin(*arguments):
        return subprocess.run([binary, "admin", *arguments, "--data-dir", str(tmp_path)], capture_output=True, text=True, timeout=60)

    key_before = (tmp_path / "secret.key").read_text()
    rotated = admin("rotate-secret-key")
    assert rotated.returncode == 0 and "re-sealed 2 secret(s)" in rotated.stdout, rotated.stdout + rotated.stderr
    assert (tmp_path / "secret.key").read_text() != key_before
    assert oct((tmp_path / "secret.key").stat().st_mode & 0o777) == "0o600"
    off = admin("disable-two-factor", "--email", "lost@example.com")
    assert off.returncode == 0, off.stderr

    again = Server(binary, folder=str(tmp_path), port=server.port)
    try:
        person.server = again
        person.call("GET", "/auth/me", expect=401)
        API(again).call("POST", "/auth/login", {"email": "lost@example.com", "password": "mauve Kettle orbit 7"}, expect=200)
        # The other account's seed survived the rotation: its next code still signs in.
        import time
        time.sleep(30 - time.time() % 30 + 0.5)
        API(again).call("POST", "/auth/login", {"email": "kept@example.com", "password": "mauve Kettle orbit 7",
                                                 "totp_code": pyotp.TOTP(seeds["kept@example.com"]).now()}, expect=200)
    finally:
        again.stop()
