"""The parser's output: a draft order in DESIGN.md's Draft JSON shape (plus `intent`)."""
from __future__ import annotations

from dataclasses import dataclass, field

# Intents the bot can act on when there is no order in the message.
ORDER = "order"
GREETING = "greeting"
STATUS_QUESTION = "status_question"
CANCEL = "cancel"
PAID = "paid"                          # "I paid", "ya pagué": about an order already placed
MENU_QUESTION = "menu_question"
THANKS = "thanks"
CONTACT_DETAILS = "contact_details"   # only a name, phone or address ("my address is 12 Elm St")
OTHER = "other"


@dataclass(slots=True)
class DraftOption:
    group: str
    code: str
    qualifier: str | None = None
    negated: bool = False

    def to_dict(self) -> dict:
        out: dict = {"group": self.group, "code": self.code}
        if self.qualifier:
            out["qualifier"] = self.qualifier
        if self.negated:
            out["negated"] = True
        return out


@dataclass(slots=True)
class DraftLine:
    sku: str
    name: str
    quantity: int
    confidence: float
    text: str
    options: list[DraftOption] = field(default_factory=list)
    unit_price: str | None = None      # set only for carts, which carry the price paid
    currency: str | None = None

    def to_dict(self) -> dict:
        out = {"sku": self.sku, "name": self.name, "quantity": self.quantity,
               "confidence": round(self.confidence, 3), "text": self.text,
               "options": [o.to_dict() for o in self.options]}
        if self.unit_price is not None:
            out["unit_price"] = self.unit_price
        if self.currency is not None:
            out["currency"] = self.currency
        return out


@dataclass(slots=True)
class Contact:
    name: str | None = None
    phone: str | None = None           # E.164
    address: str | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "phone": self.phone, "address": self.address}


@dataclass(slots=True)
class Draft:
    lines: list[DraftLine] = field(default_factory=list)
    contact: Contact = field(default_factory=Contact)
    note: str | None = None
    confidence: float = 0.0
    unparsed: list[str] = field(default_factory=list)
    clarifications: list[str] = field(default_factory=list)
    intent: str = OTHER
    # For a question a tap can answer: {"question": one of `clarifications`, "options": [...]},
    # each option a word the parser reads back as that answer ("large").
    choices: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"lines": [line.to_dict() for line in self.lines], "contact": self.contact.to_dict(),
                "note": self.note, "confidence": round(self.confidence, 3),
                "unparsed": list(self.unparsed), "clarifications": list(self.clarifications),
                "intent": self.intent,
                "choices": [{"question": c["question"], "options": list(c["options"])}
                            for c in self.choices]}
