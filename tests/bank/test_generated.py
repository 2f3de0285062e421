"""Every generated family's closed-form answer must match what real torch modules say.

The prompt is the contract: its code spans hold the module call (and the input shape), so these
tests rebuild exactly what the user reads, on the meta device (shapes and parameters, no memory).
"""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest
import torch
from torch import nn

from drillcli.bank.generated import DTYPE_BYTES, FAMILIES, MIB, family_by_id
from drillcli.bank.schema import NumericCard
from drillcli.bank.topics import TOPICS

DRAWS = 200
CODE_SPAN = re.compile(r"`([^`]+)`")
PARAM_FAMILIES = [f for f in FAMILIES if f.id.endswith("-params")]
SHAPE_FAMILIES = [f for f in FAMILIES if f.id.endswith("-output-size")]


def _cards(family_id: str, draws: int = DRAWS) -> list[NumericCard]:
    family = family_by_id(family_id)
    rng = random.Random(f"{family_id}-{draws}")
    return [family.make(rng) for _ in range(draws)]


def _spans(card: NumericCard) -> list[str]:
    return CODE_SPAN.findall(card.prompt)


def _module(code: str) -> nn.Module:
    assert code.startswith("nn."), code
    with torch.device("meta"):
        return eval(code, {"nn": nn})  # noqa: S307


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.strip("()").split(","))


@pytest.mark.parametrize("family_id", [f.id for f in PARAM_FAMILIES])
def test_parameter_count_matches_torch(family_id: str) -> None:
    for card in _cards(family_id):
        (code,) = _spans(card)
        counted = sum(p.numel() for p in _module(code).parameters())
        assert card.answer == counted, f"{code}: card says {card.answer}, torch counts {counted}"


@pytest.mark.parametrize("family_id", [f.id for f in SHAPE_FAMILIES])
def test_output_size_matches_torch(family_id: str) -> None:
    for card in _cards(family_id):
        shape, code = _spans(card)
        out = _module(code)(torch.zeros(_shape(shape), device="meta"))
        assert out.shape[-2] == out.shape[-1] == card.answer, (
            f"{code} on {shape}: card says {card.answer}, torch gives {tuple(out.shape)}"
        )


def _scores(card: NumericCard, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    spans = _spans(card)
    assert spans[0] == "q @ k.transpose(-2, -1)"
    q = torch.zeros(_shape(spans[-1]), device="meta", dtype=dtype)
    k = torch.zeros_like(q)
    return q @ k.transpose(-2, -1)


def test_attention_score_count_matches_torch() -> None:
    for card in _cards("gen-attention-scores-count"):
        assert card.answer == _scores(card).numel()


def test_attention_score_memory_matches_torch() -> None:
    dtypes_seen = set()
    for card in _cards("gen-attention-scores-mib"):
        (name,) = [t for t in card.tags or [] if t in DTYPE_BYTES]
        assert name in card.prompt
        dtypes_seen.add(name)
        scores = _scores(card, getattr(torch, name))
        mib = scores.numel() * scores.element_size() / MIB
        assert card.is_correct(mib), f"{card.prompt}: card says {card.answer}, torch {mib}"
        assert card.unit == "MiB" and card.tolerance is not None and card.tolerance > 0
    assert dtypes_seen == set(DTYPE_BYTES)


def test_every_family_is_checked_against_torch() -> None:
    checked = {f.id for f in PARAM_FAMILIES + SHAPE_FAMILIES}
    checked |= {"gen-attention-scores-count", "gen-attention-scores-mib"}
    assert checked == {f.id for f in FAMILIES}


@pytest.mark.parametrize("family_id", [f.id for f in FAMILIES])
def test_cards_are_well_formed(family_id: str) -> None:
    family = family_by_id(family_id)
    for card in _cards(family_id, draws=50):
        assert card.id == family.id and card.topic == family.topic
        assert card.tags and card.tags[0] == "generated"
        assert card.difficulty in (1, 2, 3) and card.check is None
        assert card.source_file == "(generated)"
        assert card.explanation and _spans(card)
        if card.unit != "MiB":
            assert card.tolerance == 0 and card.answer == int(card.answer) and card.answer >= 0


def test_families_are_distinct_and_valid() -> None:
    ids = [f.id for f in FAMILIES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("gen-") for i in ids)
    assert all(f.topic in TOPICS for f in FAMILIES)


def test_same_seed_gives_same_card() -> None:
    for family in FAMILIES:
        assert family.make(random.Random(7)) == family.make(random.Random(7))


def test_draws_vary() -> None:
    for family in FAMILIES:
        rng = random.Random(3)
        prompts = {family.make(rng).prompt for _ in range(30)}
        assert len(prompts) > 5, family.id


def test_unknown_family_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="gen-linear-params"):
        family_by_id("gen-nope")


def test_importing_generated_does_not_import_torch() -> None:
    code = "import drillcli.bank.generated, sys; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_family_ref_is_the_ref_of_its_cards() -> None:
    from drillcli.bank.cache import ref_of

    for family in FAMILIES:
        assert family.ref == ref_of(family.make(random.Random(0)))
