"""The reader's vocabulary: the metric phrase, movement words and the cue patterns around figures.

Everything here is a word list or a compiled pattern that `finlocal.changes.parser` reads a
sentence with: the lexicon's line items with their modifiers (`METRIC_RE`), the movement words
(`MOVE_RE`), the markers that give a figure its role (`MARK_RE`: "compared to", "to", "by", "a loss
of"), hedges, clause boundaries and the phrases that make a mention of a metric not its own
statement. `trie_pattern` compiles a long word list into one fast alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from finlocal.lexicon import LINE_ITEMS, Direction

# -- the metric: a lexicon item with its modifiers ----------------------------------------------


def trie_pattern(words: Iterable[str]) -> str:
    """One regular expression for a word list, as a trie ("net (?:debt|sales)…"): it matches what
    the plain alternation matches, longest first, without trying every word at every position
    (the lexicon has over 200 items; a plain alternation made the reader 4× slower)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


PREFIX = trie_pattern(
    "adjusted underlying comparable reported diluted basic organic non-GAAP GAAP total consolidated group "
    "quarterly annual full-year half-year core net overall normalized normalised recurring".split()
    + ["fully diluted"]
)
SUFFIX = r"per\s+(?:diluted\s+|basic\s+)?(?:common\s+)?share|margins?|ratio"
METRIC_RE = re.compile(
    rf"\b(?:{PREFIX}\s+)*(?P<item>{trie_pattern(i.name for i in LINE_ITEMS)})(?P<suffix>\s+(?:{SUFFIX}))?\b",
    re.IGNORECASE,
)
# The item alone at a word start: "Net cash flow from operations" is one item, which `METRIC_RE` reads
# as the prefix "Net" and "cash flow from operations" or, once "net cash flow" is an item too, as
# the shorter; the reader takes whichever reaches further.
ITEM_RE = re.compile(
    rf"(?P<item>{trie_pattern(i.name for i in LINE_ITEMS)})(?P<suffix>\s+(?:{SUFFIX}))?\b",
    re.IGNORECASE,
)
ITEMS = {i.name.lower(): i for i in LINE_ITEMS}
DIGIT = re.compile(r"\d")


# -- the words around the figures -------------------------------------------------------------

