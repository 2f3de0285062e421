"""Load bank folders into validated cards, collecting every problem with its file and line.

Parsing YAML is the slow part (about 1 s for 5,000 cards), so validated cards are cached in SQLite under
`$DRILL_HOME/cache` (see cache.py) and a `Bank` builds a card object only when it is asked for one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drillcli.bank.cache import CardCache, CardRef, ref_of, stamp_of
from drillcli.bank.lines import line_of
from drillcli.bank.topics import TOPICS
from drillcli.bank.vocab import FORMAT_VERSION
from drillcli.errors import DrillError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from drillcli.bank.schema import CardBase

# The pydantic models are imported where a card is validated or built: a command that only reads the card
# cache (the report, `drill list challenges`) never pays for them.


@cache
def _card_adapter() -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    from drillcli.bank.schema import Card

    return TypeAdapter(Card)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Bank:
    """The merged cards of some bank folders. `refs` lists every card cheaply, in bank order; the card
    objects are built on demand (`get`, `cards`)."""

    dirs: list[Path]
    refs: list[CardRef] = field(default_factory=list)
    _built: dict[str, CardBase] = field(default_factory=dict, repr=False)
    _cache: CardCache | None = field(default=None, repr=False)
    _files: list[Path] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, dirs: list[Path], cards: list[CardBase]) -> Bank:
        return cls(dirs=dirs, refs=[ref_of(c) for c in cards], _built={c.id: c for c in cards})

    def get(self, ids: Iterable[str]) -> dict[str, CardBase]:
        """The cards with these ids (unknown ids are left out)."""
        ids = list(ids)
        wanted = [i for i in ids if i not in self._built]
        if wanted and self._cache is not None:
            self._built.update(self._cache.cards(self._files, wanted))
        return {i: self._built[i] for i in ids if i in self._built}

    def prompts(self, ids: Iterable[str]) -> dict[str, str]:
        """The prompts of these cards (unknown ids are left out), without building a card that is cached."""
        ids = list(ids)
        out = {i: self._built[i].prompt for i in ids if i in self._built}
        wanted = [i for i in ids if i not in out]
        if wanted and self._cache is not None:
            out.update(self._cache.prompts(self._files, wanted))
        return out

    @property
    def cards(self) -> list[CardBase]:
        built = self.get(r.id for r in self.refs)
        return [built[r.id] for r in self.refs if r.id in built]

    def by_id(self) -> dict[str, CardBase]:
        return {c.id: c for c in self.cards}

    def topics(self) -> list[str]:
        present = {r.topic for r in self.refs}
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


def check_bank(dirs: list[Path]) -> tuple[list[CardBase], list[Problem]]:
    """Every card that validated, and every problem found (duplicates across files included)."""
    cards: list[CardBase] = []
    problems: list[Problem] = []
    for bank_dir in dirs:
        problem = _folder_problem(bank_dir)
        if problem is not None:
            problems.append(problem)
            continue
        for path in card_files(bank_dir):
            file_cards, file_problems = parse_card_file(path)
            cards.extend(file_cards)
            problems.extend(file_problems)
    problems.extend(duplicate_ids(cards))
    return cards, problems


def load_bank(dirs: list[Path], *, use_cache: bool = True) -> Bank:
    """The merged bank; raises `BankError` if anything is wrong."""
    if use_cache:
        bank = _load_cached(dirs)
        if bank is not None:
            return bank
    cards, problems = check_bank(dirs)
    if problems:
        raise BankError(sorted(problems))
    return Bank.of(dirs, cards)


def open_card_cache() -> CardCache | None:
    from drillcli import paths

    return CardCache.open(paths.cache_dir() / "cards.db")


def _load_cached(dirs: list[Path]) -> Bank | None:
    """The bank from the cache, refreshing the files that changed; None if there is no usable cache."""
    store = open_card_cache()
    if store is None:
        return None
    files = [f for d in dirs if d.is_dir() for f in card_files(d)]
    problems = [p for p in map(_folder_problem, dirs) if p is not None]
    refs: list[CardRef] = []
    for path in files:
        stamp = stamp_of(path)
        if stamp is None or not store.is_fresh(path, stamp):
            cards, file_problems = parse_card_file(path)
            problems += file_problems
            if not file_problems and stamp is not None:
                store.store(path, stamp, cards)
        refs += store.refs(path)
    problems += _duplicate_refs(refs, store, files)
    if problems:
        raise BankError(sorted(problems))
    return Bank(dirs=dirs, refs=refs, _cache=store, _files=files)


def _folder_problem(bank_dir: Path) -> Problem | None:
    """A folder that is not a bank: missing, or holding neither cards/ nor challenges/ (often the cards
    folder itself was given, which would otherwise pass as an empty bank)."""
    if not bank_dir.is_dir():
        return Problem(str(bank_dir), 0, "bank folder not found")
    if not (bank_dir / "cards").is_dir() and not (bank_dir / "challenges").is_dir():
        hint = f" (give {bank_dir.parent}, the folder above it)" if bank_dir.name == "cards" else ""
        return Problem(str(bank_dir), 0, f"not a bank: no cards/ or challenges/ folder in it{hint}")
    return None


def _duplicate_refs(refs: list[CardRef], store: CardCache, files: list[Path]) -> list[Problem]:
    counts = Counter(r.id for r in refs)
    dup = {card_id for card_id, n in counts.items() if n > 1}
    if not dup:
        return []
    cards: list[CardBase] = []
    for path in files:
        cards += [c for c in store.cards([path]).values() if c.id in dup]
    return duplicate_ids(cards)


def duplicate_ids(cards: list[CardBase]) -> list[Problem]:
    """A problem for each card whose id an earlier card already has."""
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


def parse_card_file(path: Path) -> tuple[list[CardBase], list[Problem]]:
    """Parse and validate one card file."""
    from drillcli.bank.yamlload import YamlSyntaxError, load_yaml
    try:
        raw = load_yaml(path)
    except YamlSyntaxError as exc:
        return [], [Problem(str(path), exc.line, exc.reason)]
    except DrillError as exc:  # unreadable, not UTF-8, too large
        return [], [Problem(str(path), 1, exc.message.removeprefix(f"{path}: "))]
    header_problems = _check_header(path, raw)
    if header_problems:
        return [], header_problems
    cards, problems = [], []
    for index, entry in enumerate(raw["cards"]):
        if not isinstance(entry, dict):  # a scalar has no line of its own: name its place in the list
            problems.append(Problem(str(path), line_of(raw, "cards"),
                                    f"cards item {index + 1} must be a mapping (id, type, prompt...), "
                                    f"not {type(entry).__name__} {entry!r:.40}"))
            continue
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
    if topic is not None and not _known_topic(topic):
        problems.append(Problem(file, line_of(raw, "topic"), _unknown_topic(topic)))
    unknown = sorted((k for k in raw if k not in ("format", "topic", "cards", "__line__", "__lines__")), key=str)
    for key in unknown:
        problems.append(Problem(file, line_of(raw, str(key)), f"unknown key {key!r}"))
    if not isinstance(raw.get("cards"), list):
        problems.append(Problem(file, line_of(raw, "cards") or 1, "cards must be a list"))
    return problems


def _known_topic(topic: object) -> bool:
    return isinstance(topic, str) and topic in TOPICS


def _unknown_topic(topic: object) -> str:
    return f"unknown topic {topic!r} (expected one of: {', '.join(TOPICS)})"


def _parse_card(path: Path, entry: Any, default_topic: str | None) -> tuple[CardBase | None, list[Problem]]:
    from pydantic import ValidationError

    from drillcli.bank.lines import strip_lines

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
        card = _card_adapter().validate_python({**data, "source_file": file, "source_line": line})
    except ValidationError as exc:
        return None, [_problem_from(file, entry, data, err) for err in exc.errors()]
    return card, _semantic_checks(file, entry, card)


def _precheck(file: str, entry: dict[str, Any], data: dict[str, Any]) -> list[Problem]:
    """Checks whose pydantic message would be unclear: identity, type and topic."""
    from drillcli.bank.schema import CARD_TYPES

    label = f"card {data.get('id')!r}: " if data.get("id") else ""
    if "id" not in data:
        return [Problem(file, line_of(entry), "card has no id")]
    if data.get("type") not in CARD_TYPES:
        return [Problem(file, line_of(entry, "type") or line_of(entry),
                        f"{label}unknown type {data.get('type')!r} (expected one of: {', '.join(CARD_TYPES)})")]
    if data.get("topic") is None:
        return [Problem(file, line_of(entry), f"{label}no topic (set it on the card or the file)")]
    if not _known_topic(data["topic"]):
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
    from drillcli.bank.schema import NumericCard

    problems = []
    if isinstance(card, NumericCard):
        if card.tolerance is None:
            problems.append(Problem(file, line_of(entry), f"card {card.id!r}: numeric card has no tolerance"))
        if not card.check:
            problems.append(Problem(file, line_of(entry),
                                    f"card {card.id!r}: numeric card has no check expression"))
    return problems
