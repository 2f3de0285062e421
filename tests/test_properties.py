"""Property tests: generated banks, config files and typed answers never get past the loaders and parsers as
anything but a clean result or a `DrillError` (never another exception). In-process, bounded examples."""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drillcli.bank.loader import parse_card_file
from drillcli.bank.schema import CARD_TYPES, McqCard, NumericCard, ShortCard
from drillcli.bank.topics import TOPICS
from drillcli.bank.yamlload import load_yaml
from drillcli.config import bank_dirs, load_config
from drillcli.errors import DrillError
from drillcli.study.answers import Checked, Unreadable, check_mcq, check_numeric, check_short, parse_number
from tests.conftest import FIXTURE_BANK

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NESTED = settings(FAST, max_examples=40)  # generated nested documents cost more each
_DIR = Path(tempfile.mkdtemp(prefix="drill-props-"))


def _file(name: str, content: str | bytes) -> Path:
    path = _DIR / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


# --- banks -------------------------------------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["", "[/]", "{{x}}", "a", "1e400", "nan"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=8)
FIELDS = ["id", "type", "topic", "prompt", "answer", "tolerance", "unit", "choices", "aliases", "key_points",
          "text", "explanation", "check", "tags", "difficulty", "most_asked", "related", "asked", "source_file"]
card_values = {
    "id": st.one_of(st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,20}", fullmatch=True), values),
    "type": st.one_of(st.sampled_from(CARD_TYPES), values),
    "topic": st.one_of(st.sampled_from(list(TOPICS)), values),
    "key_points": st.one_of(st.fixed_dictionaries({"must": st.lists(st.text(max_size=10), max_size=3)}), values),
}
cards = st.lists(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8).flatmap(
    lambda d: st.fixed_dictionaries({k: card_values.get(k, st.just(v)) for k, v in d.items()})), max_size=5)
card_files = st.fixed_dictionaries(
    {"format": st.one_of(st.just(1), values), "topic": st.one_of(st.sampled_from(list(TOPICS)), values),
     "cards": st.one_of(cards, values)},
    optional={"extra": values})


def _parsed_cleanly(path: Path) -> None:
    found, problems = parse_card_file(path)
    assert all(p.file == str(path) and p.line >= 0 and p.message for p in problems)
    assert len({c.id for c in found}) <= len(found)


@NESTED
@given(document=card_files)
def test_generated_card_files_give_cards_or_problems(document: dict[str, object]) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    _parsed_cleanly(_file("gen.yaml", text))


@FAST
@given(text=st.text(max_size=300))
@example("a: &x [1]\nb: *x\n")
@example("cards: !!python/object:os.system {}\n")
@example("- [" * 200)
def test_any_text_as_yaml_is_data_or_a_drill_error(text: str) -> None:
    path = _file("any.yaml", text)
    try:
        load_yaml(path)
    except DrillError as exc:
        assert str(path) in exc.message
    _parsed_cleanly(path)


FIXTURE_TEXT = (FIXTURE_BANK / "cards" / "mixed.yaml").read_text()


@FAST
@given(start=st.integers(0, len(FIXTURE_TEXT)), length=st.integers(0, 40), insert=st.text(max_size=20))
def test_a_damaged_card_file_gives_problems_not_a_crash(start: int, length: int, insert: str) -> None:
    text = FIXTURE_TEXT[:start] + insert + FIXTURE_TEXT[start + length:]
    _parsed_cleanly(_file("damaged.yaml", text))


# --- config.toml ---------------------------------------------------------------------------------------------

def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value == math.inf else "-inf" if value == -math.inf
                                                 else repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value) if isinstance(value, str) else str(value)


toml_scalars = st.one_of(st.booleans(), st.integers(-10**20, 10**20), st.floats(), st.text(max_size=20))
toml_values = st.one_of(toml_scalars, st.lists(toml_scalars, max_size=3))
KEYS = ["banks", "desired_retention", "new_per_day", "session_limit", "include_bundled", "learn_ahead_minutes"]


