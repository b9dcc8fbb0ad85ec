"""The reader on the wording of real filings and releases (issue 24): each row failed before.

A row is a sentence and what an analyst reads in it: ``(metric, direction, verdict, now, before)``
for every change (``None`` where a value is not stated), or nothing at all. Figures that are not
amounts — footnote markers, newswire timestamps, statement-table negatives, a figure written twice —
never become a change, and an item named only to be left out ("excluding traffic acquisition
costs") never takes the sentence's movement.
"""

from __future__ import annotations

import pytest

from finlocal.changes import read_changes
from finlocal.changes.values import Kind, find_values

Row = tuple[str, list[tuple[str, str, str, float | None, float | None]]]

ROWS: list[Row] = [
    # "from continuing operations" is not a prior figure's "from"; the scale after the bracket is the
    # current figure's too
    (
        "The Group's comparable EBIT from continuing operations was EUR 27.7 (11.6) million.",
        [("comparable EBIT", "up", "good", 27.7, 11.6)],
    ),
    (
        "Net sales from continuing operations were EUR 512.3 (468.0) million.",
        [("Net sales", "up", "good", 512.3, 468.0)],
    ),
    (
        "Net cash flow from operations was EUR 16.2 (-10.5) million.",
        [("Net cash flow from operations", "loss_to_profit", "good", 16.2, -10.5)],
    ),
    (
        "Operating profit was EUR 17.6 (12.4) million, or 3.7 % (2.5 %) of net sales.",
        [("Operating profit", "up", "good", 17.6, 12.4)],
    ),
    # accounting parentheses in statement rows, and footnote markers, are no prior-year brackets
    ("Interest expense (32) (28)", []),
    ("Net change in cash and cash equivalents (164) (1,105)", []),
    ("Sales per retail square foot (2) (4)", []),
    # basic against diluted EPS: the diluted figure is another basis, the prior is "$1.05"
    (
        "Net income for the quarter was $52.1 million, or $0.89 per share ($0.88 per share on a diluted "
        "basis), compared with $60.3 million, or $1.05 per share, a year ago.",
        [("Net income", "down", "bad", 52.1, 60.3), ("per share", "down", "bad", 0.89, 1.05)],
    ),
    # a newswire timestamp is not a figure
    (
        "(11:32 GMT) Acme Corp reported Net Sales of $1.2 billion, up from $1.1 billion.",
        [("Net Sales", "up", "good", 1.2, 1.1)],
    ),
    # an item named only to be left out, or what a cost is of, is not the sentence's item
    ("Revenue excluding traffic acquisition costs increased 19 %.", [("Revenue", "up", "good", None, None)]),
    (
        "Cost of revenues in 2019 decreased by $4.3 million, or 16 %, compared to 2018.",
        [("Cost of revenues", "down", "good", None, None)],
    ),
    (
        "Other income, net of expenses, of $53 million, slightly decreasing compared to $55 million.",
        [("Other income", "down", "bad", 53, 55)],
    ),
    (
        "Normalised ROFE (excluding the Summergate impairment) declined 148 bps.",
        [("Normalised ROFE", "down", "bad", None, None)],
    ),
    (
        "Leverage (net debt/adjusted EBITDA) was 3.4x at year end versus 2.6x a year earlier.",
        [("Leverage", "up", "bad", 3.4, 2.6)],
    ),
    # a qualifier between the item and its verb
    (
        "Operating income in the Transportation Solutions segment decreased $352 million.",
        [("Operating income", "down", "bad", None, None)],
    ),
    # SEK -2,192 million against -2,193: a rounding, nothing moved
    ("Net debt amounted to SEK -2,192 million (-2,193).", [("Net debt", "unchanged", "unknown", -2192, -2193)]),
    # figures written twice, as some filings' text has them
    (
        "the gross margin percentage in 2012 was 43.9% ( 43.9 % ) , compared to 40.5% ( 40.5 % ) in 2011.",
        [("gross margin", "up", "good", 43.9, 40.5)],
    ),
    # the loss per share is paired with the loss per share, not with the prior loss
    (
        "Net loss for the quarter was $671,000 or $0.04 loss per share, compared with a net loss of $268,000, "
        "or $0.02 loss per share, in the same quarter last year.",
        [("Net loss", "loss_widened", "bad", 671000, 268000), ("loss per share", "loss_widened", "bad", 0.04, 0.02)],
    ),
    # misses the issue lists
    (
        "Income before income taxes increased 109.2 % to $48.1 million.",
        [("Income before income taxes", "up", "good", 48.1, None)],
    ),
    ("ROIC was 31.3 % for fiscal 2024 and 36.7 % for fiscal 2023.", [("ROIC", "down", "bad", 31.3, 36.7)]),
    (
        "The Board approved a 2.2 % increase in our quarterly cash dividend from $2.25 to $2.30 per share.",
        [("cash dividend", "up", "good", 2.30, 2.25)],
    ),
    ("The EBITA margin was 7.5 percent (7.4).", [("EBITA margin", "up", "good", 7.5, 7.4)]),
    (
        "Return on capital employed was 10.6 per cent (13.5).",
        [("Return on capital employed", "down", "bad", 10.6, 13.5)],
    ),
    ("Gross margin increased by approximately seven percentage points.", [("Gross margin", "up", "good", None, None)]),
    ("Net combined ratio 95.1 %, up from 87,0 %.", [("combined ratio", "up", "bad", 95.1, 87.0)]),
    # cue words: a reason is not the movement, a target met is no hedge
    (
        "The provision for credit losses was $2.3 million for loan growth, compared to $2.9 million in the prior year.",
        [("provision for credit losses", "down", "good", 2.3, 2.9)],
    ),
    ("Net debt reduced by £477m to £1,269m, below our year-end target.", [("Net debt", "down", "good", 1269, None)]),
    # a cause named by an adjective is not a statement of its own
    ("EPS decreased 19% to $1 on lower net earnings.", [("EPS", "down", "bad", 1, None)]),
    ("Revenue rose 3 %, driven by higher volumes and improved price/mix.", [("Revenue", "up", "good", None, None)]),
    # items from the lists
    (
        "Effective income tax rate was 24.1 % compared to 21.5 % in the prior year.",
        [("Effective income tax rate", "up", "bad", 24.1, 21.5)],
    ),
    (
        "Provision for loan losses decreased to $1.2 million from $3.4 million.",
        [("Provision for loan losses", "down", "good", 1.2, 3.4)],
    ),
    (
        "Gross written premiums increased 8 % to EUR 1,204 million.",
        [("Gross written premiums", "up", "good", 1204, None)],
    ),
    ("ARPU rose 3 % to $52.10.", [("ARPU", "up", "good", 52.1, None)]),
    (
        "Restructuring charges fell to $12 million from $30 million.",
        [("Restructuring charges", "down", "good", 12, 30)],
    ),
    ("Net loan losses amounted to SEK 310 m (450 m).", [("Net loan losses", "down", "good", 310, 450)]),
    ("Deposits grew 6 % year over year.", [("Deposits", "up", "good", None, None)]),
    ("CASM rose 4.1 % to 14.2 cents.", [("CASM", "up", "bad", None, None)]),
    # a statement row without its header, and cash used in operations as a negative figure
    ("Earnings from operations 32,287 32,358 28,435 (71) —", []),
    (
        "Net cash provided by operating activities for the three months ended May 31 was $11.1 million compared to "
        "net cash used in operations of $11.2 million in the prior year first quarter.",
        [("Net cash provided by operating activities", "loss_to_profit", "good", 11.1, -11.2)],
    ),
    # a comparison that names a period, a clause opened by "as we", a forecast beaten
    (
        "In 2019, ACS net sales were $317 million, an increase of 8% compared to 2018, or 10% on a constant "
        "currency basis.",
        [("net sales", "up", "good", 317, None)],
    ),
    (
        "The overall gross margin decreased by 220 basis points from 45.6% to 43.4% of net sales.",
        [("gross margin", "down", "bad", 43.4, 45.6)],
    ),
    (
        "Residential volumes declined 1.4% as we shed business that does not meet our return requirements.",
        [("volumes", "down", "bad", None, None)],
    ),
    (
        "EPS for the quarter came in at 0.36 eur , up from 0.33 eur a year ago and ahead of forecast of 0.33 eur .",
        [("EPS", "up", "good", 0.36, 0.33)],
    ),
    # a cause named by a movement noun
    (
        "Total revenue rose 14.2% to $1.1 billion, partially offset by decreases in net investment income.",
        [("Total revenue", "up", "good", 1.1, None)],
    ),
    # a period between item and verb, a denominator named after a word, "basis points for … loans"
    (
        "The Company's effective tax rate for the first nine months of 2025 was lower compared to the same period "
        "in 2024.",
        [("effective tax rate", "down", "good", None, None)],
    ),
    (
        "Staffing SG&A costs were 38.4% of staffing revenues in the second quarter, versus 44.2% in the second "
        "quarter of 2020.",
        [("SG&A", "down", "good", 38.4, 44.2)],
    ),
    (
        "Nonperforming loans or $454 million this quarter or 45 basis points for period-end loans, a decline of "
        "$100 million or 22% from the prior quarter.",
        [("Nonperforming loans", "down", "good", None, None)],
    ),
    # a prior figure named sequentially and year on year: the year-ago one
    (
        "Earnings per share in the quarter were $0.75 compared to $0.57 in Q2 and $1 in the prior year's third "
        "quarter.",
        [("Earnings per share", "down", "bad", 0.75, 1.0)],
    ),
    # one item over two periods, "respectively"
    (
        "Net interest margin totaled 3.09 % and 3.06 % for the three and nine months ended September 30, 2024, "
        "compared to 3.08 % and 3.00 % for the same periods in 2023, respectively.",
        [("Net interest margin", "up", "good", 3.09, 3.08), ("Net interest margin", "up", "good", 3.06, 3.00)],
    ),
    # "respectively": runs of figures, each run's role told by the word before it; one item over two
    # periods is two changes, the period named first first (REAL.md: the metric is repeated for each change
    # of the same item)
    (
        "Aerospace net sales and EBIT fell roughly 12.5% and 31.0% to $88.2 million and $9.3 million respectively.",
        [("net sales", "down", "bad", 88.2, None), ("EBIT", "down", "bad", 9.3, None)],
    ),
    (
        "Aerospace inventories and segment EBIT fell roughly 12.5% and 31.0% to $88.2 million and $9.3 million "
        "respectively.",
        [("EBIT", "down", "bad", 9.3, None)],
    ),
    (
        "Operating expenses rose 7% and 4%, respectively, in the third quarter and nine-month periods of 2024 "
        "compared to 2023.",
        [("Operating expenses", "up", "bad", None, None), ("Operating expenses", "up", "bad", None, None)],
    ),
    # "A and other B" names one item, not a list closing with B
    (
        "Freight and other rents expense rose 3% and 6%, respectively, in the quarter and nine months compared "
        "to last year.",
        [("other rents expense", "up", "bad", None, None), ("other rents expense", "up", "bad", None, None)],
    ),
    (
        "For the three and nine months ended September 30, 2024, net income was $410 million and $1.02 billion, "
        "respectively, representing increases of $35 million and $120 million, respectively, compared to 2023.",
        [("net income", "up", "good", 410.0, None), ("net income", "up", "good", 1.02, None)],
    ),
    (
        "Net income was $88 million and $240 million for the three and nine months ended September 30, 2024, "
        "respectively.",
        [],
    ),
    ("Revenue and operating income were up 6% and down 3%, respectively.", []),
    # a figure written before its item, "of" or "in" between (a per-share equivalent may follow it), compared
    # with a prior one; not when the prior figure names an item of its own
    (
        "We incurred $2.1 million of freight costs in the quarter versus $1.8 million a year ago.",
        [("freight costs", "up", "bad", 2.1, 1.8)],
    ),
    (
        "The company generated $14.4 million in free cash flow in the quarter compared with $9.1 million last year.",
        [("free cash flow", "up", "good", 14.4, 9.1)],
    ),
    (
        "We recorded $2.1 million, or $0.03 per share, of restructuring costs in the quarter compared to $1.8 "
        "million a year ago.",
        [("restructuring costs", "up", "bad", 2.1, 1.8)],
    ),
    (
        "We recorded $2.1 million or approximately $0.03 per share of integration costs in the quarter versus $1.8 "
        "million in the first quarter.",
        [("integration costs", "up", "bad", 2.1, 1.8)],
    ),
    # an estimate of what the period already cost is no forecast; one of what it will cost is
    (
        "We estimate that we incurred $0.9 million of storm costs in the quarter versus $0.4 million a year ago.",
        [("storm costs", "up", "bad", 0.9, 0.4)],
    ),
    (
        "We estimate that we will incur $0.9 million of storm costs next quarter versus $0.4 million this quarter.",
        [("storm costs", "up", "unknown", 0.9, 0.4)],
    ),
    (
        "We finished the quarter with $2.2 billion in cash and investments and $0.9 billion in total debt, which "
        "compares to $1.7 billion in cash and investments and $0.9 billion in total debt last year.",
        [],
    ),
    # pence, and a prior figure bracketed with its label and its per-share unit
    (
        "Interim dividend 4.0 pence per share (2014/15: 5.0 pence per share).",
        [("Interim dividend", "down", "bad", 4.0, 5.0)],
    ),
    # a comparative against a prior period: the figure before it is the move, the figure after "than"
    # the prior one, and a level compared in words is a change; against a benchmark it is none
    (
        "Selling expenses were $31 million, $3 million lower than prior year.",
        [("Selling expenses", "down", "good", 31.0, None)],
    ),
    ("Average daily sales were 12% higher than Q2.", [("sales", "up", "good", None, None)]),
    ("Gross margin of 41 % was slightly higher than in 2022.", [("Gross margin", "up", "good", 41.0, None)]),
    (
        "Net sales of $412 million were higher than the prior year's $388 million.",
        [("Net sales", "up", "good", 412.0, 388.0)],
    ),
    (
        "Adjusted EPS of $1.42 met the high end of our guidance and was 9 % higher than the second quarter of 2022.",
        [("Adjusted EPS", "up", "good", 1.42, None)],
    ),
    ("Operating margin was higher than our peers'.", []),
    ("Net sales were 4 % higher than analysts had forecast.", []),
    ("Operating expenses of $12 million were $2 million higher than budgeted.", []),
    # the "than" phrase closes at a comma or "and"; a figure before "down from" a prior figure is a level;
    # a comparative against a prior level written with its figure, or against "4Q '19"
    (
        "Segment sales were $412.5 million, 11% higher than the prior year and 3% higher sequentially.",
        [("sales", "up", "good", 412.5, None)],
    ),
    ("Churn was 1.12% down from 1.31% a year ago.", [("Churn", "down", "good", 1.12, 1.31)]),
    ("The tax rate was 22.1% lower than the 24.0% of 2021.", [("tax rate", "down", "good", 22.1, 24.0)]),
    (
        "Our operating margin was 12.2%, 340 basis points better than the 8.8% recorded in the prior year's "
        "second quarter.",
        [("operating margin", "up", "good", 12.2, None)],
    ),
    ("Gross margins were 120 basis points lower than 3Q '20.", [("margins", "down", "bad", None, None)]),
    (
        "Our second quarter adjusted operating margin was higher than the adjusted operating margin in the first "
        "half of 2022.",
        [("adjusted operating margin", "up", "good", None, None)],
    ),
    (
        "Gross margins were 41.3% in the third quarter of 2022 compared to 39.9% in the third quarter of 2021, up "
        "140 basis points.",
        [("margins", "up", "good", 41.3, 39.9)],
    ),
    ("The effective tax rate of 24% was higher than the U.S. statutory rate of 21%.", []),
    ("Our leverage ratio of 2.1x is lower than the 3.5x covenant.", []),
    ("Net sales were 5% higher than those of our closest competitor.", []),
    ("A 50 basis point increase in rates lifted net interest income.", []),
    (
        "Interest expense was $5 million lower than last quarter's $20 million.",
        [("Interest expense", "down", "good", None, 20.0)],
    ),
    # a result told with its figure before the word, against a prior result told so too
    (
        "Acme posted a EUR 3.2 million profit in the quarter, compared to a EUR 1.1 million loss a year earlier.",
        [("profit", "loss_to_profit", "good", 3.2, -1.1)],
    ),
    (
        "The group made a EUR 4.6 million loss in January-June compared with a 2.3 million profit a year ago .",
        [("loss", "profit_to_loss", "bad", 4.6, -2.3)],
    ),
    (
        "Acme posted a EUR 3.2 million loss in the quarter, versus a EUR 5.1 million loss a year earlier.",
        [("loss", "loss_narrowed", "good", 3.2, 5.1)],
    ),
    (
        "Acme expects a EUR 3.2 million loss in 2024, compared to a EUR 2.1 million profit in 2023.",
        [("loss", "profit_to_loss", "unknown", 3.2, -2.1)],
    ),
    # "an increase over" names the prior figure; the item named again there carries it
    (
        "The company reported EPS of EUR 0.84 for 2011 , an increase over EPS of EUR 0.79 in 2010 .",
        [("EPS", "up", "good", 0.84, 0.79)],
    ),
    # an item told only in per-share figures: they are its own
    (
        "Core FFO for the quarter was $1.12 per share versus $1.31 in the prior year.",
        [("FFO", "down", "bad", 1.12, 1.31)],
    ),
    # "points" of a share or a ratio are percentage points
    ("Our market share of the premium category decreased 0.4 points.", [("market share", "down", "bad", None, None)]),
    # figures compared with a benchmark (guidance, consensus) are no prior period's; a year-ago one is
    ("Net sales came in at $1.2 billion, below our guidance, $1.19 billion versus $1.25 billion.", []),
    (
        "EPS of $1.10 beat consensus of $1.05 and compares with $0.90 a year ago.",
        [("EPS", "up", "good", 1.10, 0.90)],
    ),
    # flat against one period and moved by a stated size against another: the sized move
    (
        "Selling expense as a percentage of sales was 21.3%, flat from fiscal 2019 and down 60 basis points from "
        "fiscal 2021.",
        [("Selling expense", "down", "good", None, None)],
    ),
    ("Revenue was flat sequentially and up 5% year over year.", [("Revenue", "up", "good", None, None)]),
    # the item's figure written before it, its prior one after
    (
        "The board proposed a 0.85 eur dividend for 2012 , compared with 0.80 eur a year earlier .",
        [("dividend", "up", "good", 0.85, 0.80)],
    ),
    # "smaller than" a prior period's result
    (
        "The operating loss for the fourth quarter was EUR 1.1 mn smaller than the loss of the third quarter .",
        [("operating loss", "loss_narrowed", "good", None, None)],
    ),
    # a result named again for its prior figure, in a labelled bracket or after "last year's first quarter"
    (
        "Loss before tax was GBP 3.4m (2021: profit of GBP 1.2m).",
        [("Loss", "profit_to_loss", "bad", 3.4, -1.2)],
    ),
    (
        "Net income was $85 million, a rebound from last year's second quarter net loss of $41 million.",
        [("Net income", "loss_to_profit", "good", 85.0, -41.0)],
    ),
    # a figure followed by "up" or "down" and a comparison point is the move
    (
        "The quarterly dividend is $0.31 per share, 5% up from the same quarter of last year.",
        [("dividend", "up", "good", 0.31, None)],
    ),
    ("Sales were 4% down year-on-year.", [("Sales", "down", "bad", None, None)]),
    # "an increase of $X": the movement noun's size, whatever follows it
    (
        "As for corporate expenses, we saw an increase of $6 million during the quarter.",
        [("expenses", "up", "bad", None, None)],
    ),
    (
        "Net debt saw a reduction of approximately $30 million in the quarter.",
        [("Net debt", "down", "good", None, None)],
    ),
    # "'22" names a year, not a figure
    (
        "Net sales grew from $412 million in Q1 '22 to $455 million in Q1 '23, an increase of 10%.",
        [("Net sales", "up", "good", 455.0, 412.0)],
    ),
    # per-share figures against the prior quarter and the prior year: the year-ago one is the comparison
    (
        "We reported diluted earnings of $0.21 per share for the quarter compared to $0.18 last quarter and $0.25 "
        "per share for the same quarter of last year.",
        [("per share", "down", "bad", 0.21, 0.25)],
    ),
    # last year's change named as the base of this year's is no change of this year
    (
        "Comparable sales declined 2.1% in the quarter, lapping a 14.0% increase in comparable sales a year ago.",
        [("Comparable sales", "down", "bad", None, None)],
    ),
    # "essentially flat, down only 20 basis points": one comparison, told as flat
    (
        "Occupancy stayed essentially flat, down only 20 basis points for the quarter.",
        [("Occupancy", "unchanged", "unknown", None, None)],
    ),
    # a prior year's figure in a bracket labelled with its year
    (
        "The Company incurred a net loss of $1,204,118 (2021 - $1,873,550) for the year ended June 30, 2022.",
        [("net loss", "loss_narrowed", "good", 1204118.0, 1873550.0)],
    ),
    # a move written as a noun before the item, its size before the noun
    (
        "We delivered a 180 basis point increase in gross margins this quarter.",
        [("margins", "up", "good", None, None)],
    ),
    (
        "The segment posted a 4.2 percent growth in Nordic net sales to EUR 88.1 million.",
        [("net sales", "up", "good", 88.1, None)],
    ),
    (
        "The quarter saw a 90-basis-point improvement in the accident year combined ratio and a 40-basis-point "
        "improvement in the underlying expense ratio.",
        [("combined ratio", "down", "good", None, None), ("expense ratio", "down", "good", None, None)],
    ),
    ("Results absorbed 45 basis points of higher freight costs.", [("freight costs", "up", "bad", None, None)]),
    ("A 5 % increase in demand drove revenue higher.", [("revenue", "up", "good", None, None)]),
    ("We remain on track to deliver 6% to 8% organic revenue growth.", []),
    # a move of the item whatever else the clause says is consistent with
    (
        "The effective tax rate was 21.5%, a 40 basis point increase year-over-year and consistent with our outlook.",
        [("tax rate", "up", "bad", 21.5, None)],
    ),
    # a movement word well after a complete pair of figures is another statement's
    (
        "Credit losses went from $14 million to $9 million, and then finally retention holding steady at 91%.",
        [("Credit losses", "down", "good", 9.0, 14.0)],
    ),
    # a cause or a driver named without a figure is not a change of its own (REAL.md's labels)
    (
        "Operating profit rose 9 % to EUR 41 million, due primarily to a decrease in raw material costs.",
        [("Operating profit", "up", "good", 41, None)],
    ),
    (
        "Segment sales grew 4 % from the prior year, driven primarily by growth in service contracts and lower "
        "freight costs.",
        [("sales", "up", "good", None, None)],
    ),
    ("Adjusted EPS fell 12 % to $0.88 on the volume drop in Europe.", [("Adjusted EPS", "down", "bad", 0.88, None)]),
    (
        "Net income was $52 million versus $47 million, mainly due to higher gross profit.",
        [("Net income", "up", "good", 52, 47)],
    ),
    (
        "Besides the usual annual increase in expenses, the quarter's EBITDA rose 6 % to $18 million.",
        [("EBITDA", "up", "good", 18, None)],
    ),
    ("Volume and mix contributed $153 million, or 26 percentage points of growth.", []),
    # a place in a range, a benchmark, a request: no movement of the item
    (
        "Net income beat our guidance, with revenue at the higher end of our range and operating expenses at the "
        "lower range.",
        [],
    ),
    ("Revenue of $1.21 billion was below our outlook, $1.21 billion versus $1.25 billion.", []),
    (
        "We have filed for a $12 million revenue increase with the state commission.",
        [("revenue", "up", "unknown", None, None)],
    ),
    ("We are forecasting an EBITDA decline of 10 % at the midpoint.", [("EBITDA", "down", "unknown", None, None)]),
    # a restated figure is a statement, an outlook it agrees with hedges nothing
    (
        "On a constant currency basis, revenue would have increased 11 % compared to the prior year.",
        [("revenue", "up", "good", None, None)],
    ),
    (
        "The effective tax rate was 23.5 %, a 40 basis point increase year over year and consistent with our outlook.",
        [("effective tax rate", "up", "bad", 23.5, None)],
    ),
    # an item's name qualifying another noun is not the item
    ("The group owns stakes in two regional power sales companies ( 51.0 % ) and ( 49.5 % ).", []),
    # the company as subject, the item as object
    ("We reduced our net debt by approximately $350 million in the year.", [("net debt", "down", "good", None, None)]),
    (
        "We cut our operating expenses by 8 % compared to last year.",
        [("operating expenses", "down", "good", None, None)],
    ),
    ("We improved our operating margin by 120 basis points.", [("operating margin", "up", "good", None, None)]),
    ("We will use the proceeds to reduce our net debt by $200 million.", []),
    # an item inside a clause that defines another is not a statement; nor is where a figure is recorded
    (
        "Adjusted EPS, which excludes restructuring charges and the goodwill impairment charge, rose 6 % to $2.14.",
        [("Adjusted EPS", "up", "good", 2.14, None)],
    ),
    (
        "Segment revenue, which includes sales of the acquired brands, grew 9 % compared to the prior year.",
        [("revenue", "up", "good", None, None)],
    ),
    (
        "Depreciation of the new plant, recorded in cost of goods sold, was $3.1 million compared to $2.2 million.",
        [],
    ),
    # a cost, never "revenue down, bad"
    (
        "Cost of automotive sales revenue decreased $2.4 billion, or 15 %.",
        [("Cost of automotive sales revenue", "down", "good", None, None)],
    ),
    # a figure-less driver anywhere in the clause that explains the statement
    (
        "Operating margin rose 80 basis points to 12.1 %, reflecting pricing, savings from last year's programme and "
        "the higher volumes.",
        [("Operating margin", "up", "good", 12.1, None)],
    ),
    (
        "Inventories ended the year at $412 million, up $35 million, to support higher sales levels.",
        [],
    ),
    (
        "A favorable revenue mix lifted our gross margin by 60 basis points.",
        [("gross margin", "up", "good", None, None)],
    ),
    # controls: never a change
    ("The company has a $500 million revolving credit facility maturing in 2027.", []),
    ("The board declared a quarterly dividend of $0.25 per share.", []),
    (
        "Also, in December, we expanded our senior unsecured credit facility to $750 million, which retains a $250 "
        "million accordion feature that provides for total liquidity of up to $1 billion.",
        [],
    ),
    (
        "The Treaty provides that the standard 25% withholding tax rate is reduced to 15% on dividends paid on "
        "shares of a corporation resident in Canada.",
        [],
    ),
    (
        "The Company's effective tax rate for the third quarter of 2025 was lower than the statutory federal income "
        "tax rate.",
        [],
    ),
    ("A 100 basis point increase in interest rates would reduce net interest income by $5 million.", []),
    ("The company expects revenue of $1.1 billion to $1.2 billion for the full year.", []),
    ("The company repurchased 1.2 million shares for $45 million during the quarter.", []),
]


