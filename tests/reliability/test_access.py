"""Access: nobody changes what they shouldn't.

- Every route and every method is tried: each write is one of a known few, and each refuses anyone without the
  credential it needs (a logged-in reviewer with the form's CSRF token, or a live API token), leaving the store
  unchanged; the same requests with the right credential succeed, so the refusals are not an accident.
- Session fixation: a session planted before login is not the session after it (new cookie, new CSRF token);
  a copy of the cookie stops working at logout (sessions are kept server-side).
- API tokens are revocable at once (revoke command, a new token, a disabled account, a password change), on a
  running server.
- Logins are throttled per (account, address), per address and per account, also under a concurrent brute force,
  where no more guesses are checked than the limit allows.
- Secrets (passwords, tokens, session cookies) appear in no log line (DEBUG, SQL included) and no stored file;
  the repository tracks no secrets, databases or instance files.
"""

from __future__ import annotations

import http.client
import logging
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from review.conftest import ICI_DOC, ICI_SENTENCE
from review.helpers import csrf_from, snapshot

from webapp import create_app
from webapp.cli import main as cli
from webapp.review.accounts import add_reviewer, issue_token, set_active, set_password
from webapp.review.claims import fingerprint, get_claim
from webapp.review.web import EXTENSION

from .figures import record

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "her own long password"
SAFE = {"GET", "HEAD", "OPTIONS"}
# Every write the app has, and what it needs. A new write route fails the enumeration until it is listed here.
WRITES = {
    ("POST", "/review/claims/<claim_id>"): "reviewer session + CSRF token",
    ("POST", "/api/v1/claims/<claim_id>/decisions"): "API token",
    ("POST", "/login"): "CSRF token (changes only the session and the failed-login counter)",
    ("POST", "/logout"): "CSRF token (changes only the session)",
    ("POST", "/review/password"): "reviewer session + CSRF token + the current password",
}
UNUSED_METHODS = ("PUT", "PATCH", "DELETE")


@pytest.fixture()
def site(index_dir, tmp_path):
    """The app over the seed index and a SQLite store, with reviewer alice and the ICI claim synced."""
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "SECRET_KEY": "access-test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'review.sqlite3'}",
        },
        instance_path=str(tmp_path / "instance"),
    )
    assert app.test_client().get("/review").status_code == 200  # claims synced
    add_reviewer(app.extensions[EXTENSION].store, "alice", PASSWORD)
    yield app
    app.extensions[EXTENSION].dispose()


def _login(client, password: str = PASSWORD):
    token = csrf_from(client, "/login")
    return client.post("/login", data={"name": "alice", "password": password, "csrf_token": token})


def _url(rule: str, claim: str) -> str:
    values = {"claim_id": claim, "doc_id": ICI_DOC, "passage_id": f"{ICI_DOC}.p5", "filename": "style.css"}
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values.get(m.group(1), "x"), rule)


def _decision_form(csrf: str | None, version: int = 0) -> dict:
    form = {"action": "decide", "version": str(version), "status": "supported", "note": "access test"}
    return form if csrf is None else {**form, "csrf_token": csrf}