RISE_WORDS = (
    r"rose|rise|rises|rising|risen|increased|increase|increases|increasing|grew|grow|grows|growing|grown|growth|"
    r"climbed|climbs|climbing|jumped|jumps|surged|surges|advanced|gained|gains|soared|expanded|expands|expansion|"
    r"widened|widens|widening|doubled|tripled|up|higher|picked up|ticked up|edged up|boosted|lifted|raised|"
    r"went up|larger|wider|deepened|ballooned|uplift"
)
FALL_WORDS = (
    r"fell|fall|falls|falling|fallen|decreased|decrease|decreases|decreasing|declined|decline|declines|declining|"
    r"dropped|drop|drops|dipped|dip|shrank|shrinks|shrunk|shrinking|contracted|contracts|contraction|slid|slides|"
    r"slipped|slips|eased|eases|plunged|plunges|down|lower|narrowed|narrows|narrowing|narrower|compressed|"
    r"compression|softened|softens|moderated|moderates|tumbled|halved|cut|cuts|reduced|reduction|lowered|"
    r"trimmed|slashed|went down|smaller|declining|contracting"
)
BETTER_WORDS = r"improved|improves|improving|improvement|improve|strengthened|strengthen|better"
WORSE_WORDS = (
    r"worsened|worsens|worsen|deteriorated|deteriorates|deterioration|deteriorate|weakened|weakens|weaken|worse"
)
FLAT_WORDS = r"unchanged|flat|stable|steady|level|in line"
MOVE_RE = re.compile(
    r"\b(?:"
    + "|".join(
        f"(?P<{name}>{trie_pattern(words.split('|'))})"
        for name, words in (
            ("up", RISE_WORDS),
            ("down", FALL_WORDS),
            ("better", BETTER_WORDS),
            ("worse", WORSE_WORDS),
            ("flat", FLAT_WORDS),
        )
    )
    + r")\b",
    re.IGNORECASE,
)
# Free modifiers before a head item: "beer sales", "corporate expenses", "U.S. truck proceeds",
# "Local case volume", "accident year loss ratio". Up to three words right before the item, each a
# word that can stand in a noun phrase: not a function word, a verb, a movement or judging word
# ("higher costs", "improved margins" keep their adjective outside the metric), an adverb (-ly), a
# gerund (-ing) or a past participle (-ed; but for a few that name a kind of item: "unallocated
# expenses", "supply costs", "weekly sales"), a figure or a possessive ("the company's sales": the
# owner, not a kind of sales).
_FUNCTION_WORDS = (
    "a an the this that these those its it our their his her my your we they he she you i which who whom whose "
    "what where when there here in of for from at to by on with without within over under between against versus "
    "vs per as into onto than through during after before since until across among about around including "
    "excluding and or but nor while whereas although though if because so yet both either neither each all every "
    "any some no not is are was were be been being has have had do does did will would could should may might "
    "can must shall also again further however thus therefore meanwhile still only even just already then now "
    "said says saw see sees seen made make makes got get gets took take takes hit met beat put set kept keep "
    "drove drive drives led lead leads brought bring brings gave give gives showed show shows posts reports "
    "expect expects forecast total overall strong stronger strongest weak weaker weakest good better best bad "
    "worse worst high low new record solid robust healthy modest slight sharp significant substantial "
    "million billion thousand mn bn percent anticipate anticipates see sees include includes pay pays paid offset "
    "generate generates deliver delivers report post record records achieve achieves hold holds held lost lose "
    "loses incur incurs"
)
_MOVE_WORDS = "|".join((RISE_WORDS, FALL_WORDS, BETTER_WORDS, WORSE_WORDS, FLAT_WORDS, "stronger|weaker"))
_KIND_PARTICIPLES = (
    "supply|monthly|weekly|daily|quarterly|yearly|unallocated|allocated|unrealized|unrealised|realized|realised|"
    "combined|managed|owned|related"
)
MODIFIER_WORD = re.compile(
    r"(?!(?:"
    + trie_pattern(_FUNCTION_WORDS.split())
    + "|"
    + _MOVE_WORDS
    + r")$)(?!(?!(?:"
    + _KIND_PARTICIPLES
    + r")$)[a-z]+(?:ly|ing|ed)$)(?!(?:prepaid|deferred|retained|unearned|accrued|withholding|statutory)$)"
    r"[A-Za-z][\w.&/-]*",
    re.IGNORECASE,
)
MARK_RE = re.compile(
    r"(?P<before>\b(?:compared\s+(?:to|with)|as\s+compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|versus|"
    r"vs\.?|against|as\s+against|relative\s+to|compares?\s+(?:to|with)|from(?!\s+(?:(?:continuing|discontinued|ongoing|total)\s+)?operations))(?![\w-]))"
    r"|(?P<to>\b(?:to|at)\b)"
    r"|(?P<by>\bby\b)"
    r"|(?P<loss>\b(?:an?\s+)?(?:(?:net|operating|pre-?tax|adjusted)\s+)*(?:loss(?:es)?(?:\s+per\s+share)?|negative|outflow|cash\s+used"
    r"(?:\s+in\s+(?:operations|operating\s+activities))?)\s+(?:of\s+)?"
    r"(?=[-−(]?\s?(?:(?-i:[A-Z])|[$€£¥]|euro|\d)))"
    r"|(?P<profit>\b(?:an?\s+)?(?:(?:net|operating|pre-?tax|adjusted)\s+)*(?:profit|income|earnings|inflow)\s+"
    r"(?:of\s+)?(?=[(]?\s?(?:(?-i:[A-Z])|[$€£¥]|euro|\d)))"
    r"|(?P<resp>\brespectively\b)",
    re.IGNORECASE,
)
# A prior figure named twice, sequentially and year on year: the year-ago one is the comparison.
YEAR_AGO = re.compile(
    r"^\s*,?\s*(?:in\s+|for\s+)?(?:the\s+)?(?:a\s+year\s+(?:ago|earlier)|(?:last|previous|prior)[- ]year|year[- ]ago|"
    r"same\s+(?:period|quarter)\s+(?:of\s+)?last\s+year)",
    re.IGNORECASE,
)
SEQUENTIAL = re.compile(
    r"\s*,?\s*(?:in\s+(?:the\s+)?(?:Q[1-4]|(?:first|second|third|fourth)\s+quarter|(?:prior|previous|last)\s+quarter)|"
    r"sequentially|(?:in\s+)?the\s+(?:prior|previous|last|preceding)\s+quarter)\b",
    re.IGNORECASE,
)
# A figure followed by one of these is the prior one: "$0.46 a year ago".
AGO_RE = re.compile(
    r"^\s*,?\s*(?:in\s+|for\s+|during\s+|at\s+)?(?:the\s+)?(?:a\s+year\s+(?:ago|earlier|before)|"
    r"(?:last|previous|prior)\s+(?:year|quarter)|(?:the\s+)?(?:same|corresponding|comparable|prior[- ]year|"
    r"year[- ]ago|previous[- ]year)\s+(?:period|quarter|year)|(?:the\s+)?(?:prior|previous)[- ]year\s+"
    r"(?:period|quarter)|year[- ]ago\s+(?:period|quarter))",
    re.IGNORECASE,
)
HEDGE_RE = re.compile(
    r"\b(?:not|no\s+longer|never|neither|nor|failed\s+to|unlikely|expects?|expected|expecting|forecasts?|"
    r"forecasted|guidance|outlook|targets?|targeted|targeting|aims?|aiming|plans?|planned|anticipates?|"
    r"anticipated|estimates?|estimated|projected|projects|will|would|could|(?-i:may)|might|should|if|assum\w+|no|"
    r"believes?|hopes?|intends?|seeks?|potential|potentially|goal|ambition|objective|seen)\b|n't\b",
    re.IGNORECASE,
)
BOUNDARY_RE = re.compile(
    r";|\.(?<!(?-i:\b[A-Z]\.[A-Z]\.))\s+(?=(?-i:[A-Z]))|\b(?:but|while|whereas|although|though|however|due\s+to|resulted\s+from|results\s+from|"
    r"offset\s+by|driven\s+by|thanks\s+to|because\s+of|as\s+a\s+result\s+of|owing\s+to|reflecting|on\s+the\s+back\s+of|"
    r"as\s+(?:we|the\s+company|it|they)\b)\b",
    re.IGNORECASE,
)
# Joins between metrics of one list ("net sales and operating profit").
LIST_JOIN = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|as\s+well\s+as\s+)(?:the\s+|its\s+)?$", re.IGNORECASE)
# What may stand between a metric and its movement word in a words-only change.
WORDS_GAP = re.compile(
    r"^(?:\s+(?:in|of|for|at|during|also|again|both|has|have|had|was|were|is|are|been|further|slightly|"
    r"sharply|significantly|markedly|substantially|considerably|somewhat|clearly|thus|therefore|meanwhile|"
    r"however|the|its|their|our|year-on-year|year-over-year|sequentially|organically|Q\d|\w+\s+quarter|"
    r"first|second|third|fourth|half|period|year|three|six|nine|twelve|months|weeks|\d{4}|,|did|does|do|not|n't|"
    r"may|might|will|would|could|should|"
    r"to|expected|expects?|continued|continues|continue|is|be)"
    # "in the Transportation Solutions segment", "at our European business"
    r"|\s+(?:in|at|for|of)\s+(?:the\s+|our\s+|its\s+)?(?:[\w&'-]+\s+){0,4}(?:segments?|divisions?|"
    r"business(?:es)?|units?|regions?|operations|reportable\s+segment)\b){0,9}\s*$",
    re.IGNORECASE,
)
# A movement before the metric: a noun ("a decline in net sales", "growth of the order book") or a
# verb in the past tense with the metric as its object ("we reduced our gross debt by $350 million",
# "it lifted its dividend"; the object's determiner tells the verb from an adjective, which `PRE_ADJ`
# reads, and a base form or a gerund states an aim, not a change: "we can increase our leverage",
# "target growing our dividend").
_MOVES_BEFORE = rf"(?:{RISE_WORDS})|(?:{FALL_WORDS})|(?:{BETTER_WORDS})|(?:{WORSE_WORDS})"
PRE_MOVE = re.compile(
    rf"\b(?P<move>{_MOVES_BEFORE})\s+(?:(?:in|of)\s+(?:the\s+|its\s+|our\s+)?"
    r"|(?P<object>(?<=ed\s|ew\s|ut\s)(?:the|its|our|their)\s+))$",
    re.IGNORECASE,
)


