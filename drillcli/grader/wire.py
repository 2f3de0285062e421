"""Messages between the judge and the submission's process.

Frames are an 8-byte length, then a JSON skeleton of plain data (dicts, lists, tuples, strings,
numbers) in which each tensor is a dtype, a shape and a slice of the raw bytes that follow. Nothing is
ever unpickled: decoding can only build plain values and plain tensors of a known dtype. `validated`
then replaces anything that is not plain data by an `Unsupported` marker that no expected value equals.
"""

from __future__ import annotations

import json
import math
import os
import select
import struct
import time
from typing import Any

import torch

HEADER = struct.Struct("!Q")
MAX_MESSAGE = 512 * 1024 * 1024
MAX_DEPTH = 32
_UNSUPPORTED_KEY = "__drill_unsupported__"
_PLAIN_SCALARS = (bool, int, float, str, type(None))


class Unsupported:
    """A value the submission returned that is not plain data (a tensor subclass, a numpy array...)."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def unsupported(description: str) -> Unsupported:
    """An instance whose type name is the description, so `api.describe` shows it."""
    name = "".join(ch for ch in description if ch.isprintable())[:80] or "unsupported value"
    return type(name, (Unsupported,), {})()


class WireError(Exception):
    """The other side closed the pipe or sent something that is not a message."""


class FrameTooLarge(WireError):
    """A frame announced more bytes than the reader accepts (it is never read into memory)."""


def encode(obj: Any) -> bytes:
    """A frame: length, then a JSON skeleton and the raw bytes of every tensor (no pickle at all)."""
    blobs: list[bytes] = []
    skeleton = json.dumps(_pack(obj, blobs, [0]), separators=(",", ":")).encode("utf-8")
    body = HEADER.pack(len(skeleton)) + skeleton + b"".join(blobs)
    return HEADER.pack(len(body)) + body


def decode(payload: bytes) -> Any:
    """The inverse of `encode`, building only plain values; raises `WireError` on anything else."""
    try:
        (size,) = HEADER.unpack_from(payload)
        skeleton = json.loads(payload[HEADER.size: HEADER.size + size])
        blob = memoryview(payload)[HEADER.size + size:]
        return _unpack(skeleton, blob, 0)
    except WireError:
        raise
    except Exception as exc:
        raise WireError(f"unreadable message: {type(exc).__name__}") from None


_DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32,
    torch.int16, torch.int8, torch.uint8, torch.bool, torch.complex64, torch.complex128)}


def _pack(obj: Any, blobs: list[bytes], offset: list[int]) -> Any:
    if obj is None or type(obj) in (bool, int, str):
        return obj
    if isinstance(obj, str):  # our own StrEnums (a verdict kind); the submission's values are plain()ed
        return str(obj)
    if type(obj) is float:
        return obj if math.isfinite(obj) else {"f": repr(obj)}
    if type(obj) is torch.Tensor and str(obj.dtype).removeprefix("torch.") in _DTYPES:
        flat = obj.detach().cpu().contiguous().reshape(-1)
        data = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
        blobs.append(data)
        offset[0] += len(data)
        return {"x": [offset[0] - len(data), len(data), str(obj.dtype).removeprefix("torch."),
                      list(obj.shape)]}
    if type(obj) in (list, tuple):
        return {"l" if type(obj) is list else "t": [_pack(v, blobs, offset) for v in obj]}
    if type(obj) is dict:
        return {"d": [[k, _pack(v, blobs, offset)] for k, v in obj.items() if type(k) in (str, int)]}
    if isinstance(obj, Unsupported):
        return {"u": type(obj).__name__}
    return {"u": type(obj).__name__}


def _unpack(node: Any, blob: memoryview, depth: int) -> Any:
    if depth > MAX_DEPTH + 4:
        raise WireError("message nested too deeply")
    if node is None or type(node) in (bool, int, float, str):
        return node
    if type(node) is not dict or len(node) != 1:
        raise WireError("malformed message")
    (tag, value), = node.items()
    if tag == "l":
        return [_unpack(v, blob, depth + 1) for v in value]
    if tag == "t":
        return tuple(_unpack(v, blob, depth + 1) for v in value)
    if tag == "d":
        return {str(k) if type(k) is str else int(k): _unpack(v, blob, depth + 1) for k, v in value}
    if tag == "f":
        return float(value) if value in ("nan", "inf", "-inf") else _bad()
    if tag == "u":
        return unsupported(str(value))
    if tag == "x":
        return _tensor(value, blob)
    raise WireError("malformed message")


def _bad() -> Any:
    raise WireError("malformed message")


def _tensor(spec: Any, blob: memoryview) -> torch.Tensor:
    start, size, dtype_name, shape = spec
    dtype = _DTYPES[dtype_name]
    if not all(type(n) is int and n >= 0 for n in (start, size, *shape)):
        raise WireError("malformed tensor")
    itemsize = torch.empty((), dtype=dtype).element_size()
    if math.prod(shape) * itemsize != size or start + size > len(blob):
        raise WireError("malformed tensor")
    if size == 0:
        return torch.empty(shape, dtype=dtype)
    raw = torch.frombuffer(bytearray(blob[start: start + size]), dtype=torch.uint8)
    return raw.view(dtype).reshape(shape)


# ---- the submission's side: make outputs plain ---------------------------------------------------

def plain(value: Any, depth: int = 0) -> Any:
    """A copy of `value` made only of plain data, on the CPU; anything else becomes a marker dict."""
    if depth > MAX_DEPTH:
        return {_UNSUPPORTED_KEY: "a structure nested too deeply"}
    if isinstance(value, torch.Tensor):
        return _plain_tensor(value)
    if type(value) in _PLAIN_SCALARS:
        return value
    if isinstance(value, int):  # int and float subclasses (IntEnum, numpy.float64) as plain numbers
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (tuple, list)):
        items = [plain(v, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict) and all(isinstance(k, (str, int)) for k in value):
        return {k: plain(v, depth + 1) for k, v in value.items()}
    numpy_scalar = _numpy_scalar(value)
    if numpy_scalar is not None:
        return numpy_scalar
    return {_UNSUPPORTED_KEY: _type_name(value)}


def _plain_tensor(t: torch.Tensor) -> Any:
    if type(t) not in (torch.Tensor, torch.nn.Parameter):
        return {_UNSUPPORTED_KEY: f"{type(t).__name__} (a torch.Tensor subclass)"}
    if t.layout != torch.strided or t.is_meta or t.is_quantized:
        return {_UNSUPPORTED_KEY: f"a {t.layout} tensor"}
    t = t.detach().resolve_conj().resolve_neg().cpu()
    if t.untyped_storage().nbytes() > t.numel() * t.element_size() or not t.is_contiguous():
        t = t.clone(memory_format=torch.contiguous_format)
    return t


def _numpy_scalar(value: Any) -> Any:
    module = type(value).__module__
    if module == "numpy" and hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        item = value.item()
        return item if type(item) in (bool, int, float) else None
    return None


def _type_name(value: Any) -> str:
    cls = type(value)
    module = cls.__module__
    return cls.__name__ if module in ("builtins", "submission") else f"{module}.{cls.__name__}"


# ---- the judge's side: trust nothing -------------------------------------------------------------

def validated(value: Any, depth: int = 0) -> Any:
    """`value` with every non-plain part (a tensor subclass, a marker, an odd type) as `Unsupported`."""
    if depth > MAX_DEPTH:
        return unsupported("a structure nested too deeply")
    if type(value) is torch.Tensor:
        return value
    if isinstance(value, torch.Tensor):
        return unsupported(f"{type(value).__name__} (a torch.Tensor subclass)")
    if type(value) in _PLAIN_SCALARS:
        return value
    if type(value) in (list, tuple):
        items = [validated(v, depth + 1) for v in value]
        return items if type(value) is list else tuple(items)
    if type(value) is dict:
        if set(value) == {_UNSUPPORTED_KEY} and isinstance(value[_UNSUPPORTED_KEY], str):
            return unsupported(value[_UNSUPPORTED_KEY])
        return {k: validated(v, depth + 1) for k, v in value.items() if type(k) in (str, int)}
    return unsupported(type(value).__name__)


# ---- framing over pipes with deadlines ------------------------------------------------------------

def write_frame(fd: int, frame: bytes, deadline: float | None = None) -> None:
    """Write all of `frame`; raises `TimeoutError` past `deadline` (monotonic), `WireError` on EPIPE."""
    view = memoryview(frame)
    while view:
        _wait(fd, deadline, writing=True)
        try:
            sent = os.write(fd, view[: 1 << 20])
        except BlockingIOError:
            continue
        except (BrokenPipeError, OSError) as exc:
            raise WireError(f"pipe closed: {exc}") from None
        view = view[sent:]


def _wait(fd: int, deadline: float | None, *, writing: bool) -> None:
    timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
    r, w, _ = select.select([] if writing else [fd], [fd] if writing else [], [], timeout)
    if not r and not w:
        raise TimeoutError


class FrameReader:
    """Reassembles frames from a non-blocking pipe; `feed` after each readable event."""

    def __init__(self, fd: int, limit: int = MAX_MESSAGE) -> None:
        self.fd = fd
        self.limit = limit
        self.buffer = bytearray()
        self.closed = False

    def feed(self) -> None:
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
        self.buffer += chunk

    def next_payload(self) -> bytes | None:
        if len(self.buffer) < HEADER.size:
            return None
        (size,) = HEADER.unpack_from(self.buffer)
        if size > self.limit:
            raise FrameTooLarge(f"{size / 2**20:.0f} MiB; the limit is {self.limit // 2**20} MiB")
        if len(self.buffer) < HEADER.size + size:
            return None
        payload = bytes(self.buffer[HEADER.size: HEADER.size + size])
        del self.buffer[: HEADER.size + size]
        return payload


def read_blocking(fd: int) -> Any:
    """The worker's side: one whole message from a blocking pipe (`None` at end of file)."""
    header = _read_exact(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    payload = _read_exact(fd, size)
    if payload is None:
        return None
    return decode(payload)


def _read_exact(fd: int, size: int) -> bytes | None:
    parts = bytearray()
    while len(parts) < size:
        chunk = os.read(fd, min(1 << 20, size - len(parts)))
        if not chunk:
            return None
        parts += chunk
    return bytes(parts)
