"""Documentation that cannot drift (in the manner of Datasette's tests/test_docs.py): every setting, CLI command and
option, knowledge-file field and API route is documented in README.md or docs/, and every documented one exists.

Each test reads the documents as a person does (tables, code spans, examples) and compares them with the code's
own declarations: the settings tables (`webapp.config.SETTINGS`), the command found from `[project.scripts]`, the
pydantic models of the knowledge files and the Flask URL map.
"""

from __future__ import annotations

import importlib
import re
import tomllib
import types
import typing
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
KNOWLEDGE_PAGE = ROOT / "docs" / "knowledge-files.md"
CODE_DIRS = ("indexer", "webapp", "bench", "scripts", "tests")
REPORTS = [ROOT / "BENCHMARKS.md"]  # documents that may name development variables too


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def docs_text() -> str:
    return "\n".join(read(p) for p in DOCS)


def table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row (`\\|` inside a cell is a literal bar), header rows included."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.fullmatch(r"\|[-| :]+\|", line.strip()):
            cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
            rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows


def tables(text: str) -> list[list[list[str]]]:
    """Each Markdown table as its rows (the header first)."""
    found, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(table_rows("\n".join(current)))
            current = []
    return found


def code_name(cell: str) -> str | None:
    """`NAME` when the cell is a single code span."""
    match = re.fullmatch(r"`([^`]+)`", cell.strip())
    return match.group(1) if match else None


def code_texts(text: str) -> list[str]:
    """Every line of an indented or fenced code block, and every code span (which may run over a line break)."""
    blocks, prose, fenced = [], [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced or line.startswith("    "):
            blocks.append(line.strip())
        else:
            prose.append(line.replace("\\|", "|"))
    spans = re.findall(r"`([^`]+)`", "\n".join(prose))
    return blocks + [" ".join(span.split()) for span in spans]


# Settings


def declared_settings():
    from webapp.config import SETTINGS

    return SETTINGS


def documented_settings() -> dict[str, list[str]]:
    """Each settings table's rows (header `| setting | default | meaning |`) by setting name."""
    rows: dict[str, list[str]] = {}
    for table in tables(docs_text()):
        if table and table[0][:3] == ["setting", "default", "meaning"]:
            for row in table[1:]:
                name = code_name(row[0])
                assert name, f"a settings row without a `NAME`: {row}"
                assert name not in rows, f"{name} is documented twice"
                rows[name] = row
    return rows


def test_every_setting_is_documented_and_every_documented_setting_exists():
    declared, documented = set(declared_settings()), set(documented_settings())
    assert declared, "no settings declared"
    assert sorted(declared - documented) == [], "declared but not in a settings table (README.md or docs/)"
    assert sorted(documented - declared) == [], (
        "documented but declared nowhere (webapp/config.py, indexer/settings.py)"
    )


def _default_words(default) -> list[str]:
    """What the default column must say for a default that is a plain value."""
    if isinstance(default, bool):
        return ["true" if default else "false"]
    if isinstance(default, int):
        return [f"{default:,}" if default >= 10_000 else str(default)]
    if isinstance(default, str):
        return [default]
    if isinstance(default, list | tuple):
        return [str(item) for item in default]
    return []


def test_each_documented_default_is_the_declared_one():
    rows = documented_settings()
    for name, setting in declared_settings().items():
        assert name in rows, f"{name} is not in a settings table (README.md or docs/)"
        cell = rows[name][1]
        for word in _default_words(setting.default):
            assert word in cell, f"{name}: the declared default {setting.default!r} is not what README.md says: {cell}"
        if setting.environment_only:
            assert setting.envvar in " ".join(rows[name]), f"{name}: say it is read only from {setting.envvar}"


def _variables_in(paths) -> set[str]:
    return {m for p in paths for m in re.findall(r"\bSOURCECHECK_([A-Z][A-Z0-9_]*)", read(p))}


def test_every_environment_variable_is_a_setting_or_documented():
    """Development variables (benchmark corpus, test database) are not app settings; they are documented too."""
    code = [p for d in CODE_DIRS for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".sh") and p.is_file()]
    used, mentioned = _variables_in(code), _variables_in(DOCS + REPORTS)
    settings = set(declared_settings())
    assert sorted(used - settings - mentioned) == [], "environment variables the code reads, documented nowhere"
    assert sorted(mentioned - settings - used) == [], "documented environment variables nothing reads"


# The command line


def entry_point() -> click.Command:
    """The `sourcecheck` console script, as pyproject.toml declares it."""
    target = tomllib.loads(read(ROOT / "pyproject.toml"))["project"]["scripts"]["sourcecheck"]
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def commands() -> dict[tuple[str, ...], click.Command]:
    """Every command and group by its path (`()` is `sourcecheck` itself)."""
    found: dict[tuple[str, ...], click.Command] = {}

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        found[path] = command
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), (*path, name))

    walk(entry_point(), ())
    return found


