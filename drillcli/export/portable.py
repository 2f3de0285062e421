"""All of a user's progress as one versioned JSON document, and back.

The document holds every table of the store row by row (whatever migrations created them), the files a
history points at (attempt copies, the workspace) and `config.toml`. Paths inside `DRILL_HOME` are written
relative to it, so a history moves between machines. Import rebuilds the schema the document was written
with, inserts the rows exactly, then migrates to the current schema, so a document from an older drillcli
imports into a newer one.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from drillcli import __version__
from drillcli.errors import DrillError
from drillcli.store.db import connect, explain
from drillcli.store.migrations import MIGRATIONS, applied, migrate
from drillcli.store.tx import transaction

EXPORT_FORMAT = "drillcli-export"
EXPORT_VERSION = 1
HOME_MARK = "$DRILL_HOME/"
FILE_FOLDERS = ("attempts", "workspace")
# A table whose rows are one per item (a card, a challenge) is merged "later wins" by the first of these.
RECENCY_COLUMNS = ("last_review", "updated_at", "last_attempt", "reviewed_at", "finished_at")


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    rows: dict[str, int]
    files: int


@dataclass
class ImportResult:
    rows_added: dict[str, int] = field(default_factory=dict)
    rows_kept: dict[str, int] = field(default_factory=dict)
    files_written: int = 0
    merged: bool = False


# --- export ---------------------------------------------------------------------------------------------


def export_document(home: Path, now: datetime) -> dict[str, Any]:
    """Everything in `home` as a JSON-ready dict."""
    db_file = home / "drill.db"
    if not db_file.is_file():
        raise DrillError(f"nothing to export: {db_file} does not exist (no history yet)")
    db = connect(db_file)
    try:
        tables = {name: _dump_table(db, name, home) for name in user_tables(db)}
        schema = applied(db)
    except sqlite3.DatabaseError as exc:
        raise explain(db_file, exc) from None
    finally:
        db.close()
    config = home / "config.toml"
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "drill_version": __version__,
        "exported_at": now.isoformat(),
        "schema": schema,
        "tables": tables,
        "files": dict(_read_files(home)),
        "config": config.read_text(encoding="utf-8", errors="replace") if config.is_file() else None,
    }


def write_export(home: Path, target: Path, now: datetime) -> ExportSummary:
    doc = export_document(home, now)
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise DrillError(f"cannot write {target}: {exc.strerror or exc}") from None
    rows = {name: len(t["rows"]) for name, t in doc["tables"].items()}
    return ExportSummary(path=target, rows=rows, files=len(doc["files"]))


def user_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                      " AND name != '_migrations' ORDER BY name")
    return [r[0] for r in rows]


def _dump_table(db: sqlite3.Connection, name: str, home: Path) -> dict[str, Any]:
    columns = [c[1] for c in db.execute(f"PRAGMA table_info({_q(name)})")]
    rows = db.execute(f"SELECT {', '.join(map(_q, columns))} FROM {_q(name)} ORDER BY rowid")
    return {"columns": columns, "rows": [[_encode(v, home) for v in row] for row in rows]}


def _encode(value: Any, home: Path) -> Any:
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, str):
        prefix = str(home.resolve()) + "/"
        if value.startswith(prefix):
            return HOME_MARK + value[len(prefix):]
        prefix = str(home) + "/"
        if value.startswith(prefix):
            return HOME_MARK + value[len(prefix):]
    return value


def _read_files(home: Path) -> Iterator[tuple[str, Any]]:
    for folder in FILE_FOLDERS:
        root = home / folder
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            rel = path.relative_to(home).as_posix()
            try:
                yield rel, data.decode("utf-8")
            except UnicodeDecodeError:
                yield rel, {"$b64": base64.b64encode(data).decode("ascii")}


# --- import ---------------------------------------------------------------------------------------------


def read_document(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DrillError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DrillError(f"{path} is not a drillcli export (not JSON: {exc})") from None
    check_document(doc, path)
    return doc  # type: ignore[no-any-return]


def check_document(doc: Any, origin: Path | str) -> None:
    """The shape an import relies on; anything else is one clear error naming the file."""
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise DrillError(f"{origin} is not a drillcli export (no \"format\": \"{EXPORT_FORMAT}\")")
    version = doc.get("version")
    if not isinstance(version, int) or version > EXPORT_VERSION:
        raise DrillError(f"{origin} was written by a newer drillcli (export version {version}); upgrade drillcli")
    schema, tables, files = doc.get("schema"), doc.get("tables"), doc.get("files", {})
    if not isinstance(schema, list) or not isinstance(tables, dict) or not isinstance(files, dict):
        raise DrillError(f"{origin}: malformed export (schema, tables or files missing)")
    known = [name for name, _ in MIGRATIONS]
    if schema != known[: len(schema)]:
        raise DrillError(f"{origin} holds a schema this drillcli does not know ({', '.join(map(str, schema))}); "
                         "upgrade drillcli")
    for name, table in tables.items():
        if not (isinstance(table, dict) and isinstance(table.get("columns"), list)
                and isinstance(table.get("rows"), list)
                and all(isinstance(r, list) and len(r) == len(table["columns"]) for r in table["rows"])):
            raise DrillError(f"{origin}: malformed table {name!r}")
    for rel in files:
        _safe_target(Path("."), str(rel))


def import_document(doc: dict[str, Any], home: Path, *, merge: bool = False) -> ImportResult:
    """Restore `doc` into `home`: exactly into an empty one, or merged (`merge`) into one with a history."""
    check_document(doc, "the export")
    db_file = home / "drill.db"
    existing = history_size(db_file)
    if existing and not merge:
        raise DrillError(
            f"{home} already holds a history ({existing} rows); import into an empty DRILL_HOME, "
            "or pass --merge to combine the two (later reviews win, nothing duplicated)")
    try:
        if not existing:
            _clear_empty_db(db_file)
            result = _restore(doc, db_file)
        else:
            result = _merge(doc, db_file)
    except sqlite3.DatabaseError as exc:
        raise explain(db_file, exc) from None
    result.files_written = _write_files(doc, home, result)
    _write_config(doc, home)
    return result


def history_size(db_file: Path) -> int:
    """Rows held in the store's tables (0 when there is no store)."""
    if not db_file.is_file():
        return 0
    db = connect(db_file)
    try:
        return sum(int(db.execute(f"SELECT count(*) FROM {_q(t)}").fetchone()[0]) for t in user_tables(db))
    except sqlite3.DatabaseError as exc:
        raise explain(db_file, exc) from None
    finally:
        db.close()


