"""Fresh practice: numeric questions drawn anew each time from random but realistic sizes.

Each family turns a `random.Random` into a `NumericCard` whose prompt names the concrete module call
in a code span, and whose explanation shows the formula with the numbers filled in. The answers come
from closed-form formulas, so this module never imports torch (a flashcard session must not pay for
it); tests/bank/test_generated.py checks every formula against real torch modules.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from drillcli.bank.cache import CardRef

if TYPE_CHECKING:
    from drillcli.bank.schema import NumericCard

SOURCE_FILE = "(generated)"
MIB = 2**20
DTYPE_BYTES: dict[str, int] = {"float32": 4, "float16": 2}


@dataclass(frozen=True)
class Question:
    """What a family draws: the text and the number, before they become a card."""

    prompt: str
    answer: float
    explanation: str
    tags: tuple[str, ...] = ()
    unit: str = ""
    tolerance: float = 0.0


@dataclass(frozen=True)
class Family:
    id: str
    topic: str
    title: str
    difficulty: Literal[1, 2, 3]
    draw: Callable[[random.Random], Question]

    @property
    def ref(self) -> CardRef:
        """What a queue knows of the family's cards, without drawing one."""
        return CardRef(self.id, self.topic, "numeric", False)

    def make(self, rng: random.Random) -> NumericCard:
        """A new card with sizes drawn from `rng`; its id is the family's id."""
        from drillcli.bank.schema import NumericCard

        q = self.draw(rng)
        return NumericCard(
            id=self.id,
            type="numeric",
            topic=self.topic,
            prompt=q.prompt,
            answer=q.answer,
            tolerance=q.tolerance,
            unit=q.unit,
            explanation=q.explanation,
            tags=["generated", *q.tags],
            difficulty=self.difficulty,
            check=None,
            source_file=SOURCE_FILE,
        )