def _read(text: str) -> list[tuple[str, str, str, float | None, float | None]]:
    return [(c.metric, c.direction.value, c.verdict.value, c.now, c.before) for c in read_changes(text)]


@pytest.mark.parametrize(("text", "expected"), ROWS, ids=[f"row{i}" for i in range(len(ROWS))])
def test_real_text(text: str, expected: list[tuple[str, str, str, float | None, float | None]]) -> None:
    got = _read(text)
    assert len(got) == len(expected), got
    for (metric, direction, verdict, now, before), want in zip(got, expected, strict=True):
        assert want[0].lower() in metric.lower(), got
        assert (direction, verdict) == (want[1], want[2]), got
        for value, wanted in ((now, want[3]), (before, want[4])):
            if wanted is not None:
                assert value == pytest.approx(wanted), got


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("Net combined ratio 95.1 %, up from 87,0 %.", [95.1, 87.0]),
        ("Net sales were EUR 1\u2009250 million.", [1250.0]),
        ("(11:32 GMT) Net Sales", []),
        ("Sales per retail square foot (2) rose", []),
        ("43.9% ( 43.9 % ) , compared to 40.5%", [43.9, 40.5]),
        ("12.0 % (12.0 %)", [12.0, 12.0]),
        ("up seven percentage points", [7.0]),
        ("a 150-basis-point improvement", [150.0]),
        ("market share decreased 0.3 points", [0.3]),
        ("lower than 4Q '19", []),
        ("a net loss of $2,924,236 (2019 - $4,366,807)", [2924236.0, 4366807.0]),
    ],
)
def test_figures_of_european_and_filing_text(text: str, amounts: list[float]) -> None:
    assert [v.amount for v in find_values(text) if v.kind not in (Kind.OTHER, Kind.YEAR)] == amounts


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        # each size written before its item is that item's, not the next one's
        (
            "These gains came from a 12% increase in new vehicle sales, a 31% increase in used vehicle sales and a "
            "9% increase in parts revenue.",
            [12.0, 31.0, 9.0],
        ),
        # a stated size after a complete pair of figures is the change told, not one computed
        (
            "Segment sales were $210 million compared to $220 million in last year's second quarter, a decline of 5%.",
            [-5.0],
        ),
        ("Gross margins were 41.3% compared to 39.9% in the third quarter of 2021, up 140 basis points.", [140.0]),
    ],
)
def test_the_stated_size_of_each_change(text: str, sizes: list[float]) -> None:
    assert [c.change for c in read_changes(text)] == sizes


