"""Voice: word error rate of the offline recognizer, the fillers it keeps, and long-pause detection.

    .venv/bin/python -m evals.voice [--json]

Clips are made here, never downloaded: the 20 lines of `datasets/voice_script.jsonl` (12 questions,
8 lines with counted fillers; dev and held-out halves) are spoken by two voices, Piper
(en_US-joe-medium, the app's own voice) and Debian's espeak-ng (en-us, a formant synthesiser that
sounds nothing like it), under three conditions:

* **clean** — normal speed, no noise;
* **fast** — about a third faster (Piper length scale 0.74, espeak-ng 235 instead of 175 words/min);
* **noisy** — normal speed with pink noise from sox mixed in at 10 dB SNR (speech RMS over noise RMS).

Every clip goes through the app's own path (`read_audio` → `Transcriber.transcribe`), once with the
filler-keeping decoding prompt (what the app uses) and once without it. WER is word-level
Levenshtein over normalised text (lower case, no punctuation, contractions expanded, hyphens split,
British spellings as American, "um"/"uh" dropped on both sides, as Whisper's own normaliser does);
fillers the prompt makes Whisper invent in lines that have none are counted separately
(`spurious_fillers_*`).

Fillers: the 8 filler lines are compared kind by kind with the counts in the script (kept = found,
at most as many as were said). The synthetic voices say "um" and "uh" as clear words, which real
hesitations are not, so these rates are an upper bound for real speech.

Long pauses: 6 pairs of lines joined by 2.5 s of silence (must be found) and by 0.6 s (must not).

The dev half chose the prompt (kept only if it does not raise the dev WER on clean speech); the
gate is the held-out half's clean WER ≤ 0.15.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.common import load_jsonl

THRESHOLDS = {"wer_clean_holdout": ("<=", 0.15)}
VOICES = ("piper", "espeak")
CONDITIONS = ("clean", "fast", "noisy")
FAST_SPEED = 1.35
ESPEAK_WPM = 175
SNR_DB = 10.0
SHORT_GAP, LONG_GAP = 0.6, 2.5
SAMPLE_RATE = 16_000
CONTRACTIONS = {
    "i'm": "i am", "i've": "i have", "i'd": "i would", "i'll": "i will", "you're": "you are",
    "you've": "you have", "you'd": "you would", "we're": "we are", "they're": "they are",
    "it's": "it is", "that's": "that is", "what's": "what is", "there's": "there is",
    "don't": "do not", "doesn't": "does not", "didn't": "did not", "can't": "cannot",
    "won't": "will not", "isn't": "is not", "wasn't": "was not", "let's": "let us",
}
DROPPED = {"um", "umm", "uhm", "uh", "uhh", "hmm", "mm", "er", "erm"}
# British and American spellings of one word are the same word (Whisper writes American).
SPELLINGS = {"practise": "practice", "practised": "practiced", "organise": "organize",
             "colour": "color", "behaviour": "behavior", "centre": "center"}


def normalise(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("-", " ")
    words: list[str] = []
    for raw in re.findall(r"[a-z0-9']+", text):
        word = raw.strip("'")
        if not word or word in DROPPED:
            continue
        words.extend(CONTRACTIONS.get(word, SPELLINGS.get(word, word)).split())
    return words


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def wer(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Corpus WER: all errors over all reference words."""
    errors = words = 0
    for ref, hyp in pairs:
        r = normalise(ref)
        errors += edit_distance(r, normalise(hyp))
        words += len(r)
    return round(errors / words, 4) if words else None


@dataclass
class Clip:
    item: dict[str, Any]
    voice: str
    condition: str
    samples: np.ndarray


