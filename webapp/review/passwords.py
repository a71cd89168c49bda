"""The password rules for reviewer accounts, each refusal saying in plain words what is wrong.

A password needs 10 to 1000 characters, not only blanks, at least 5 different characters, not the account name
inside it, and a zxcvbn strength score of at least 3 of 4 (zxcvbn estimates the guesses an attacker needs,
with dictionaries of common passwords, names and words, keyboard patterns, sequences, repeats and dates).
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from .errors import AccountError

MIN_LENGTH = 10
MAX_LENGTH = 1000  # argon2 takes any length; this bounds the work a login form can ask for
MIN_DISTINCT = 5
MIN_SCORE = 3  # zxcvbn: "safely unguessable", about 10^8 guesses or more
ESTIMATE_LENGTH = 72  # zxcvbn's own bound (its matching grows fast with length); past it a password is long anyway
MIN_NAME_IN_PASSWORD = 3  # shorter names occur inside too many good passwords by chance


def check_password(password: str, name: str) -> None:
    """AccountError saying why `password` is not good enough for account `name`; nothing if it is."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise AccountError(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise AccountError(f"the password must have at most {MAX_LENGTH} characters")
    if not password.strip():
        raise AccountError("the password cannot be only spaces or other blank characters")
    if len(set(password)) < MIN_DISTINCT:
        raise AccountError(f"the password must use at least {MIN_DISTINCT} different characters")
    if len(name or "") >= MIN_NAME_IN_PASSWORD and name.casefold() in password.casefold():
        raise AccountError("the password must not contain the account name")
    result = zxcvbn(password[:ESTIMATE_LENGTH], user_inputs=[name or "", "sourcecheck", "reviewer"])
    if result["score"] < MIN_SCORE:
        feedback = result["feedback"]
        advice = " ".join(part for part in (feedback["warning"], *feedback["suggestions"]) if part)
        raise AccountError(f"the password is too easy to guess: {advice or 'use a few unrelated words together.'}")
