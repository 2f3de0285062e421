"""A cache of validated cards in SQLite, so that a session starts without parsing YAML.

One row per card, keyed by the file it came from; a file's rows are replaced whenever its size or
modification time (or the bank format, or drillcli's version) changes. A session reads only the small
columns of every card (id, topic, type, most-asked, asked) and the full card of those it shows. A cache
written under another `CACHE_SCHEMA` is dropped and rebuilt. Nothing here is essential: any failure just
means the YAML is parsed again.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from drillcli import __version__
from drillcli.bank.vocab import FORMAT_VERSION, Asked, ChallengeInfo

if TYPE_CHECKING:
    from drillcli.bank.schema import CardBase

# The layout of the cache's tables and card JSON; bump it when either changes (2: the `asked` column;
# 3: the `challenge` table).
CACHE_SCHEMA = 3


class CardRef(NamedTuple):
    """What a queue needs to know of a card without building it."""

    id: str
    topic: str
    type: str
    most_asked: bool
    asked: Asked = Asked.MEDIUM


def ref_of(card: CardBase) -> CardRef:
    return CardRef(card.id, card.topic, card.type, card.most_asked, card.asked)


def stamp_of(path: Path) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_size}|{st.st_mtime_ns}|{FORMAT_VERSION}|{__version__}"


_ASKED = {a.value: a for a in Asked}  # a dict lookup: an enum call per card is a tenth of reading 5,000 refs


class CardCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, timeout=5)
        self.db.execute("PRAGMA journal_mode = WAL")
        if self.db.execute("PRAGMA user_version").fetchone()[0] != CACHE_SCHEMA:
            self.db.execute("DROP TABLE IF EXISTS card")
            self.db.execute("DROP TABLE IF EXISTS file")
            self.db.execute("DROP TABLE IF EXISTS challenge")
            self.db.execute(f"PRAGMA user_version = {CACHE_SCHEMA}")
        self.db.execute("CREATE TABLE IF NOT EXISTS file (path TEXT PRIMARY KEY, stamp TEXT NOT NULL)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS card (path TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,"
            " topic TEXT NOT NULL, type TEXT NOT NULL, most_asked INTEGER NOT NULL, asked TEXT NOT NULL,"
            " json TEXT NOT NULL,"
            " PRIMARY KEY (path, seq))"
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS card_id ON card (id)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS challenge (path TEXT PRIMARY KEY, stamp TEXT NOT NULL, id TEXT NOT NULL,"
            " topic TEXT NOT NULL, difficulty TEXT NOT NULL, minutes REAL NOT NULL, title TEXT NOT NULL)"
        )

    @classmethod
    def open(cls, path: Path) -> CardCache | None:
        """The cache, started afresh if the file is damaged; None if it cannot be had at all."""
        for _ in range(2):
            try:
                return cls(path)
            except sqlite3.DatabaseError:
                try:
                    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                        leftover.unlink(missing_ok=True)
                except OSError:  # a read-only DRILL_HOME: do without the cache
                    return None
            except (OSError, sqlite3.Error):
                return None
        return None

    def is_fresh(self, path: Path, stamp: str) -> bool:
        row = self.db.execute("SELECT stamp FROM file WHERE path = ?", (str(path),)).fetchone()
        return row is not None and row[0] == stamp

    def store(self, path: Path, stamp: str, cards: list[CardBase]) -> None:
        rows = [(str(path), i, c.id, c.topic, c.type, int(c.most_asked), str(c.asked), c.model_dump_json())
                for i, c in enumerate(cards)]
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM card WHERE path = ?", (str(path),))
            self.db.executemany("INSERT INTO card VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.execute("INSERT OR REPLACE INTO file VALUES (?, ?)", (str(path), stamp))
            self.db.execute("COMMIT")
        except sqlite3.Error:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")

    def challenge(self, path: Path, stamp: str) -> ChallengeInfo | None:
        """What the challenge.yaml at `path` says of its challenge, if it was cached with this stamp."""
        row = self.db.execute("SELECT id, topic, difficulty, minutes, title FROM challenge"
                              " WHERE path = ? AND stamp = ?", (str(path), stamp)).fetchone()
        return ChallengeInfo(*row) if row else None

    def store_challenge(self, path: Path, stamp: str, c: ChallengeInfo) -> None:
        with contextlib.suppress(sqlite3.Error):  # a locked or read-only cache: the yaml is read again next time
            self.db.execute("INSERT OR REPLACE INTO challenge VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (str(path), stamp, c.id, c.topic, c.difficulty, c.minutes, c.title))

    def refs(self, path: Path) -> list[CardRef]:
        rows = self.db.execute("SELECT id, topic, type, most_asked, asked FROM card WHERE path = ? ORDER BY seq",
                               (str(path),))
        return [CardRef(r[0], r[1], r[2], bool(r[3]), _ASKED[r[4]]) for r in rows]

    def cards(self, paths: Iterable[Path], ids: Iterable[str] | None = None) -> dict[str, CardBase]:
        """Full cards of the given files (only `ids`, when given)."""
        out: dict[str, CardBase] = {}
        for _, text in self._select("json", paths, ids):
            card = from_cached(text)
            out.setdefault(card.id, card)
        return out

    def prompts(self, paths: Iterable[Path], ids: Iterable[str]) -> dict[str, str]:
        """The prompts of these cards, read from the cached JSON without building a card."""
        out: dict[str, str] = {}
        for card_id, prompt in self._select("json_extract(json, '$.prompt')", paths, ids):
            out.setdefault(card_id, str(prompt))
        return out

    def _select(self, column: str, paths: Iterable[Path], ids: Iterable[str] | None) -> list[tuple[str, Any]]:
        """(id, column) of the cards of these files (only `ids`, when given), in bank order."""
        wanted = [str(p) for p in paths]
        query = f"SELECT id, {column} FROM card WHERE path IN ({','.join('?' * len(wanted))})"
        params: list[Any] = list(wanted)
        if ids is not None:
            id_list = list(ids)
            query += f" AND id IN ({','.join('?' * len(id_list))})"
            params += id_list
        return self.db.execute(query + " ORDER BY path, seq", params).fetchall()


def from_cached(text: str) -> CardBase:
    """Rebuild a card that was validated before it was cached, without validating it again."""
    from drillcli.bank.schema import CARD_MODELS, KeyPoints

    data = json.loads(text)
    if "key_points" in data:
        data["key_points"] = KeyPoints.model_construct(**data["key_points"])
    data["asked"] = Asked(data.get("asked", Asked.MEDIUM))
    return CARD_MODELS[data["type"]].model_construct(**data)
