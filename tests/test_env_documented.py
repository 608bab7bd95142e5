"""Every environment variable the code reads is documented in `.env.example` and in the
README's configuration table.

The names are found in the source, not listed by hand: an AST walk over every Python file
(tests excepted: their switches are the test harness's own) finds the readers of the
environment — lib.env's helpers (`env_str`, `env_bool`, `env_int`, `env_list`),
`os.environ.get/[]/in`, `os.getenv`. A name built with an f-string (`f"{key}_ENABLED"`) is
a family: it must be documented as a pattern with a `<PLACEHOLDER>` for each formatted
part (`<PLATFORM>_ENABLED`).
"""

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPERS = {"env_str", "env_bool", "env_int", "env_list"}
# Set by our own entry points for Django, not read as configuration.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE"}


def _source_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "*.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / rel for rel in listed
            if not rel.startswith(("tests/", ".venv/", "node_modules/")) and (ROOT / rel).exists()]


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ"
            and isinstance(node.value, ast.Name) and node.value.id == "os")


def _name_of(node: ast.AST) -> str | None:
    """A literal name, or an f-string as a pattern (`{…}` parts become `<*>`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "<*>"
                       for part in node.values)
    return None


def _reads_environment(func: ast.AST) -> bool:
    """env_str(…), os.environ.get(…)/pop(…), os.getenv(…)."""
    if isinstance(func, ast.Name):
        return func.id in HELPERS
    return isinstance(func, ast.Attribute) and (
        (func.attr in ("get", "pop") and _is_environ(func.value))
        or (func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"))


def env_reads(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        arg = None
        if isinstance(node, ast.Call) and node.args and _reads_environment(node.func):
            arg = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            arg = node.slice
        elif (isinstance(node, ast.Compare) and len(node.ops) == 1
              and isinstance(node.ops[0], ast.In | ast.NotIn) and _is_environ(node.comparators[0])):
            arg = node.left
        name = _name_of(arg) if arg is not None else None
        if name:
            names.add(name)
    return names


def variables_read() -> dict[str, set[str]]:
    """name (or pattern) → the files that read it."""
    found: dict[str, set[str]] = {}
    for path in _source_files():
        rel = str(path.relative_to(ROOT))
        if rel == "lib/env.py":  # the helpers themselves: NAME and NAME_FILE
            found.setdefault("<*>_FILE", set()).add(rel)
            continue
        for name in env_reads(ast.parse(path.read_text(), rel)):
            if name not in NOT_CONFIGURATION:
                found.setdefault(name, set()).add(rel)
    return found


def _documented(name: str, text: str) -> bool:
    if "<*>" not in name:
        return re.search(rf"(?<![A-Z0-9_]){re.escape(name)}(?![A-Z0-9_])", text) is not None
    pattern = re.escape(name).replace(re.escape("<*>"), r"<[A-Z_]+>")
    return re.search(rf"(?<![A-Z0-9_]){pattern}(?![A-Z0-9_])", text) is not None


def readme_table() -> str:
    """The README's configuration table: the rows of the first table under "## Configuration"."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def test_the_walk_finds_the_readers_it_should():
    tree = ast.parse('import os\nfrom lib.env import env_int\n'
                     'a = env_int("A_NUMBER", 3)\nb = os.environ.get("B_URL")\n'
                     'c = os.environ["C_KEY"]\nd = os.getenv("D_FLAG")\n'
                     'e = "E_SET" in os.environ\nf = os.environ.get(f"{k.upper()}_ENABLED")\n'
                     'os.environ.setdefault("NOT_A_READ", "1")\n')
    assert env_reads(tree) == {"A_NUMBER", "B_URL", "C_KEY", "D_FLAG", "E_SET", "<*>_ENABLED"}


def test_the_walk_sees_the_settings():
    found = variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "GUNICORN_WORKERS", "<*>_ENABLED"} <= set(found)


def test_every_variable_the_code_reads_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    missing = {name: sorted(files) for name, files in variables_read().items()
               if not _documented(name, example)}
    assert not missing, f"add these to .env.example, with a comment each: {missing}"


def test_every_variable_the_code_reads_is_in_the_readme_table():
    table = readme_table()
    missing = {name: sorted(files) for name, files in variables_read().items()
               if not _documented(name, table)}
    assert not missing, f"add these to the README's configuration table: {missing}"


def test_env_example_explains_every_variable_it_sets():
    """Each variable line (set, or commented out with its default) sits under a comment that
    says what it is; consecutive variable lines of one family share theirs."""
    assignment = re.compile(r"^(?:#\s?)?[A-Z][A-Z0-9_]*=")
    lines = (ROOT / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if not assignment.match(line):
            continue
        above = number - 1
        while above >= 0 and assignment.match(lines[above]):
            above -= 1
        assert above >= 0 and lines[above].startswith("# "), (
            f".env.example line {number + 1} has no comment above it: {line}")
