"""The password rules: each weak kind of password is refused with a message saying what is wrong."""

from __future__ import annotations

import pytest

from webapp.review.errors import AccountError
from webapp.review.passwords import check_password


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 10 characters"),
        ("x" * 1001, "at most 1000 characters"),
        (" " * 10, "only spaces or other blank characters"),
        ("\t \u00a0" * 5, "only spaces or other blank characters"),
        ("abababababab", "at least 5 different characters"),
        ("aaaa1111bbbb", "at least 5 different characters"),
        ("Alice in a boat on the river", "must not contain the account name"),
        ("password12", "too easy to guess: This is a very common password."),
        ("qwertyuiop", "too easy to guess"),
        ("1234567890", "too easy to guess"),
        ("abcdefghij", "too easy to guess"),
        ("Summer2024!", "too easy to guess"),
        ("P@ssw0rd2024", "too easy to guess"),
        ("sourcecheck1", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused_in_plain_words(password, message):
    with pytest.raises(AccountError, match=message):
        check_password(password, "alice")


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "reviewer password 1",
        "Tr0ub4dor&3-lighthouse",
        "y7#Lq!vP0zK-" * 80,  # 960 characters: only the first 72 are estimated
    ],
)
def test_strong_passwords_pass(password):
    check_password(password, "alice")


def test_short_names_are_not_looked_for_inside_passwords():
    check_password("correct horse battery staple", "or")  # "or" is in "correct": a coincidence, not a leak
    with pytest.raises(AccountError, match="account name"):
        check_password("my name is bob, long one", "bob")
