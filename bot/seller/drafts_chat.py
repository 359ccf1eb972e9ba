"""The draft card's buttons: Approve, Reject (with the reason the customer reads) and Edit, a short
guided flow (a line's quantity, options or removal; an added item; the address) that ends back
at the card, which the outbox redraws in every seller chat after each change."""
from __future__ import annotations

import uuid
from typing import Any

from telegram import Update

from bot import messages
from bot.models import SellerPrompt
from bot.seller import prompts
from bot.seller.chat import ask_in_chat, Button, Context, answer, chat_key, pressed, say, seller_of, shop_of
from ingestion.drafts.queries import read_draft
from ingestion.drafts.service import approve_draft, edit_draft, reject_draft
from ingestion.drafts.status import can_decide
from ingestion.errors import DraftAlreadyDecided, InvalidDraftEdit
from ingestion.models import Draft
from ingestion.parser import parse
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.services import load_catalog

# ---- the card ----------------------------------------------------------------------------


async def approve(update: Update, context: Context) -> None:
    """Approve: the claim. A second tap, anyone's, hears who was first."""
    _, draft_id = pressed(update, context)
    approval = await approve_draft(shop_of(context).uow(), await seller_of(update, context), draft_id)
    await answer(update, f"Approved as {approval.order.number}.")


async def send_as_quote(update: Update, context: Context) -> None:
    """Send as quote: the draft becomes a quote its customer accepts in their own chat."""
    _, draft_id = pressed(update, context)
    made = await approve_draft(shop_of(context).uow(), await seller_of(update, context), draft_id,
                               as_quote=True)
    await answer(update, f"Sent to the customer as quote {made.order.number}.")


async def reject(update: Update, context: Context) -> None:
    """Reject: ask for the reason the customer will read."""
    _, draft_id = pressed(update, context)
    actor = await seller_of(update, context)
    await _pending(context, actor, draft_id)
    await _ask(update, context, "reject_reason", draft_id)
    await answer(update, "Why? Send the reason.")
    await say(update, context, "Send the reason for rejecting this order; the customer will read "
              "it. Or tap No reason.", [[("No reason", "rn", draft_id)]])


async def reject_without_reason(update: Update, context: Context) -> None:
    """No reason: reject at once."""
    _, draft_id = pressed(update, context)
    await _reject(update, context, await seller_of(update, context), draft_id, None)


async def reject_with_reason(update: Update, context: Context, actor: Actor,
                             prompt: SellerPrompt, text: str) -> None:
    await _reject(update, context, actor, prompt.target_id, text.strip()[:500])


async def _reject(update: Update, context: Context, actor: Actor, draft_id: uuid.UUID,
                  reason: str | None) -> None:
    await reject_draft(shop_of(context).uow(), actor, draft_id, reason)
    await _forget(update, context)
    await answer(update, "Rejected; the customer has been told" + (f": {reason}" if reason else "."))


# ---- edit: the menus ---------------------------------------------------------------------


async def edit(update: Update, context: Context) -> None:
    """Edit: the draft's lines as buttons, with Add item, Address and Done."""
    _, draft_id = pressed(update, context)
    draft = await _pending(context, await seller_of(update, context), draft_id)
    await answer(update, "Editing.")
    await _menu(update, context, draft)


async def edit_line(update: Update, context: Context) -> None:
    """One line: change its quantity or options, or remove it."""
    action, draft_id = pressed(update, context)
    index = _index(action)
    draft = await _pending(context, await seller_of(update, context), draft_id)
    line = _line(draft, index)
    catalog = await load_catalog(shop_of(context).uow(), draft.shop_id)
    await answer(update, "")
    await say(update, context, f"Line {index + 1}: {messages.describe_line(line, catalog)}",
              [[("Quantity", f"eq{index}", draft_id), ("Options", f"eo{index}", draft_id),
                ("Remove", f"ex{index}", draft_id)], [("Back", "e", draft_id)]])


async def done(update: Update, context: Context) -> None:
    """Done: close the edit menu; the card above shows the draft as it is now."""
    await seller_of(update, context)
    pressed(update, context)
    await _forget(update, context)
    await update.callback_query.answer("Done.")
    await update.callback_query.edit_message_text("Editing finished: the card shows the changes.")


async def remove_line(update: Update, context: Context) -> None:
    """Remove: the line goes, the menu comes back."""
    action, draft_id = pressed(update, context)
    draft = await _edit(context, await seller_of(update, context), draft_id,
                        [{"op": "remove_line", "line": _index(action)}])
    await answer(update, "Removed.")
    await _menu(update, context, draft)


# ---- edit: questions and their answers ---------------------------------------------------

QUESTIONS = {
    "eq": ("draft_quantity", "Send the new quantity for {line}."),
    "eo": ("draft_options", "Send the options for {line} in words, e.g. \"large, extra cheese, "
                            "no onions\". They replace the line's options."),
    "ea": ("draft_add", "Send the item to add in words, e.g. \"2 large margherita\"."),
    "ed": ("draft_address", "Send the delivery address."),
}


