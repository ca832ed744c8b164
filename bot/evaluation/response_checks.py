"""Every response is used, and every response the bot may say exists.

Where a response can be used:
- `domain.yml` responses: by an `action:` step of a rule or story (`data/*.yml`), or by
  name in the bot's code;
- `responses/*.yml` (said by `action_screen_message`): by name in the bot's code.

"By name in the code" is read with Python's own parser from the Python files of
`actions/` and `bot/` (not the tools in `bot/evaluation`, `bot/ops`, `bot/training`,
`bot/privacy`, nor the staff console in `bot/console`): a string constant equal to the
name; or a pattern that matches it: an f-string (`f"guide_{topic}"`), a string added to a
value (`"screen_flag_" + flag`, `template += "_named"`), a prefix or suffix tested with
`startswith`/`endswith`. Patterns need three letters or digits of their own. Where the
code builds `f"{name}_{variant}"`, a response `<used name>_<anything>`
(`check_employer_PH`) counts as used.

Missing: a constant shaped like a response name (`utter_...`, `screen_...`; not part of
a pattern, nor a dict or lookup key) that names none; an `utter_` action of a rule or
story with no response; and, for an f-string whose only placeholder is a variable called
`flag` and that names at least one response (`f"screen_flag_{flag}"`), every red flag of
the contract without its response: that is how a new flag's missing answer is caught.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.contract import FLAG_IDS

RESPONSE_NAME = re.compile(r"^(utter|screen)_[a-z0-9_]+$")
# The code that decides what the bot says: the custom actions and the dialogue package.
DIALOGUE_CODE = ("actions", "bot/screening")
_HOLE = "[A-Za-z0-9_]+"
# A pattern needs this many letters or digits of its own to count ("_{x}" does not).
MIN_PATTERN_CHARS = 3


@dataclass
class CodeReferences:
    """What the code says about response names."""

    constants: set[str] = field(default_factory=set)  # every string constant
    names: set[str] = field(default_factory=set)  # constants shaped like a response name
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    per_flag: list[str] = field(default_factory=list)  # e.g. "screen_flag_{flag}"
    variants: bool = False  # the code builds "<response>_<variant>" (f"{name}_{variant}")


def code_references(files: Iterable[Path]) -> CodeReferences:
    """Response names, name patterns and variants in the given Python files."""
    found = CodeReferences()
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        pieces: set[int] = set()
        for node in ast.walk(tree):
            _read_node(node, found, pieces)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.constants.add(node.value)
                if RESPONSE_NAME.match(node.value) and id(node) not in pieces:
                    found.names.add(node.value)
    return found


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _read_node(node: ast.AST, found: CodeReferences, pieces: set[int]) -> None:
    """Patterns of one node; the constants it uses as parts, or as keys of a dict or a
    lookup (`{"utter_action": ...}`, `event["utter_action"]`), go into `pieces`."""
    if isinstance(node, ast.Dict):
        pieces.update(id(key) for key in node.keys if key is not None)
    elif isinstance(node, ast.Subscript):
        pieces.add(id(node.slice))
    elif isinstance(node, ast.JoinedStr):
        pieces.update(id(part) for part in node.values)
        _add_pattern(found, node.values)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pieces.update((id(node.left), id(node.right)))
        if _is_text(node.left) or _is_text(node.right):
            _add_pattern(found, [_hole_or_text(node.left), _hole_or_text(node.right)])
    elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and _is_text(node.value):
        pieces.add(id(node.value))
        _add_pattern(found, [ast.FormattedValue(node.target, -1, None), node.value])
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("startswith", "endswith")
        and node.args
    ):
        arg = node.args[0]
        texts = arg.elts if isinstance(arg, ast.Tuple) else [arg]
        for text in texts:
            if _is_text(text):
                pieces.add(id(text))
                hole = ast.FormattedValue(ast.Name("x"), -1, None)
                parts = [text, hole] if node.func.attr == "startswith" else [hole, text]
                _add_pattern(found, parts)


def _hole_or_text(node: ast.expr) -> ast.expr:
    return node if _is_text(node) else ast.FormattedValue(node, -1, None)


def _add_pattern(found: CodeReferences, parts: list[ast.expr]) -> None:
    regex, shown, holes = "", "", []
    for part in parts:
        if _is_text(part):
            regex += re.escape(part.value)
            shown += part.value
        elif isinstance(part, ast.FormattedValue):
            regex += _HOLE
            hole = part.value.id if isinstance(part.value, ast.Name) else "?"
            shown += "{" + hole + "}"
            holes.append(hole)
    literal = re.sub(r"\{[^}]*\}", "", shown)
    if not holes:
        return
    if len(re.sub(r"[^A-Za-z0-9]", "", literal)) < MIN_PATTERN_CHARS:
        found.variants = found.variants or literal == "_" and len(holes) == 2
        return
    if not re.fullmatch(r"[A-Za-z0-9_]*", literal.replace("{", "").replace("}", "")):
        return  # a sentence or a path, not a response name
    found.patterns.append(re.compile(f"^{regex}$"))
    if holes == ["flag"]:
        found.per_flag.append(shown)


def bot_code_files(root: Path) -> list[Path]:
    """The Python files that choose the bot's responses (not the console, web or tools)."""
    return [path for folder in DIALOGUE_CODE for path in sorted((root / folder).rglob("*.py"))]


