"""Fuzzing the webhook endpoints (hypothesis): malformed, truncated, oversized, wrongly signed and
deeply nested bodies against every POST endpoint, and random queries against the WhatsApp GET.
Every answer is a refusal (400/401/404/413; 403 for a wrong verify token) or, for a well-formed
envelope that carries no message, 200 with nothing received; never a 500, and never an inbox row.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from tests.e2e.conftest import (IG_APP_SECRET, SLUG, TELEGRAM_SECRET, WA_APP_SECRET,  # noqa: F401
                                client, payload, pizzeria, settings, sign)

REFUSED = {400, 401, 404, 413}
EXAMPLES = hsettings(max_examples=40, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])

TELEGRAM = f"/webhooks/telegram/{SLUG}"
ENDPOINTS = {  # path -> (valid payload, how to sign a body with the right secret)
    TELEGRAM: ("telegram/message.json",
               lambda body: {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}),
    "/webhooks/whatsapp": ("whatsapp/text.json",
                           lambda body: {"X-Hub-Signature-256": sign(WA_APP_SECRET, body)}),
    "/webhooks/instagram": ("instagram/text.json",
                            lambda body: {"X-Hub-Signature-256": sign(IG_APP_SECRET, body)}),
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=20)


def valid_body(path: str) -> bytes:
    return json.dumps(payload(ENDPOINTS[path][0])).encode()


def nested(depth: int, opener: str) -> bytes:
    if opener == "[":
        return b"[" * depth + b"]" * depth
    return b'{"entry": ' * depth + b"1" + b"}" * depth


@st.composite
def bad_bodies(draw) -> bytes:
    """A body that is wrong as JSON or as the platform's shape (signed correctly later)."""
    kind = draw(st.sampled_from(["bytes", "truncated", "nested", "json", "mutated"]))
    path = draw(st.sampled_from(sorted(ENDPOINTS)))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "truncated":
        body = valid_body(path)
        return body[:draw(st.integers(0, len(body) - 1))]
    if kind == "nested":
        return nested(draw(st.integers(500, 200_000)), draw(st.sampled_from("[{")))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    data = payload(ENDPOINTS[path][0])  # a real envelope with one key's value replaced
    key = draw(st.sampled_from(sorted(data)))
    # update_id true/false is accepted today (bool is an int): that known bug has its own test.
    data[key] = draw(json_values.filter(lambda v: key != "update_id" or not isinstance(v, bool)))
    return json.dumps(data).encode()


async def assert_refused_and_nothing_stored(resp, pizzeria) -> None:
    assert resp.status != 500
    if resp.status == 200:  # a well-formed envelope without messages: answered, not stored
        assert (await resp.json())["received"] == 0
    else:
        assert resp.status in REFUSED, resp.status
        assert "error" in await resp.json()
    assert await pizzeria.inbox_count() == 0


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
@EXAMPLES
@given(body=bad_bodies())
async def test_correctly_signed_bad_bodies_are_refused(client, pizzeria, path, body):
    resp = await client.post(path, data=body, headers=ENDPOINTS[path][1](body))
    await assert_refused_and_nothing_stored(resp, pizzeria)


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
@EXAMPLES
@given(secret=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80), header=st.sampled_from(
    ["X-Telegram-Bot-Api-Secret-Token", "X-Hub-Signature-256", "X-Hub-Signature"]),
    body_kind=st.sampled_from(["valid", "nested", "garbage"]), garbage=st.binary(max_size=100))
async def test_wrongly_signed_requests_are_refused(client, pizzeria, path, secret, header,
                                                   body_kind, garbage):
    body = {"valid": valid_body(path), "nested": nested(50_000, "["), "garbage": garbage}[body_kind]
    value = sign(secret, body) if header.startswith("X-Hub") else secret
    if value in (TELEGRAM_SECRET, sign(WA_APP_SECRET, body), sign(IG_APP_SECRET, body)):
        return  # hypothesis found the secret: not a wrong signature
    resp = await client.post(path, data=body, headers={header: value})
    await assert_refused_and_nothing_stored(resp, pizzeria)
    if body_kind == "valid":
        assert resp.status == 401


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
@hsettings(max_examples=6, deadline=None, derandomize=True,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(extra=st.integers(1, 200_000), chunked=st.booleans())
async def test_oversized_bodies_are_413(client, pizzeria, settings, path, extra, chunked):
    body = valid_body(path)[:-1] + b', "pad": "' + b"x" * (settings.WEBHOOK_MAX_BODY_BYTES + extra) + b'"}'

    async def stream():  # no Content-Length: the limit is enforced while reading
        for start in range(0, len(body), 16384):
            yield body[start:start + 16384]

    resp = await client.post(path, data=stream() if chunked else body,
                             headers=ENDPOINTS[path][1](body))
    assert resp.status == 413
    assert await pizzeria.inbox_count() == 0


@EXAMPLES
@given(query=st.dictionaries(
    st.sampled_from(["hub.mode", "hub.verify_token", "hub.challenge", "x"]),
    st.text(max_size=30), max_size=4))
async def test_whatsapp_verification_with_random_queries_never_fails(client, pizzeria, query):
    resp = await client.get("/webhooks/whatsapp", params=query)
    assert resp.status in {200, 400, 403}
    if resp.status == 200:
        assert await resp.text() == query["hub.challenge"]
    assert await pizzeria.inbox_count() == 0


@pytest.mark.parametrize("update_id", [True, False])
async def test_telegram_boolean_update_id_is_refused(client, pizzeria, update_id):
    data = payload("telegram/message.json") | {"update_id": update_id}
    resp = await client.post(TELEGRAM, json=data,
                             headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert resp.status == 400 and await pizzeria.inbox_count() == 0


async def test_telegram_text_with_a_nul_character_is_not_answered_503_forever(client, pizzeria):
    """A NUL in a message is valid JSON that PostgreSQL's jsonb refuses: the inbox drops it."""
    data = payload("telegram/message.json")
    data["message"]["text"] = "a pizza\u0000please"
    resp = await client.post(TELEGRAM, json=data,
                             headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert resp.status == 200 and await pizzeria.inbox_count() == 1