def test_every_write_needs_its_credential(site):
    store = site.extensions[EXTENSION].store
    claim = fingerprint(ICI_DOC, ICI_SENTENCE)
    token = issue_token(store, "alice")
    old_token = token
    token = issue_token(store, "alice")  # the first one is revoked now
    bearer = {"Authorization": f"Bearer {token}"}
    writes = {(m, r.rule) for r in site.url_map.iter_rules() for m in r.methods - SAFE}
    assert writes == set(WRITES), "a write route was added or removed: list it in WRITES with its credential"

    anonymous, reviewer, other = site.test_client(), site.test_client(), site.test_client()
    assert _login(reviewer).status_code == 303
    reviewer_csrf = csrf_from(reviewer, "/review")
    other_csrf = csrf_from(other, "/login")  # a valid token, but of another (attacker's) session
    before = snapshot(store)
    refused = 0

    def refuse(client, method, url, expected, **kwargs):
        nonlocal refused
        response = client.open(url, method=method, **kwargs)
        response.close()
        assert response.status_code == expected, (method, url, kwargs, response.status_code)
        refused += 1

    form_url, api_url = f"/review/claims/{claim}", f"/api/v1/claims/{claim}/decisions"
    body = {"status": "supported", "note": "access test", "version": 0}
    # the decision form: a logged-in reviewer and this session's CSRF token, nothing else will do
    refuse(anonymous, "POST", form_url, 401, data=_decision_form(None))
    refuse(anonymous, "POST", form_url, 401, data=_decision_form(csrf_from(anonymous, "/login")))
    refuse(anonymous, "POST", form_url, 401, data=_decision_form(None), headers=bearer)
    refuse(anonymous, "POST", form_url, 401, json=body, headers=bearer)
    refuse(reviewer, "POST", form_url, 400, data=_decision_form(None))
    refuse(reviewer, "POST", form_url, 400, data=_decision_form(other_csrf))
    refuse(reviewer, "POST", form_url, 400, data=_decision_form(""))
    refuse(reviewer, "POST", form_url, 400, json={**body, "csrf_token": reviewer_csrf})  # not a form field
    # the API: a live token, nothing else will do (a session cookie is not enough: no cross-site JSON writes)
    refuse(anonymous, "POST", api_url, 401, json=body)
    refuse(reviewer, "POST", api_url, 401, json=body)
    refuse(reviewer, "POST", api_url, 401, json={**body, "csrf_token": reviewer_csrf})
    refuse(reviewer, "POST", api_url, 401, data=_decision_form(reviewer_csrf))
    for header in (
        f"Bearer {old_token}",
        "Bearer sc_forged",
        f"Basic {token}",
        f"Bearer  {token[:-2]}",
        "Bearer",
        token,
        f"bearer {token}x",
    ):
        refuse(anonymous, "POST", api_url, 401, json=body, headers={"Authorization": header})
    refuse(anonymous, "POST", f"{api_url}?token={token}", 401, json=body)  # never from the URL (it gets logged)
    # the password change: a session, its CSRF token and the current password
    change = {
        "current_password": PASSWORD,
        "new_password": "an attacker's passphrase",
        "new_password_again": "an attacker's passphrase",
    }
    refuse(anonymous, "POST", "/review/password", 401, data={**change, "csrf_token": csrf_from(anonymous, "/login")})
    refuse(reviewer, "POST", "/review/password", 400, data=change)
    refuse(reviewer, "POST", "/review/password", 400, data={**change, "csrf_token": other_csrf})
    refuse(
        reviewer,
        "POST",
        "/review/password",
        401,
        data={**change, "csrf_token": reviewer_csrf, "current_password": "a guess"},
    )
    # login and logout without the CSRF token
    refuse(anonymous, "POST", "/login", 400, data={"name": "alice", "password": PASSWORD})
    refuse(reviewer, "POST", "/logout", 400, data={})
    refuse(reviewer, "POST", "/logout", 400, data={"csrf_token": other_csrf})
    # methods no route has, on every route, with every credential at once
    for rule in site.url_map.iter_rules():
        for method in UNUSED_METHODS:
            refuse(reviewer, method, _url(rule.rule, claim), 405, data=_decision_form(reviewer_csrf), headers=bearer)
    assert snapshot(store) == before
    assert "Signed in as" in reviewer.get("/review").get_data(as_text=True)  # the refused logout did nothing

    # and with the right credential each write goes through
    assert reviewer.post(form_url, data=_decision_form(reviewer_csrf)).status_code == 303
    assert anonymous.post(api_url, json={**body, "version": 1}, headers=bearer).status_code == 201
    assert get_claim(store, claim).version == 2
    assert reviewer.post("/review/password", data={**change, "csrf_token": reviewer_csrf}).status_code == 303
    assert reviewer.post("/logout", data={"csrf_token": reviewer_csrf}).status_code == 303
    assert "Signed in as" not in reviewer.get("/review").get_data(as_text=True)
    record("access", "write_routes", len(WRITES))
    record("access", "unauthorised_writes_refused", refused)
    record("access", "authorised_writes_accepted", 4)


