"""Test-client helpers: log in through the real form, read CSRF tokens from pages, snapshot the store."""

from __future__ import annotations

import re

import sqlalchemy as sa

from webapp.review import models

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    found = CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client, name: str, password: str, **kwargs):
    token = csrf_from(client, "/login")
    return client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token, "next": "/review"}, **kwargs
    )


def snapshot(store) -> dict[str, list]:
    """Every row of every reviewer table except the login throttle (failed logins are meant to count)."""
    out = {}
    with store.read() as conn:
        for table in models.metadata.sorted_tables:
            if table.name != "login_throttle":
                out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key))]
    return out


def app_store(app):
    from webapp.review.web import EXTENSION

    return app.extensions[EXTENSION].store


def soften_ici_called_iui(knowledge) -> None:
    """In a copy of the knowledge folder, make "ICI, also known as IUI" unsupported instead of inaccurate.

    Both the pattern rule and the fact that ICI is not IUI judge that sentence; both change, so that a rebuild
    changes the seed sentence's automatic status.
    """
    rules = knowledge / "insemination.toml"
    marker = 'id = "ici-called-iui"\nstatus = "inaccurate"'
    assert marker in rules.read_text()
    rules.write_text(rules.read_text().replace(marker, 'id = "ici-called-iui"\nstatus = "unsupported"'))
    facts = knowledge / "insemination" / "facts.toml"
    fact = 'id = "ici-is-not-iui"\nsubject = "ici"\nrelation = "same-as"\nobject = "iui"\ntruth = "false"'
    assert fact in facts.read_text()
    facts.write_text(facts.read_text().replace(fact, fact.replace('truth = "false"', 'truth = "unestablished"')))