async def ask(update: Update, context: Context) -> None:
    """Quantity, Options, Add item, Address: ask for it in words."""
    action, draft_id = pressed(update, context)
    draft = await _pending(context, await seller_of(update, context), draft_id)
    kind, question = QUESTIONS[action[:2]]
    index = _index(action) if action[2:] else None
    line = ""
    if index is not None:
        catalog = await load_catalog(shop_of(context).uow(), draft.shop_id)
        line = messages.describe_line(_line(draft, index), catalog)
    await _ask(update, context, kind, draft_id, line=index)
    await answer(update, "")
    await ask_in_chat(update, context, question.format(line=line))


async def set_quantity(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                       text: str) -> None:
    try:
        quantity = int(text.strip())
    except ValueError:
        raise InvalidDraftEdit(f"send a whole number, not {text.strip()!r}") from None
    await _saved(update, context, actor, prompt,
                 [{"op": "set_quantity", "line": prompt.data["line"], "quantity": quantity}])


async def set_options(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                      text: str) -> None:
    draft = await _pending(context, actor, prompt.target_id)
    index = prompt.data["line"]
    line = _line(draft, index)
    read = await _parse(context, draft, f"1 {line['name']} {text}")
    same = next((new for new in read["lines"] if new["sku"] == line["sku"]), None)
    if same is None:
        raise InvalidDraftEdit(f"I could not read options of {line['name']} in {text!r}")
    edits: list[dict[str, Any]] = [{"op": "remove_option", "line": index, "group": o["group"],
                                    "code": o["code"]} for o in line.get("options") or []]
    edits += [{"op": "set_option", "line": index, **_option(o)} for o in same.get("options") or []]
    await _saved(update, context, actor, prompt, edits)


async def add_item(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                   text: str) -> None:
    draft = await _pending(context, actor, prompt.target_id)
    read = await _parse(context, draft, text)
    if not read["lines"]:
        raise InvalidDraftEdit(f"nothing in {text!r} matches the catalog")
    await _saved(update, context, actor, prompt, [
        {"op": "add_line", "sku": line["sku"], "quantity": line["quantity"],
         "options": [_option(o) for o in line.get("options") or []]} for line in read["lines"]])


async def set_address(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                      text: str) -> None:
    await _saved(update, context, actor, prompt,
                 [{"op": "set_contact", "address": text.strip()[:500]}])


# ---- shared steps ------------------------------------------------------------------------


async def _pending(context: Context, actor: Actor, draft_id: uuid.UUID) -> Draft:
    """The draft, if the seller may still decide it; else who decided it."""
    actor.require(Permission.APPROVE_DRAFT)
    draft = await read_draft(shop_of(context).uow(), actor, draft_id)
    if not can_decide(draft.status):
        raise DraftAlreadyDecided.of(draft)
    return draft


async def _edit(context: Context, actor: Actor, draft_id: uuid.UUID,
                edits: list[dict[str, Any]]) -> Draft:
    shop = shop_of(context)
    return await edit_draft(shop.uow(), actor, draft_id, edits, shop.catalogs)


async def _saved(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                 edits: list[dict[str, Any]]) -> None:
    draft = await _edit(context, actor, prompt.target_id, edits)
    await _forget(update, context)
    await answer(update, f"Saved. Confidence now {round(draft.confidence * 100)}%.")
    await _menu(update, context, draft)


async def _menu(update: Update, context: Context, draft: Draft) -> None:
    catalog = await load_catalog(shop_of(context).uow(), draft.shop_id)
    lines = draft.content.get("lines") or []
    rows: list[list[Button]] = [
        [(f"{i + 1}. {messages.describe_line(line, catalog)}"[:60], f"el{i}", draft.id)]
        for i, line in enumerate(lines[:20])]
    rows += [[("Add item", "ea", draft.id), ("Address", "ed", draft.id)],
             [("Done", "ec", draft.id)]]
    text = "What would you like to change?" if lines else "The draft has no items yet."
    await say(update, context, text, rows)


async def _ask(update: Update, context: Context, kind: str, target: uuid.UUID, **data: Any) -> None:
    user, chat = chat_key(update)
    async with shop_of(context).uow() as uow:
        await prompts.ask(uow, shop_of(context).shop_id, user, chat, kind, target, **data)
        await uow.commit()


async def _forget(update: Update, context: Context) -> None:
    user, chat = chat_key(update)
    async with shop_of(context).uow() as uow:
        await prompts.forget(uow, shop_of(context).shop_id, user, chat)
        await uow.commit()


async def _parse(context: Context, draft: Draft, text: str) -> dict[str, Any]:
    shop = shop_of(context)
    async with shop.uow().reading() as uow:
        catalog = await shop.catalogs.get(uow.session, await uow.shops.get(draft.shop_id))
    return parse(text, catalog).to_dict()


def _option(option: dict[str, Any]) -> dict[str, Any]:
    return {k: option[k] for k in ("group", "code", "qualifier", "negated") if option.get(k)}


def _index(action: str) -> int:
    return int(action[2:])


def _line(draft: Draft, index: int) -> dict[str, Any]:
    lines = draft.content.get("lines") or []
    if not 0 <= index < len(lines):
        raise InvalidDraftEdit(f"the draft has no line {index + 1} any more; open Edit again")
    return lines[index]
