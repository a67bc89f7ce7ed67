# The two commands a newcomer needs: `make run` and `make test`. Everything else they depend on is here.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
PROTOS := $(shell find protos -name '*.proto')
PYTEST_ARGS ?=
RUN_ARGS ?= --demo

.PHONY: run test protos lint install node clean

run: $(STAMPS)/protos
	$(VENV)/bin/jifen up $(RUN_ARGS)

test: $(STAMPS)/protos $(STAMPS)/node
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMPS)/install

protos: $(STAMPS)/protos

node: $(STAMPS)/node

lint: $(STAMPS)/protos $(STAMPS)/node
	npx --no-install buf lint
	$(PY) -m ruff check jifen services tests

$(STAMPS)/install: pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# Generated code is never committed: it is made here from protos/ and cannot drift.
$(STAMPS)/protos: $(STAMPS)/install $(PROTOS)
	rm -rf jifen/members jifen/points jifen/market jifen/events
	$(PY) -m grpc_tools.protoc -I protos --python_out=. --grpc_python_out=. --pyi_out=. $(PROTOS)
	@touch $@

$(STAMPS)/node: package.json
	@mkdir -p $(STAMPS)
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf $(STAMPS) $(VENV) node_modules jifen/members jifen/points jifen/market jifen/events