class ClipMaker:
    """Speaks lines in the two voices and adds the conditions, all through temp WAV files."""

    def __init__(self, workdir: Path) -> None:
        from agent.voice.tts import Speaker

        for tool in ("espeak-ng", "sox"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"{tool} is missing: run `make evals` (it installs espeak-ng and sox)")
        self.workdir = workdir
        self.piper = Speaker()
        self.count = 0

    def _read(self, path: Path) -> np.ndarray:
        from agent.voice.audio import read_audio

        return read_audio(path).samples

    def speak(self, voice: str, text: str, speed: float = 1.0) -> np.ndarray:
        self.count += 1
        path = self.workdir / f"clip{self.count}.wav"
        if voice == "piper":
            path.write_bytes(self.piper.wav(text, speed=speed))
        else:
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(round(ESPEAK_WPM * speed)), "-w",
                            str(path), text], check=True, capture_output=True)
        return self._read(path)

    def noise(self, seconds: float, seed: int) -> np.ndarray:
        path = self.workdir / f"noise{seed}.wav"
        subprocess.run(["sox", "-R", "-n", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(path),
                        "synth", f"{seconds:.2f}", "pinknoise", "vol", "0.5"], check=True,
                       capture_output=True)
        return self._read(path)

    def noisy(self, samples: np.ndarray, seed: int) -> np.ndarray:
        noise = self.noise(len(samples) / SAMPLE_RATE + 0.1, seed)[: len(samples)]
        speech_rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
        noise_rms = float(np.sqrt(np.mean(noise.astype(np.float64) ** 2))) or 1.0
        scale = speech_rms / (noise_rms * 10 ** (SNR_DB / 20))
        return np.clip(samples + scale * noise, -1.0, 1.0).astype(np.float32)

    def clip(self, item: dict[str, Any], voice: str, condition: str, seed: int) -> Clip:
        speed = FAST_SPEED if condition == "fast" else 1.0
        samples = self.speak(voice, item["text"], speed)
        if condition == "noisy":
            samples = self.noisy(samples, seed)
        return Clip(item, voice, condition, samples)


def transcribe(model: Any, samples: np.ndarray, keep_fillers: bool) -> Any:
    from agent.voice.audio import Clip as AudioClip

    return model.transcribe(AudioClip(samples=samples, format="WAV", name="eval"), keep_fillers=keep_fillers)


def filler_figures(rows: list[dict[str, Any]], setting: str) -> dict[str, Any]:
    """Kept = fillers found of those said (per kind, at most as many as said); spurious = extra."""
    from agent.voice.speech import FILLER_KINDS

    said = dict.fromkeys(FILLER_KINDS, 0)
    kept = dict.fromkeys(FILLER_KINDS, 0)
    extra = 0
    for row in rows:
        expected = row["item"].get("fillers", {})
        found = row[f"fillers_{setting}"]
        for kind in FILLER_KINDS:
            said[kind] += expected.get(kind, 0)
            kept[kind] += min(found.get(kind, 0), expected.get(kind, 0))
            extra += max(0, found.get(kind, 0) - expected.get(kind, 0))
    total = sum(said.values())
    out: dict[str, Any] = {"kept": round(sum(kept.values()) / total, 3) if total else None, "extra": extra}
    for kind in FILLER_KINDS:
        out[kind.replace(" ", "_")] = f"{kept[kind]}/{said[kind]}"
    return out


def run(deps: Any = None) -> dict[str, Any]:
    """The scorecard's entry: figures only (the speech models are loaded here, not from `deps`)."""
    metrics, _ = evaluate()
    return metrics


def evaluate() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(figures, the misheard lines) for every clip."""
    from agent.voice.stt import Transcriber

    items = load_jsonl("voice_script.jsonl")
    with tempfile.TemporaryDirectory(prefix="coach-voice-eval-") as tmp:
        maker = ClipMaker(Path(tmp))
        model = Transcriber(threads=2)
        rows: list[dict[str, Any]] = []
        seconds: list[float] = []
        audio_seconds = 0.0
        for n, item in enumerate(items):
            conditions = CONDITIONS if item["kind"] == "question" else ("clean",)
            for voice in VOICES:
                for condition in conditions:
                    clip = maker.clip(item, voice, condition, seed=n)
                    row: dict[str, Any] = {"item": item, "voice": voice, "condition": condition}
                    for setting, keep in (("prompt", True), ("plain", False)):
                        start = time.perf_counter()
                        heard = transcribe(model, clip.samples, keep)
                        seconds.append(time.perf_counter() - start)
                        row[f"text_{setting}"] = heard.text
                        row[f"fillers_{setting}"] = heard.speech["fillers"] if heard.speech else {}
                    audio_seconds += 2 * len(clip.samples) / SAMPLE_RATE
                    rows.append(row)
        pauses = pause_detection(maker, model, [i for i in items if i["kind"] == "question"])
    misheard = [{"voice": r["voice"], "condition": r["condition"], "said": r["item"]["text"],
                 "heard": r["text_prompt"]} for r in rows
                if normalise(r["item"]["text"]) != normalise(r["text_prompt"])]
    return summarise(rows, pauses, seconds, audio_seconds, model.load_seconds), misheard


def pause_detection(maker: ClipMaker, model: Any, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Pairs of lines joined by a long and by a short silence: is the long one found, and only it?"""
    found_long = false_alarms = 0
    pairs = list(zip(questions[0::2], questions[1::2], strict=False))
    for i, (a, b) in enumerate(pairs):
        voice = VOICES[i % len(VOICES)]
        first, second = maker.speak(voice, a["text"]), maker.speak(voice, b["text"])
        for gap in (SHORT_GAP, LONG_GAP):
            silence = np.zeros(int(gap * SAMPLE_RATE), np.float32)
            heard = transcribe(model, np.concatenate([first, silence, second]), True)
            pauses = heard.speech["pauses"] if heard.speech else []
            if gap == LONG_GAP:
                found_long += any(abs(p["seconds"] - gap) < 0.6 for p in pauses)
            else:
                false_alarms += len(pauses)
    return {"pairs": len(pairs), "long_found": found_long, "false_alarms": false_alarms}


