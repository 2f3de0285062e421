"""Load bank folders into validated cards, collecting every problem with its file and line.

Parsing YAML is the slow part (about 1 s for 5,000 cards), so each file's validated cards are cached as
JSON under `$DRILL_HOME/cache`, keyed by the file's path, size and modification time.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from drillcli import __version__
from drillcli.bank.schema import CARD_TYPES, FORMAT_VERSION, Card, CardBase, NumericCard
from drillcli.bank.topics import TOPICS
from drillcli.bank.yamlload import YamlSyntaxError, line_of, load_yaml, strip_lines
from drillcli.errors import DrillError

_CARD = TypeAdapter(Card)
_CARDS = TypeAdapter(list[Card])


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Bank:
    dirs: list[Path]
    cards: list[CardBase] = field(default_factory=list)

    def by_id(self) -> dict[str, CardBase]:
        return {c.id: c for c in self.cards}

    def topics(self) -> list[str]:
        present = {c.topic for c in self.cards}
        return [t for t in TOPICS if t in present] + sorted(present - set(TOPICS))


class BankError(DrillError):
    """The bank has problems; `details` holds one `file:line: message` per problem."""

    def __init__(self, problems: list[Problem]):
        first = problems[0]
        more = f" (and {len(problems) - 1} more; run `drill bank validate`)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}", details=[str(p) for p in problems])
        self.problems = problems


def card_files(bank_dir: Path) -> list[Path]:
    root = bank_dir / "cards"
    if not root.is_dir():
        return []
    return sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")])


def check_bank(dirs: list[Path], *, use_cache: bool = False) -> tuple[list[CardBase], list[Problem]]:
    """Every card that validated, and every problem found (duplicates across files included)."""
    cards: list[CardBase] = []
    problems: list[Problem] = []
    for bank_dir in dirs:
        if not bank_dir.is_dir():
            problems.append(Problem(str(bank_dir), 0, "bank folder not found"))
            continue
        for path in card_files(bank_dir):
            file_cards, file_problems = _load_file(path, use_cache=use_cache)
            cards.extend(file_cards)
            problems.extend(file_problems)
    problems.extend(_duplicate_ids(cards))
    return cards, problems


def load_bank(dirs: list[Path], *, use_cache: bool = True) -> Bank:
    """The merged bank; raises `BankError` if anything is wrong."""
    cards, problems = check_bank(dirs, use_cache=use_cache)
    if problems:
        raise BankError(sorted(problems))
    return Bank(dirs=dirs, cards=cards)


def _duplicate_ids(cards: list[CardBase]) -> list[Problem]:
    first: dict[str, CardBase] = {}
    problems = []
    for card in cards:
        if card.id in first:
            other = first[card.id]
            problems.append(Problem(card.source_file, card.source_line,
                                    f"duplicate id {card.id!r} (first at {other.source_file}:{other.source_line})"))
        else:
            first[card.id] = card
    return problems


def _load_file(path: Path, *, use_cache: bool) -> tuple[list[CardBase], list[Problem]]:
    key = _cache_key(path) if use_cache else None
    if key is not None:
        cached = _read_cache(key)
        if cached is not None:
            return cached, []
    cards, problems = parse_card_file(path)
    if key is not None and not problems:
        _write_cache(key, cards)
    return cards, problems


def parse_card_file(path: Path) -> tuple[list[CardBase], list[Problem]]:
    """Parse and validate one card file."""
    try:
        raw = load_yaml(path)
    except YamlSyntaxError as exc:
        return [], [Problem(str(path), exc.line, exc.reason)]
    except DrillError as exc:
        return [], [Problem(str(path), 0, exc.message)]
    header_problems = _check_header(path, raw)
    if header_problems:
        return [], header_problems
    cards, problems = [], []
    for entry in raw["cards"]:
        card, card_problems = _parse_card(path, entry, default_topic=raw.get("topic"))
        problems.extend(card_problems)
        if card is not None:
            cards.append(card)
    return cards, problems


def _check_header(path: Path, raw: Any) -> list[Problem]:
    file = str(path)
    if not isinstance(raw, dict):
        return [Problem(file, 1, "expected a mapping with format, topic and cards")]
    problems = []
    fmt = raw.get("format")
    if fmt is None:
        problems.append(Problem(file, 1, f"format is missing (this version reads format: {FORMAT_VERSION})"))
    elif fmt != FORMAT_VERSION:
        problems.append(Problem(file, line_of(raw, "format"),
                                f"format {fmt!r} is not supported (this version reads format: {FORMAT_VERSION})"))
    topic = raw.get("topic")
    if topic is not None and topic not in TOPICS:
        problems.append(Problem(file, line_of(raw, "topic"), _unknown_topic(topic)))
    unknown = sorted(k for k in raw if k not in ("format", "topic", "cards", "__line__", "__lines__"))
    for key in unknown:
        problems.append(Problem(file, line_of(raw, key), f"unknown key {key!r}"))
    if not isinstance(raw.get("cards"), list):
        problems.append(Problem(file, line_of(raw, "cards") or 1, "cards must be a list"))
    return problems


def _unknown_topic(topic: object) -> str:
    return f"unknown topic {topic!r} (expected one of: {', '.join(TOPICS)})"


def _parse_card(path: Path, entry: Any, default_topic: str | None) -> tuple[CardBase | None, list[Problem]]:
    file = str(path)
    if not isinstance(entry, dict):
        return None, [Problem(file, 0, "each card must be a mapping")]
    line = line_of(entry)
    data = strip_lines(entry)
    data.setdefault("topic", default_topic)
    problems = _precheck(file, entry, data)
    if problems:
        return None, problems
    try:
        card = _CARD.validate_python({**data, "source_file": file, "source_line": line})
    except ValidationError as exc:
        return None, [_problem_from(file, entry, data, err) for err in exc.errors()]
    return card, _semantic_checks(file, entry, card)


def _precheck(file: str, entry: dict[str, Any], data: dict[str, Any]) -> list[Problem]:
    """Checks whose pydantic message would be unclear: identity, type and topic."""
    label = f"card {data.get('id')!r}: " if data.get("id") else ""
    if "id" not in data:
        return [Problem(file, line_of(entry), "card has no id")]
    if data.get("type") not in CARD_TYPES:
        return [Problem(file, line_of(entry, "type") or line_of(entry),
                        f"{label}unknown type {data.get('type')!r} (expected one of: {', '.join(CARD_TYPES)})")]
    if data.get("topic") is None:
        return [Problem(file, line_of(entry), f"{label}no topic (set it on the card or the file)")]
    if data["topic"] not in TOPICS:
        return [Problem(file, line_of(entry, "topic") or line_of(entry), label + _unknown_topic(data["topic"]))]
    return []


def _problem_from(file: str, entry: dict[str, Any], data: dict[str, Any], err: Any) -> Problem:
    loc = [p for p in err["loc"] if not isinstance(p, int) or p != 0]
    loc = [p for p in loc if p != data.get("type")]
    key = str(loc[0]) if loc else None
    message = err["msg"].removeprefix("Value error, ")
    if key is None and "answer" in message:
        key = "answer"
    where = ".".join(str(p) for p in loc)
    text = f"card {data['id']!r}: {where + ': ' if where else ''}{_friendly(message, err)}"
    return Problem(file, _deepest_line(entry, loc) or line_of(entry, key) or line_of(entry), text)


def _deepest_line(entry: dict[str, Any], loc: list[Any]) -> int:
    """The line of the innermost key of `loc` that the YAML still has (key_points.must -> must's line)."""
    line, node = 0, entry
    for part in loc:
        if isinstance(node, dict) and str(part) in node:
            line = line_of(node, str(part)) or line
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
    return line


def _friendly(message: str, err: Any) -> str:
    if err["type"] == "missing":
        return "missing"
    if err["type"] == "extra_forbidden":
        return "unknown key"
    if err["type"] == "too_short" and "List" in message:
        return "is empty"
    return message


def _semantic_checks(file: str, entry: dict[str, Any], card: CardBase) -> list[Problem]:
    problems = []
    if isinstance(card, NumericCard):
        if card.tolerance is None:
            problems.append(Problem(file, line_of(entry), f"card {card.id!r}: numeric card has no tolerance"))
        if not card.check:
            problems.append(Problem(file, line_of(entry),
                                    f"card {card.id!r}: numeric card has no check expression"))
    return problems


# --- cache -------------------------------------------------------------------------------------------

def _cache_key(path: Path) -> Path | None:
    from drillcli import paths

    try:
        st = path.stat()
    except OSError:
        return None
    ident = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{FORMAT_VERSION}|{__version__}"
    digest = hashlib.sha1(ident.encode()).hexdigest()[:20]
    return paths.cache_dir() / "bank" / f"{digest}.json"


def _read_cache(key: Path) -> list[CardBase] | None:
    try:
        return list(_CARDS.validate_json(key.read_bytes()))
    except (OSError, ValueError):
        return None


def _write_cache(key: Path, cards: list[CardBase]) -> None:
    """Best effort: a read-only home just means no cache."""
    try:
        key.parent.mkdir(parents=True, exist_ok=True)
        tmp = key.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(_CARDS.dump_json(cards))  # type: ignore[arg-type]
        os.replace(tmp, key)
    except OSError:
        pass


def cards_as_dicts(cards: list[CardBase]) -> list[dict[str, Any]]:
    return [json.loads(c.model_dump_json()) for c in cards]
