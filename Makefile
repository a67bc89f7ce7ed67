# The two commands a newcomer needs: `make run` and `make test`. Everything else they depend on is here.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
PROTOS := $(shell find protos -name '*.proto')
PYTEST_ARGS ?=
RUN_ARGS ?= --demo

.PHONY: run test protos lint install node messages clean

run: $(STAMPS)/protos $(STAMPS)/node
	$(VENV)/bin/jifen up $(RUN_ARGS)

# The architecture rules first: a broken one fails in a second, before the long test run.
test: $(STAMPS)/protos $(STAMPS)/node
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMPS)/install

protos: $(STAMPS)/protos

node: $(STAMPS)/node

lint: $(STAMPS)/protos $(STAMPS)/node
	npx --no-install buf lint
	$(PY) -m ruff check jifen services tests demo
	$(VENV)/bin/lint-imports

# Dependencies only from the hashed lock file (a tampered or substituted package fails the install);
# then jifen itself, editable, adding nothing the lock does not hold.
$(STAMPS)/install: pyproject.toml requirements.lock
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

# Generated code is never committed: it is made here from protos/ into gen/ and cannot drift.
# A .pth file puts gen/ on the venv's path, where the jifen package (a pkgutil namespace) finds it.
$(STAMPS)/protos: $(STAMPS)/install $(PROTOS)
	rm -rf gen && mkdir -p gen
	$(PY) -m grpc_tools.protoc -I protos --python_out=gen --grpc_python_out=gen --pyi_out=gen $(PROTOS)
	echo "$(CURDIR)/gen" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/jifen-contracts.pth"
	@touch $@

# Front-end files come from the npm registry and are served by the gateway itself (no CDN).
VENDOR := services/gateway/static/vendor
$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS) $(VENDOR)
	npm install --no-audit --no-fund --loglevel=error
	cp node_modules/qr-scanner/qr-scanner.umd.min.js node_modules/qr-scanner/qr-scanner-worker.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	@touch $@

# New Chinese texts join the English catalogue, for a person to translate (services/gateway/catalogue.py).
messages: $(STAMPS)/install
	$(VENV)/bin/pybabel -q extract -F services/gateway/babel.cfg -k _ -k gettext --no-location --omit-header \
		-o $(STAMPS)/messages.pot services/gateway
	$(PY) -m services.gateway.catalogue $(STAMPS)/messages.pot

clean:
	rm -rf $(STAMPS) $(VENV) node_modules gen services/gateway/static/vendor
