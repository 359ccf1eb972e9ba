"""Test doubles of the platforms' send APIs (Telegram Bot API, Graph API) on 127.0.0.1, used by
`make demo` and by the tests."""