def test_bare_points_are_percentage_points() -> None:
    assert [v.kind for v in find_values("market share decreased 0.3 points")] == [Kind.POINTS]


def test_scale_after_a_bracketed_prior_is_the_current_figures() -> None:
    now, before = find_values("EUR 27.7 (11.6) million")
    assert (now.scale, before.scale) == ("million", "million")


# Which words name a line item: sector KPIs and volumes, costs and fees paid, and the item phrase as
# written (free modifiers before a head item, a known item used as another's modifier). The metric
# is the item's words exactly as the sentence writes them.
ITEM_ROWS: list[tuple[str, tuple[str, str, str]]] = [
    # volumes, KPIs and returns an analyst reads as better when higher
    ("Case volume rose 6% compared with the prior year.", ("Case volume", "up", "good")),
    ("Carloadings fell 3% compared with the prior year.", ("Carloadings", "down", "bad")),
    ("Shipments increased 8% compared with last year.", ("Shipments", "up", "good")),
    ("Passengers rose 6 percent to 9.1 million from 8.6 million.", ("Passengers", "up", "good")),
    ("New business fell 12% from a year ago.", ("New business", "down", "bad")),
    ("Loan originations were up 15% from the prior year.", ("Loan originations", "up", "good")),
    ("Category share grew 30 basis points versus a year ago.", ("Category share", "up", "good")),
    ("Premium persistency improved 60 basis points to 81.2%.", ("Premium persistency", "up", "good")),
    ("The penetration rate rose to 9.0% from 8.4%.", ("penetration rate", "up", "good")),
    ("Active accounts decreased 4% compared with last year.", ("Active accounts", "down", "bad")),
    ("Mobile subscriptions grew 5 percent from a year earlier.", ("Mobile subscriptions", "up", "good")),
    ("Cash balances fell to $1.2 million from $2.0 million.", ("Cash balances", "down", "bad")),
    (
        "Income before provision for income taxes rose to $5.2 million from $4.1 million.",
        ("Income before provision for income taxes", "up", "good"),
    ),
    ("Cash from operations rose to $51 million from $30 million.", ("Cash from operations", "up", "good")),
    (
        "Earnings before provision for taxes rose to $6.5 billion from $6.1 billion.",
        ("Earnings before provision for taxes", "up", "good"),
    ),
    ("NII fell by $5 million from the prior quarter.", ("NII", "down", "bad")),
    ("Mortgage banking income rose to $6.7 million from $4.4 million.", ("Mortgage banking income", "up", "good")),
    ("Total RPOs increased 12% from December 31.", ("Total RPOs", "up", "good")),
    ("Net signed contracts were up 40% compared with last year.", ("Net signed contracts", "up", "good")),
    (
        "The debt service coverage ratio improved to 2.5 times from 1.9 times.",
        ("debt service coverage ratio", "up", "good"),
    ),
    ("Warehouse fill rates rose to 92% from 88% a year ago.", ("Warehouse fill rates", "up", "good")),
    ("The new money rate rose to 4.1% from 3.6% last year.", ("new money rate", "up", "good")),
    ("Orders for industrial pumps grew 14% compared with last year.", ("Orders", "up", "good")),
    (
        "Cash flows from operations were $61 million, compared to $48 million last year.",
        ("Cash flows from operations", "up", "good"),
    ),
    # the rates an insurer charges
    ("Commercial auto rates were up 8% compared with last year.", ("Commercial auto rates", "up", "good")),
    ("Renewal rates fell 2 points from the prior year.", ("Renewal rates", "down", "bad")),
    # costs, fees paid and cost ratios, better when lower
    ("Compensation and benefits rose 6% compared with last year.", ("Compensation and benefits", "up", "bad")),
    # prices a company pays for what it uses are costs
    ("Average jet fuel prices rose 18% from a year ago.", ("Average jet fuel prices", "up", "bad")),
    ("Energy prices fell 20% compared with last year.", ("Energy prices", "down", "good")),
    ("Raw material prices rose 6% compared with the prior year.", ("Raw material prices", "up", "bad")),
    ("Energy cost rose 40% from a year ago.", ("Energy cost", "up", "bad")),
    ("R&D expense decreased to $12 million from $14 million.", ("R&D expense", "down", "good")),
    ("The debt to capitalization ratio was 9.9%, compared to 11.4%.", ("debt to capitalization ratio", "down", "good")),
    ("The charge-off rate rose 20 basis points to 1.1% from 0.9%.", ("charge-off rate", "up", "bad")),
    ("Claim frequency fell 8% compared with the same quarter last year.", ("Claim frequency", "down", "good")),
    ("Catastrophe losses fell to $90 million from $140 million.", ("Catastrophe losses", "down", "good")),
    ("Legal fees decreased to $40,000 from $65,000.", ("Legal fees", "down", "good")),
    ("Filing fees fell to $12,400 from $18,900.", ("Filing fees", "down", "good")),
    ("The cost of deposits rose 12 basis points to 1.05% from 0.93%.", ("cost of deposits", "up", "bad")),
    (
        "The acquisition cost ratio improved by 0.8 points compared with last year.",
        ("acquisition cost ratio", "down", "good"),
    ),
    ("The operating ratio rose 150 basis points to 62.1% from 60.6%.", ("operating ratio", "up", "bad")),
    ("Gross debt fell to $2.1 billion from $2.6 billion.", ("Gross debt", "down", "good")),
    ("Gross profits rose 55% compared with the prior year.", ("Gross profits", "up", "good")),
    ("Third-quarter profits declined to $12.7 million from $13.9 million.", ("Third-quarter profits", "down", "bad")),
    # "U.S." in the gap between an item and its movement does not end the sentence
    ("Truck volumes within U.S. operations increased 8% compared with last year.", ("Truck volumes", "up", "good")),
    # free modifiers before a head item belong to the item
    ("Beer sales rose 4% from a year earlier.", ("Beer sales", "up", "good")),
    ("Corporate expenses were $49 million, up from $45 million.", ("Corporate expenses", "up", "bad")),
    ("Equipment rents expense increased 5% compared with 2024.", ("Equipment rents expense", "up", "bad")),
    ("U.S. truck volumes fell 7% from the prior year.", ("U.S. truck volumes", "down", "bad")),
    ("Local commodity costs rose 9% from last year.", ("Local commodity costs", "up", "bad")),
    # … also after a movement phrase that a figure measures
    (
        "The brewer posted a 5.2 percent growth in wine sales compared with last year.",
        ("wine sales", "up", "good"),
    ),
    (
        "The quarter saw a 120-basis-point improvement in the accident year combined ratio compared with last year.",
        ("accident year combined ratio", "down", "good"),
    ),
    # a verb with the item as its object moves it
    ("We reduced our gross debt by $200 million during the quarter.", ("gross debt", "down", "good")),
    ("The carrier raised its load factor by 3 points compared with last year.", ("load factor", "up", "good")),
    ("The bank cut its funding costs by 12 basis points compared with last year.", ("funding costs", "down", "good")),
    # the cost of an item is a cost
    ("Cost of product revenue rose to $5.1 million from $4.2 million.", ("Cost of product revenue", "up", "bad")),
    ("Cost of services sales fell 6% compared with last year.", ("Cost of services sales", "down", "good")),
    # an item's balance or level is the item
    (
        "Our cash and investments balance improved to $43.2 million from $38.0 million.",
        ("cash and investments balance", "up", "good"),
    ),
    ("Net debt levels fell to $2.0 billion from $2.4 billion.", ("Net debt levels", "down", "good")),
    # loans in trouble (delinquent, nonaccrual, past due, impaired, criticized) are better when fewer
    ("Impaired loans fell to $5 million from $8 million.", ("Impaired loans", "down", "good")),
    ("Nonaccrual loans rose 12% from the prior quarter.", ("Nonaccrual loans", "up", "bad")),
    ("Past-due loans declined 20% compared with last year.", ("Past-due loans", "down", "good")),
    ("Criticized loans decreased $40 million from the prior quarter.", ("Criticized loans", "down", "good")),
    ("Delinquent consumer loans rose 5% from a year ago.", ("Delinquent consumer loans", "up", "bad")),
    ("Restructured loans fell 10% from a year ago.", ("Restructured loans", "down", "good")),
    # … and other loans stay better when more
    ("Commercial real estate loans grew 8% from a year ago.", ("Commercial real estate loans", "up", "good")),
    ("Managed loans rose 3% from last year.", ("Managed loans", "up", "good")),
    # a known item right before another is its modifier: the later item is the head
    ("Revenue ton-miles declined 2% versus the prior-year quarter.", ("Revenue ton-miles", "down", "bad")),
    ("PPP loan fees rose to $50 million from $48 million.", ("PPP loan fees", "up", "good")),
    ("Deposit costs rose 10 basis points to 0.9% from 0.8%.", ("Deposit costs", "up", "bad")),
]