def responses_in(path: Path) -> set[str]:
    """The response names a domain or responses file defines."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return set(data.get("responses") or {})


def actions_in_rules_and_stories(files: Iterable[Path]) -> set[str]:
    """Every `action:` of every rule and story in the given YAML files."""
    actions: set[str] = set()
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for flow in (data.get("rules") or []) + (data.get("stories") or []):
            for step in flow.get("steps") or []:
                if isinstance(step, dict) and "action" in step:
                    actions.add(str(step["action"]))
    return actions


@dataclass(frozen=True)
class ResponseReport:
    """What is unused and what is missing."""

    unused: list[str]
    missing: list[str]


def check_responses(
    domain_file: Path,
    response_files: Iterable[Path],
    flow_files: Iterable[Path],
    code_files: Iterable[Path],
    flag_ids: Iterable[str] = FLAG_IDS,
) -> ResponseReport:
    """Unused responses (by file) and responses the code or flows need but nobody wrote."""
    domain = responses_in(domain_file)
    spoken = {name: path.name for path in response_files for name in responses_in(path)}
    flows = actions_in_rules_and_stories(flow_files)
    code = code_references(code_files)

    def named(name: str) -> bool:
        return name in code.constants or any(p.match(name) for p in code.patterns)

    def used_by_code(name: str) -> bool:
        if named(name):
            return True
        # "check_employer_PH" is used where "check_employer" is and the code adds variants
        base = name.rsplit("_", 1)[0]
        return code.variants and "_" in name and base in domain | set(spoken) and named(base)

    unused = [
        f"{name} ({domain_file.name})"
        for name in sorted(domain)
        if name not in flows and not used_by_code(name)
    ]
    unused += [f"{name} ({spoken[name]})" for name in sorted(spoken) if not used_by_code(name)]
    defined = domain | set(spoken)
    missing = [f"{name} (named in the code)" for name in sorted(code.names) if name not in defined]
    missing += [
        f"{name} (a rule or story says it)"
        for name in sorted(flows)
        if name.startswith("utter_") and name not in defined
    ]
    for shown in code.per_flag:
        pattern = re.compile("^" + re.escape(shown).replace(re.escape("{flag}"), _HOLE) + "$")
        if not any(pattern.match(name) for name in defined):
            continue  # not a response name at all (a log line, a key)
        for flag in flag_ids:
            name = shown.replace("{flag}", flag)
            if name not in defined:
                missing.append(f"{name} (the code says {shown} for flag {flag})")
    return ResponseReport(unused, missing)