def call(name: str, *args: object, **kwargs: object) -> str:
    """`nn.Name(a, b, key=value)` as code, the way it would be written by hand."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"nn.{name}({', '.join(parts)})"


def _params_prompt(code: str) -> str:
    return f"How many learnable parameters does `{code}` have?"


def _fmt(n: float) -> str:
    """Thousands separated, so large counts stay readable in explanations."""
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,.4f}".rstrip("0")


# --- parameter counts ----------------------------------------------------------------------------

def _linear(rng: random.Random) -> Question:
    n_in = rng.choice([64, 128, 256, 512, 768, 1024, 2048, 4096])
    n_out = rng.choice([10, 64, 128, 256, 512, 1000, 1024, 3072, 4096])
    bias = rng.random() < 0.6
    code = call("Linear", n_in, n_out) if bias else call("Linear", n_in, n_out, bias=False)
    weights = n_in * n_out
    answer = weights + (n_out if bias else 0)
    formula = f"{n_out}·{n_in} weights" + (f" + {n_out} biases" if bias else " (no bias)")
    return Question(_params_prompt(code), answer, f"{formula} = {_fmt(answer)}.",
                    ("parameter-count", "linear"))


def _conv_groups(rng: random.Random, c_in: int, c_out: int) -> int:
    if c_in == c_out and c_in > 3 and rng.random() < 0.25:
        return c_in  # depthwise
    options = [g for g in (1, 1, 2, 4, 8, 32) if c_in % g == 0 and c_out % g == 0]
    return rng.choice(options)


def _conv2d(rng: random.Random) -> Question:
    c_in = rng.choice([3, 16, 32, 64, 128, 256, 512])
    c_out = rng.choice([16, 32, 64, 128, 256, 512]) if rng.random() < 0.8 else c_in
    k = rng.choice([1, 3, 3, 5, 7])
    groups = _conv_groups(rng, c_in, c_out)
    bias = rng.random() < 0.6
    kwargs: dict[str, object] = {"kernel_size": k}
    if groups != 1:
        kwargs["groups"] = groups
    if not bias:
        kwargs["bias"] = False
    code = call("Conv2d", c_in, c_out, **kwargs)
    per_filter = (c_in // groups) * k * k
    answer = c_out * per_filter + (c_out if bias else 0)
    seen = f"{c_in}/{groups}" if groups != 1 else f"{c_in}"
    formula = f"{c_out} filters · ({seen} in-channels · {k}·{k})"
    formula += f" + {c_out} biases" if bias else " (no bias)"
    return Question(_params_prompt(code), answer, f"{formula} = {_fmt(answer)}.",
                    ("parameter-count", "conv2d"))


def _embedding(rng: random.Random) -> Question:
    vocab = rng.choice([1000, 10000, 30522, 32000, 50257])
    dim = rng.choice([64, 128, 256, 512, 768, 1024])
    padded = rng.random() < 0.3
    code = call("Embedding", vocab, dim, padding_idx=0) if padded else call("Embedding", vocab, dim)
    answer = vocab * dim
    note = " padding_idx only stops row 0 from being updated; it is still a parameter."
    note = note if padded else ""
    return Question(_params_prompt(code), answer,
                    f"One {dim}-vector per token: {vocab}·{dim} = {_fmt(answer)}.{note}",
                    ("parameter-count", "embedding"))


def _recurrent(rng: random.Random, name: str, gates: int) -> Question:
    n_in = rng.choice([32, 64, 128, 256, 300, 512])
    hidden = rng.choice([64, 128, 256, 512, 1024])
    layers = rng.choice([1, 1, 2, 2, 3])
    bidirectional = rng.random() < 0.4
    kwargs: dict[str, object] = {}
    if layers != 1:
        kwargs["num_layers"] = layers
    if bidirectional:
        kwargs["bidirectional"] = True
    code = call(name, n_in, hidden, **kwargs)
    dirs = 2 if bidirectional else 1
    first = gates * (hidden * n_in + hidden * hidden + 2 * hidden)
    later = gates * (hidden * hidden * dirs + hidden * hidden + 2 * hidden)
    answer = dirs * (first + (layers - 1) * later)
    lines = [
        f"Per layer and direction: {gates}·(H·I + H·H + 2H) "
        "(weight_ih, weight_hh, bias_ih, bias_hh).",
        f"Layer 1: {gates}·({hidden}·{n_in} + {hidden}·{hidden} + 2·{hidden}) = {_fmt(first)}.",
    ]
    if layers > 1:
        which = "Layer 2 takes" if layers == 2 else f"Layers 2–{layers} take"
        lines.append(f"{which} {dirs}·H = {dirs * hidden} inputs: "
                     f"{gates}·({hidden}·{dirs * hidden} + {hidden}·{hidden} + 2·{hidden}) "
                     f"= {_fmt(later)}{' each' if layers > 2 else ''}.")
    per_direction = f"{_fmt(first)} + {layers - 1}·{_fmt(later)}" if layers > 1 else _fmt(first)
    if dirs == 2:
        lines.append(f"Both directions: 2·({per_direction}) = {_fmt(answer)}.")
    elif layers > 1:
        lines.append(f"Total: {per_direction} = {_fmt(answer)}.")
    return Question(_params_prompt(code), answer, "\n".join(lines),
                    ("parameter-count", name.lower()))


def _lstm(rng: random.Random) -> Question:
    return _recurrent(rng, "LSTM", 4)


def _gru(rng: random.Random) -> Question:
    return _recurrent(rng, "GRU", 3)


def _mha(rng: random.Random) -> Question:
    embed = rng.choice([128, 256, 512, 768, 1024, 2048])
    heads = rng.choice([h for h in (1, 2, 4, 8, 12, 16, 32) if embed % h == 0])
    bias = rng.random() < 0.6
    code = call("MultiheadAttention", embed, heads) if bias else call(
        "MultiheadAttention", embed, heads, bias=False)
    answer = 4 * embed * embed + (4 * embed if bias else 0)
    formula = f"Q, K, V and output projections: 4·{embed}·{embed}"
    formula += f" + 4·{embed} biases" if bias else " (no biases)"
    return Question(_params_prompt(code), answer,
                    f"{formula} = {_fmt(answer)}. The head count ({heads}) only splits the "
                    "projections; it adds no parameters.",
                    ("parameter-count", "multi-head-attention"))


def _layernorm(rng: random.Random) -> Question:
    dim = rng.choice([128, 256, 512, 768, 1024, 2048, 4096])
    variant = rng.choice(["default", "default", "no-bias", "no-affine"])
    if variant == "default":
        code, answer = call("LayerNorm", dim), 2 * dim
        why = f"A weight and a bias per feature: 2·{dim} = {_fmt(answer)}."
    elif variant == "no-bias":
        code, answer = call("LayerNorm", dim, bias=False), dim
        why = f"A weight per feature and no bias: {_fmt(answer)}."
    else:
        code, answer = call("LayerNorm", dim, elementwise_affine=False), 0
        why = "No affine transform, so no parameters: 0."
    return Question(_params_prompt(code), answer, why,
                    ("parameter-count", "layernorm"))


def _batchnorm2d(rng: random.Random) -> Question:
    channels = rng.choice([16, 32, 64, 128, 256, 512, 1024])
    affine = rng.random() < 0.75
    code = call("BatchNorm2d", channels) if affine else call("BatchNorm2d", channels, affine=False)
    answer = 2 * channels if affine else 0
    why = f"γ and β per channel: 2·{channels} = {_fmt(answer)}." if affine else (
        "No affine transform, so no parameters: 0.")
    return Question(_params_prompt(code), answer,
                    f"{why} running_mean and running_var are buffers, not parameters.",
                    ("parameter-count", "batchnorm"))


# --- output sizes --------------------------------------------------------------------------------

def window_out(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """⌊(size + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1, as conv and pooling use."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _window_formula(size: int, k: int, s: int, p: int, d: int, out: int) -> str:
    return ("⌊(H + 2p − d·(k − 1) − 1) / s⌋ + 1 = "
            f"⌊({size} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = "
            f"⌊{size + 2 * p - d * (k - 1) - 1} / {s}⌋ + 1 = {out}.")


def _shape_prompt(shape: tuple[int, ...], code: str) -> str:
    return (f"An input of shape `{shape}` goes through `{code}`. "
            "What is the height (and width) of the output?")


def _conv_out(rng: random.Random) -> Question:
    size = rng.choice([28, 32, 56, 64, 112, 128, 224, 227, 256])
    k = rng.choice([1, 3, 3, 5, 7, 11])
    s = rng.choice([1, 1, 2, 2, 4])
    d = rng.choice([1, 1, 1, 2, 3]) if k <= 5 else 1
    p = rng.choice([0, k // 2, d * (k // 2)])
    c_in, c_out = rng.choice([3, 16, 64]), rng.choice([32, 64, 128])
    kwargs: dict[str, object] = {"kernel_size": k}
    if s != 1:
        kwargs["stride"] = s
    if p:
        kwargs["padding"] = p
    if d != 1:
        kwargs["dilation"] = d
    code = call("Conv2d", c_in, c_out, **kwargs)
    shape = (rng.choice([1, 8, 16, 32]), c_in, size, size)
    out = window_out(size, k, s, p, d)
    return Question(_shape_prompt(shape, code), out, _window_formula(size, k, s, p, d, out),
                    ("output-size", "conv2d"))


def _pool_out(rng: random.Random) -> Question:
    size = rng.choice([14, 28, 32, 55, 56, 64, 112, 113, 224])
    k = rng.choice([2, 2, 3, 3, 5])
    stride = rng.choice([None, None, 1, 2])
    p = rng.randint(0, k // 2)
    d = rng.choice([1, 1, 1, 2])
    kwargs: dict[str, object] = {"kernel_size": k}
    if stride is not None:
        kwargs["stride"] = stride
    if p:
        kwargs["padding"] = p
    if d != 1:
        kwargs["dilation"] = d
    code = call("MaxPool2d", **kwargs)
    channels = rng.choice([16, 64, 256])
    shape = (rng.choice([1, 8, 32]), channels, size, size)
    s = k if stride is None else stride
    out = window_out(size, k, s, p, d)
    note = f" The stride defaults to the kernel size ({k})." if stride is None else ""
    return Question(_shape_prompt(shape, code), out, _window_formula(size, k, s, p, d, out) + note,
                    ("output-size", "max-pool"))


# --- attention scores ----------------------------------------------------------------------------

def _attention_sizes(rng: random.Random) -> tuple[int, int, int, int]:
    batch = rng.choice([1, 2, 4, 8, 16, 32])
    heads = rng.choice([8, 12, 16, 32])
    length = rng.choice([256, 512, 1024, 2048, 4096])
    head_dim = rng.choice([64, 128])
    return batch, heads, length, head_dim


def _scores_prompt(q_shape: tuple[int, ...], question: str) -> str:
    return (f"Self-attention computes the scores `q @ k.transpose(-2, -1)` with `q` and `k` of "
            f"shape `{q_shape}` (batch, heads, length, head_dim). {question}")


def _scores_count(rng: random.Random) -> Question:
    b, h, n, d = _attention_sizes(rng)
    answer = b * h * n * n
    return Question(_scores_prompt((b, h, n, d), "How many elements does the score tensor hold?"),
                    answer,
                    f"One L×L matrix per batch item and head: B·heads·L·L = {b}·{h}·{n}·{n} = "
                    f"{_fmt(answer)}. head_dim ({d}) is summed away.",
                    ("attention-memory", "scores"))


def _scores_mib(rng: random.Random) -> Question:
    b, h, n, d = _attention_sizes(rng)
    dtype = rng.choice(sorted(DTYPE_BYTES))
    size = DTYPE_BYTES[dtype]
    elements = b * h * n * n
    answer = elements * size / MIB
    prompt = _scores_prompt((b, h, n, d), f"How many MiB does the score tensor take in {dtype}?")
    return Question(prompt, answer,
                    f"B·heads·L·L = {b}·{h}·{n}·{n} = {_fmt(elements)} elements × {size} bytes "
                    f"/ 2^20 = {_fmt(round(answer, 4))} MiB.",
                    ("attention-memory", "scores", dtype), unit="MiB",
                    tolerance=round(max(0.01, 1e-4 * answer), 4))


FAMILIES: tuple[Family, ...] = (
    Family("gen-linear-params", "basics", "Parameters of nn.Linear", 1, _linear),
    Family("gen-conv2d-params", "cnn", "Parameters of nn.Conv2d", 2, _conv2d),
    Family("gen-embedding-params", "pytorch", "Parameters of nn.Embedding", 1, _embedding),
    Family("gen-lstm-params", "rnn", "Parameters of nn.LSTM", 3, _lstm),
    Family("gen-gru-params", "rnn", "Parameters of nn.GRU", 3, _gru),
    Family("gen-mha-params", "attention", "Parameters of nn.MultiheadAttention", 2, _mha),
    Family("gen-layernorm-params", "normalization", "Parameters of nn.LayerNorm", 1, _layernorm),
    Family("gen-batchnorm2d-params", "normalization", "Parameters of nn.BatchNorm2d", 1,
           _batchnorm2d),
    Family("gen-conv2d-output-size", "cnn", "Output size of nn.Conv2d", 2, _conv_out),
    Family("gen-maxpool2d-output-size", "cnn", "Output size of nn.MaxPool2d", 2, _pool_out),
    Family("gen-attention-scores-count", "attention", "Elements in the attention scores", 1,
           _scores_count),
    Family("gen-attention-scores-mib", "attention", "Memory of the attention scores", 2,
           _scores_mib),
)

_BY_ID = {f.id: f for f in FAMILIES}


def family_by_id(family_id: str) -> Family:
    """The family with this id; `KeyError` naming the known ids otherwise."""
    try:
        return _BY_ID[family_id]
    except KeyError:
        raise KeyError(f"unknown generated family {family_id!r} "
                       f"(known: {', '.join(_BY_ID)})") from None

