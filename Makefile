# frontdesk. A fresh machine needs only python3 (3.11+) with pip; `make test` creates the rest.
#   make run       the whole application locally (embedded moto stack, no Docker, no AWS account)
#   make test      everything CI runs
# Deploying:       make deploy S3_BUCKET=<artifact bucket> [STACK_NAME=frontdesk STAGE=prod SENDER_EMAIL=…]

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
# checkov pins an older boto3 than the project's: its own venv, from its own pins (docs/decisions/0025)
CHECKOV_VENV := $(VENV)/checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
UV_VERSION := 0.13.8
CODE := layers/core functions infra tests bench

STACK_NAME ?= frontdesk
REGION ?= $(or $(AWS_REGION),$(AWS_DEFAULT_REGION),$(shell aws configure get region 2>/dev/null))
STAGE ?= prod
S3_BUCKET ?=
SENDER_EMAIL ?= noreply@example.com
PUBLIC_BASE_URL ?=
OPS_EMAIL ?=
LOG_RETENTION_DAYS ?= 90
PUBLIC_RATE_LIMIT ?= 300
PUBLIC_RESERVED_CONCURRENCY ?= 0
THREAT_PROTECTION ?= OFF
API_ACCESS_LOGS ?= false
MANAGER_MFA ?= required
PARAMETERS = Stage=$(STAGE) SenderEmail=$(SENDER_EMAIL) LogRetentionDays=$(LOG_RETENTION_DAYS) \
	PublicRateLimit=$(PUBLIC_RATE_LIMIT) PublicReservedConcurrency=$(PUBLIC_RESERVED_CONCURRENCY) \
	ThreatProtection=$(THREAT_PROTECTION) ApiAccessLogs=$(API_ACCESS_LOGS) ManagerMfa=$(MANAGER_MFA) \
	$(if $(PUBLIC_BASE_URL),PublicBaseUrl=$(PUBLIC_BASE_URL)) $(if $(OPS_EMAIL),OpsEmail=$(OPS_EMAIL))
CAPABILITIES := CAPABILITY_IAM CAPABILITY_AUTO_EXPAND

SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: help venv constraints lint test browser build deploy smoke sam-deploy run openapi clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

venv: $(STAMP) ## the project's virtualenv (.venv), reinstalled when pyproject.toml changes

# uv (pinned, from PyPI into the venv) installs the pinned set several times faster than pip
# (docs/decisions/0017); pip stays the fallback when uv cannot be had or fails. --compile-bytecode:
# uv writes no .pyc by default, and with PYTHONDONTWRITEBYTECODE set every process (pytest, each
# local stack) would compile boto3, moto and pydantic from source again. $(1): the extra to install.
define install
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if $(BIN)/python -m pip install -q uv==$(UV_VERSION) && \
		$(BIN)/uv pip install --python $(BIN)/python --compile-bytecode -c constraints.txt -e '.[$(1)]'; then :; \
	else \
		echo "uv failed: installing with pip" >&2; \
		$(BIN)/python -m pip install -c constraints.txt -e '.[$(1)]'; \
	fi
endef

# Everything: the local stack, the tests and the tools. It holds what `make run` needs too.
$(STAMP): pyproject.toml constraints.txt
	$(call install,dev)
	touch $@ $(RUN_STAMP)

# `make run` alone: the local stack's extra, about half the download of the tests' tools.
$(RUN_STAMP): pyproject.toml constraints.txt
	$(call install,local)
	touch $@

$(CHECKOV_STAMP): constraints-checkov.txt $(STAMP)
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	if $(BIN)/uv --version >/dev/null 2>&1; then \
		$(BIN)/uv pip install --python $(CHECKOV_VENV)/bin/python --compile-bytecode -r constraints-checkov.txt; \
	else \
		$(CHECKOV_VENV)/bin/python -m pip install -r constraints-checkov.txt; \
	fi
	touch $@