def test_login_starts_a_new_session(site):
    """An attacker who plants a session cookie (and its CSRF token) before the victim logs in gains nothing."""
    attacker = site.test_client()
    planted_csrf = csrf_from(attacker, "/login")
    planted = attacker.get_cookie("session").value
    victim = site.test_client()
    victim.set_cookie("session", planted)  # fixed by the attacker (a sub-domain cookie, a shared computer)
    response = victim.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": planted_csrf})
    assert response.status_code == 303
    after = victim.get_cookie("session").value
    assert after != planted
    victim_csrf = csrf_from(victim, "/review")
    assert victim_csrf != planted_csrf  # the CSRF token rotates with the session
    # the attacker's copy of the pre-login session is still anonymous: no page shows a login, no form is accepted
    assert "Signed in as" not in attacker.get("/review").get_data(as_text=True)
    claim = fingerprint(ICI_DOC, ICI_SENTENCE)
    assert attacker.post(f"/review/claims/{claim}", data=_decision_form(planted_csrf)).status_code == 401
    assert victim.post(f"/review/claims/{claim}", data=_decision_form(planted_csrf)).status_code == 400
    assert victim.post(f"/review/claims/{claim}", data=_decision_form(victim_csrf)).status_code == 303
    # logging out rotates it again, and ends the logged-in session for a copy of its cookie too
    thief = site.test_client()
    thief.set_cookie("session", after)
    assert "Signed in as" in thief.get("/review").get_data(as_text=True)
    assert victim.post("/logout", data={"csrf_token": victim_csrf}).status_code == 303
    assert victim.get_cookie("session") is None or victim.get_cookie("session").value not in (planted, after)
    assert "Signed in as" not in thief.get("/review").get_data(as_text=True)
    assert thief.post(f"/review/claims/{claim}", data=_decision_form(victim_csrf, 1)).status_code == 401
    record("access", "session_fixation_attempts_refused", 2)
    record("access", "copied_cookie_uses_after_logout_refused", 1)


def _reviewer_cli(runner, url: str, *args: str):
    result = runner.invoke(cli, ["reviewer", args[0], "--database-url", url, *args[1:]])
    assert result.exit_code == 0, result.output
    return result


def test_api_tokens_are_revocable_while_serving(site, runner):
    store = site.extensions[EXTENSION].store
    client = site.test_client()
    claim = fingerprint(ICI_DOC, ICI_SENTENCE)
    url = f"/api/v1/claims/{claim}/decisions"
    version = [0]

    def post(token: str) -> int:
        response = client.post(
            url,
            json={"status": "supported", "note": "token test", "version": version[0]},
            headers={"Authorization": f"Bearer {token}"},
        )
        version[0] += response.status_code == 201
        return response.status_code

    token = _reviewer_cli(runner, store.url, "token", "alice").stdout.strip()
    assert token.startswith("sc_") and post(token) == 201
    revoked = _reviewer_cli(runner, store.url, "revoke", "alice")
    assert "Revoked 1 API token of reviewer alice" in revoked.output
    assert post(token) == 401  # at once, on the running app
    assert "alice\tactive\ttokens: 0" in _reviewer_cli(runner, store.url, "list").output
    assert _login(site.test_client()).status_code == 303  # the account itself still works

    first = issue_token(store, "alice")
    second = issue_token(store, "alice")
    assert (post(first), post(second)) == (401, 201)  # a new token replaces the old one
    set_active(store, "alice", False)
    assert post(second) == 401  # a disabled account's tokens are dead
    set_active(store, "alice", True)
    assert post(second) == 401  # and stay dead when it is enabled again
    third = issue_token(store, "alice")
    assert post(third) == 201
    set_password(store, "alice", "her second long password")
    assert post(third) == 401  # a password change revokes the tokens too
    assert "Revoked 0 API tokens" in _reviewer_cli(runner, store.url, "revoke", "alice").output
    with store.read() as conn:
        actions = [a for (a,) in conn.exec_driver_sql("SELECT action FROM audit_log WHERE actor = 'cli'")]
    assert actions.count("reviewer.revoke_tokens") == 2
    record("access", "revoked_token_uses_refused", 5)


