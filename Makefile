# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= output

.PHONY: setup run lint test browser clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebooks,test]'
	@touch $(STAMP)

setup: $(STAMP)

## run: set up, then run the notebook suite over the built-in scenarios and write the HTML report
run: setup
	$(BIN)/twosector batch --out $(OUT)

## browser: Debian chromium, for the rendered-chart checks and static images (installed when root)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; \
	  elif command -v sudo >/dev/null 2>&1; then \
	    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; \
	  fi ; \
	  command -v chromium >/dev/null 2>&1 || { echo "chromium is needed for the browser checks: apt-get install chromium" >&2; exit 1; } ; }

## lint: ruff (rules in pyproject.toml [tool.ruff]; no formatter), mypy ([tool.mypy]) and the import layers
## ([tool.importlinter])
lint: setup
	$(BIN)/ruff check
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: set up, lint, then run the whole test suite (pytest exit 5, "no tests ran", is a failure)
test: lint browser
	@$(BIN)/python -m pytest -n 2 ; rc=$$? ; \
	if [ $$rc -eq 5 ] ; then echo "pytest collected no tests: failing" >&2 ; exit 1 ; fi ; exit $$rc

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