def options(command: click.Command) -> set[str]:
    return {o for p in command.params if isinstance(p, click.Option) for o in (*p.opts, *p.secondary_opts)}


def invocation(text: str) -> tuple[list[tuple[str, ...]], list[str]] | None:
    """The command paths (several for `disable|enable`) and the options of one `sourcecheck ...` invocation."""
    match = re.search(r"(?<![\w./-])sourcecheck(?![\w.-])(.*)", text)
    if not match:
        return None
    rest = re.split(r"\s(?:#|&&|\|\||;)|\)", re.sub(r'"[^"]*"', '""', match.group(1)))[0]
    tokens = [t.strip("[],") for t in rest.split()]
    tree, paths, i = commands(), [()], 0
    while i < len(tokens) and all(isinstance(tree.get(p), click.Group) for p in paths):
        words = tokens[i].split("|")
        if not all(re.fullmatch(r"[a-z][a-z-]*", w) for w in words):
            break
        paths = [(*p, w) for p in paths for w in words]
        i += 1
    return paths, [t for t in tokens[i:] if t.startswith("-")]


def test_every_command_and_option_is_in_the_cli_reference():
    reference: dict[tuple[str, ...], set[str]] = {}
    for table in tables(docs_text()):
        if table and table[0][0] == "command":
            for row in table[1:]:
                paths, opts = invocation(code_name(row[0]) or "")
                for path in paths:
                    reference.setdefault(path, set()).update(opts)
    assert reference, "no CLI reference table (`| command | what it does |`)"
    for path, command in commands().items():
        if isinstance(command, click.Group) and not options(command):
            continue  # a group without options of its own: its commands are the rows
        name = " ".join(("sourcecheck", *path))
        assert path in reference, f"`{name}` is not in the CLI reference"
        assert sorted(options(command) - reference[path]) == [], f"`{name}`: options missing from its row"


def test_every_documented_command_and_option_exists():
    tree, checked = commands(), 0
    for text in code_texts(docs_text()):
        found = invocation(text)
        if found is None:
            continue
        paths, opts = found
        for path in paths:
            checked += 1
            assert path in tree, f"`{text}`: no command `sourcecheck {' '.join(path)}`"
            unknown = sorted({o.split("=")[0] for o in opts} - options(tree[path]) - {"--help"})
            assert unknown == [], f"`{text}`: `sourcecheck {' '.join(path)}` has no option {unknown}"
    assert checked > 20, "the documents' invocations were not found"


def test_every_option_read_from_the_environment_is_a_setting():
    settings = declared_settings()
    for path, command in commands().items():
        for param in command.params:
            for variable in [param.envvar] if isinstance(param.envvar, str) else param.envvar or []:
                name = variable.removeprefix("SOURCECHECK_")
                assert variable.startswith("SOURCECHECK_") and name in settings, f"{path}: {variable}"


# Knowledge files


