# The two commands of the README: `make demo` and `make test`. Both create .venv with
# the Python found as $(PYTHON) (3.11 or newer) and install exactly the versions in
# constraints.txt, so every machine renders the same bytes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/to-cong-nghe-so-2022/cong-van.yaml

.PHONY: demo test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A plain (non-editable) install, as a user gets it: templates and fonts come from the wheel.
demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt .
	$(BIN)/congvan render $(EXAMPLE) --out output
	@echo "Open output/cong-van.pdf and output/cong-van.docx"

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) output build dist tests/results