def summarise(rows: list[dict[str, Any]], pauses: dict[str, Any], seconds: list[float],
              audio_seconds: float, load_seconds: float) -> dict[str, Any]:
    questions = [r for r in rows if r["item"]["kind"] == "question"]
    fillers = [r for r in rows if r["item"]["kind"] == "filler"]

    def select(setting: str, condition: str | None = None, split: str | None = None,
               voice: str | None = None, source: list[dict[str, Any]] | None = None) -> float | None:
        chosen = [r for r in (source if source is not None else rows)
                  if (condition is None or r["condition"] == condition)
                  and (split is None or r["item"]["split"] == split)
                  and (voice is None or r["voice"] == voice)]
        return wer((r["item"]["text"], r[f"text_{setting}"]) for r in chosen)

    out: dict[str, Any] = {
        "clips": len(rows), "clips_clean": sum(r["condition"] == "clean" for r in rows),
        "wer_clean_holdout": select("prompt", "clean", "holdout"),
        "wer_clean_dev": select("prompt", "clean", "dev"),
        "wer_clean_dev_plain": select("plain", "clean", "dev"),
        "wer_clean_holdout_plain": select("plain", "clean", "holdout"),
    }
    for condition in CONDITIONS:
        out[f"wer_{condition}"] = select("prompt", condition, source=questions)
        out[f"wer_{condition}_plain"] = select("plain", condition, source=questions)
        for voice in VOICES:
            out[f"wer_{condition}_{voice}"] = select("prompt", condition, voice=voice, source=questions)
        for split in ("dev", "holdout"):
            out[f"wer_{condition}_questions_{split}"] = select("prompt", condition, split, source=questions)
            for voice in VOICES:
                out[f"wer_{condition}_questions_{split}_{voice}"] = select(
                    "prompt", condition, split, voice, source=questions)
    out["wer_filler_lines"] = select("prompt", source=fillers)
    for setting in ("prompt", "plain"):
        figures = filler_figures(fillers, setting)
        out[f"fillers_kept_{setting}"] = figures.pop("kept")
        out[f"fillers_extra_in_filler_lines_{setting}"] = figures.pop("extra")
        for kind, value in figures.items():
            out[f"fillers_{kind}_{setting}"] = value
        for voice in VOICES:
            out[f"fillers_kept_{setting}_{voice}"] = filler_figures(
                [r for r in fillers if r["voice"] == voice], setting)["kept"]
        out[f"spurious_fillers_{setting}"] = sum(sum(r[f"fillers_{setting}"].values()) for r in questions)
    out["long_pauses_found"] = f"{pauses['long_found']}/{pauses['pairs']}"
    out["short_gaps_called_long"] = pauses["false_alarms"]
    out["stt_load_s"] = round(load_seconds, 2)
    out["stt_median_s_per_clip"] = round(statistics.median(seconds), 3)
    out["stt_realtime_factor"] = round(sum(seconds) / audio_seconds, 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evals.voice")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    metrics, misheard = evaluate()
    if args.json:
        print(json.dumps({"metrics": metrics, "misheard": misheard}, indent=2))
    else:
        for key, value in metrics.items():
            print(f"  {key:40s} {value}")
        print("\nmisheard lines:")
        for e in misheard:
            print(f"  [{e['voice']}/{e['condition']}] {e['said']}\n      → {e['heard']}")
    failed = [k for k, (op, bound) in THRESHOLDS.items()
              if metrics.get(k) is None or not (metrics[k] <= bound if op == "<=" else metrics[k] >= bound)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