def _unwrap(annotation):
    """`X` from `X | None` and `Annotated[X, ...]`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            others = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(others) != 1:
                return annotation
            annotation = others[0]
        else:
            return annotation


def _table_model(annotation) -> tuple[str, type[BaseModel]] | None:
    """How a field holds a nested table: `[key.<id>]` (dict), `[[key]]` (list) or `[key]` (model)."""
    annotation = _unwrap(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "[{}]", annotation
    if origin is dict and isinstance(args[1], type) and issubclass(args[1], BaseModel):
        return "[{}.<id>]", args[1]
    if origin is list and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return "[[{}]]", args[0]
    return None


def model_tables() -> dict[tuple[str, str], type[BaseModel]]:
    """Every table of every knowledge file kind: (file name, table header or "" for the top level) -> its model."""
    from indexer.knowledge.schema import FILES

    found = {}

    def walk(file: str, header: str, model: type[BaseModel]) -> None:
        found[(file, header)] = model
        for name, field in model.model_fields.items():
            nested = _table_model(field.annotation)
            if nested:
                shape, inner = nested
                key = f"{header.strip('[]')}.{name}" if header else name
                walk(file, shape.format(key), inner)

    for file, model in FILES.items():
        walk(file, "", model)
    return found


def field_key(name: str, field) -> str:
    return field.alias or name


def documented_fields() -> dict[tuple[str, str], dict[str, list[str]]]:
    """docs/knowledge-files.md: for each `## <file>` and `### [table]`, its rows by key."""
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    file = header = None
    lines: list[str] = []

    def flush() -> None:
        if file is not None:
            rows = [r for t in tables("\n".join(lines)) for r in t[1:]]
            found[(file, header or "")] = {code_name(r[0]) or r[0]: r for r in rows}

    for line in read(KNOWLEDGE_PAGE).splitlines():
        if line.startswith("## ") or line.startswith("### "):
            flush()
            lines = []
            title = line.split(" ", 1)[1].strip().strip("`")
            if line.startswith("## "):
                file, header = title.rsplit("/", 1)[-1], ""
            else:
                header = title
        else:
            lines.append(line)
    flush()
    return found


def test_every_knowledge_file_field_is_documented_and_every_documented_one_exists():
    documented = documented_fields()
    for (file, header), model in model_tables().items():
        where = f"{file} {header or '(top level)'}"
        assert (file, header) in documented, f"docs/knowledge-files.md has no section for {where}"
        keys = {field_key(n, f) for n, f in model.model_fields.items()}
        rows = documented[(file, header)]
        assert sorted(keys - set(rows)) == [], f"{where}: fields missing from docs/knowledge-files.md"
        assert sorted(set(rows) - keys) == [], f"{where}: documented fields the model does not have"
        for name, field in model.model_fields.items():
            cell = rows[field_key(name, field)][2]
            required = field.is_required()
            assert ("required" in cell) == required, f"{where} {name}: the default column says {cell!r}"
            choices = typing.get_args(_unwrap(field.annotation))
            if typing.get_origin(_unwrap(field.annotation)) is typing.Literal:
                assert all(f"`{c}`" in rows[field_key(name, field)][1] for c in choices), f"{where} {name}: {choices}"
            if not required and isinstance(field.default, bool | int | str) and field.default is not None:
                word = str(field.default).lower() if isinstance(field.default, bool) else str(field.default)
                assert word in cell, f"{where} {name}: the default is {field.default!r}, the page says {cell!r}"
    kinds = {(f, h) for f, h in model_tables()} | {(f, "") for f, _ in model_tables()}
    assert sorted(set(documented) - kinds) == [], "docs/knowledge-files.md documents tables no model declares"


def test_the_readme_knowledge_examples_use_only_real_fields():
    """Every key of a README TOML example is a field of its table's model (tables no model declares, the pattern
    rules' `[[rules]]`, are not checked here: `sourcecheck kb lint` checks those files)."""
    modelled = model_tables()
    top_level = {field_key(n, f) for (_, h), m in modelled.items() if not h for n, f in m.model_fields.items()}
    headers = [(re.escape(h).replace(re.escape("<id>"), r"[^.\]]+"), m) for (_, h), m in modelled.items() if h]
    checked = 0
    for block in re.findall(r"```toml\n(.*?)```", read(README), re.S):
        fields: set[str] | None = top_level
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            if line.startswith("["):
                model = next((m for h, m in headers if re.fullmatch(h, line)), None)
                fields = {field_key(n, f) for n, f in model.model_fields.items()} if model else None
            elif (key := re.match(r"([A-Za-z_][\w-]*)\s*=", line)) and fields is not None:
                assert key.group(1) in fields, f"README example: {line!r} is not a field of its table"
                checked += 1
    assert checked > 20


# The API


API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def route_path(path: str) -> str:
    """A path with each variable part as `<>`, without a query, fragment or trailing slash."""
    path = re.split(r"[?#]", path)[0]
    return re.sub(r"<[^>]*>", "<>", path).rstrip("/")


@pytest.fixture(scope="module")
def api_routes(tmp_path_factory) -> set[tuple[str, str]]:
    from webapp import create_app

    folder = tmp_path_factory.mktemp("docs-app")
    app = create_app({"INDEX_DIR": str(folder / "index"), "SECRET_KEY": "docs"}, instance_path=str(folder / "i"))
    return {
        (method, route_path(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def documented_routes() -> set[tuple[str, str]]:
    found = re.findall(rf"`({'|'.join(API_METHODS)}) (/api/[^`\s]*)`", docs_text())
    return {(method, route_path(path)) for method, path in found}


def test_every_api_route_is_documented(api_routes):
    assert api_routes, "no /api/ routes found"
    assert sorted(api_routes - documented_routes()) == [], "API routes without a `METHOD /api/...` in the docs"


def test_every_documented_api_route_exists(api_routes):
    documented = documented_routes()
    assert sorted(documented - api_routes) == [], "documented API routes the app does not have"
    paths = {path for _, path in api_routes}
    text = docs_text()
    mentioned = re.findall(r"`(?:[A-Z]+ )?(/api/[^`\s]*)`", text) + re.findall(
        r"https?://[^/\s'\"]+(/api/[^\s'\"]*)", text
    )
    assert sorted({route_path(p) for p in mentioned} - paths) == [], "API paths mentioned that the app does not have"