# Verbs stay out of the item phrase.
@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Our stores include sales of two new brands that grew 12% compared with the prior year.", "sales"),
        ("Stores that generate sales grew 5% compared with last year.", "sales"),
    ],
)
def test_verbs_before_an_item_are_not_its_modifiers(text: str, metric: str) -> None:
    assert [c.metric for c in read_changes(text)] == [metric]


@pytest.mark.parametrize(("text", "expected"), ITEM_ROWS, ids=[f"item{i}" for i in range(len(ITEM_ROWS))])
def test_the_words_that_name_a_line_item(text: str, expected: tuple[str, str, str]) -> None:
    got = [(c.metric, c.direction.value, c.verdict.value) for c in read_changes(text)]
    assert got == [expected]


# What the item phrase must not take: a possessive owner, a balance-sheet level an analyst does not
# judge (receivables, long-term debt), a part's movement in words only, which names a driver, and a
# noun the item only modifies.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The company's sales rose 5% from last year.", [("sales", "up", "good")]),
        ("Receivables rose to $5 million from $4 million.", []),
        ("Long-term debt rose to $5.2 million from $4.1 million.", []),
        ("Growth in e-commerce revenue offset the absence of venue sales.", []),
        ("The decline reflected lower armor sales at the defense unit.", []),
        # a verb's base form or gerund before the item states an aim, not a change
        ("As conditions improve, we can increase our leverage by growing assets.", []),
        # rents are a landlord's income and a tenant's cost: the word alone is not judged
        ("Effective rents rose 8% compared with last year.", []),
        # an item right before an organisation, its people or a tax names what the noun is for
        ("The sales force grew to 1,200 people from 1,050.", []),
        ("Sales tax rose to $3.1 million from $2.8 million.", []),
        ("The revenue team grew 4% compared with last year.", []),
        ("Fixed cost absorption fell 12% compared with last year.", []),
        ("Fuel cost savings rose to $12 million from $9 million.", []),
        # depreciation reflects what was invested: an analyst does not judge its move alone
        ("Depreciation rose to $14 million from $12 million.", []),
        # costly deposits a bank may let run off: their move is a shift in the mix, not judged alone
        ("Time deposits declined 35% from the prior year.", [("Time deposits", "down", "unknown")]),
        ("Brokered deposits rose to $1.2 billion from $0.9 billion.", [("Brokered deposits", "up", "unknown")]),
        ("Core deposits rose 5% from last year.", [("Core deposits", "up", "good")]),
        # the price of a commodity a company may sell or buy is not judged from the word alone
        ("Natural gas prices rose 30% compared with last year.", []),
        # tax expense follows income: the development table does not judge its move
        ("Income tax expense rose to $92 million from $38 million.", []),
    ],
)
def test_what_the_item_phrase_leaves_out(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(c.metric, c.direction.value, c.verdict.value) for c in read_changes(text)] == expected