def _try_login(client, address: str, name: str = "alice", password: str = "wrong", **headers) -> int:
    return client.post(
        "/login",
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
        data={"name": name, "password": password, "csrf_token": csrf_from(client, "/login")},
    ).status_code


def test_logins_are_throttled_over_http(site):
    store = site.extensions[EXTENSION].store
    clock = [store.now()]
    store.clock = lambda: clock[0]
    throttle = site.extensions[EXTENSION].throttle
    attacker, reviewer, sprayer = (site.test_client() for _ in range(3))
    # guessing from one address locks that address out of the account, even with the right password...
    assert [_try_login(attacker, "203.0.113.9") for _ in range(throttle.max_failures)] == [401] * throttle.max_failures
    right = attacker.post(
        "/login",
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
        data={"name": "alice", "password": PASSWORD, "csrf_token": csrf_from(attacker, "/login")},
    )
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert "too many failed logins" in right.get_data(as_text=True)
    # ...but not the reviewer, elsewhere; and a forged X-Forwarded-For does not move the attacker elsewhere
    assert _try_login(attacker, "203.0.113.9", **{"X-Forwarded-For": "10.0.1.1"}) == 429
    assert _try_login(reviewer, "10.0.1.1", password=PASSWORD) == 303
    # spraying many names from one address throttles the address
    statuses = [_try_login(sprayer, "10.0.2.1", name=f"user{n}") for n in range(throttle.client_max_failures)]
    assert statuses == [401] * throttle.client_max_failures
    assert _try_login(sprayer, "10.0.2.1", name="someone-else") == 429
    # guesses spread over many addresses meet the account's ceiling
    spread = [_try_login(attacker, f"198.51.{n // 250}.{n % 250}") for n in range(throttle.account_max_failures)]
    # the attacker's first guesses count too (the reviewer's success took back only its own count)
    assert spread.count(401) == throttle.account_max_failures - throttle.max_failures
    assert spread.count(429) == throttle.max_failures
    assert _try_login(reviewer, "10.0.1.1", password=PASSWORD) == 429
    clock[0] += timedelta(hours=1)  # the lockouts end: the right password works again
    assert _try_login(reviewer, "10.0.1.1", password=PASSWORD) == 303
    record("access", "throttled_login_attempts", 4)


