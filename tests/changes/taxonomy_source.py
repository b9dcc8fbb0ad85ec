"""Regenerate ``tests/fixtures/changes/taxonomy.json`` from edgartools' US-GAAP standardisation.

    python -m pip download --no-deps edgartools==5.62.1 -d /tmp/edgar
    python -m tests.changes.taxonomy_source /tmp/edgar/edgartools-5.62.1-py3-none-any.whl

edgartools (MIT) ships ``edgar/xbrl/standardization/concept_mappings.json``: each standard line-item
label of a US-GAAP statement ("Cost of Revenue", "Net Cash from Operating Activities") with the
us-gaap concepts companies file it under. The fixture keeps each label, its first concepts, and
what the reader makes of it: the lexicon item it reads (with its polarity), or why the label stays
out (`OUT`). `tests/changes/test_taxonomy.py` checks the lexicon against it; edgartools is never a
runtime (or test) dependency.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

FIXTURE = Path(__file__).parents[1] / "fixtures" / "changes" / "taxonomy.json"
MEMBER = "edgar/xbrl/standardization/concept_mappings.json"

_BALANCE = "a balance-sheet level: higher is neither good nor bad news by itself"
_FLOW = "an investing or financing flow: its sign says what was done, not how it went"
_SHARES = "a share count: never a change (a control)"
#: Standard labels the reader leaves out, and why.
OUT = {
    "Nonoperating Income/Expense": "a net of income and expense: no better direction",
    "Income Tax Expense": "it rises with profit: no better direction (the effective tax rate is read, lower is better)",
    "Accumulated Other Comprehensive Income/Loss": _BALANCE,
    "Shares Outstanding": _SHARES,
    "Shares Outstanding (Basic)": _SHARES,
    "Shares Outstanding (Diluted)": _SHARES,
    "Common Stock Shares Outstanding": _SHARES,
    "Common Stock Shares Issued": _SHARES,
    "Accounts Receivable": _BALANCE + " (working capital is read as DSO)",
    "Inventory": _BALANCE + " (inventories stay unknown; inventory days are read)",
    "Prepaid Expenses": _BALANCE,
    "Current Marketable Securities": _BALANCE,
    "Non Current Marketable Securities": _BALANCE,
    "Total Current Assets": _BALANCE,
    "Total Non Current Assets": _BALANCE,
    "Property, Plant and Equipment": _BALANCE,
    "Goodwill": _BALANCE + " (its impairment is read)",
    "Intangible Assets": _BALANCE,
    "Total Assets": _BALANCE,
    "Long-Term Investments": _BALANCE,
    "Accounts Payable": _BALANCE,
    "Accrued Liabilities": _BALANCE,
    "Short Term Debt": _BALANCE + " (net debt and leverage are read)",
    "Total Current Liabilities": _BALANCE,
    "Total Non Current Liabilities": _BALANCE,
    "Long Term Debt": _BALANCE + " (net debt and leverage are read)",
    "Notes Payable, Current": _BALANCE,
    "Notes Payable, Non Current": _BALANCE,
    "Deferred Revenue": _BALANCE,
    "Total Liabilities": _BALANCE,
    "Common Stock": _BALANCE,
    "Preferred Stock": _BALANCE,
    "Treasury Stock Common Value": _BALANCE,
    "Retained Earnings": _BALANCE,
    "Minority Interest": _BALANCE,
    "Total Stockholders' Equity": _BALANCE + " (the equity ratio is read)",
    "Total Liabilities and Stockholders' Equity": _BALANCE,
    "Net Cash from Investing Activities": _FLOW,
    "Net Cash from Financing Activities": _FLOW,
    "Net Change in Cash": _FLOW,
    "Payments for Property, Plant and Equipment": "capital expenditure: more can be growth or a burden",
    "Payments of Dividends": _FLOW + " (a dividend per share is read)",
    "Tax Withholding for Share-Based Compensation": _FLOW,
    "Payments to Acquire Businesses": _FLOW,
    "Proceeds from Issuance of Common Stock": _FLOW,
    "Proceeds from Issuance of Long-Term Debt": _FLOW,
    "Proceeds from Maturities, Prepayments and Calls of Securities": _FLOW,
    "Proceeds from Sale and Maturity of Other Investments": _FLOW,
    "Proceeds from Sale of Debt Securities, ": _FLOW,
    "Proceeds from (Repayments of) Commercial Paper": _FLOW,
    "Other Assets": _BALANCE,
    "Other Current Assets": _BALANCE,
    "Other Non Current Assets": _BALANCE,
    "Deferred Tax Assets": _BALANCE,
    "Other Liabilities": _BALANCE,
    "Other Current Liabilities": _BALANCE,
    "Other Non Current Liabilities": _BALANCE,
    "Depreciation and Amortization": "a non-cash charge: no better direction an analyst agrees on",
}


def build(wheel: Path) -> list[dict[str, object]]:
    from finlocal.changes.vocabulary import ITEMS, METRIC_RE

    with zipfile.ZipFile(wheel) as z:
        mappings = json.loads(z.read(MEMBER))
    rows: list[dict[str, object]] = []
    for label, concepts in mappings.items():
        if label.startswith("_"):
            continue
        row: dict[str, object] = {"label": label, "us_gaap": list(concepts)[:3]}
        if label in OUT:
            row["out"] = OUT[label]
        else:
            m = METRIC_RE.search(label)
            if m is None:
                raise SystemExit(f"{label!r}: the reader reads no item; add it to the lexicon or to OUT")
            row["item"] = m.group("item").lower()
            row["polarity"] = ITEMS[m.group("item").lower()].polarity.value
        rows.append(row)
    return rows


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(build(Path(sys.argv[1])), indent=1, ensure_ascii=False) + "\n")
    print(f"-> {FIXTURE}")
