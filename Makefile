# Two commands set everything up on a fresh machine (Debian, Python 3.11, root):
#   make build   # virtualenv + pinned dependencies, then builds the sample site into output/
#   make test    # the same plus test tools and Chromium, then the whole test suite
# Both are idempotent: dependencies are reinstalled only when a requirements file changes.

VENV   := .venv
PYTHON := $(VENV)/bin/python
INVOKE := $(VENV)/bin/invoke
STAMPS := $(VENV)/.stamps

.PHONY: build test check serve livereload clean bench publish lint system-deps

$(PYTHON):
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip

$(STAMPS)/runtime: requirements.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet -r requirements.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/test: requirements-test.txt requirements.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet -r requirements-test.txt
	@mkdir -p $(STAMPS) && touch $@ $(STAMPS)/runtime

# The current Nu HTML Checker (npm's vnu-jar, pinned in tests/vnu/package-lock.json).
VNU_JAR := tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR): tests/vnu/package.json tests/vnu/package-lock.json
	npm ci --prefix tests/vnu --no-audit --no-fund --loglevel=error
	@touch $@

# Debian packages the tests use: Chromium (browser tests; Playwright drives it, it
# never downloads a browser), nginx (the server test) and Java (Nu HTML validator).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium chromium-driver fonts-liberation"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v rsync >/dev/null || missing="$$missing rsync"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: $(STAMPS)/runtime
	$(INVOKE) build

test: $(STAMPS)/test system-deps $(VNU_JAR)
	$(PYTHON) -m pytest

check: $(STAMPS)/runtime
	$(INVOKE) check

serve: $(STAMPS)/runtime
	$(INVOKE) serve

livereload: $(STAMPS)/runtime
	$(INVOKE) livereload

bench: $(STAMPS)/runtime
	$(INVOKE) bench

publish: $(STAMPS)/runtime
	$(INVOKE) publish

lint: $(STAMPS)/test
	$(VENV)/bin/ruff check plugins tools tests tasks.py pelicanconf.py publishconf.py
	$(VENV)/bin/ruff format --check plugins tools tasks.py pelicanconf.py publishconf.py

clean:
	$(INVOKE) clean
