# The two commands of the README: `make demo` and `make test`. Both create .venv with
# the Python found as $(PYTHON) (3.11 or newer) and install exactly the versions in
# constraints.txt, so every machine renders the same bytes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/to-cong-nghe-so-2022/cong-van.yaml

.PHONY: demo test clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A plain (non-editable) install, as a user gets it: templates and fonts come from the wheel.
demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt .
	$(BIN)/congvan render $(EXAMPLE) --out output
	@echo "Đã tạo output/cong-van.pdf và output/cong-van.docx. Chạy congvan: .venv/bin/congvan --help (hoặc source .venv/bin/activate rồi gõ congvan); công văn của bạn: .venv/bin/congvan init cong-van-cua-toi"

# The tests read the DOCX as LibreOffice lays it out and drive the web app in a real
# Chromium: install both from Debian's packages when they are missing (as root, as CI
# runs). Elsewhere the tests that need them skip, naming the missing program. LibreOffice
# must lay out Times New Roman with Liberation Serif's widths, as the PDF does.
SYSTEM_PROGRAMS := soffice chromium
SYSTEM_PACKAGES := libreoffice-writer-nogui fonts-liberation2 chromium chromium-driver poppler-utils

system-deps:
	@missing=""; for p in $(SYSTEM_PROGRAMS); do command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if command -v fc-list >/dev/null 2>&1 && ! fc-list | grep -q "Liberation Serif"; then missing="$$missing fonts-liberation2"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else echo "Not installed:$$missing; the tests that need them will be skipped."; fi; \
	fi

test: $(BIN)/python system-deps
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) output build dist tests/results