def test_concurrent_brute_force_is_throttled(site):
    """Eight attackers guessing at once on a live server: only a handful of guesses are ever checked."""
    from werkzeug.serving import make_server

    attackers, guesses = 8, 15
    server = make_server("127.0.0.1", 0, site, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_port

    def attack(n: int) -> list[int]:
        statuses = []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", "/login")
            response = connection.getresponse()
            page = response.read().decode()
            cookie = response.getheader("Set-Cookie").split(";")[0]
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            for g in range(guesses):
                form = urlencode({"name": "alice", "password": f"guess {n}-{g}", "csrf_token": csrf})
                connection.request(
                    "POST", "/login", form, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
                )
                response = connection.getresponse()
                response.read()
                statuses.append(response.status)
        finally:
            connection.close()
        return statuses

    try:
        with ThreadPoolExecutor(attackers) as pool:
            statuses = [s for result in pool.map(attack, range(attackers), timeout=120) for s in result]
    finally:
        server.shutdown()
        thread.join(10)
    checked, throttled = statuses.count(401), statuses.count(429)
    assert checked + throttled == len(statuses) == attackers * guesses
    # each guess is counted before its password is checked, in the transaction that checks the limit: no more
    # guesses are checked than the limit allows, however many arrive at once
    assert checked == site.extensions[EXTENSION].throttle.max_failures, checked
    record("access", "brute_force_guesses", len(statuses))
    record("access", "brute_force_guesses_checked", checked)
    record("access", "brute_force_guesses_throttled", throttled)


def test_secrets_are_never_logged_or_stored(site, runner, caplog, tmp_path):
    """Passwords, tokens and session cookies appear in no log line (every logger at DEBUG, SQL included), in no
    stored file, and not in the database except as hashes."""
    from werkzeug.serving import make_server

    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every SQL statement with its parameters
    store = site.extensions[EXTENSION].store
    wrong_password = "not alice's password at all"
    new_password = "a brand new password for b"
    added = runner.invoke(
        cli, ["reviewer", "add", "bob", "--password-stdin", "--database-url", store.url], input=new_password + "\n"
    )
    assert added.exit_code == 0, added.output
    token = _reviewer_cli(runner, store.url, "token", "bob").stdout.strip()
    server = make_server("127.0.0.1", 0, site, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    claim = fingerprint(ICI_DOC, ICI_SENTENCE)
    cookies = []
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        for password in (wrong_password, new_password):
            connection.request("GET", "/login")
            response = connection.getresponse()
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
            cookie = response.getheader("Set-Cookie").split(";")[0]
            connection.request(
                "POST",
                "/login",
                urlencode({"name": "bob", "password": password, "csrf_token": csrf}),
                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            response.read()
            cookies += [cookie, (response.getheader("Set-Cookie") or "").split(";")[0]]
        for auth in (f"Bearer {token}", f"Bearer {token}-tampered"):
            connection.request(
                "POST",
                f"/api/v1/claims/{claim}/decisions",
                '{"status": "supported", "note": "logged?", "version": 0}',
                {"Authorization": auth, "Content-Type": "application/json"},
            )
            connection.getresponse().read()
        connection.close()
    finally:
        server.shutdown()
        thread.join(10)
    assert get_claim(store, claim).decided_by == "bob"  # the secrets were really used
    secrets = [
        new_password,
        wrong_password,
        PASSWORD,
        token,
        token.removeprefix("sc_"),
        *(c.split("=", 1)[1] for c in cookies if "=" in c),
    ]
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert "POST /login" in logged and "/decisions" in logged and "INSERT INTO" in logged  # access log and SQL
    for secret in secrets:
        assert secret not in logged
    stored = b""
    for path in tmp_path.rglob("*"):  # the database (and its WAL), the instance folder
        if path.is_file():
            stored += path.read_bytes()
    for secret in (new_password, wrong_password, PASSWORD, token):
        assert secret.encode() not in stored
    record("access", "log_records_scanned", len(caplog.records))
    record("access", "secrets_checked", len(secrets))


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "API token": re.compile(r"\bsc_[A-Za-z0-9_-]{40,}"),
    "password in a database URL": re.compile(r"\b[a-z+]+://[^\s:/@'\"]+:(?!\*\*\*@)([^\s@/'\"{}]+)@"),
    "AWS key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "assigned secret key": re.compile(r"SECRET_KEY\s*[=:]\s*['\"][0-9a-f]{32,}['\"]"),
}
PLACEHOLDER_PASSWORDS = {"secret", "pw", "pass", "password", "PASSWORD"}  # visibly fake ones, in tests and docs
FORBIDDEN_FILES = re.compile(r"(^|/)(instance/|secret_key$|\.env$|[^/]*\.(sqlite3?|db|pem|key|p12)$|id_rsa)")


def test_no_secret_is_committed():
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = (
        subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
        .stdout.decode()
        .split("\0")
    )
    tracked = [name for name in tracked if name]
    assert not [name for name in tracked if FORBIDDEN_FILES.search(name)]
    local_secret = ROOT / "instance" / "secret_key"
    known = [local_secret.read_text().strip()] if local_secret.is_file() else []
    found = []
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for what, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                if what == "password in a database URL" and match.group(1) in PLACEHOLDER_PASSWORDS:
                    continue
                found.append(f"{name}: {what}: {match.group(0)[:40]}")
        found += [f"{name}: this machine's instance secret key" for key in known if key and key in text]
    assert not found, found
    record("access", "tracked_files_scanned_for_secrets", len(tracked))