constraints: ## re-pin every transitive dependency after changing pyproject.toml
	$(BIN)/python -m pip install -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable --exclude uv; } > constraints.tmp
	mv constraints.tmp constraints.txt

# checkov takes ~3 s of CPU, most of it importing itself: it runs beside mypy, and its output is
# shown (and its failure fails lint) once mypy is done.
lint: venv $(CHECKOV_STAMP) ## ruff (lint + format check), mypy --strict, cfn-lint, checkov (.checkov.yaml)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml > $(VENV)/checkov.out 2>&1 & checkov=$$!; \
	$(BIN)/mypy layers/core infra tests bench; \
	for fn in functions/*/; do MYPYPATH=layers/core:infra:$$fn $(BIN)/mypy $$fn; done; \
	if wait $$checkov; then tail -n 3 $(VENV)/checkov.out; else cat $(VENV)/checkov.out; exit 1; fi
	@# (each function is its own Lambda code root, its app.py imports its sibling modules: one mypy run each)
	$(BIN)/cfn-lint template.yaml

# One worker per core, at most 4: each e2e worker runs a local stack and a browser of its own.
# A file's tests stay on one worker, so a module's stack and browser start once (docs/decisions/0028).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(max(1, min(4, len(os.sched_getaffinity(0)))))')

# Lint first: CI runs `make test` only, so the bar for style and types is enforced there too.
# pytest exits 5 when it collects no tests: that fails the target too, on purpose.
test: venv browser lint ## lint, then the whole test suite (unit, integration, contract, embedded, e2e)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# The e2e tests drive Debian's chromium through playwright (playwright's own browser download
# cannot work here); without fonts-noto-cjk Chinese renders as empty boxes in screenshots.
browser: ## chromium + CJK fonts for the e2e tests (apt-get, only when missing)
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-cjk; \
	fi

# The layer's .pyc are compiled by the runtime's Python: Debian's python3.13 is installed when no 3.13
# is found (docs/decisions/0010, 0027).
build: venv ## build/: the layer (arm64 py3.13 wheels, no Docker, .pyc), function folders, build/template.yaml
	$(BIN)/python infra/build.py --build-dir build --install-compiler

deploy: venv ## AWS CLI: package to S3_BUCKET, deploy stack STACK_NAME
	@test -n "$(S3_BUCKET)" || { echo "usage: make deploy S3_BUCKET=<artifact bucket> [STACK_NAME=… STAGE=… SENDER_EMAIL=…]" >&2; exit 2; }
	$(PYTHON) infra/deploy_tools/region_check.py "$(REGION)"
	$(MAKE) --no-print-directory build
	aws cloudformation package --template-file build/template.yaml \
		--s3-bucket $(S3_BUCKET) --s3-prefix $(STACK_NAME) --output-template-file build/packaged.yaml
	aws cloudformation deploy --template-file build/packaged.yaml --stack-name $(STACK_NAME) \
		--s3-bucket $(S3_BUCKET) --s3-prefix $(STACK_NAME) --capabilities $(CAPABILITIES) --parameter-overrides $(PARAMETERS) --no-fail-on-empty-changeset

smoke: ## after a deploy: make smoke URL=https://<api>.execute-api.<region>.amazonaws.com/<stage>/
	@test -n "$(URL)" || { echo "usage: make smoke URL=<the API's base URL>" >&2; exit 2; }
	$(PYTHON) infra/deploy_tools/smoke.py $(URL)

sam-deploy: build ## the same with SAM CLI (it creates its own artifact bucket)
	sam deploy --template-file build/template.yaml --stack-name $(STACK_NAME) --resolve-s3 \
		--capabilities $(CAPABILITIES) --parameter-overrides $(PARAMETERS) --no-fail-on-empty-changeset

run: $(RUN_STAMP) ## the embedded local stack (moto) serving the app
	$(BIN)/python -m local_stack

openapi: venv ## regenerate the OpenAPI document from the code
	$(BIN)/python infra/tools/openapi.py

clean: ## remove build output and caches (keeps .venv)
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove .venv
	rm -rf $(VENV)
