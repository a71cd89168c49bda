"""Query parameters, declared once: a route's `Params` parse its query string and describe it in the OpenAPI
document (webapp/openapi.py), so what the API accepts and what its description says cannot disagree.

The rules, the same on every route:

    absent    the parameter's default
    unknown   refused by the API, naming it; pages ignore it, so a tracking tag does not break a shared link
    repeated  refused by the API unless the parameter is a list
    integer   ASCII digits within the parameter's bounds (`whole_number`, the one integer parser); never blank
    date      YYYY-MM-DD, a real day before 9999-12-31 (so that the day after it exists)
    text      at most `max_length` characters, no NUL; blank means "no filter" unless the parameter is required
              or has a `pattern`, which the whole value must match
    choice    text that must be one of `choices`
    list      repeated, or values separated by commas; each value non-blank (and one of `choices`, if any)

Pages parse leniently: there a blank value (an unset form field) counts as absent. Every refusal is a QueryError
naming the parameter: 400 `invalid_parameter`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer import QueryError

MAX_DIGITS = 7  # no bound in this API needs more; longer numbers are refused before int() reads them
MAX_LIST = 50  # values of one list parameter
# Python's white space (str.strip, str.isspace), spelled out so that the spec's patterns mean exactly the same.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TEXT_PATTERN = r"^[^\x00]*$"
NONBLANK_PATTERN = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
DATE_PATTERN = r"^(?!0000)(?!9999-12-31)[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def whole_number(raw: str, name: str, minimum: int, maximum: int) -> int:
    """`raw` as an integer from `minimum` to `maximum`; QueryError naming `name` otherwise (blank included)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS):
        raise QueryError(f"{name} must be a whole number between {minimum} and {maximum}, not {raw[:20]!r}", name)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise QueryError(f"{name} must be between {minimum} and {maximum}", name)
    return value


@dataclass(frozen=True)
class Param:
    """One query parameter: how to read it, and what the OpenAPI document says about it."""

    name: str
    description: str
    kind: str = "text"  # text, integer, date or list
    default: Any = None
    choices: tuple[str, ...] = ()  # text and list: the values allowed
    required: bool = False  # the API refuses a request without it (or with it blank)
    minimum: int = 1  # integer
    maximum: int = 1000  # integer
    max_length: int = 1000  # text: characters
    pattern: str = ""  # text: a regular expression (anchored, in the subset JSON Schema shares) the value matches

    def parse(self, args: MultiDict, strict: bool) -> Any:
        values = args.getlist(self.name)
        if not strict:
            values = [v for v in values if v.strip()]
        if self.kind == "list":
            return self._list(values, strict)
        if not values:
            if self.required and strict:
                raise QueryError(
                    f"{self.name} is required: {self.description[0].lower()}{self.description[1:]}", self.name
                )
            return self.default
        if len(values) > 1 and strict:
            raise QueryError(f"{self.name} is given {len(values)} times; give it once", self.name)
        return self._value(values[0])

    def _value(self, raw: str) -> Any:
        if self.kind == "integer":
            return whole_number(raw, self.name, self.minimum, self.maximum)
        self._text(raw)
        if self.kind == "date":
            return self._date(raw)
        if self.choices:
            if raw not in self.choices:
                raise QueryError(f"unknown {self.name} {raw[:80]!r}; use one of {', '.join(self.choices)}", self.name)
            return raw
        if self.pattern:
            if not re.fullmatch(self.pattern, raw):
                raise QueryError(f"{self.name} {raw[:40]!r} cannot be used: {self.description}", self.name)
            return raw
        if self.required and not raw.strip():
            raise QueryError(f"{self.name} is required: {self.description[0].lower()}{self.description[1:]}", self.name)
        return raw.strip()

    def _text(self, raw: str) -> None:
        if len(raw) > self.max_length:
            raise QueryError(
                f"{self.name} is too long ({len(raw)} characters; the limit is {self.max_length})", self.name
            )
        if "\x00" in raw:
            raise QueryError(f"{self.name} must not contain a NUL character", self.name)

    def _date(self, raw: str) -> str:
        try:
            day = date.fromisoformat(raw) if _DATE.fullmatch(raw) else None
        except ValueError:
            day = None
        if day is None or day == date.max:
            raise QueryError(f"{self.name} must be a date like 2025-01-31 (before 9999-12-31)", self.name)
        return raw

    def _list(self, values: list[str], strict: bool) -> tuple[str, ...]:
        if len(values) > MAX_LIST:
            raise QueryError(f"{self.name} is given {len(values)} times; at most {MAX_LIST}", self.name)
        found = []
        for raw in values:
            self._text(raw)
            for value in raw.split(","):
                if not value.strip():
                    if strict:
                        raise QueryError(f"{self.name} has a blank value", self.name)
                    continue
                if self.choices and value not in self.choices:
                    raise QueryError(
                        f"unknown {self.name} {value[:80]!r}; use one of {', '.join(self.choices)}", self.name
                    )
                found.append(value)
        distinct = tuple(dict.fromkeys(found))
        if len(distinct) > MAX_LIST:
            raise QueryError(f"{self.name} takes at most {MAX_LIST} different values", self.name)
        return distinct

    def openapi(self) -> dict[str, Any]:
        """This parameter as an OpenAPI 3.1 parameter object."""
        described = {"name": self.name, "in": "query", "description": self.description, "schema": self.schema()}
        if self.required:
            described["required"] = True
        if self.kind == "list":
            described.update(style="form", explode=True)
        return described

    def schema(self) -> dict[str, Any]:
        if self.kind == "integer":
            schema = {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        elif self.kind == "date":
            schema = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        elif self.kind == "list":
            return {"type": "array", "maxItems": MAX_LIST, "items": self._list_item()}
        elif self.choices:
            schema = {"type": "string", "enum": list(self.choices)}
        else:
            pattern = self.pattern or (NONBLANK_PATTERN if self.required else TEXT_PATTERN)
            schema = {"type": "string", "maxLength": self.max_length, "pattern": pattern}
        return schema if self.default is None else {**schema, "default": self.default}

    def _list_item(self) -> dict[str, Any]:
        """One repeated value: a value, or several separated by commas."""
        if self.choices:
            one = "(?:" + "|".join(re.escape(c) for c in self.choices) + ")"
        else:
            one = rf"[^,\x00]*[^,\x00{SPACE}][^,\x00]*"
        return {"type": "string", "maxLength": self.max_length, "pattern": f"^{one}(?:,{one})*$"}


class Params:
    """The query parameters of one route."""

    def __init__(self, *params: Param) -> None:
        self.by_name = {p.name: p for p in params}

    def __iter__(self) -> Iterator[Param]:
        return iter(self.by_name.values())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.by_name)

    def parse(self, args: MultiDict, strict: bool = True) -> dict[str, Any]:
        """Every declared parameter's value; QueryError naming the first that cannot be used.

        `strict` (the API) refuses unknown parameters, repeats and blanks; pages ignore unknown ones and blanks.
        """
        unknown = sorted(set(args) - set(self.by_name))
        if unknown and strict:
            use = f"use {', '.join(self.by_name)}" if self.by_name else "this route takes no parameters"
            raise QueryError(f"unknown parameter {unknown[0][:40]!r}; {use}", unknown[0][:40])
        return {name: param.parse(args, strict) for name, param in self.by_name.items()}

    def openapi(self) -> list[dict[str, Any]]:
        return [p.openapi() for p in self]


NO_PARAMS = Params()