# A part of the company (a business, segment, division, product line, platform, brand, category)
# named as the subject of a move in percent stands for its sales: higher is better.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Our wholesale business increased 12% for the quarter on strong demand in Asia.",
            [("wholesale business", "up", "good", 12.0)],
        ),
        ("The company's online platform grew by 40% in the second quarter.", [("online platform", "up", "good", 40.0)]),
        (
            "The industrial gases segment declined 3% compared with last year.",
            [("industrial gases segment", "down", "bad", -3.0)],
        ),
        (
            "Growth was led by the snacks category, which increased 18% compared to the prior year.",
            [("snacks category", "up", "good", 18.0)],
        ),
        ("Premium brands were up 9% from a year ago.", [("Premium brands", "up", "good", 9.0)]),
        # … or the movement noun it achieved
        (
            "Our consumer health products achieved organic growth of 6.2% compared with the prior year.",
            [("consumer health products", "up", "good", 6.2)],
        ),
        (
            "The specialty chemicals division posted a decline of 3% compared with last year.",
            [("specialty chemicals division", "down", "bad", -3.0)],
        ),
        # … or a proper name of two or three capitalised words
        ("Product Inspection grew 13% in the quarter.", [("Product Inspection", "up", "good", 13.0)]),
        (
            "There was a rebound in Fine Fragrances, which grew by approximately 60% on new wins.",
            [("Fine Fragrances", "up", "good", 60.0)],
        ),
        ("Food Retail declined 1% for the nine-month period.", [("Food Retail", "down", "bad", -1.0)]),
        # the item before it in its clause is what moved, the part is where
        ("Sales of the packaging segment fell by 4.0% year-on-year.", [("Sales", "down", "bad", -4.0)]),
        ("Gross profit in our staffing business increased 24% year-over-year.", [("Gross profit", "up", "good", 24.0)]),
        # controls: no part of the company, a part after a preposition, a level, a bare head
        ("Our share of the market grew to 12% this year.", []),
        ("The number of employees grew 5% compared with last year.", []),
        ("Headcount in the services business grew 5% from last year.", []),
        ("The business grew 5% in the quarter.", []),
        ("Our retail segment grew its store count by 10 locations.", []),
        # … and no single capitalised word, sentence's first word, name left out, index or price
        ("Inventories decreased 12% compared with the prior year.", []),
        ("And Fluids was down 5% due to lower hygiene demand.", []),
        ("Inventory decreased 48%, and excluding Lanier Apparel, decreased 39%.", []),
        ("Nokia Siemens Networks Oyj grew 5% in the quarter.", []),
        ("Wholesale Prices rose 3.1% from a year earlier.", []),
    ],
)
def test_a_part_of_the_company_as_the_subject_of_a_move(text: str, expected: list[tuple[str, str, str, float]]) -> None:
    assert [(c.metric, c.direction.value, c.verdict.value, c.change) for c in read_changes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a level, a comma, then a comparative against a prior period
        ("Customer churn was 1.4% in the quarter, higher than a year ago.", [("Customer churn", "up", "bad")]),
        ("Freight costs were $12 million, lower than last year.", [("Freight costs", "down", "good")]),
        # a cost told in money and as a share of sales, each against a prior figure: two changes
        (
            "Cost of sales was $80 million or 62.0% of sales compared to $85 million or 64.5% of sales.",
            [("Cost of sales", "down", "good"), ("Cost of sales as a share of sales", "down", "good")],
        ),
        (
            "Operating expenses were $21.4 million, or 18.2% of revenue, versus 17.1% a year ago.",
            [("Operating expenses as a share of revenue", "up", "bad")],
        ),
        # … a profit's share is its margin, left to the margin's rules
        (
            "Gross profit was $50 million or 30.1% of sales compared to $45 million or 28.0% of sales.",
            [("Gross profit", "up", "good")],
        ),
        # two sizes joined by "and" for two named periods: a change in each
        (
            "Selling expenses decreased by $12 million and $5 million during the nine and three months ended "
            "September 30, compared to the same periods last year.",
            [("Selling expenses", "down", "good"), ("Selling expenses", "down", "good")],
        ),
        # … not a range
        (
            "Interest expense increased between 2% and 3% in the quarter and the first half.",
            [("Interest expense", "up", "bad")],
        ),
        # a figure-less move before the item, which then drives another line's change: a cause
        (
            "Pricing and lower freight costs in the quarter resulted in a gross margin increase of 40 basis points.",
            [("gross margin", "up", "good")],
        ),
        (
            "Higher energy costs across the network led to a 60 basis point decline in margin.",
            [("margin", "down", "bad")],
        ),
        ("Lower commodity costs drove record profits.", []),
        # a cost that rose, then its share of sales moving on: a second change, of the share
        (
            "Selling expenses rose 6% but improved 30 basis points as a percentage of net sales.",
            [("Selling expenses", "up", "bad"), ("Selling expenses as a percentage of net sales", "down", "good")],
        ),
        (
            "Freight costs fell 2%, and increased as a percentage of revenue.",
            [("Freight costs", "down", "good"), ("Freight costs as a percentage of revenue", "up", "bad")],
        ),
        # … not a forecast of the share, nor a higher-is-better item's
        (
            "Selling expenses rose 6% but should improve as a percentage of net sales.",
            [("Selling expenses", "up", "bad")],
        ),
        ("Gross profit rose 6% but declined as a percentage of net sales.", [("Gross profit", "up", "good")]),
        # "actually" between the item and its verb, like "also"
        (
            "Net debt actually decreased $25 million at June 30, 2021, compared to March 31, 2021.",
            [("Net debt", "down", "good")],
        ),
        # the figures of a defining clause are the defined part's, not the item's
        (
            "Operating expenses totaled $95 million, which included $3 million of severance costs in the quarter "
            "compared to $1 million a year ago.",
            [],
        ),
        (
            "Adjusted EBITDA (excluding restructuring costs of $5 million) was $50 million compared to $45 million.",
            [("Adjusted EBITDA", "up", "good")],
        ),
        # … only a "which" clause: an "excluding" list can run on into the item's own level
        (
            "Our gross margin, excluding freight costs, impairments and charges was 31.2%, up 80 basis points.",
            [("gross margin", "up", "good")],
        ),
        # a higher-is-better item before "expense" names a cost, not itself
        ("Occupancy expense rose 4% to $12 million.", []),
        ("Revenue expense grew 6% in the quarter.", []),
        ("Occupancy rose 2 points to 92%.", [("Occupancy", "up", "good")]),
        # controls: against a benchmark, and a rate's sensitivity states no verdict ("raise" is its verb, not
        # a word of the item)
        ("Freight costs were $12 million, lower than expected.", []),
        ("The tax rate was 21%, lower than the statutory rate.", []),
        ("A 1% increase in rates would raise interest expense by $3 million.", [("interest expense", "up", "unknown")]),
    ],
)
def test_lower_is_better_items(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(c.metric, c.direction.value, c.verdict.value) for c in read_changes(text)] == expected


def test_an_excluding_list_keeps_the_items_level() -> None:
    # ", excluding A, B and C was 31.2 %": the defining words run on into the level, which stays the item's
    (change,) = read_changes(
        "Our gross margin, excluding freight costs, impairments and charges was 31.2%, up 80 basis points."
    )
    assert (change.metric, change.now, change.change, change.change_unit) == ("gross margin", 31.2, 80.0, "bp")