def _config_is_valid_or_refused(path: Path) -> None:
    try:
        config = load_config(path)
    except DrillError as exc:
        assert str(path) in exc.message
        return
    assert 0.7 <= config.desired_retention <= 0.99
    assert config.new_per_day >= 0 and config.session_limit >= 1
    with contextlib.suppress(DrillError):
        bank_dirs(config)


@FAST
@given(settings_=st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), toml_values, max_size=5))
def test_generated_config_files_give_a_valid_config_or_one_error(settings_: dict[str, object]) -> None:
    lines = [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in settings_.items()]
    _config_is_valid_or_refused(_file("config.toml", "\n".join(lines) + "\n"))


@FAST
@given(content=st.one_of(st.binary(max_size=200), st.text(max_size=200)))
@example(b"new_per_day = 5 # \xff\n")
@example("banks = ['\x00']\n")
@example("desired_retention = nan\n")
def test_any_bytes_as_config_give_a_config_or_one_error(content: bytes | str) -> None:
    _config_is_valid_or_refused(_file("config.toml", content))


# --- typed answers ---------------------------------------------------------------------------------------------

NUMERIC = NumericCard(id="n", type="numeric", topic="cnn", prompt="p", answer=15, tolerance=0, unit="MB",
                      check="15")
MCQ = McqCard(id="m", type="mcq", topic="cnn", prompt="p", choices=["x", "y", "z"], answer="y", explanation="e")
SHORT = ShortCard(id="s", type="short", topic="cnn", prompt="p", answer="adam", aliases=["adamw"])
typed = st.one_of(st.text(max_size=40), st.from_regex(r"-?[0-9.,_ ]{0,12}(e-?[0-9]{1,4})?[%kKmMbB]?", fullmatch=True))


def _clean(result: Checked | Unreadable) -> None:
    if isinstance(result, Checked):
        assert result.proposed in (1, 2, 3, 4) and isinstance(result.feedback, str)
    else:
        assert isinstance(result, Unreadable) and result.reason


@FAST
@given(text=typed, seconds=st.floats(0, 1e6))
@example("1e308*10", 1.0)
@example("1/0", 1.0)
@example("9" * 5000, 1.0)
@example("15 MB", 1.0)
def test_any_typed_answer_is_checked_or_asked_again(text: str, seconds: float) -> None:
    value = parse_number(text, "MB")
    assert value is None or math.isfinite(value)
    _clean(check_numeric(NUMERIC, text, seconds))
    _clean(check_mcq(MCQ, ["x", "y", "z"], text, seconds))
    _clean(check_short(SHORT, text, seconds))


@pytest.mark.parametrize("text", ["15", "15 MB", "1.5e1", "15.0"])
def test_the_right_number_in_its_usual_forms_is_correct(text: str) -> None:
    result = check_numeric(NUMERIC, text, 1.0)
    assert isinstance(result, Checked) and result.correct


# --- challenge.yaml ----------------------------------------------------------------------------------------------

CHALLENGE_KEYS = ["format", "id", "title", "topic", "difficulty", "entry_point", "kind", "signature", "forbidden",
                  "time_limit_s", "memory_limit_mb", "minutes", "prompt", "hints", "tags", "explanation", "mutants"]
challenge_docs = st.dictionaries(st.one_of(st.sampled_from(CHALLENGE_KEYS), st.text(max_size=6), st.integers(0, 9)),
                                 values, max_size=10)


@NESTED
@given(document=challenge_docs)
@example({"id": "box", "title": "t", "topic": "cnn", "difficulty": "easy", "entry_point": "f", "prompt": "p"})
@example({1: "x"})
def test_generated_challenge_yaml_gives_a_challenge_or_one_error(document: dict[object, object]) -> None:
    from drillcli.bank.challenges import load_challenge

    folder = _DIR / "box"
    folder.mkdir(exist_ok=True)
    (folder / "challenge.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        challenge = load_challenge(folder)
    except DrillError as exc:
        assert str(folder / "challenge.yaml") in exc.message
        return
    assert challenge.id == "box"
