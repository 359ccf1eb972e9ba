# make demo: the whole flow on embedded SQLite, no tokens.   make test: every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
TEST_DB ?= orderbot_test
export TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/$(TEST_DB)

.PHONY: install demo test serve clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) -m bot.demo

test: install
	$(PY) tests/testdb.py --admin-url $(PG_ADMIN_URL) --name $(TEST_DB)
	$(PY) -m pytest -q

serve: install
	$(VENV)/bin/orderbot migrate && $(VENV)/bin/orderbot serve

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
