"""NLTK's Punkt sentence boundaries for a fixed set of abbreviations, found with a fraction of Punkt's work.

Punkt (`nltk.tokenize.punkt`) finds candidate boundaries with a regex, decides each one by tokenizing and annotating
the few words around it (`text_contains_sentbreak`), then moves closing quotes and brackets back onto the sentence
they end, each step a generator of slices. `Punkt` runs the same steps in one loop and decides the plain candidates
("disease. The") without building token objects; the other decisions are Punkt's own, remembered. The spans are
NLTK's exactly: tests/indexer/test_punkt.py checks them against an unmodified tokenizer.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

# A candidate's context is the word before it, the mark and what follows ("disease. The"). With abbreviations as
# the only parameters (no collocations, sentence starters or orthographic statistics), Punkt breaks:
#   after a word of letters, digits and single hyphens, not starting with a digit (a number) nor a single letter
#   (an initial), and a full stop followed by a token, unless the word (or its last hyphenated part) is an
#   abbreviation: after one, the tokens that follow decide;
#   after a closing bracket or double quote and a full stop followed by a token (the stop is a token of its own);
#   after a question or exclamation mark followed by a token.
# The token after a full stop may not start with one (". . ." is a token). Printable ASCII only, where Python's
# regex engine and NLTK's agree on every character class.
_WORD_STOP = re.compile(r"([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\. [!-\-/-~][!-~]*")
_CLOSED_STOP = re.compile(r"[!-~]*[)\]\"]\. [!-\-/-~][!-~]*")
_MARK = re.compile(r"[!-~]*[?!] [!-~]+")
_RARE_SPACE = "".join(c for c in string.whitespace if c != " ")  # Punkt looks back for any of string.whitespace
# The only characters that Python's `\s` counts as space and the `regex` module (NLTK's engine) does not: a text
# holding one is searched with NLTK's own compiled candidate pattern.
_SEPARATORS = re.compile("[\x1c-\x1f]")
_DECISIONS_LIMIT = 100_000


def sentence_tokenizer(abbreviations: Iterable[str], internals: bool = True) -> PunktSentenceTokenizer:
    """A Punkt tokenizer knowing `abbreviations` and nothing else: `Punkt` with the internals, else NLTK's own
    (the same spans, found more slowly)."""
    if internals:
        return Punkt(abbreviations)
    params = PunktParameters()
    params.abbrev_types = set(abbreviations)
    return PunktSentenceTokenizer(params)


class Punkt(PunktSentenceTokenizer):
    """A Punkt sentence tokenizer knowing `abbreviations` (lower-case, without the final full stop) and nothing
    else, whose `span_tokenize` gives NLTK's spans faster."""

    def __init__(self, abbreviations: Iterable[str]) -> None:
        params = PunktParameters()
        params.abbrev_types = set(abbreviations)
        super().__init__(params)
        self._abbreviations = frozenset(params.abbrev_types)
        self._decisions: dict[str, bool] = {}
        # Punkt's candidate pattern compiled by Python's `re`: NLTK runs it through the `regex` module with a timeout
        # guard (nltk.redos), a fifth of a build's CPU. The guard is for patterns that backtrack; this one cannot:
        # a mark, then one punctuation character or a run of spaces and the next token, so each character is
        # looked at by at most one candidate besides its own.
        lang = self._lang_vars
        self._candidates = re.compile(
            lang._period_context_fmt % {"NonWord": lang._re_non_word_chars, "SentEndChars": lang._re_sent_end_chars},
            re.UNICODE | re.VERBOSE,
        )

    def text_contains_sentbreak(self, text: str) -> bool:
        if self._plain_break(text):
            return True
        decided = self._decisions.get(text)
        if decided is None:
            decided = super().text_contains_sentbreak(text)
            if len(self._decisions) < _DECISIONS_LIMIT:
                self._decisions[text] = decided
        return decided

    def _plain_break(self, context: str) -> bool:
        """True when the context is one of the plain ones above, where Punkt breaks."""
        stop = _WORD_STOP.fullmatch(context)
        if stop:
            word = stop.group(1).lower()
            known = self._abbreviations
            return len(word) > 1 and word not in known and word.rsplit("-", 1)[-1] not in known
        return _CLOSED_STOP.fullmatch(context) is not None or _MARK.fullmatch(context) is not None

    def span_tokenize(self, text: str, realign_boundaries: bool = True) -> Iterator[tuple[int, int]]:
        if not realign_boundaries:
            return super().span_tokenize(text, realign_boundaries)
        return iter(self._realigned(text, self._breaks(text)))

    def _breaks(self, text: str) -> list[tuple[int, int]]:
        """Punkt's `_slices_from_text` over its `_match_potential_end_contexts`, as one loop."""
        last_space = _last_space_finder(text)
        breaks: list[tuple[int, int]] = []
        last_break = 0
        previous = None  # the last candidate, kept until the next shows whether it overlaps the word before it
        word_start = word_end = 0  # the word before the previous candidate
        candidates = self._lang_vars.period_context_re() if _SEPARATORS.search(text) else self._candidates
        for match in candidates.finditer(text):
            space = last_space(word_end, match.start())
            start = space + 1 if space > word_end else word_start  # Punkt's look-back ignores a space at its start
            if previous is not None and word_end <= start:
                last_break = self._decide(text, previous, word_start, word_end, breaks, last_break)
            previous, word_start, word_end = match, start, match.start()
        if previous is not None:
            last_break = self._decide(text, previous, word_start, word_end, breaks, last_break)
        breaks.append((last_break, len(text.rstrip())))
        return breaks

    def _decide(self, text: str, match, word_start: int, word_end: int, breaks: list, last_break: int) -> int:
        """Record the break at `match` if Punkt takes it; where the next sentence starts."""
        if not self.text_contains_sentbreak(text[word_start:word_end] + match.group() + match.group("after_tok")):
            return last_break
        breaks.append((last_break, match.end()))
        return match.start("next_tok") if match.group("next_tok") else match.end()

    def _realigned(self, text: str, breaks: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Punkt's `_realign_boundaries`: closing punctuation after a break joins the sentence before it."""
        realignment = self._lang_vars.re_boundary_realignment
        spans = []
        realign = 0
        for (start, stop), following in zip(breaks, [*breaks[1:], None], strict=True):
            start += realign
            if following is None:
                if text[start:stop]:
                    spans.append((start, stop))
                break
            # what realignment moves is closing punctuation: a sentence starting with a letter or digit keeps it
            begins, ends = following
            plain = ends <= begins or text[begins].isalnum()
            closing = None if plain else realignment.match(text[begins:ends])
            if closing:
                spans.append((start, following[0] + len(closing.group(0).rstrip())))
                realign = closing.end()
            else:
                realign = 0
                if text[start:stop]:
                    spans.append((start, stop))
        return spans


def _last_space_finder(text: str):
    """rfind for the last character of string.whitespace in text[start:end] (-1 for none)."""
    if not any(c in text for c in _RARE_SPACE):
        return lambda start, end: text.rfind(" ", start, end)
    return lambda start, end: max(text.rfind(c, start, end) for c in string.whitespace)