def _clear_empty_db(db_file: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_file) + suffix).unlink(missing_ok=True)


def _restore(doc: dict[str, Any], db_file: Path) -> ImportResult:
    db = connect(db_file, apply_migrations=False)
    try:
        _load_into(db, doc, db_file.parent)
        migrate(db)
        added = {name: len(t["rows"]) for name, t in doc["tables"].items()}
    finally:
        db.close()
    return ImportResult(rows_added=added)


def _load_into(db: sqlite3.Connection, doc: dict[str, Any], home: Path) -> None:
    """Create the schema the document was written with and insert its rows as they are."""
    schema = doc["schema"]
    if schema:
        migrate(db, upto=schema[-1])
    tables = set(user_tables(db))
    unknown = sorted(set(doc["tables"]) - tables)
    if unknown:
        raise DrillError(f"the export holds tables its schema does not create: {', '.join(unknown)}")
    with transaction(db):
        for name in _parents_first(db):
            table = doc["tables"].get(name)
            if table is not None:
                rows = [[_decode(v, home) for v in r] for r in table["rows"]]
                _insert_rows(db, name, table["columns"], rows)


def _insert_rows(db: sqlite3.Connection, name: str, columns: list[str], rows: list[list[Any]]) -> None:
    have = {c[1] for c in db.execute(f"PRAGMA table_info({_q(name)})")}
    unknown = [c for c in columns if c not in have]
    if unknown:
        raise DrillError(f"the export's table {name!r} has columns its schema lacks: {', '.join(unknown)}")
    sql = f"INSERT INTO {_q(name)} ({', '.join(map(_q, columns))}) VALUES ({', '.join('?' * len(columns))})"
    try:
        db.executemany(sql, rows)
    except sqlite3.DatabaseError as exc:
        raise DrillError(f"the export's table {name!r} does not fit the schema: {exc}") from None


def _decode(value: Any, home: Path) -> Any:
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    if isinstance(value, str) and value.startswith(HOME_MARK):
        return str(home / value[len(HOME_MARK):])
    if isinstance(value, (dict, list)):
        raise DrillError("malformed export: a table cell holds a list or an object")
    return value


# --- merge ----------------------------------------------------------------------------------------------


def _merge(doc: dict[str, Any], db_file: Path) -> ImportResult:
    incoming = sqlite3.connect(":memory:", isolation_level=None)
    target = connect(db_file)
    result = ImportResult(merged=True)
    try:
        _load_into(incoming, doc, db_file.parent)
        migrate(incoming)
        id_maps: dict[str, dict[int, int]] = {}
        with transaction(target):
            for name in _parents_first(target):
                added, kept = _merge_table(incoming, target, name, id_maps)
                result.rows_added[name], result.rows_kept[name] = added, kept
    finally:
        incoming.close()
        target.close()
    return result


def _parents_first(db: sqlite3.Connection) -> list[str]:
    tables = user_tables(db)
    parents = {t: {fk[2] for fk in db.execute(f"PRAGMA foreign_key_list({_q(t)})")} - {t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        ordered += ready or [t for t in tables if t not in ordered]
    return ordered


@dataclass(frozen=True)
class _Shape:
    columns: list[str]
    pk: list[str]
    fks: dict[str, str]  # column -> parent table

    @property
    def int_id(self) -> str | None:
        return self.pk[0] if len(self.pk) == 1 and self.pk[0] == "id" else None


def _shape(db: sqlite3.Connection, name: str) -> _Shape:
    info = list(db.execute(f"PRAGMA table_info({_q(name)})"))
    pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]]
    fks = {fk[3]: fk[2] for fk in db.execute(f"PRAGMA foreign_key_list({_q(name)})")}
    return _Shape(columns=[c[1] for c in info], pk=pk, fks=fks)