# A metric named again for its prior figure ("compared to net charge-offs of $2.3 million", "compared
# to a profit of EUR 2.2 mn", "( loss of EUR 0.4 mn )") belongs to the statement before it.
REPEATED = re.compile(
    r"(?:\b(?:compared\s+(?:to|with)|versus|vs\.?|against|from)|\()\s*(?:a|an|the|its|their|our)?\s*"
    r"(?:(?:prior|previous|last)\s+year(?:'s)?\s+)?$",
    re.IGNORECASE,
)


# "11.3 % of net sales", "as a percentage of sales": the metric after is a denominator.
DENOMINATOR = re.compile(
    r"(?:(?:%|\bpercent|\bper\s+cent|\bpercentage|\bshare|\bproportion)\s+of|\b(?:basis\s+points?|bps?)\s+(?:of|for))"
    r"\s+(?:the\s+|its\s+)?(?:[a-z][\w-]*\s+)?$",
    re.I,
)
BARE_RESULTS = frozenset({"loss", "profit", "earnings", "income"})
# "to a loss of", "from a profit of", "an operating loss of": a bare result word after these signs a figure.
SIGN_PHRASE = re.compile(r"\b(?:an?|to\s+a|from\s+a|into\s+a)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)

# Movement nouns that also name things ("growth markets", "expansion projects"): a words-only change
# needs a verb or a predicate after its metric, or the noun before it ("growth in net sales").
MOVE_NOUNS = frozenset(
    {"growth", "expansion", "contraction", "reduction", "improvement", "deterioration", "compression", "uplift"}
)
PRE_ADJ = re.compile(
    r"\b(?P<move>increased|higher|lower|reduced|improved|stronger|weaker|rising|falling|declining|growing|"
    r"decreased|uplift\s+in)\s+(?:(?:" + PREFIX + r")\s+)*$",
    re.IGNORECASE,
)
ADJECTIVE_MOVES = {
    **dict.fromkeys(("increased", "higher", "rising", "growing", "uplift in"), "up"),
    **dict.fromkeys(("lower", "reduced", "falling", "declining", "decreased"), "down"),
    "improved": "better",
    "stronger": "better",
    "weaker": "worse",
}
# The movement word of a direction, for a verb shared by two metrics.
RAW_MOVES = {Direction.UP: "up", Direction.DOWN: "down"}

# How many words may stand between a marker and its figure ("compared to net charge-offs of $2.3
# million": three); a marker further away belongs to something else ("at the end of September",
# "cash flow from business operations totalled …").
MARK_REACH = {"before": 4, "from": 3, "now": 1, "change": 1}
TIME_NOUNS = frozenset({"months", "weeks", "years", "hours"})
PER_SHARE_AFTER = re.compile(
    r"^\s*(?:(?:net\s+)?(?:loss|earnings|income)\s+)?per\s+(?:diluted\s+|basic\s+)?(?:common\s+)?share\b", re.I
)
# "($0.88 per share on a diluted basis)": the same result on another basis, not a prior figure.
OTHER_BASIS = re.compile(r"^[^()]*\(\s*$|^\s*(?:,\s*)?(?:and|or)\s*$")
OTHER_BASIS_AFTER = re.compile(r"^[^.;]{0,25}\bon\s+a\s+(?:fully\s+)?diluted\s+basis", re.I)
MOVE_NOUN_AFTER = re.compile(
    r"^\s*(?:year-over-year\s+|year-on-year\s+|yoy\s+)?(?:increase|decrease|rise|decline|growth|drop|gain|"
    r"improvement|reduction|uplift|jump|fall|expansion|contraction)\b",
    re.I,
)
RATIO_COMPARED = re.compile(
    r"^\s*,?\s*(?:compared\s+(?:to|with)|versus|vs\.?|against|from)\s+[^\d]{0,15}\d[\d.,]*\s?(?:%|percent)", re.I
)
# A bracket that closes after the figure, or after its per-share unit ("(2014/15: 5.0 pence per share)").
CLOSES_AFTER = re.compile(r"\s*(?:per\s+(?:diluted\s+|basic\s+)?(?:common\s+)?share\s*)?\)", re.IGNORECASE)
PAREN_PRIOR = re.compile(
    r"\(\s*(?:(?:prior|previous|last|comparable|corresponding|same)[^():]{0,25}?:?|[^():$€£]{0,22}:)?\s*"
    r"(?:(?P<loss>(?:an?\s+)?(?:net\s+)?(?:loss|negative)(?:\s+of)?)|(?P<profit>(?:an?\s+)?profit(?:\s+of)?))?\s*$",
    re.I,
)


# "as we expected", "larger-than-expected": "expected" that hedges nothing.
NOT_A_HEDGE = re.compile(
    r"(?:\bas\s+(?:we\s+|had\s+been\s+|previously\s+)?|than[- ]"
    # "below our year-end target", "ahead of the target": a target met, not a forecast
    r"|\b(?:below|above|ahead\s+of|within|beat|beating|exceeded|exceeding|met|meeting|reached|achieved|"
    r"achieving|surpassed)\s+(?:(?:our|the|its|their|analysts'?)\s+)?(?:[\w-]+\s+){0,2})$",
    re.IGNORECASE,
)

# "compared to 2018", "versus fiscal 2020": the comparison names a period, not a figure.
PERIOD_AFTER = re.compile(
    r"\s*(?:fiscal\s+(?:year\s+)?|FY\s?)?(?:19|20)\d\d\b(?!\s*(?:%|percent|million|billion))", re.I
)

# -- mentions of a metric that are not its own statement ------------------------------------------

# "revenue excluding traffic acquisition costs", "other income, net of expenses", "ROFE (excluding
# the Summergate impairment)", "Leverage (net debt/adjusted EBITDA)": the later item qualifies or
# defines the earlier one.
QUALIFIER_WORD = re.compile(
    r"\b(?:excluding|excl\.?|ex\.?|including|incl\.?|net\s+of|before|after|less|adjusted\s+for|"
    r"not\s+including)\s+(?:the\s+|any\s+|all\s+)?(?:[\w&/-]+\s+){0,3}$",
    re.IGNORECASE,
)
# "(excluding the Summergate impairment)", "net of expenses": an item named only to be left out.
QUALIFIED = re.compile(
    r"\w[\s,(]+(?:excluding|excl\.?|ex\.|net\s+of|less|adjusted\s+for|not\s+including)\s+(?:the\s+|any\s+|all\s+)?"
    r"(?:[\w&/-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "prepaid expenses", "deferred revenue", "retained earnings": balance-sheet items that name a line
# item without being one.
NOT_THE_ITEM = re.compile(
    r"\b(?:prepaid|deferred|retained|unearned|accrued|withholding|statutory|"
    r"accumulated\s+other\s+comprehensive(?:\s+income\s*/)?)\s*$",
    re.IGNORECASE,
)
# "sales force", "power sales companies", "sales tax", "the revenue team": an item right before a noun
# that names an organisation, its people or a tax is that noun's modifier, not a line item.
NOUN_AFTER_ITEM = re.compile(
    r"[ \t]+(?:compan(?:y|ies)|subsidiar(?:y|ies)|force|forces|teams?|staff|people|representatives?|"
    r"reps?|offices?|outlets?|agents?|agenc(?:y|ies)|organi[sz]ations?|networks?|channels?|tax(?:es)?)\b",
    re.IGNORECASE,
)
# "of up to $1 billion", "borrow up to": a limit, not a movement.
LIMIT_BEFORE = re.compile(r"\b(?:of|for|by|provides?|providing|borrow\w*|with|total(?:ing|s)?)\s+$", re.IGNORECASE)
# "lower than the statutory rate", "higher-than-expected": a benchmark, not a prior period.
BENCHMARK_AFTER = re.compile(
    r"(?:-|\s+)than[\s-]+(?:the\s+|our\s+|its\s+)?(?:u\.s\.\s+)?(?:statutory|expected|guidance|outlook|forecast|"
    r"consensus|planned|budget|prior\s+guidance|anticipated)",
    re.IGNORECASE,
)
# "cost of revenues", "costs of services": the item after is what the cost is of.
COST_OF = re.compile(r"\bcosts?\s+of\s+(?:the\s+)?$", re.IGNORECASE)
# A figure that measures a movement word after it: "a 6.1 percent growth", "a 150-basis-point improvement".
FIGURE_BEFORE_MOVE = re.compile(
    r"\d(?:[\d.,]*\d)?\s*(?:%|percent|per\s+cent|[-\s]?basis[-\s]points?|bps|points?|pp)?[\s-]*$", re.IGNORECASE
)
# A figure right before the item names the figure's unit ("$0.04 loss per share").
FIGURE_BEFORE = re.compile(r"(?:\d[.,]\d+|[$€£¥]\s?\d+)\s*$")
# "on lower net earnings", "driven by higher volumes", "partly offset by lower costs": a cause or a
# concession named by an adjective, not a change the sentence states ("due to lower sales volume"
# is read: the labelled table counts it).
CAUSE_BEFORE = re.compile(
    r"\b(?:as|on|driven\s+by|thanks\s+to|reflecting|amid|helped\s+by|supported\s+by|offset\s+by|"
    r"impacted\s+by|affected\s+by|hit\s+by)\s+(?:an?\s+)?(?:(?:[\w/&-]+\s+){1,4}(?:and|,)\s+)?$",
    re.IGNORECASE,
)
# A movement noun in a reason ("for loan growth", "to support growth"), not the metric's movement.
REASON_BEFORE = re.compile(r"\b(?:for|to\s+support|to\s+fund|supporting)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
# Figures labelled with their years: "31.3 % for fiscal 2024 and 36.7 % for fiscal 2023".
YEAR_LABEL = re.compile(
    r"^\s*(?:for|in|during)\s+(?:the\s+)?(?:fiscal\s+(?:year\s+)?|financial\s+year\s+|FY\s?|full[- ]year\s+|"
    r"(?:first|second|third|fourth)\s+quarter\s+(?:of\s+)?|Q[1-4]\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)

# All of the above that make a mention of a metric not its own statement, in one search of the 40
# characters before it: another's prior figure, a denominator, what a cost is of, an item named
# only to be left out, a balance-sheet item that names a line item.
NOT_OWN_STATEMENT = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (REPEATED, DENOMINATOR, COST_OF, QUALIFIED, NOT_THE_ITEM)), re.IGNORECASE
)
