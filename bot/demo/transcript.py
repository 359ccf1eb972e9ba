"""What the demo prints: the people's acts as they made them, and what the bot sent, read back
from the platform stand-ins' records (never written by the demo itself)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.demo.standins.graph_api import GraphStandIn
from bot.demo.standins.telegram_api import StandIn

CARD_STARTS = ("New order draft", "Updated order draft")  # a seller's draft card


@dataclass
class Transcript:
    """Everything the demo showed, in order: (label, text); label "" is a section heading."""

    entries: list[tuple[str, str]] = field(default_factory=list)
    echo: bool = True

    def add(self, label: str, text: str) -> None:
        self.entries.append((label, text))
        if self.echo:
            print(self.format_entry(label, text), flush=True)

    def section(self, title: str) -> None:
        self.add("", title)

    def texts(self, label: str) -> list[str]:
        return [text for l, text in self.entries if l == label]

    @staticmethod
    def format_entry(label: str, text: str) -> str:
        if not label:
            return f"\n=== {text} ===\n"
        first, *rest = text.splitlines() or [""]
        return "\n".join([f"[{label}] {first}".rstrip(), *(f"    {line}" for line in rest)])

    def __str__(self) -> str:
        return "\n".join(self.format_entry(label, text) for label, text in self.entries)


def telegram_buttons(markup: Any) -> str:
    rows = (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []
    return "\n".join(" ".join(f"[{b['text']}]" for b in row) for row in rows)


def whatsapp_body(body: dict[str, Any]) -> tuple[str, str]:
    """(what the message says, its reply buttons) for a Cloud API send."""
    kind = body.get("type")
    if kind == "text":
        return body["text"]["body"], ""
    if kind == "interactive":
        interactive = body["interactive"]
        buttons = interactive.get("action", {}).get("buttons", [])
        return (interactive["body"]["text"],
                " ".join(f"[{b['reply']['title']}]" for b in buttons))
    if kind == "document":
        return f"(document) {body['document'].get('filename')}", ""
    return f"({kind})", ""


@dataclass
class Line:
    """One thing the bot did, before lines that say the same to several people are merged."""

    prefix: str   # "bot -> ", "card to ", ...
    name: str
    suffix: str   # "", ", answer", ...
    text: str

    def merges_with(self, other: Line) -> bool:
        return (self.prefix, self.suffix, self.text) == (other.prefix, other.suffix, other.text)


class Narrator:
    """Turns the stand-ins' new records (since the last call) into transcript lines."""

    def __init__(self, api: StandIn, graph: GraphStandIn, token: str) -> None:
        self.api, self.graph, self.token = api, graph, token
        self.names: dict[str, str] = {}            # chat id or wa_id -> the person's name
        self.tappers: dict[str, str] = {}          # callback_query_id -> who tapped
        self._calls = self._graph_calls = 0
        self._next_message_id = 1                  # the stand-in numbers a bot's messages from 1
        self._cards: set[int] = set()              # message ids of draft cards

    def name(self, chat_id: Any) -> str:
        return self.names.get(str(chat_id), f"chat {chat_id}")

    def new_lines(self) -> list[tuple[str, str]]:
        lines = [line for call in self.api.calls[self._calls:] for line in self._telegram(call)]
        self._calls = len(self.api.calls)
        for call in self.graph.calls[self._graph_calls:]:
            if call.status == 200:
                text, buttons = whatsapp_body(call.json)
                to = call.json.get("to") or call.json.get("recipient", {}).get("id")
                lines.append(Line("bot -> ", self.name(to), " on WhatsApp",
                                  "\n".join(filter(None, [text, buttons]))))
        self._graph_calls = len(self.graph.calls)
        return merged(lines)

    def _telegram(self, call: Any) -> list[Line]:
        if call.token != self.token or call.status != 200:
            return []
        p = call.params
        if call.method in ("sendMessage", "sendDocument"):
            message_id, self._next_message_id = self._next_message_id, self._next_message_id + 1
        if call.method == "sendMessage":
            text = "\n".join(filter(None, [str(p["text"]), telegram_buttons(p.get("reply_markup"))]))
            if str(p["text"]).startswith(CARD_STARTS):
                self._cards.add(message_id)
                return [Line("card to ", self.name(p["chat_id"]), "", text)]
            return [Line("bot -> ", self.name(p["chat_id"]), "", text)]
        if call.method == "editMessageText":
            text = "\n".join(filter(None, [str(p["text"]), telegram_buttons(p.get("reply_markup"))]))
            if int(p["message_id"]) in self._cards:
                return [Line("card edited for ", self.name(p["chat_id"]), "", text)]
            return [Line("bot -> ", self.name(p["chat_id"]), ", edited", text)]
        if call.method == "answerCallbackQuery" and p.get("text"):
            return [Line("bot -> ", self.tappers.get(str(p["callback_query_id"]), "?"),
                         ", answer", str(p["text"]))]
        if call.method == "sendDocument":
            return [self._document(p)]
        return []

    def _document(self, p: dict[str, Any]) -> Line:
        upload = p["document"] if isinstance(p["document"], dict) else {}
        content = upload.get("content") or b""
        kind = "PDF" if content.startswith(b"%PDF") else "not a PDF"
        text = f"{upload.get('filename')} ({upload.get('size')} bytes, {kind})"
        if p.get("caption"):
            text += f"\n{p['caption']}"
        return Line("bot -> ", self.name(p["chat_id"]), ", document", text)


def merged(lines: list[Line]) -> list[tuple[str, str]]:
    """Adjacent lines saying the same to several people become one: [card to Dana, Maria]."""
    out: list[tuple[Line, list[str]]] = []
    for line in lines:
        if out and out[-1][0].merges_with(line) and line.name not in out[-1][1]:
            out[-1][1].append(line.name)
        else:
            out.append((line, [line.name]))
    return [(f"{line.prefix}{', '.join(names)}{line.suffix}", line.text) for line, names in out]