def _merge_table(src: sqlite3.Connection, dst: sqlite3.Connection, name: str,
                 id_maps: dict[str, dict[int, int]]) -> tuple[int, int]:
    if name not in user_tables(src):
        return 0, 0
    shape = _shape(dst, name)
    cols = ", ".join(map(_q, shape.columns))
    rows = [list(r) for r in src.execute(f"SELECT {cols} FROM {_q(name)} ORDER BY rowid")]
    for row in rows:
        _remap(row, shape, id_maps)
    if shape.int_id:
        return _merge_log(dst, name, shape, rows, id_maps.setdefault(name, {}))
    if shape.pk:
        return _merge_latest(dst, name, shape, rows)
    return _merge_log(dst, name, shape, rows, {})


def _remap(row: list[Any], shape: _Shape, id_maps: dict[str, dict[int, int]]) -> None:
    for column, parent in shape.fks.items():
        i = shape.columns.index(column)
        if row[i] is not None:
            row[i] = id_maps.get(parent, {}).get(row[i], row[i])


def _merge_log(dst: sqlite3.Connection, name: str, shape: _Shape, rows: list[list[Any]],
               id_map: dict[int, int]) -> tuple[int, int]:
    """Append-only tables (reviews, attempts, sessions): a row equal to one present on every column but
    its id is the same event and is not added again."""
    body = [c for c in shape.columns if c != shape.int_id]
    idx = [shape.columns.index(c) for c in body]
    sel = f"SELECT {shape.int_id or 'rowid'} FROM {_q(name)} WHERE " + " AND ".join(f"{_q(c)} IS ?" for c in body)
    ins = f"INSERT INTO {_q(name)} ({', '.join(map(_q, body))}) VALUES ({', '.join('?' * len(body))})"
    added = kept = 0
    for row in rows:
        values = [row[i] for i in idx]
        found = dst.execute(sel, values).fetchone()
        if found is None:
            new_id = int(dst.execute(ins, values).lastrowid or 0)
            added += 1
        else:
            new_id, kept = int(found[0]), kept + 1
        if shape.int_id:
            id_map[int(row[shape.columns.index(shape.int_id)])] = new_id
    return added, kept


def _merge_latest(dst: sqlite3.Connection, name: str, shape: _Shape, rows: list[list[Any]]) -> tuple[int, int]:
    """One row per item (a card's state): the row with the later recency column wins."""
    recency = next((c for c in RECENCY_COLUMNS if c in shape.columns), None)
    where = " AND ".join(f"{_q(c)} = ?" for c in shape.pk)
    pk_idx = [shape.columns.index(c) for c in shape.pk]
    cols = ", ".join(map(_q, shape.columns))
    added = kept = 0
    for row in rows:
        key = [row[i] for i in pk_idx]
        current = dst.execute(f"SELECT {_q(recency) if recency else 'NULL'} FROM {_q(name)} WHERE {where}",
                              key).fetchone()
        mine = row[shape.columns.index(recency)] if recency else None
        if current is None or (mine is not None and (current[0] is None or mine > current[0])):
            dst.execute(f"INSERT OR REPLACE INTO {_q(name)} ({cols}) VALUES ({', '.join('?' * len(row))})", row)
            added += 1
        else:
            kept += 1
    return added, kept


# --- files and config -----------------------------------------------------------------------------------


def _write_files(doc: dict[str, Any], home: Path, result: ImportResult) -> int:
    written = 0
    for rel, content in doc.get("files", {}).items():
        target = _safe_target(home, rel)
        data = _decode(content, home) if isinstance(content, dict) else str(content).encode("utf-8")
        if not isinstance(data, bytes):
            raise DrillError(f"malformed export: file {rel!r} holds no content")
        if target.exists():
            continue  # same name: the attempt copy is already there (names carry the time to the microsecond)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise DrillError(f"cannot write {target}: {exc.strerror or exc}") from None
        written += 1
    return written


def _safe_target(home: Path, rel: str) -> Path:
    """A file path from the document, refused when it would land outside the allowed folders."""
    parts = Path(rel).parts
    if not parts or parts[0] not in FILE_FOLDERS or ".." in parts or Path(rel).is_absolute():
        raise DrillError(f"malformed export: refusing to write {rel!r} outside {', '.join(FILE_FOLDERS)}/")
    return home.joinpath(*parts)


def _write_config(doc: dict[str, Any], home: Path) -> None:
    config = doc.get("config")
    target = home / "config.toml"
    if isinstance(config, str) and not target.exists():
        target.write_text(config, encoding="utf-8")


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
