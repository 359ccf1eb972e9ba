# orderbot: one image for the server and the admin commands.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/__init__.py
COPY ingestion/__init__.py ingestion/__init__.py
COPY orders/__init__.py orders/__init__.py
COPY migrations/__init__.py migrations/__init__.py
RUN pip install . && pip uninstall -y orderbot

COPY . .
# Editable: alembic.ini and migrations/ stay beside the code (orders/migrate.py finds them there).
RUN pip install --no-deps -e . && useradd --create-home orderbot
USER orderbot

EXPOSE 8080
# `exec`: serve replaces the shell as PID 1, so SIGTERM (docker stop) reaches it and it shuts
# down gracefully; without it the shell gets the signal, ignores it, and serve is killed.
CMD ["sh", "-c", "orderbot migrate && exec orderbot serve"]
