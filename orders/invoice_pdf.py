"""An invoice snapshot (orders.services.invoices.snapshot) to PDF bytes, with fpdf2. Pure: the same
snapshot gives the same document (its creation date is the invoice's date, not the clock's).

fpdf2's built-in Helvetica covers Latin-1 only, and the project ships no font files; characters
outside it print as "?" rather than failing the invoice.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from fpdf import FPDF

WIDTHS = (88, 18, 32, 32)  # description, quantity, unit price, amount (mm; A4 minus margins)


def _text(value: Any) -> str:
    return str(value if value is not None else "").encode("latin-1", "replace").decode("latin-1")


def render_invoice_pdf(invoice: dict[str, Any]) -> bytes:
    issued = datetime.fromisoformat(invoice["issued_at"])
    currency = invoice["currency"]
    pdf = FPDF(format="A4")
    pdf.set_creation_date(issued)
    pdf.set_title(_text(f"Invoice {invoice['invoice_number']}"))
    pdf.set_author(_text(invoice["shop"]["name"]))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _text(invoice["shop"]["name"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for label, value in (("Invoice", invoice["invoice_number"]),
                         ("Date", issued.date().isoformat()),
                         ("Order", invoice["order_number"])):
        pdf.cell(0, 6, _text(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    customer = invoice.get("customer") or {}
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for part in (customer.get("name"), customer.get("phone"), customer.get("address")):
        if part:
            pdf.multi_cell(0, 6, _text(part), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _lines(pdf, invoice["lines"], currency)
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    for label, key in (("Total", "total"), ("Paid", "paid")):
        pdf.cell(sum(WIDTHS[:3]), 7, label, align="R")
        pdf.cell(WIDTHS[3], 7, _text(f"{invoice[key]} {currency}"), align="R",
                 new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _lines(pdf: FPDF, lines: list[dict[str, Any]], currency: str) -> None:
    pdf.set_font("Helvetica", "B", 10)
    for width, title, align in zip(WIDTHS, ("Item", "Qty", "Unit price", "Amount"),
                                   ("L", "R", "R", "R")):
        pdf.cell(width, 7, title, border="B", align=align)
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for line in lines:
        name = line["name"] + (f" ({', '.join(line['options'])})" if line.get("options") else "")
        pdf.cell(WIDTHS[0], 7, _text(name)[:60])
        pdf.cell(WIDTHS[1], 7, str(line["quantity"]), align="R")
        pdf.cell(WIDTHS[2], 7, _text(f"{line['unit_price']} {currency}"), align="R")
        pdf.cell(WIDTHS[3], 7, _text(f"{line['line_total']} {currency}"), align="R",
                 new_x="LMARGIN", new_y="NEXT")
