"""The project's docs stay true: the challenge table matches the bundled challenges, links resolve, and
nothing points at documents that are not in the repository."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from drillcli.bank.challenges import load_challenges
from drillcli.bank.schema import ChallengeMeta
from drillcli.bank.topics import TOPICS
from drillcli.paths import bundled_bank_dir

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _plain_args(args: ast.arguments) -> str:
    names = [a.arg for a in args.args]
    defaults: list[str | None] = [None] * (len(names) - len(args.defaults))
    defaults += [ast.unparse(d) for d in args.defaults]
    return ", ".join(n if d is None else f"{n}={d}" for n, d in zip(names, defaults))


def entry_point(meta: ChallengeMeta) -> str:
    """`softmax(x, dim=-1)`, or `class EarlyStopping(patience, min_delta=0.0)`, from the yaml's signature."""
    signature = meta.signature.strip()
    if meta.kind == "class":
        constructor = signature.partition("#")[2].split(";")[0].strip()
        node = ast.parse(f"def {constructor}: pass").body[0]
        assert isinstance(node, ast.FunctionDef)
        return f"class {node.name}({_plain_args(node.args)})"
    node = ast.parse(f"def {signature.removeprefix('def ')}: pass").body[0]
    assert isinstance(node, ast.FunctionDef)
    return f"{node.name}({_plain_args(node.args)})"


def _short(name: str) -> str:
    for long, short in (("torch.nn.functional.", "F."), ("torch.nn.", "nn.")):
        if name.startswith(long):
            return short + name.removeprefix(long)
    return name


def challenge_table() -> list[str]:
    """The rows of docs/challenges.md's table, by topic in study order."""
    order = list(TOPICS)
    challenges = sorted(load_challenges([bundled_bank_dir()]),
                        key=lambda c: (order.index(c.meta.topic) if c.meta.topic in order else len(order), c.id))
    rows = ["| id | topic | what | entry point | forbidden (main names) |", "| --- | --- | --- | --- | --- |"]
    for challenge in challenges:
        meta = challenge.meta
        names = [_short(f) for f in meta.forbidden]
        forbidden = ", ".join(names[:3]) + (", …" if len(names) > 3 else "") if names else "—"
        rows.append(f"| `{meta.id}` | {meta.topic} | {meta.title} | `{entry_point(meta)}` | {forbidden} |")
    return rows


def test_the_challenge_table_matches_the_bundled_challenges() -> None:
    text = (ROOT / "docs" / "challenges.md").read_text(encoding="utf-8")
    documented = [line for line in text.splitlines() if line.startswith("| `")
                  and line.count("|") >= 6 and "](" not in line]
    expected = challenge_table()
    assert documented == expected[2:], "docs/challenges.md is out of date; its table is:\n" + "\n".join(expected)


def test_docs_point_only_at_documents_in_the_repository() -> None:
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "CHALLENGES.md" not in text and "CONTRACT.md" not in text, doc
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
            assert (doc.parent / target).is_file(), f"{doc.name} links to {target}, which does not exist"


def test_code_comments_point_only_at_documents_in_the_repository() -> None:
    for path in [*(ROOT / "drillcli").rglob("*.py"), *(ROOT / "questions").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "CHALLENGES.md" not in text and "CONTRACT.md" not in text, path


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv .venv && [^\n]+)\n```", readme)
    assert len(commands) == 2 and all("download.pytorch.org/whl/cpu" in c for c in commands), commands
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


if __name__ == "__main__":  # `python -m tests.test_docs`: print the table for docs/challenges.md
    print("\n".join(challenge_table()))
