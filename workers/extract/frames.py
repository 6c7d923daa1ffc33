"""Event frames: from a parsed sentence and its trigger matches to event mentions, then
from the mentions of one article to one frame per real-world happening.

For each trigger the lexicon finds in a parsed sentence, `build_mentions()`:
1. picks the lexicon entry the parse supports (part of speech, requirements, exclusions);
2. decides whether the happening is asserted: negation drops it, a non-assertive governor
   ("denied carrying out the attack", "threatened to strike", "plans to", modals, "if")
   drops it, and so does a planning modifier ("planned offensive"); hedges, plurals
   (aggregates), habitual present tense and headlines lower the confidence; bombs
   delivered by aircraft are an air strike; a reporting verb whose clause reports another event is attribution, and
   one whose clause reports a happening we do not type (agreement, aid, concession...) is
   its vehicle, neither is a statement of its own; "X said Y must ..." is a demand; a raid
   under an arrest verb and protesters named inside another event are parts of that event;
3. attaches actors (subject/agent as source, object or "on/against" as target), the date
   expression closest to the trigger in the dependency tree (not one that dates another
   noun: "last month's coup", nor the date of a statement reacting to the event: "on
   Wednesday condemned the bombing"; else published_at), and the
   place that governs the trigger, or for a statement its speaker's ("officials in Kabul")
   or its venue's ("at a news conference in Geneva");
   else, for statements, the dateline or the speaker's country; for other events the
   dateline or the article's dominant place.

The mentions of one article are then merged and dated from the narrative by
`workers.extract.mentions`.

Offsets here are offsets into the cleaned text; the pipeline maps them to the body.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from workers.extract.codes import code_table, is_refinement
from workers.extract.dates import event_value, find_dates, interval
from workers.extract.mentions import Mention, PlacedLocation, is_placed
from workers.extract.triggers import LexEntry, Lexicon, LexMatch
from workers.lang import en
from workers.records import PRECISION_RANK, Actor, EventDate, EventLocation, Place, TimeExpression

VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
SUBJECTS = frozenset({"nsubj", "csubj"})
_SUBJECT_OR_POSSESSOR = SUBJECTS | {"poss"}
_DESTINATION_PREPS = frozenset({"into", "across", "onto", "on", "toward", "towards", "to"})
_AGENT_DEPS = SUBJECTS | {"poss", "compound"}
PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
OBJECTS = frozenset({"dobj", "attr", "oprd"})
# Dependency arcs along which a governor's negation or modality reaches the trigger. Not
# prepositions: in "no group claimed responsibility for the attack" only the claim is negated.
EMBEDDING_DEPS = frozenset(
    {"xcomp", "ccomp", "advcl", "dobj", "acomp", "pcomp", "nsubjpass", "attr", "conj", "amod", "compound"}
)
# A date hanging off a noun this way modifies that noun ("last month's coup", "the 1996 bombing") ...
NOUN_MODIFIER_DEPS = frozenset({"poss", "nmod", "nummod", "compound", "amod"})
# ... unless the noun is itself a time, after one of en.TEMPORAL_PREPS ("after Sunday's vote").
NOT_ASSERTED = 0.0
MIN_CONFIDENCE = 0.4
# What links a place to the larger place it lies in: "Kenosha, Wisconsin", "Palmyra in Homs".
_CHAIN_LINK = re.compile(r"[ \u00a0]*,[ \u00a0]*(?:in[ \u00a0]+)?|[ \u00a0]+in[ \u00a0]+(?:the[ \u00a0]+)?")
# Entities whose proper nouns inside the name are names, not events ("the ruling Democratic
# Rally", "Combined Joint Task Force Operation Inherent Resolve"); a name that opens with the
# event word names the event ("Operation Euphrates Shield").
NAME_ENTITIES = frozenset({"ORG", "FAC", "WORK_OF_ART", "LAW", "PRODUCT"})
ACTOR_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "country", "NORP": "group"}
# Subtypes that describe a lasting state as well as an event: as a participle adjective
# ("the besieged town", "the occupied West Bank") they describe the state.
STATE_SUBTYPES = frozenset({"siege", "occupation", "deployment"})
# Subtypes that aircraft as agent or instrument make an air strike (CAMEO 195): "warplanes
# dropped bombs", "jets bombarded". The subtype tree keeps them siblings of airstrike, so the
# sentence-wide cues ("jets") cannot refine them sideways.
AERIAL_SUBTYPES = frozenset({"bombing", "shelling"})


@dataclass(slots=True)
class ArticleFrame:
    """What the frame builder knows about the article around a sentence."""

    published_day: str  # YYYY-MM-DD, the article's local calendar day
    places: list[Place]  # every resolved place, clean offsets
    dates: list[TimeExpression]  # every normalized date, clean offsets
    dateline: Place | None
    dominant: Place | None
    country_place: Callable[[str], Place | None]  # a country's Place from its ISO code (mention, else gazetteer)
    demonym: Callable[[str], str | None]
    lookup: Callable[[str, str | None], Place | None]
    speakers: list[Actor] = field(default_factory=list)  # statement speakers and people named as subjects so far
    titled: frozenset[str] = frozenset()  # names the article gives next to a political title (lower case)
    text: str = ""  # the clean article text, for the sentence a pronoun refers back to


class _Tree:
    """A parsed doc's heads by position, with each token's ancestors computed once: paths in
    the tree are asked for every (trigger, date or place) pair, so walking token objects up
    each time made long sentences cubic."""

    def __init__(self, doc: Doc) -> None:
        self.heads = [t.head.i for t in doc]
        self._up: dict[int, dict[int, int]] = {}

    def up(self, i: int) -> dict[int, int]:
        """Token `i` and its ancestors, nearest first, with their distance from `i`."""
        found = self._up.get(i)
        if found is None:
            found, n, j = {}, 0, i
            while j not in found:  # the root is its own head; a malformed tree ends at its cycle
                found[j], n, j = n, n + 1, self.heads[j]
            self._up[i] = found
        return found

    def path(self, a: int, b: int) -> int:
        up_a = self.up(a)
        for ancestor, n in self.up(b).items():
            if ancestor in up_a:
                return n + up_a[ancestor]
        return 99


_TREE = "eventwire_tree"
_NEXT_WORD = re.compile(r"[\s\"\u201d']*(\w+)")  # the word after a cue
_NAME_WORD = re.compile(r"[A-Za-z]+")
_NAME = r"(?:[A-Z][\w'’.\-]*\s+){0,3}[A-Z][\w'’\-]*"
# After a title, the name ("Minister John Baird", "the mayor of London, Sadiq Khan"); before it, a
# name in apposition ("Mike Pompeo, the secretary", "Paul Dewar, an Ottawa New Democrat MP").
_NAME_AFTER_TITLE = re.compile(rf"(?:\s+(?:of|for|from)\s+(?:the\s+)?{_NAME})?,?\s+(?P<name>{_NAME})")
# The title may name its institution first ("Alexis Boon, the head of the Metropolitan Police").
_NAME_BEFORE_TITLE = re.compile(
    rf"(?P<name>{_NAME}),?\s+(?:who\s+(?:is|was)\s+)?(?:(?:the|a|an|its|his|her)\s+)?(?:[\w'’\-]+\s+){{0,3}}"
    r"(?:of\s+(?:the\s+)?(?:[A-Z][\w'’\-]*\s+){0,3})?$"
)
# The company after a title governments share with companies: "a vice president at PG&E".
_AT_COMPANY = re.compile(rf"\s+at\s+(?:the\s+)?(?P<org>{_NAME})")
# A name in apposition to the head of a place: "Carrie Lam, the chief executive of Hong Kong".
_NAME_BEFORE_PLACE_HEAD = re.compile(
    rf"(?P<name>{_NAME}),?\s+(?:who\s+(?:is|was)\s+)?(?:the|a|an)\s+(?:[\w'’\-]+\s+){{0,2}}"
    rf"(?:{'|'.join(sorted(en.PLACE_HEADS))})\s+of\s+(?:the\s+)?$"
)


def _tree(doc: Doc) -> _Tree:
    tree = doc.user_data.get(_TREE)
    if tree is None:
        tree = doc.user_data[_TREE] = _Tree(doc)
    return tree


def _tree_path(a: Token, b: Token) -> int:
    """Number of dependency arcs between two tokens of one sentence."""
    return _tree(a.doc).path(a.i, b.i)


def _governs(a: Token, b: Token) -> bool:
    """Whether `a` is an ancestor of `b`."""
    return a.i != b.i and a.i in _tree(b.doc).up(b.i)


def _country_named(name: str, art: ArticleFrame) -> str | None:
    """The code of the country `name` is the whole name of ("South Korea", "American Samoa")."""
    place = art.lookup(name, None)
    if place is not None and place.precision == "country" and place.name.lower() == name.lower():
        return place.country_code
    return None


def _at_the_venue(prep: Token, verb: Token) -> bool:
    """Whether `prep` places the venue a statement was made at: "condemned it at a news
    conference in Geneva", "at a press conference held in Islamabad, said", "speaking at a
    summit in Brussels, condemned"."""
    venue = prep.head.head if prep.head.dep_ == "acl" else prep.head  # "held in"
    if (
        prep.lower_ not in en.SPEAKER_LOCATIVE_PREPS
        or venue.lemma_.lower() not in en.STATEMENT_VENUES
        or venue.dep_ != "pobj"
        or venue.head.lower_ not in en.VENUE_PREPS
    ):
        return False
    up = venue.head.head
    return up == verb or (up.dep_ == "advcl" and up.head == verb)  # "Speaking at ..."


def _refers_back(it: Token) -> bool:
    """Whether "it" can only point before its sentence: no singular noun is a subject ahead of
    it ("The United States said it would strike" is the United States)."""
    return not any(t.dep_ in SUBJECTS and t.tag_ in ("NN", "NNP") for t in it.doc[it.sent.start : it.i])


def _words_before(text: str, start: int) -> frozenset[str]:
    """The lower-case words of the sentence that ends before clean offset `start`."""
    before = text[max(0, start - 400) : start].rstrip()
    cut = max(before.rfind(". ", 0, len(before) - 1), before.rfind("\n", 0, len(before) - 1))
    return frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", before[cut + 1 :]))


def _locates_the_speaker(prep: Token, verb: Token) -> bool:
    """Whether `prep` hangs in the subject of `verb` through nouns and prepositions alone:
    "officials in Kabul", "a spokesman for the FBI office in Buffalo"; not through a clause
    ("a group based in Trinidad", "Kavan, who lived in London") nor an apposition."""
    if prep.lower_ not in en.SPEAKER_LOCATIVE_PREPS:
        return False
    tok = prep.head
    for _ in range(len(prep.doc)):  # a malformed tree may cycle
        if tok.dep_ not in ("pobj", "prep") or tok.head == tok:
            break
        tok = tok.head
    return tok.dep_ in SUBJECTS and tok.head == verb and tok.pos_ in ("NOUN", "PROPN")


def _is_verbal(tok: Token) -> bool:
    return tok.tag_ in VERB_TAGS or tok.pos_ in ("VERB", "AUX")


def _inside_a_name(tok: Token) -> bool:
    """Whether a capitalized word inside a sentence is a word of a name that it does not open
    as the name of a happening ("Operation Euphrates Shield", "the Battle of Mosul" open one)."""
    if not tok.is_title or tok.i == tok.sent.start:
        return False
    before = tok.doc[tok.i - 1]
    if before.is_quote or before.text in (":", ";", "(", "-", "--", "\u2013", "\u2014"):
        return False  # a quotation or a clause after a colon or a dash starts like a sentence
    after = tok.doc[tok.i + 1 : tok.i + 3]
    if not len(after):
        return True
    if after[0].is_title and after[0].pos_ == "PROPN":
        return False  # "Operation Euphrates Shield"
    return not (len(after) == 2 and after[0].lower_ == "of" and after[1].is_title)  # "the Battle of Mosul"


def _subject_in_apposition(head: Token) -> Token | None:
    """The subject of a verb that the parser hung as an apposition inside a leading participle
    phrase, if the verb has no subject of its own: in "Speaking to Agence France-Presse, the
    league's president, Jamel Msallem, said", "the league's president" is parsed as an
    apposition of "Agence France-Presse"."""
    if any(c.dep_ in SUBJECTS for c in head.children):
        return None
    for c in head.children:
        if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i < head.i:
            return next((t for t in c.subtree if t.dep_ == "appos" and t.head.dep_ == "pobj"), None)
    return None


def _generic_plural(head: Token) -> bool:
    """Whether a plural event noun names a kind of happening, not happenings: no article,
    possessive, number or demonstrative, the object of a preposition ("retreat from the world
    because of terrorist attacks", "helped lead to violent attacks against abortion
    providers"), and its sides unnamed ("clashes between police and Albanians" name them).
    The object of a verb is done ("dropped barrel bombs on the district"). Told with its own
    date or place it is an aggregate of real ones ("attacks in Kabul last week"), which the
    caller keeps."""
    return (
        _is_nominal(head)
        and head.tag_ == "NNS"
        and head.dep_ == "pobj"
        and not any(c.dep_ in ("det", "poss", "nummod", "predet") for c in head.children)
        and not any(c.dep_ == "prep" and c.lower_ == "between" for c in head.children)
    )


def _subjects(verb: Token) -> list[Token]:
    """A verb's subjects; a verb coordinated without one of its own has the first one's
    ("protesters pelted police with stones and burned tyres")."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
    if not subjects and verb.dep_ == "conj":
        subjects = [c for c in verb.head.children if c.dep_ in SUBJECTS]
    return subjects


def _objects_of(tok: Token, preps: Set[str]) -> list[Token]:
    """The objects of the prepositions `preps` hanging on `tok` ("by Egypt" → Egypt)."""
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ in preps for g in c.children if g.dep_ == "pobj"]


def _reporting_subject(pronoun: Token) -> Token | None:
    """Who "he" or "she" is in a reported clause: the reporter named as the subject of the
    verb the clause follows ("Senator Warren said she condemned the bombing"); not in a
    quote before it, where "he" is someone else ('"He called on ...," his spokesman said')."""
    clause = pronoun.head
    if pronoun.dep_ not in SUBJECTS or clause.dep_ != "ccomp" or clause.i < clause.head.i:
        return None
    return next(
        (s for s in _subjects(clause.head) if s.i < pronoun.i and s.pos_ != "PRON" and s.ent_type_ in ("PERSON", "")),
        None,
    )


def _first_conjunct(tok: Token) -> Token:
    """The first of the coordinated words `tok` belongs to ("war" for "protests" in "fears
    of war and protests"): the one whose arcs say where the coordination hangs."""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _undated_sentence(tok: Token) -> bool:
    """Whether the sentence of a token names no date or time."""
    return not any(t.ent_type_ in ("DATE", "TIME") for t in tok.sent)


def _is_nominal(tok: Token) -> bool:
    return tok.pos_ in ("NOUN", "PROPN") or tok.tag_.startswith("NN")


def _of_another_verb(head: Token, span: SpacySpan) -> bool:
    """Whether a date or place belongs to a verb that only mentions the event noun `head`
    inside one of its arguments ("evidence from the Nairobi bombing arrived over the
    weekend", "extradited three men to Spain in connection with the bombings", "finished
    talks that the car bombing had interrupted, on Wednesday"), not to the event: the way up
    from the noun to the span's verb passes another noun or a relative clause. "Killed in the
    blast during Friday prayers" dates the blast. What the noun's own phrase holds ("the
    Kenya bombing", "the raid on Monday") is the event's."""
    root = span.root
    if _governs(head, root):
        return False
    verb = root
    while not _is_verbal(verb) and verb.head.i != verb.i:
        verb = verb.head
    tok, nested = head, False
    for _ in range(8):
        if tok.head.i == tok.i:
            return False
        nested = nested or tok.dep_ in ("relcl", "acl") or tok is not head and _is_nominal(tok) and not _counts(tok)
        tok = tok.head
        if tok.i == verb.i:
            return nested
    return False


def _told_of_another(head: Token, tok: Token) -> bool:
    """Whether a date or place (its root `tok`) is told in a relative clause about someone or
    something that is not a party of the event `head`: "rallied to support the boy, who was
    born in Lyon on May 3", "attacked the village to capture the commander, who had fled from
    Kabul". A relative clause on the event itself or on its own argument keeps what it tells
    ("the attack, which happened on Monday", "killed two soldiers who were patrolling in
    Kandahar"), and so does one the event is told in ("the town where the attack was")."""
    for _ in range(12):
        if tok.i == head.i or _governs(tok, head) or tok.head.i == tok.i:
            return False
        if tok.dep_ == "relcl":
            noun = tok.head
            party = noun.head if noun.head.dep_ != "prep" else noun.head.head
            return noun.i != head.i and party.i != head.i
        tok = tok.head
    return False


def _counts(tok: Token) -> bool:
    """Whether a noun only counts what hangs off it ("thousands of protesters", "dozens of raids")."""
    return tok.tag_ == "CD" or tok.lemma_.lower() in en.CROWD_QUANTITIES


def _span_of(te: TimeExpression, dates: list[tuple[TimeExpression, SpacySpan]]) -> SpacySpan:
    return next(sp for t, sp in dates if t is te)


def _cause_words(tok: Token) -> set[str]:
    """Words of what a noun is said to be caused by ("a gas leak led to an explosion", "a
    leak caused a blast"): the subject of a verb of causing whose object it is."""
    verb = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ in en.CAUSE_PREPS else tok.head
    if not (tok.dep_ in ("dobj", "pobj") and verb.lemma_.lower() in en.CAUSE_VERBS):
        return set()
    return {w for c in _subjects(verb) for t in c.subtree for w in (t.lower_, t.lemma_.lower())}


def _near_words(tok: Token, depth: int = 2) -> set[str]:
    """Lower-case words and lemmas within `depth` arcs of a token (down, and its head)."""
    out: set[str] = set()
    frontier = [tok]
    for _ in range(depth):
        nxt: list[Token] = []
        for t in frontier:
            nxt.extend(t.children)
        frontier = nxt
        out.update(t.lower_ for t in frontier)
        out.update(t.lemma_.lower() for t in frontier)
    if tok.dep_ in ("compound", "amod", "pobj", "dobj", "nsubj", "relcl", "acl"):  # "a collision which killed"
        out.add(tok.head.lower_)
        out.add(tok.head.lemma_.lower())
    if tok.dep_ == "compound":  # "a blast furnace outage": the other words the phrase is built of
        out.update(c.lower_ for c in tok.head.children if c.dep_ == "compound")
    if tok.dep_ == "conj":
        # "the flooding has spread and has now struck four million people": the shared subject
        out.update(w for c in _subjects(tok) for w in (c.lower_, c.lemma_.lower()))
    return out


def _summary_plural(head: Token) -> bool:
    """Whether a plural event noun sums up happenings told elsewhere or nowhere ("claimed
    responsibility for both of those attacks", "all three bombings", "protection from these
    attacks"): none is a happening of its own, and none is one of the happenings it sums."""
    if not (_is_nominal(head) and head.tag_ == "NNS" and head.is_lower):
        return False
    if any(c.dep_ in ("det", "predet") and c.lower_ in en.SUMMARY_DETERMINERS for c in head.children):
        return True
    return head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lower_ in en.SUMMARY_DETERMINERS


def _repeated(head: Token) -> bool:
    """Whether the happening is told as a count of times ("has been arrested more than a
    dozen times during abortion protests", "protested five times"): a record, not one
    happening. Only for arrests and protests: "shot three times" is one attack."""
    verb = head if _is_verbal(head) else _clause_verb(head)
    return any(
        c.dep_ == "npadvmod" and c.lower_ == "times" and any(n.dep_ == "nummod" for n in c.children)
        for c in verb.children
    )


def _said_of_something_else(head: Token, is_trigger: Callable[[str], bool]) -> bool:
    """Whether an event noun only says what something else is like: the predicate of a
    thing that is no happening ("the dispute over Elian is a battle between Cubans"), or
    what it is compared with ("rather than a clash between two governments")."""
    if not _is_nominal(head):
        return False
    if head.dep_ == "pobj" and head.head.lower_ == "than":
        return True
    if head.dep_ != "attr" or head.head.lemma_ != "be":
        return False
    subject = next((c for c in head.head.children if c.dep_ in SUBJECTS), None)
    return subject is not None and subject.pos_ in ("NOUN", "PROPN") and not is_trigger(subject.text)


def _background(head: Token) -> bool:
    """Whether an event noun names the span of time or the campaign a sentence is set in,
    not a happening of its own: "in the sixteen weeks of protests", "since the protests
    began in June", "since the height of sectarian fighting", "a number of bombings in
    recent years", "as the second anniversary of his abduction nears". The happenings of
    such a campaign are told where they happen. So is one said to come before the story's own
    ("an earlier protest", "previous attacks"): told in passing, it is told elsewhere."""
    if any(c.dep_ == "amod" and c.lower_ in en.PRIOR_MODIFIERS for c in head.children):
        return True
    tok, passed = head, [head]
    for _ in range(6):  # up the "of"/"since" phrases and to the verb the noun is subject of
        if (
            tok.dep_ == "pobj"
            and tok.head.lower_ == "of"
            and tok.head.head.lemma_.lower() in en.CAMPAIGN_SPANS | en.COMMEMORATIONS
        ):
            return True
        if (
            tok.dep_ == "pobj"
            and tok.head.lower_ == "since"
            or any(c.dep_ == "mark" and c.lower_ == "since" for c in tok.children)
        ):
            return True
        if tok.dep_ not in ("pobj", "prep", "nsubj", "nsubjpass") or tok.head.i == tok.i:
            break
        tok = tok.head
        passed.append(tok)
    # "bombings in recent years", "a number of bombings over the past decade"
    spans = [g for t in passed for c in t.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return head.tag_ == "NNS" and any(
        g.lemma_.lower() in en.CAMPAIGN_SPANS and any(m.lower_ in en.SPAN_MODIFIERS for m in g.children) for g in spans
    )


def _sought(head: Token) -> bool:
    """Whether an event noun is what a reward is offered for, not a happening: "a reward for
    information leading to the arrest of those responsible", "a bounty for his capture"."""
    tok = head
    for _ in range(6):
        if tok.head.i == tok.i:
            return False
        tok = tok.head
        lemma = tok.lemma_.lower()
        if lemma in en.REWARDS or lemma == "lead" and tok.head.lemma_.lower() in en.SOUGHT_INFORMATION:
            return True
    return False


def _unrealized(head: Token) -> bool:
    """Whether an event noun is named only as one that may come ("the possibility of more
    attacks", "fears of renewed fighting", "capable of deploying 300,000 troops", "calls for a
    general strike") or as one the text finds no sign of ("no signs of an explosion", "did not
    find any evidence of a bombing")."""
    tok = _first_conjunct(head)
    if tok.dep_ not in ("pobj", "pcomp") or tok.head.lower_ not in en.PROSPECT_NOUNS:
        return False
    noun = tok.head.head
    lemma = noun.lemma_.lower()
    if lemma in en.PROSPECT_NOUNS[tok.head.lower_]:
        return True
    return (
        tok.head.lower_ == "of"
        and lemma in en.EVIDENCE_NOUNS
        and (
            any(c.lower_ == "no" and c.dep_ == "det" for c in noun.children)
            or noun.dep_ in OBJECTS
            and any(c.dep_ == "neg" for c in noun.head.children)
        )
    )


def _speaker_words(sources: Iterable[Actor]) -> set[str]:
    return {w.lower() for a in sources for w in _NAME_WORD.findall(a.text)}


def _describes_itself(head: Token) -> bool:
    """Whether a report is how someone describes what they are or do, told in the present
    ("the movement claims to pursue land reform", "the charity claims to have planted 30
    million trees"): a standing claim, no statement made at a time."""
    return (
        head.lemma_.lower() == "claim"
        and head.tag_ in ("VBZ", "VBP")
        and any(
            c.dep_ == "xcomp"
            and any(a.tag_ == "TO" for a in c.children)
            and c.tag_ != "VBG"  # "claims to be manufacturing weapons": news of what goes on now
            for c in head.children
        )
    )


def _affiliation_words(head: Token) -> set[str]:
    """The lower-case words saying whom a report's speakers speak for, beside or after them
    ("Connie Moganedi, a spokeswoman for the police department"; "a spokesman of the police").
    Wider than what `_actor` keeps in the actor's text (the "of" of a named or partitive
    speaker): this only judges the report, the actor stays as it is named."""
    out: set[str] = set()
    for subject in (c for c in head.children if c.dep_ in SUBJECTS):
        for holder in (subject, *(c for c in subject.children if c.dep_ == "appos")):
            for c in holder.children:
                if c.dep_ == "prep" and c.lower_ in ("for", "of"):
                    out.update(t.lower_ for t in c.subtree)
    return out


def _reports_a_word(head: Token, sources: Iterable[Actor], words: frozenset[str], nouns_only: bool = False) -> bool:
    """Whether the sentence of a report holds one of `words` outside its speakers' own words."""
    speaker = _speaker_words(sources)
    return any(
        t.lower_ in words and t.lower_ not in speaker and (not nouns_only or t.pos_ == "NOUN") for t in head.sent
    )


def _country_wide_marks(doc: Doc, words: set[str]) -> list[Token]:
    """The words of a sentence (`words`: its lower-case words) that spread a happening over a
    whole country ("vigils nationwide", "across the country", "throughout the nation")."""
    if not words & en.COUNTRY_WIDE_CUES:
        return []
    return [
        t
        for t in doc
        if t.lower_ in en.NATIONWIDE_WORDS
        or t.dep_ == "pobj"
        and t.lemma_.lower() in ("country", "nation")
        and t.head.lower_ in ("across", "throughout", "over")
    ]


def _clause_verb(tok: Token) -> Token:
    """The verb of the clause a noun belongs to ("launched ... attacks", "has been home to
    protests"), or the noun itself when none is near."""
    up = tok
    for _ in range(4):
        if up.head.i == up.i:
            break
        up = up.head
        if _is_verbal(up):
            return up
    return tok


def _kind_of_activity(head: Token) -> bool:
    """Whether an event word names a kind of activity, not a happening: a gerund or a bare
    noun (no determiner, possessor or number) as the object of a reason or purpose "for"
    ("used for attacks on other countries", "crimes for firing rockets") or of a means "by"
    ("clearing buildings by shooting all within"), or a bare singular noun naming a practice
    ("a campaign of assassination and terrorization", "a policy of detention"). A passive's
    agent ("marked by protests") is a happening; so is "a campaign of bombings"."""
    bare = (
        head.dep_ == "pcomp"
        and head.tag_ == "VBG"
        or (
            head.dep_ == "pobj"
            and head.tag_ in ("NN", "NNS", "VBG")
            and not any(c.dep_ in ("det", "poss", "nummod") for c in head.children)
        )
    )
    if not bare or head.head.dep_ != "prep":
        return False
    prep = head.head
    return prep.lower_ in en.ACTIVITY_PREPS or (
        # "a campaign of assassination", "a policy of detention": a practice, not a happening
        prep.lower_ == "of" and head.tag_ == "NN" and prep.head.lemma_.lower() in en.PRACTICE_NOUNS
    )


def _imperative(verb: Token) -> bool:
    """Whether a verb is an order or advice: its base form heading a clause with no subject,
    auxiliary or subordinator, or coordinated with one ("take a knife and attack them"). A
    clause opening the sentence before its reporter counts ('"Attack them," he told his
    men'), and so does one after the people it addresses ('"All Iraqis, fight them"')."""
    first = verb.head if verb.dep_ == "conj" else verb
    return all(
        v.tag_ == "VB"
        and (v.dep_ in ("ROOT", "conj", "ccomp", "parataxis") or v.dep_ == "advcl" and _opens_sentence(v))
        and not any(
            c.dep_ in SUBJECTS | PASSIVE_SUBJECTS | {"aux", "auxpass", "mark", "expl"} and not _addressed(c, v)
            for c in v.children
        )
        for v in {verb, first}
    )


def _awaiting_verb(noun: Token) -> Token | None:
    """The verb whose future modal would put an event noun's happening ahead of the report:
    the verb it is the subject of ("a wider operation would follow": announced, not yet
    begun; not "the offensive will continue"), or a verb of answering whose indefinite object
    it is ("will respond to an attack on Jordan", "would retaliate against any attack":
    answered if one comes)."""
    governor = noun.head
    if noun.dep_ in SUBJECTS:
        return None if governor.lemma_.lower() in en.CONTINUATIVE else governor
    if (
        noun.dep_ == "pobj"
        and governor.head.lemma_.lower() in en.RESPONSE_VERBS
        and any(c.dep_ == "det" and c.lower_ in en.INDEFINITE_DETERMINERS for c in noun.children)
    ):
        return governor.head
    return None


def _opens_sentence(tok: Token) -> bool:
    return all(t.is_punct for t in tok.doc[tok.sent.start : tok.i])


def _addressed(subject: Token, verb: Token) -> bool:
    """Whether the subject is whom the verb addresses: a plain noun phrase opening the
    sentence, then a comma, then the verb ("All Iraqis, fight them"; not "Gunmen, some in
    uniform, storm a church")."""
    words = list(subject.subtree)
    return (
        subject.dep_ == "nsubj"
        and _opens_sentence(words[0])
        and words[-1].i == verb.i - 2
        and verb.doc[verb.i - 1].text == ","
        and not any(t.text == "," for t in words)
    )


def _quoted(tok: Token) -> bool:
    """Whether a token stands inside a quotation: the last quotation mark before it in its
    sentence opens one (a straight one opens after a space or at the start; a quote closed
    here may have opened in an earlier sentence: 'Second sentence," said X')."""
    before = tok.doc.text[tok.sent.start_char : tok.idx]
    i = max(before.rfind('"'), before.rfind("\u201c"), before.rfind("\u201d"), before.rfind("``"), before.rfind("''"))
    if i < 0:
        return False
    mark = before[i]
    if mark == "\u201c" or before.startswith("``", i):
        return True
    if mark == "\u201d" or before.startswith("''", i):
        return False
    return i == 0 or before[i - 1] in " ([\n"


def _charged_offence(head: Token) -> bool:
    """Whether an event word names the offence of a charge, trial or verdict, not a
    happening: a bare noun or gerund (no determiner, possessor or number) after "of", "with",
    "for" or "to" of `LEGAL_CHARGES` ("nine counts of kidnapping", "convicted of kidnapping
    and murder", "charges of terrorism and kidnapping"). With a determiner it is the
    happening tried ("charged with the assassination of the mayor")."""
    if any(c.dep_ in ("det", "poss", "nummod") for c in head.children):
        return False
    first = head
    while first.dep_ == "conj":
        first = first.head
    prep = first.head
    return (
        first.dep_ in ("pobj", "pcomp")
        and prep.dep_ in ("prep", "dative")
        and prep.lower_ in ("of", "with", "for", "to")
        and prep.head.lemma_.lower() in en.LEGAL_CHARGES
    )


def _dates_a_noun(span: SpacySpan) -> bool:
    """Whether a date expression dates the noun it modifies ("last month's coup"), rather
    than being a time of the sentence ("in the week of March 4" is still one)."""
    root, noun = span.root, span.root.head
    if root.dep_ not in NOUN_MODIFIER_DEPS or not _is_nominal(noun) or noun in span:
        return False
    return not (noun.dep_ == "pobj" and noun.head.lower_ in en.TEMPORAL_PREPS)


def _dates_other_noun(span: SpacySpan, trigger_heads: set[int]) -> bool:
    """Whether a date expression dates a noun that is not a trigger ("protests against last
    month's coup", when "coup" is none: the coup's date, not the protests'), or the report
    that tells the event ("another report during the weekend said eight died in the attack")."""
    if _dates_a_noun(span) and span.root.head.i not in trigger_heads:
        return True
    prep = span.root.head
    return span.root.dep_ == "pobj" and prep.dep_ == "prep" and prep.head.lemma_.lower() in en.REPORT_NOUNS


def _report_noun(span: SpacySpan) -> Token | None:
    """The report noun a date expression is the time of, if any: "a statement on Monday",
    "a letter handed over on Monday", "his address Friday"."""
    tok = span.root
    for _ in range(3):
        if tok.dep_ not in ("pobj", "prep", "npadvmod", "acl") or tok.head.i == tok.i:
            return None
        tok = tok.head
        if _is_nominal(tok):
            return tok if tok.lemma_.lower() in en.REPORT_NOUNS else None
    return None


def _occasion_of(noun: Token, heads: list[tuple[Token, bool]], itself: bool = True) -> int | None:
    """Index of the statement trigger a report noun is the occasion of ("said in a statement",
    "during an interview ..., Sanders called", "a report ... said"; or, with `itself`, the
    trigger itself), if any: the time of the occasion is the time of the statement."""
    for n, (head, statement) in enumerate(heads):
        if not statement:
            continue
        if noun.i == head.i:
            if itself:
                return n
            continue
        if noun.dep_ in SUBJECTS and noun.head.i == head.i:
            return n
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.i == head.i:
            return n
    return None


def _status_time(span: SpacySpan) -> bool:
    """Whether a date expression is the time a state of affairs is told for ("as of Sunday
    evening, all four are in stable condition"): the time of a count, never of an event."""
    of = span.root.head
    return of.lower_ == "of" and of.head.lower_ == "as" and of.head.i == of.i - 1


def _comparison_bound(span: SpacySpan) -> bool:
    """Whether a date expression bounds a comparison ("the deadliest attack since 2004",
    "the first protest in the town since 1989"): the time since which nothing was like it,
    never the time of the event."""
    since = span.root.head
    if since.lower_ != "since" or since.dep_ != "prep":
        return False
    return any(t.tag_ == "JJS" or t.lower_ in en.RANK_WORDS for t in [since.head, *since.head.children])


def _after_comma(head: Token, dependent: Token) -> bool:
    """Whether a comma attached to `head` stands between it and a dependent to its right."""
    return any(t.lower_ == "," and t.head == head for t in head.doc[head.i + 1 : dependent.left_edge.i])


def _reaction_to(head: Token, statements: dict[int, int], memo: dict[int, int | None]) -> int | None:
    """Index of the statement trigger that reacts to an event noun ("condemned the car
    bombing", "claimed responsibility for the attack", "condemnation of the raid"): reached
    from it through nouns and prepositions only, not through a clause; else None.
    `statements` maps the sentence's statement trigger heads (token index) to their index;
    `memo` remembers the answer per token of the walk (one walk per sentence, not per noun: a
    chain of nouns made it quadratic)."""
    if not _is_nominal(head) or not statements:
        return None
    doc, heads = head.doc, _tree(head.doc).heads
    # Walk up from the noun's head: a statement ends the walk with that statement; a token
    # that is not a noun or preposition, or the root, ends it with None.
    path: list[int] = []
    j, found = heads[head.i], None
    while j != head.i:
        if j in memo:
            found = memo[j]
            break
        if j in statements:
            found = statements[j]
            break
        if doc[j].pos_ not in ("NOUN", "PROPN", "ADP") or heads[j] == j or j in path:
            break
        path.append(j)
        j = heads[j]
    for k in path:
        memo[k] = found
    return found


def _agent_in(head: Token, words: frozenset[str]) -> bool:
    """Whether the trigger's subject or possessor ("his fighters' march") is one of `words`."""
    return any(
        c.dep_ in _SUBJECT_OR_POSSESSOR and (c.lemma_.lower() in words or c.lower_ in words) for c in head.children
    )


def _object(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ in OBJECTS or c.dep_ in PASSIVE_SUBJECTS:
            return c
    return None


class FrameBuilder:
    """Turns parsed sentences into event mentions with a lexicon and article context."""

    def __init__(self, lexicon: Lexicon) -> None:
        unknown = lexicon.requirements("trigger") - REQUIREMENTS.keys()
        unknown |= {
            r
            for r in lexicon.requirements("cue")
            if not (r.startswith("from:") and any(sub == r[5:] for _, sub in code_table()))
        }
        if unknown:
            raise ValueError(
                f"trigger_lexicon.tsv: unknown requirements {sorted(unknown)} "
                f"(known: {sorted(REQUIREMENTS)}, and from:<subtype> on cues)"
            )
        self.lex = lexicon
        self._military = lexicon.words("military")
        self._combat_modifiers = lexicon.words("combat_modifiers")
        self._nonassertive = lexicon.words("nonassertive")
        self._aspectual = lexicon.words("aspectual")
        self._hedges = lexicon.words("hedges")
        self._modals = lexicon.words("modals")
        self._light = lexicon.words("light_verbs")
        self._person_nouns = lexicon.words("person_nouns")
        self._group_nouns = lexicon.words("group_nouns")
        self._pronouns = lexicon.words("pronouns")
        self._place_nouns = lexicon.words("place_nouns")
        self._untyped = lexicon.words("untyped_events")
        self._untyped_nouns = lexicon.words("untyped_event_nouns")
        self._deontic = lexicon.words("deontic")
        self._participants = lexicon.words("participant_nouns")
        self._crowds = lexicon.words("crowd_nouns")
        self._official_protesters = lexicon.words("official_protesters")
        self._state_forces = lexicon.words("state_forces")
        self._armed = self._state_forces | self._military
        self._routes = lexicon.words("route_nouns")
        self._aircraft = lexicon.words("aircraft")
        self._air_munitions = lexicon.words("air_munitions")
        self._nonassertive_mods = lexicon.words("nonassertive_modifiers")
        self._modified_nonevents = lexicon.words("modified_nonevents")
        self._weapons = lexicon.words("weapons")
        self._heavy_weapons = lexicon.words("heavy_weapons")
        self._military_targets = lexicon.words("military_targets")
        self._armed_units = lexicon.words("armed_units")
        self._captives = lexicon.words("captive_nouns") | self._person_nouns
        self._nonstate = lexicon.words("nonstate_armed")
        self._attack_targets = lexicon.words("attack_targets")
        self._violence_marks = lexicon.words("violence_marks")
        self._discovery_verbs = lexicon.words("discovery_verbs")
        self._fire_nouns = lexicon.words("fire_nouns")
        self._abstract_targets = lexicon.words("abstract_targets")
        self._media_nouns = lexicon.words("media_nouns")
        self._state_nouns = lexicon.words("state_nouns")
        self._coercive = lexicon.words("coercive_actions")
        self._conceded = lexicon.words("conceded_objects")
        self._intent_governors = lexicon.words("intent_governors")
        self._violent_agents = lexicon.words("violent_agents")
        self._reporting = lexicon.reporting_lemmas()
        self._political = lexicon.words("political_actors")
        self._incident_facts = lexicon.words("incident_facts")
        self._justice_officials = lexicon.words("justice_officials")
        self._civil_units = lexicon.words("civil_units")
        self._protest_purposes = lexicon.words("protest_purposes")
        self._strike_governors = lexicon.words("strike_governors")
        self._strike_modifiers = lexicon.words("strike_modifiers")
        self._law = self._justice_officials | {"authorities"}  # the police, prosecutors, judges, the authorities
        self._business_facts = lexicon.words("business_facts")
        self._not_national = self._business_facts | self._media_nouns  # heads a nation's group cannot have
        self._state_actors = self._political - lexicon.words("corporate_titles")
        self._no_crowd = self._state_forces | self._official_protesters | self._political  # whose protest is none
        self._affiliation_nouns = lexicon.words("affiliation_nouns")
        self._judicial = lexicon.words("judicial")
        self._owners: dict[tuple[int, int], int] = {}  # see _owner
        self._sent_counts: Counter[str] = Counter()  # the sentence's words (lower case)
        self._article_text = ""  # the clean text and the sentence's offset in it: what "it" may point back to
        self._base = 0
        self._country_wide: list[Token] = []  # the sentence's words that spread a happening nationwide
        self._statements: dict[int, int] = {}  # statement trigger heads of the sentence: token -> index
        self._reactions: dict[int, int | None] = {}  # memo of _reaction_to for the sentence

    # ---- trigger choice ----------------------------------------------------------------

    def _fits_pos(self, entry: LexEntry, head: Token, heading: bool) -> bool:
        if head.ent_type_ in ("DATE", "TIME", "PERSON", "GPE"):
            return False
        if (
            head.pos_ == "PROPN"
            and head.ent_type_ in NAME_ENTITIES
            and head.ent_iob_ != "B"
            and not (head.i > 0 and head.doc[head.i - 1].ent_iob_ == "B" and head.doc[head.i - 1].pos_ == "DET")
        ):
            return False  # "the ruling Democratic Rally", "Task Force Operation Inherent Resolve": a name
        if heading and head.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "AUX"):
            return True
        if _inside_a_name(head):
            return False  # "the stock of Rally's Inc.", "for the year, Rally had net income"
        if entry.allows_verb and (_is_verbal(head) or (head.pos_ == "ADJ" and head.lower_.endswith("ed"))):
            return True
        return (
            entry.allows_noun
            and _is_nominal(head)
            and head.pos_ != "PROPN"
            or (entry.allows_noun and head.pos_ == "PROPN" and head.is_title and head.i > head.sent.start)
        )

    def _meets(self, requirement: str, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
        return REQUIREMENTS[requirement](self, head, span, sent_words)

    def _choose(self, match: LexMatch, span: SpacySpan, heading: bool, sent_words: set[str]) -> LexEntry | None:
        head = span.root
        near = _near_words(head, depth=3) | {t.lower_ for t in span} | _cause_words(head)
        if any(c.dep_ in SUBJECTS and c.lower_ == "it" and _refers_back(c) for c in head.children):
            # "A fire swept the slum. Officials said it killed nine people."
            near |= _words_before(self._article_text, self._base)
        # one word may be several entries ("bombing": the noun, and the verb "bomb"); what
        # excludes one of them excludes the word ("water bombing", "shooting with a film crew"),
        # unless a weapon does it ("a roadside bomb struck a bus": no traffic accident)
        if any(near & self.lex.exclusions.get(entry.lemma, frozenset()) for entry in match.entries) and not any(
            c.dep_ in SUBJECTS and (c.lower_ in self._weapons or c.lower_ in en.EXPLOSIVES) for c in head.children
        ):
            return None
        best: LexEntry | None = None
        for entry in match.entries:
            if not self._fits_pos(entry, head, heading):
                continue
            if not all(self._meets(r, head, span, sent_words) for r in entry.requires):
                continue
            if best is None or entry.strength > best.strength:
                best = entry
        return best

    def _aerial(self, head: Token) -> bool:
        """Whether aircraft deliver the happening: the trigger's agent or instrument, or
        that of the verb whose object the trigger noun is ("warplanes dropped bombs", "bombs
        were dropped by jets", "bombs dropped from helicopters", "the air force bombed")."""
        verbs = [head]
        if _is_nominal(head) and any(
            c.dep_ in ("compound", "amod") and c.lower_ in self._air_munitions for c in head.children
        ):
            return True  # "a glide bomb", "barrel bombs", "guided aerial bombs": dropped from the air
        if _is_nominal(head):
            verbs.extend(c for c in head.children if c.dep_ == "acl")
            if head.dep_ in ("dobj", "nsubjpass", "nsubj"):
                verbs.append(head.head)
        agents: list[Token] = []
        for verb in verbs:
            for c in verb.children:
                if c.dep_ in _AGENT_DEPS:
                    agents.append(c)
                elif c.dep_ == "agent" or c.dep_ == "prep" and c.lower_ in ("by", "from"):
                    agents.extend(g for g in c.children if g.dep_ == "pobj")
        return any(
            a.lemma_.lower() in self._aircraft
            or a.lower_ in self._aircraft
            or any(c.dep_ == "compound" and c.lower_ == "air" for c in a.children)
            for a in agents
        )

    @staticmethod
    def _words_of(tok: Token, depth: int) -> set[str]:
        """Lower-case words and lemmas of a token and its dependents down to `depth` arcs."""
        out, frontier = {tok.lower_, tok.lemma_.lower()}, [tok]
        for _ in range(depth):
            frontier = [c for t in frontier for c in t.children]
            out.update(w for t in frontier for w in (t.lower_, t.lemma_.lower()))
        return out

    @staticmethod
    def _targets(head: Token) -> list[Token]:
        """What a violent act is aimed at: its object, its passive subject, and the objects of
        at/on/against/upon/toward(s)/into ("fired at the positions", "an attack on the base");
        for a means ("with artillery fire"), those of the verb it serves."""
        if head.dep_ == "pobj" and head.head.lower_ in ("with", "by") and head.head.head.i != head.head.i:
            head = head.head.head  # "targeted the positions with artillery fire": the verb's target
        out = [c for c in head.children if c.dep_ == "dobj" or c.dep_ in PASSIVE_SUBJECTS]
        out.extend(
            g
            for c in head.children
            if c.dep_ == "prep" and c.lower_ in en.FIRE_PREPS
            for g in c.children
            if g.dep_ == "pobj"
        )
        return out

    def _military_target(self, head: Token) -> bool:
        """Whether a violent act is aimed at the other side's armed forces and at nothing
        civilian, police or peacekeeping (`attack_targets`: "fired mortars and heavy machine
        guns at the positions of the rebels", "shelled army posts"; not "a police checkpoint",
        "residential areas"): an armed clash, not an attack. A weapon object is the means, not
        the target ("fired rockets at the rebels")."""
        words: set[str] = set()
        for t in self._targets(head):
            if t.dep_ == "dobj" and t.lemma_.lower() in self._weapons:
                # "fired mortar rounds at SDF positions": the parser may hang the target on the weapon
                aimed = [g for c in t.children if c.dep_ == "prep" and c.lower_ in en.FIRE_PREPS for g in c.children]
                words |= {w for g in aimed if g.dep_ == "pobj" for w in self._target_words(g)}
            else:
                words |= self._target_words(t)
        return bool(words & self._military_targets) and not words & self._attack_targets

    def _civilian_target(self, head: Token) -> bool:
        """Whether a violent act is aimed at civilians, their places, the police or
        peacekeepers (`attack_targets`) and at no armed side ("stormed the village", "raided
        a church"; not "overran the army's positions")."""
        words = {w for t in self._targets(head) for w in self._target_words(t)}
        return bool(words & self._attack_targets) and not words & self._military_targets

    def _target_words(self, tok: Token) -> set[str]:
        """The words of a target within two arcs, without where it is ("positions near the
        town": the positions are the target, not the town)."""
        skip = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in en.SURROUNDING_PREPS]
        return self._words_of(tok, 2) - {w for c in skip for t in c.subtree for w in (t.lower_, t.lemma_.lower())}

    def _verbal_target(self, head: Token) -> bool:
        """Whether an attack is made with words: aimed at a policy, decision, plan or remark
        ("attacked the government's economic policy", "an attack on the reform"), or made by
        a medium ("the magazine attacked", "a magazine, which attacked"), or called verbal
        ("a verbal assault"): a condemnation (CAMEO 111). The target counts with its own
        dependents ("attacked what he considered errors")."""
        subjects = [c for c in head.children if c.dep_ in SUBJECTS]
        if head.dep_ == "relcl":
            subjects.append(head.head)
        if any(t.lemma_.lower() in self._media_nouns for t in subjects):
            return True
        if any(c.dep_ == "amod" and c.lower_ in en.VERBAL_MODIFIERS for c in head.children):
            return True
        if _takes_a_view(head):
            return True
        # blamed for a deed or a word: "attacked him for failing to enforce the order",
        # "attacked the president over his handling of the economy" (not "for the second time")
        holders = [head, *(c for c in head.children if c.dep_ == "dobj")]  # the parser hangs "for" on either
        armed = any(t.lower_ in self._military or t.lemma_.lower() in self._military for t in subjects)
        for prep in (c for t in holders for c in t.children if c.dep_ == "prep" and c.lower_ in ("for", "over")):
            for g in prep.children:
                if (
                    g.dep_ == "pcomp"
                    and g.tag_ == "VBG"
                    and not armed  # "troops attacked the rebels for attacking a convoy": retaliation
                    or g.dep_ == "pobj"
                    and (g.lower_ in self._abstract_targets or g.lemma_.lower() in self._abstract_targets)
                ):
                    return True
        return any(self._words_of(t, 2) & self._abstract_targets for t in self._targets(head))

    # ---- assertion -----------------------------------------------------------------------

    def _collective_protest(self, head: Token) -> bool:
        """Whether "in protest" tells a protest: what a crowd of ordinary people does in protest
        ("traders closed their shops in protest against the fees", "workers downed tools in
        protest") is a protest; a person's or an official body's act ("resigned in protest",
        "the ministry recalled its envoy in protest") is not."""
        if head.lemma_.lower() != "protest" or head.head.dep_ != "prep":
            return False
        verb = head.head.head
        if verb.pos_ != "VERB" or verb.lemma_.lower() in en.RESIGN_VERBS:
            return False
        return any(
            s.tag_ == "NNS" and s.ent_type_ == "" and s.lemma_.lower() not in self._no_crowd for s in _subjects(verb)
        )

    def _governor_chain(self, head: Token, limit: int = 4) -> list[Token]:
        """The trigger and the governors whose modality reaches it; a means ("could start
        hostilities through a direct attack", "by attacking Jordan") has its verb's, a
        gerund after "of", an infinitive or a that-clause its noun's ("the idea of sending
        troops", "an attempt to kill", "denied reports that soldiers fired")."""
        chain = [head]
        tok = head
        while len(chain) <= limit and tok.head.i != tok.i:
            if (
                tok.dep_ in ("pobj", "pcomp")
                and tok.head.dep_ in ("prep", "conj")
                and tok.head.lower_ in en.MEANS_PREPS
            ):
                prep = tok.head
                while prep.dep_ == "conj" and prep.head.dep_ in ("prep", "conj"):
                    prep = prep.head  # "through a direct attack or by attacking Jordan"
                tok = prep.head
            elif tok.dep_ == "pcomp" and tok.head.lower_ == "of" and _is_nominal(tok.head.head):
                tok = tok.head.head  # a gerund is its noun's content: "the decision of sending troops"
            elif tok.dep_ == "acl" and _is_nominal(tok.head) and any(c.tag_ == "TO" for c in tok.children):
                tok = tok.head  # so is an infinitive: "an attempt to assassinate the governor"
            elif (
                tok.dep_ == "acl"
                and tok.head.lemma_.lower() in en.CONTENT_NOUNS
                and any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children)
            ):
                tok = tok.head  # and a that-clause: "denied reports that soldiers had opened fire"
            elif tok.dep_ in EMBEDDING_DEPS:
                tok = tok.head
            else:
                break
            chain.append(tok)
        return chain

    def _names_an_event(self, word: Token) -> bool:
        """Whether a word is a trigger of some event other than a statement ("killed")."""
        found = self.lex.find(word.doc.text, "trigger", word.idx, word.idx + len(word))
        return any(e.type != "statement" for m in found for e in m.entries)

    def _assertion(self, head: Token, entry: LexEntry, heading: bool) -> float:
        """A factor in [0, 1]: 0 when the happening is negated or only intended."""
        factor = 1.0
        if entry.subtype in STATE_SUBTYPES and head.dep_ == "amod":
            return NOT_ASSERTED
        if _is_nominal(head) and any(
            c.dep_ in ("compound", "amod")
            and (c.lower_ in self._nonassertive_mods or c.lemma_.lower() in self._nonassertive_mods)
            for c in head.children
        ):
            return NOT_ASSERTED  # "suspected of planning attacks" parsed as a compound, "a planned offensive"
        if entry.type == "statement" and any(
            c.dep_ == "advmod" and c.lower_ in en.STANDING_ADVERBS for c in head.children
        ):
            return NOT_ASSERTED  # "has long claimed", "has repeatedly stated": a standing position
        if (
            entry.type != "statement"
            and head.tag_ == "NNS"
            and any(c.dep_ == "poss" and c.ent_type_ != "DATE" for c in _first_conjunct(head).children)
            and not any(t.ent_type_ == "DATE" for t in head.sent)
            and not (head.dep_ in SUBJECTS and self._names_an_event(head.head))
        ):
            # "videos of their invasions", "her demonstrations often met resistance": a
            # practice; not "the rebels' attacks killed dozens", "last Friday's bombings"
            return NOT_ASSERTED
        chain = self._governor_chain(head)
        # an attempted attack is an attack ("gunmen attempted to kill the mayor")
        attempted = entry.type == "attack" and len(chain) > 1 and chain[1].lemma_.lower() in en.ATTEMPT_VERBS
        if not heading and any(_imperative(tok) for tok in chain):
            return NOT_ASSERTED  # an order or advice: "take a knife and attack", "use sound bombs"
        for n, tok in enumerate(chain):
            lemma = tok.lemma_.lower()
            children = list(tok.children)
            if any(
                c.dep_ == "neg"
                or c.lower_ in ("no", "never")
                and c.dep_ in ("det", "neg", "advmod")
                or c.dep_ in SUBJECTS
                and any(d.lower_ == "no" and d.dep_ == "det" for d in c.children)
                for c in children
            ):
                return NOT_ASSERTED
            aspectual = n > 0 and lemma in self._aspectual  # "began shelling": asserted from here up
            if n > 0 and lemma in self._nonassertive and entry.type != "statement" and not (n == 1 and attempted):
                return NOT_ASSERTED
            if n > 0 and lemma in en.THWARTING_VERBS and entry.type != "statement" and not attempted:
                return NOT_ASSERTED
            if any(c.dep_ == "mark" and c.lower_ in self._nonassertive for c in children):
                return NOT_ASSERTED
            if any(c.dep_ == "aux" and c.lower_ in self._modals for c in children):
                factor *= 0.3
            # "to denounce", "cooperating to fight": purpose, not fact; but "to disperse a
            # demonstration" says the demonstration was there
            if (
                tok.pos_ == "VERB"
                and any(c.dep_ == "aux" and c.tag_ == "TO" for c in children)
                and not (n == 1 and tok.lemma_.lower() in en.DISPERSAL_VERBS)
                and not (n == 0 and attempted)
            ):
                factor *= 0.3
            if any(c.lower_ in self._hedges for c in children):
                factor *= 0.85
            if n == 0 and tok.dep_ == "amod" and tok.head.lemma_.lower() in self._hedges:
                factor *= 0.85
            if aspectual:
                break  # its own modality counts ("could start hostilities through an attack")
        governor = head.head
        ahead = _awaiting_verb(head)
        if (
            ahead is not None
            and _is_nominal(head)
            and any(c.dep_ == "aux" and c.lower_ in en.FUTURE_MODALS for c in ahead.children)
        ):
            factor *= 0.3
        if entry.type != "statement" and _is_nominal(head) and head.dep_ == "dobj" and governor.lemma_ == "have":
            return NOT_ASSERTED  # "Russia has military operations in neighbouring countries": a state
        if (
            entry.lemma in self._participants
            and (first := _first_conjunct(head)).dep_ == "pobj"
            and first.head.lower_ == "among"
            and _undated_sentence(head)
        ):
            return NOT_ASSERTED  # "skepticism among academics and the protesters": people, no protest told
        if (
            entry.type != "statement"
            and _is_nominal(head)
            and head.dep_ == "dobj"
            and governor.lemma_ == "face"
            and _undated_sentence(head)
        ):
            return NOT_ASSERTED  # "Tunisia is facing terrorist attacks", "he faces arrest": a threat, no happening
        if (
            _is_nominal(head)
            and head.dep_ == "pobj"
            and governor.lower_ == "in"
            and head.lemma_.lower() in self._state_nouns
            and not any(c.dep_ in ("det", "poss") for c in head.children)
            and not self._collective_protest(head)
        ):
            return NOT_ASSERTED  # "remain in detention", "in operation since 1970", "resigned in protest"
        if (
            _is_nominal(head)
            and head.lemma_.lower() in self._state_nouns
            and any(c.dep_ == "amod" and c.lower_ in en.DURATIVE_MODIFIERS for c in head.children)
        ):
            return NOT_ASSERTED  # "against their prolonged detention": a state, not the arrest
        # "1,000 have been arrested since the protests began", "have launched 20 attacks since
        # August", "has been home to protests since June": a running total, not a happening;
        # a siege or an occupation that has lasted since a date is one state still going on
        tallied = [head, _clause_verb(head)] if head.tag_ == "NNS" else [head]
        if (
            entry.type != "statement"
            and entry.subtype not in STATE_SUBTYPES
            and any(
                any(c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children)
                and any(
                    c.dep_ == "prep"
                    and c.lower_ == "since"
                    or c.dep_ == "advcl"
                    and any(m.dep_ == "mark" and m.lower_ == "since" for m in c.children)
                    for c in tok.children
                )
                for tok in tallied
            )
        ):
            return NOT_ASSERTED
        if (
            entry.type != "statement"
            and not heading
            and (
                _is_nominal(head)
                and (_background(head) or _sought(head))
                or _unrealized(head)
                or _kind_of_activity(head)
                or _charged_offence(head)
                or _summary_plural(head)
                or entry.type in ("arrest", "protest")
                and _repeated(head)
                or _said_of_something_else(head, self.lex.has_trigger)
                or entry.type == "operation"
                and any(c.dep_ == "amod" and c.lower_ in en.NONVIOLENT_MODIFIERS for c in head.children)
            )
        ):
            return NOT_ASSERTED
        if entry.type != "statement" and not heading:
            if head.tag_ == "NNS" and not any(
                c.dep_ == "nummod" or c.lower_ in en.COUNT_MODIFIERS for c in head.children
            ):
                factor *= 0.75  # "attacks over the past two years": an aggregate
            verb = (
                governor
                if _is_nominal(head) and head.dep_ == "dobj" and governor.lemma_.lower() in self._light
                else head
            )
            if verb.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
                factor *= 0.6  # "militants fight in Syria", "the army conducts raids": habitual
        if entry.type == "statement" and head.dep_ == "acl" and head.tag_ == "VBN":
            return NOT_ASSERTED  # "extradite people accused of crimes": describes the people
        if heading:
            factor *= 0.9
        return factor

    # ---- statements ----------------------------------------------------------------------

    def titled_names(self, text: str, places: Iterable[Place] = ()) -> frozenset[str]:
        """Names the text gives with a political title or office, lower case: the name after
        the title ("Environment Minister John Baird", "the mayor of London, Sadiq Khan") or
        in apposition before it ("Mike Pompeo, the secretary of state", "Pompeo, who is
        secretary of state", "Alexis Boon, the head of the Metropolitan Police"), or in
        apposition to the head of one of the resolved `places` ("Carrie Lam, the chief
        executive of Hong Kong"); not a title companies share held at a company ("a vice
        president at PG&E"). A later "Baird said" is then a political actor's statement."""
        found: list[re.Match[str] | None] = []
        starts = {p.start for p in places}
        for word in _NAME_WORD.finditer(text):
            if word.group().lower() not in self._political:
                continue
            before = _NAME_WORD.findall(text, max(0, word.start() - 30), word.start())
            if before and before[-1].lower() in self._civil_units:
                continue  # "team leader Tim Taylor"
            company = _AT_COMPANY.match(text, word.end())
            if (
                company is not None
                and word.group().lower() not in self._state_actors
                and company.start("org") not in starts
                and not self._political_words(_NAME_WORD.findall(company.group("org")))
            ):
                continue  # "Sumeet Singh, a vice president at PG&E"
            found.append(_NAME_AFTER_TITLE.match(text, word.end()))
            found.append(_NAME_BEFORE_TITLE.search(text, max(0, word.start() - 120), word.start()))
        found.extend(_NAME_BEFORE_PLACE_HEAD.search(text, max(0, p.start - 100), p.start) for p in places)
        return frozenset(
            w.lower()
            for m in found
            if m is not None
            for w in _NAME_WORD.findall(m.group("name"))
            if w.lower() not in self._political and w.lower() not in en.NAME_STOPWORDS
        )

    def _political_source(self, actor: Actor, art: ArticleFrame) -> bool:
        """Whether a statement's speaker is a political actor: a state, a national group
        ("the Albanians of southern Serbia", "Bosnian Serbs"), a title, office or institution in its words
        (`political_actors`: minister, ministry, party, army, court, embassy, union...), or a
        name the article gives next to one of them."""
        words = _NAME_WORD.findall(actor.text)
        head = words[-1].lower() if words else ""
        # A group of a nation speaks for it ("Bosnian Serbs", "the Palestinian group"); its
        # companies and media do not ("a German company", "a British newspaper").
        national = actor.kind == "group" and actor.country_code and head not in self._not_national
        if actor.kind == "country" or national:
            return True
        # a title after a team's or a project's name is no political one ("Team leader Tim Taylor")
        titles = [w for i, w in enumerate(words) if not (i and words[i - 1].lower() in self._civil_units)]
        return bool(words) and (
            self._political_words(titles)
            or any(w[0].isupper() and w.lower() in art.titled for w in words)
            or art.demonym(words[-1]) is not None
        )

    def _political_words(self, words: Iterable[str]) -> bool:
        """Whether a word is a political title, office or institution (a plural too: "senators")."""
        return any(w in self._political or w.endswith("s") and w[:-1] in self._political for w in map(str.lower, words))

    def _incident_report(self, head: Token, sources: list[Actor]) -> bool:
        """Whether a plain report tells the facts of an incident ("officials said three
        people died", "police said the man was 45"): a word of `incident_facts` in what is
        reported (the sentence without the speaker)."""
        return _reports_a_word(head, sources, self._incident_facts)

    def _business_report(self, head: Token, sources: list[Actor]) -> bool:
        """Whether a plain report tells a company's affairs ("Coda's president said the loan
        carries an interest rate of prime plus one", "a spokesman said herbicide sales rose"):
        a noun of `business_facts` in what is reported, and a speaker that is no state: no
        country, and no political word beyond the titles companies share (president,
        spokesman, official ...)."""
        if any(a.kind == "country" or a.country_code for a in sources) or _speaker_words(sources) & self._state_actors:
            return False
        return _reports_a_word(head, sources, self._business_facts, nouns_only=True)

    # ---- actors --------------------------------------------------------------------------

    def _phrase(self, tok: Token) -> SpacySpan:
        """The name-like phrase a token heads: left compounds and modifiers, or its entity."""
        left = tok.i
        stack = [tok]
        while stack:
            t = stack.pop()
            for c in t.lefts:
                if c.dep_ in ("compound", "amod", "nmod", "poss") and c.pos_ != "PRON":
                    left = min(left, c.left_edge.i if c.dep_ == "poss" else c.i)
                    stack.append(c)
        right = tok.i
        if tok.ent_iob_ in ("B", "I"):
            for ent in tok.doc.ents:
                if ent.start <= tok.i < ent.end:
                    left, right = min(left, ent.start), max(right, ent.end - 1)
        while left < right and tok.doc[left].is_punct:
            left += 1
        return tok.doc[left : right + 1]

    def _actor(self, tok: Token, role: str, art: ArticleFrame) -> Actor | None:
        phrase = self._phrase(tok)
        affiliated = role == "source" and (tok.pos_ == "PROPN" or tok.lower_ in self._affiliation_nouns)
        if affiliated:
            # "Arnel Vega of the army's command", "members of the European Union": the "of"
            # complement of a named or partitive speaker says whom it speaks for (not that
            # of "supporters of the former president").
            of = next((c for c in tok.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
            if of is not None and of.right_edge.i > phrase.end - 1:
                phrase = tok.doc[phrase.start : of.right_edge.i + 1]
        labels = {t.ent_type_ for t in phrase if t.ent_type_}
        lemma = tok.lemma_.lower()
        if tok.pos_ != "PROPN" and self.lex.has_trigger(tok.text):
            return None  # "condemns the bombing": the object is an event, not "the United States"
        if lemma in self._pronouns or tok.lower_ in self._pronouns:
            if role == "source" and tok.lower_ in ("he", "she"):
                reporter = _reporting_subject(tok)
                if reporter is not None:
                    return self._actor(reporter, role, art)
                if art.speakers:
                    return replace(art.speakers[-1], role="source")
            return None
        if tok.ent_type_ in ACTOR_KINDS:
            kind = ACTOR_KINDS[tok.ent_type_]
        elif "PERSON" in labels or lemma in self._person_nouns or tok.lower_ in self._person_nouns:
            kind = "person"
        elif "ORG" in labels:
            kind = "organization"
        elif lemma in self._group_nouns or tok.lower_ in self._group_nouns or tok.ent_type_ == "NORP":
            kind = "group"
        elif not labels and any(t.pos_ == "PROPN" or t.is_title and t.lower_ in art.titled for t in phrase):
            kind = self._unlabelled_kind(phrase, art)
        elif role == "source" and self._political_words(
            [tok.text] if not affiliated else _NAME_WORD.findall(phrase.text)
        ):
            kind = "organization"  # "the palace issued a statement", "a number of senators"
        else:
            return None
        country = self._actor_country(tok, phrase, labels, art)
        if country is None and kind == "country":
            country = _country_named(phrase.text, art)  # "South Korea says", parsed without the recognizer
        if country is None and kind == "person":
            # "Prime Minister Tuilaepa", told before as "Samoan Prime Minister Tuilaepa Sailele"
            name = {t.text for t in phrase if t.pos_ == "PROPN" and t.lower_ not in self._person_nouns}
            country = next(
                (a.country_code for a in reversed(art.speakers) if name and name <= set(a.text.split())),
                None,
            )
        return Actor(phrase.text, role, kind, country)  # type: ignore[arg-type]

    def _actor_country(self, tok: Token, phrase: SpacySpan, labels: set[str], art: ArticleFrame) -> str | None:
        """The country an actor is of: a nationality word ("Greek Prime Minister", "the Puerto
        Rican senate"), a place of its phrase, the country its head is "of" ("the prime
        minister of Greece", "the government of Samoa") or whose nationality word its "of",
        "in" or "for" phrase has ("a candidate in the Ukrainian election", "a spokesman for the
        Iraqi army"), or the country its name starts with."""
        for t in phrase:
            if t.ent_type_ == "NORP" or (t.pos_ in ("ADJ", "PROPN") and t.is_title and t.ent_type_ != "PERSON"):
                nxt = t.nbor() if t.i + 1 < phrase.end else None
                pair = f"{t.text} {nxt.text}" if nxt is not None and nxt.is_title else None
                # "the American Samoa government" is not American; "Puerto Rican" is one word pair
                country = pair and (_country_named(pair, art) or art.demonym(pair)) or art.demonym(t.text)
                if country:
                    return country
        if "GPE" in labels:
            place = art.lookup(" ".join(t.text for t in phrase if t.ent_type_ == "GPE"), None)
            if place is not None:
                return place.country_code
        for g in _objects_of(tok, {"of", "in", "for"}):
            if g.head.lower_ == "of":
                # "the government of Samoa"; "of American Samoa", which the recognizer may call an organisation
                name = " ".join(t.text for t in [*(c for c in g.lefts if c.dep_ == "compound"), g])
                place = art.lookup(name, None) if g.ent_type_ == "GPE" else None
                if place is not None and place.precision == "country":
                    return place.country_code
                whole = next((e.text for e in g.doc.ents if e.start <= g.i < e.end), name) == name
                if whole and (country := _country_named(name, art)):  # not "the Islamic State of Iraq and the Levant"
                    return country
            # "the leader of the Ukrainian opposition", "a candidate in the Ukrainian election"
            country = next((art.demonym(m.text) for m in g.children if m.dep_ == "amod" and m.is_title), None)
            if country:
                return country
        # an institution named after its country: "the United States Department of
        # Transportation", "the U.K. Foreign Office" (labelled an organisation as a whole);
        # not "Jordan Peterson", nor "the Georgia Department of Transportation" in a US story
        words = [t for t in phrase if t.dep_ != "det"]
        hint = art.dominant.country_code if art.dominant is not None else None
        for n in (3, 2, 1):
            lead = words[:n]
            if (
                len(words) > n
                and all(t.pos_ == "PROPN" for t in lead)
                and self._political_words(t.text for t in words[n:])
            ):
                place = art.lookup(" ".join(t.text for t in lead), hint)
                if place is not None and place.precision == "country":
                    return place.country_code
        return None

    @staticmethod
    def _unlabelled_kind(phrase: SpacySpan, art: ArticleFrame) -> str:
        """The kind of an actor named with proper nouns the entity recognizer did not label
        (or did not run on: plain reports are parsed without it): a country by the gazetteer, a person when written as a full or titled name
        ("Mr. Ivanov", "Anna Smith"), otherwise an organization ("Reuters", "Gazprom")."""
        if _country_named(phrase.text, art):
            return "country"
        names = [t for t in phrase if t.pos_ == "PROPN"]
        if (
            len(names) >= 2
            and all(t.is_title for t in names)
            or any(t.lower_.rstrip(".") in en.PERSON_TITLES for t in phrase)
        ):
            return "person"
        return "organization"

    def _actors(self, head: Token, entry: LexEntry, art: ArticleFrame) -> list[Actor]:
        sources: list[Token] = []
        targets: list[Token] = []
        for c in head.children:
            if c.dep_ in SUBJECTS:
                sources.append(c)
            elif c.dep_ in PASSIVE_SUBJECTS:
                # "her husband Siarhei, who was arrested in May": the relative pronoun
                # stands for the noun its clause modifies
                targets.append(head.head if c.tag_ in ("WP", "WDT") and head.dep_ == "relcl" else c)
            elif c.dep_ == "agent":
                sources.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.dep_ == "dobj":
                targets.append(c)
            elif c.dep_ == "poss" or (
                c.dep_ in ("compound", "amod")
                and c.ent_type_ in ("NORP", "GPE", "ORG")
                and c.lower_ not in self._combat_modifiers  # "Fierce fighting" opening a sentence
            ):
                sources.append(c)
            elif c.dep_ == "prep" and c.lower_ == "by":
                sources.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.dep_ == "prep" and c.lower_ in en.TARGET_PREPS:
                targets.extend(g for g in c.children if g.dep_ == "pobj")
        if (
            all(t.pos_ == "PRON" for t in sources)
            and _is_nominal(head)
            and head.dep_ in ("dobj", "nsubjpass")
            and head.head.lemma_.lower() in self._light
        ):
            # "reiterated its demand": the possessive is the light verb's subject again
            sources = [c for c in head.head.children if c.dep_ in SUBJECTS] or sources
        if (
            entry.type == "statement"
            and sources
            and all(t.lower_ in ("it", "they") for t in sources)
            and head.dep_ in ("ccomp", "parataxis")
            and head.head.lemma_.lower() in self._reporting
        ):
            # "the ministry said it rejects": the reporter rejects. Not a quoted "we reject",
            # which mostly goes on with a statement told just before ('The ministry rejected
            # the accusations. "We reject these allegations," a spokesman said.')
            sources = [c for c in head.head.children if c.dep_ in SUBJECTS] or sources
        if not sources and (lost := _subject_in_apposition(head)) is not None:
            sources.append(lost)
        if not sources:
            # "was condemned in a joint statement by Egypt": the statement's author
            vehicles = [n for n in _objects_of(head, {"in"}) if n.lemma_.lower() in en.REPORT_NOUNS]
            sources.extend(g for n in vehicles for g in _objects_of(n, {"by"}))
        if not sources and head.dep_ in ("xcomp", "conj", "advcl") and _is_verbal(head):
            sources.extend(c for c in head.head.children if c.dep_ in SUBJECTS)
        if not sources and head.dep_ == "acl" and head.head.dep_ in ("dobj", "nsubjpass"):
            # "issued a declaration demanding ...": the issuer demands
            sources.extend(c for c in head.head.head.children if c.dep_ in SUBJECTS)
        if entry.lemma in en.VICTIM_SUBJECT_LEMMAS:
            sources, targets = [], sources  # "their vehicle hit a mine": the vehicle is what was hit
        if entry.subtype == "statement":
            targets = []  # what someone merely said is not done to anyone
        actors = []
        for role, toks in (("source", sources), ("target", targets)):
            for tok in toks:
                actor = self._actor(tok, role, art)
                if actor is not None:
                    actors.append(actor)
        return actors

    # ---- date and place ----------------------------------------------------------------

    def _owner(self, span: SpacySpan, heads: list[tuple[Token, bool]]) -> int:
        """Index of the trigger a date or place expression belongs to (-1: none): the nearest
        in the tree; a statement's trigger only claims what hangs right off it ("said Monday").
        Memoized per sentence (`build_mentions` clears it): it is asked per trigger."""
        key = (span.start, span.end)
        owner = self._owners.get(key)
        if owner is None:
            best, owner = (99, 99), -1
            for n, (head, statement) in enumerate(heads):
                path = _tree_path(head, span.root)
                if statement and path > 2 or _told_of_another(head, span.root):
                    continue
                rank = (path, abs(span.root.i - head.i))
                if rank < best:
                    best, owner = rank, n
            self._owners[key] = owner
        return owner

    def _spans(self, items: Iterable[TimeExpression | Place], doc: Doc, base: int) -> list[tuple[Any, SpacySpan]]:
        out = []
        end = base + len(doc.text)  # Doc.text joins every token: build it once
        for item in items:
            if item.start < base or item.end > end:
                continue
            span = doc.char_span(item.start - base, item.end - base, alignment_mode="expand")
            if span is not None:
                out.append((item, span))
        return out

    def _date(
        self,
        n: int,
        heads: list[tuple[Token, bool]],
        dates: list[tuple[TimeExpression, SpacySpan]],
        art: ArticleFrame,
        anaphoric: bool,
    ) -> EventDate:
        """The date expression governing trigger `n`; events (not statements) may share the
        date of another event of their sentence ("clashed on Monday, and dozens were arrested").
        An undated event a statement reacts to is no later than the reaction: when the reaction
        is dated to a day before publication ("on Wednesday condemned the car bombing", a story
        filed on Thursday), the fallback is that day, still with source `published_at` (no date
        of its own in the text: the day or shortly before it). So is a mention that refers back
        ("charged the suspect in the shooting, they said Sunday"): the report is later news of a
        happening told before, and the report's date only bounds it.

        A happening the text does not tell as ahead (`_told_ahead`) never starts after the
        publication day: a date read forward ("shot dead on March 4" in a December story, "a
        bomb set off Wednesday") takes its latest reading on or before publication, and one
        that names a later time itself ("March 4, 2027", "tomorrow") is not its date."""
        te, bound = self._own_date(n, heads, dates), None
        if te is not None and anaphoric and _of_another_verb(heads[n][0], _span_of(te, dates)):
            te, bound = None, te
        if te is None and not heads[n][1]:
            te, reported = self._shared_date(n, heads, dates, anaphoric)
            if reported and anaphoric:
                te, bound = None, te
        if (
            te is not None
            and interval(te.value)[0] > date.fromisoformat(art.published_day)
            and not self._told_ahead(heads[n][0])
        ):
            te = _past_reading(te, dates, art.published_day)
        if te is None:
            day = art.published_day
            reaction = None if heads[n][1] else _reaction_to(heads[n][0], self._statements, self._reactions)
            if reaction is not None:
                bound = self._own_date(reaction, heads, dates)
            if bound is not None and bound.precision == "day" and bound.value < day:
                day = bound.value
            return EventDate(day, "day", None, "published_at")
        return EventDate(event_value(te.value), te.precision, te.text, "text")

    def _told_ahead(self, head: Token) -> bool:
        """Whether the text puts the happening after its report: a future modal or "going
        to" on the trigger or a governor whose modality reaches it ("will march", "are going
        to strike"), a schedule word governing it ("set to begin", "planned a march"), or a
        nominal trigger that is the subject of a future verb ("the offensive will begin")."""
        chain = self._governor_chain(head)
        if _is_nominal(head) and head.dep_ in SUBJECTS:
            chain.append(head.head)
        for n, tok in enumerate(chain):
            if any(c.dep_ == "aux" and c.lower_ in en.FUTURE_MODALS for c in tok.children):
                return True
            # only as the governor of an infinitive, an object or a passive subject ("planned a
            # march"): "police set up checkpoints and arrested" is no schedule
            if (
                n > 0
                and chain[n - 1].dep_ in ("xcomp", "dobj", "nsubjpass")
                and (tok.lemma_.lower() in en.SCHEDULE_LEMMAS or tok.lower_ == "going")
            ):
                return True
        return False

    def _own_date(
        self, n: int, heads: list[tuple[Token, bool]], dates: list[tuple[TimeExpression, SpacySpan]]
    ) -> TimeExpression | None:
        """The nearest date trigger `n` owns. A statement reacting to an event of its sentence
        takes the latest it owns ("on Tuesday condemned the killing ... last week"): a reaction
        comes after what it reacts to."""
        head, statement = heads[n]
        owned = [(te, sp) for te, sp in dates if self._owner(sp, heads) == n]
        if not owned:
            return None
        if (
            statement
            and len(owned) > 1
            and any(not other and _reaction_to(h, self._statements, self._reactions) == n for h, other in heads)
        ):
            return max(owned, key=lambda d: interval(d[0].value)[1])[0]
        return min(owned, key=lambda d: (_tree_path(head, d[1].root), abs(d[1].root.i - head.i)))[0]

    def _shared_date(
        self, n: int, heads: list[tuple[Token, bool]], dates: list[tuple[TimeExpression, SpacySpan]], anaphoric: bool
    ) -> tuple[TimeExpression | None, bool]:
        """For an event without a date of its own: another event's date, else the report's
        date ("police said Thursday they had arrested"), the nearest bound the sentence gives
        (then also True). An event a statement reacts to ("on Wednesday condemned the car
        bombing") never takes the reaction's own date, only another date the statement owns."""
        head = heads[n][0]
        # Not a date that only dates another noun ("protests against last month's coup",
        # "charged in the 1996 bombing"), unless this event lies within that noun's phrase:
        # "the November 1995 assassination of Rabin at a peace rally" dates the rally too.
        shared = [
            (te, sp)
            for te, sp in dates
            if (not _dates_a_noun(sp) or _governs(sp.root.head, head)) and not _told_of_another(head, sp.root)
        ]
        if anaphoric:  # "arrested two men in connection with the bombing on Monday": the arrests' day
            shared = [(te, sp) for te, sp in shared if not _of_another_verb(head, sp)]
        owned = [(te, sp) for te, sp in shared if (o := self._owner(sp, heads)) not in (-1, n) and not heads[o][1]]
        reported = False
        if not owned:
            reaction = _reaction_to(head, self._statements, self._reactions)
            if reaction is None:
                owned, reported = shared, True
            else:
                own = self._own_date(reaction, heads, dates)
                owned = [(te, sp) for te, sp in dates if self._owner(sp, heads) == reaction and te is not own]
        if not owned:
            return None, False
        return min(owned, key=lambda d: (_tree_path(head, d[1].root), abs(d[1].root.i - head.i)))[0], reported

    def _location(
        self,
        n: int,
        heads: list[tuple[Token, bool]],
        entry: LexEntry,
        actors: list[Actor],
        places: list[tuple[Place, SpacySpan]],
        heading: bool,
        art: ArticleFrame,
        anaphoric: bool,
    ) -> EventLocation | None:
        head = heads[n][0]
        scored = []
        for place, span in places:
            if art.dateline is not None and place.start == art.dateline.start:
                continue  # where the story was filed, parsed as part of the sentence: the fallback below
            root = span.root
            if root.dep_ == "pobj" and root.head.lower_ in en.TIME_ONLY_PREPS:
                continue
            if _told_of_another(head, root):
                continue  # "to capture the commander, who had fled from Kabul": his past, not the event's place
            if anaphoric and not _governs(root, head) and _of_another_verb(head, span):
                # "extradited to Spain in connection with the bombings": where the bombings were
                # is told before; "in Kosovo, where the leader resists the deployment" tells it
                continue
            # "in the Afghan capital, Kabul,": the apposition stands where its noun stands
            anchor = root.head if root.dep_ == "appos" and root.head.dep_ == "pobj" else root
            governed = anchor.dep_ == "pobj" and anchor.head.lower_ in en.LOCATIVE_PREPS
            in_subtree = _governs(head, root)
            prep = anchor.head
            if governed and prep.lower_ in en.GOAL_PREPS and prep.head.i != head.i and not _governs(prep.head, head):
                continue  # "began at the airport as the president was heading to Uganda": his way, not the shelling's place
            if entry.type == "statement":
                # "said in Geneva", and where the speaker is: "officials in Kabul condemned"
                if not (
                    governed
                    and prep.lower_ in en.STATEMENT_LOCATIVE_PREPS
                    and (prep.head == head or _locates_the_speaker(prep, head) or _at_the_venue(prep, head))
                ):
                    continue
            elif not (in_subtree or governed) or self._owner(span, heads) not in (n, -1):
                continue  # "Germany's foreign ministry condemned the bombing": not where it was
            # The country whose the strike or the embassy is ("a U.S. drone strike", "outside the
            # U.S. embassy") is no place of the event at all (its land is: "the Comoros
            # archipelago"). Where the fighters are from ("an offensive against Fano militiamen
            # around Debre Tabor"), a word of a name ("a Bangladesh Nationalist Party leader";
            # a town naming a building places it: "struck the Jolo Cathedral"), a state that
            # acts ("Russia massed troops near the border", "Israel has strengthened its forces
            # in Lebanon"): after any place the event itself is told at.
            if (
                root.dep_ in NOUN_MODIFIER_DEPS
                and place.precision == "country"
                and _is_nominal(root.head)
                and root.head.lemma_.lower() not in en.LAND_NOUNS
            ):
                continue
            fighters = root.head.lower_ in self._military
            named_site = place.precision == "city" and root.head.lower_ in en.SITE_HEADS
            in_a_name = root.dep_ == "compound" and root.head.pos_ == "PROPN" and not named_site
            origin = root.dep_ in NOUN_MODIFIER_DEPS and (fighters or in_a_name)
            # "Russia massed troops", "Sudan's paramilitary forces took the town": the actor's state
            origin = origin or (
                place.precision == "country"
                and (root.dep_ in SUBJECTS or root.dep_ in NOUN_MODIFIER_DEPS and root.head.dep_ in SUBJECTS)
            )
            scored.append(
                (
                    2 if origin else int(not in_subtree),
                    False,
                    _tree_path(head, root),
                    not governed,
                    -PRECISION_RANK.get(place.precision, 0),
                    abs(root.i - head.i),
                    place,
                )
            )
        scored = _most_specific_in_chains(scored, places)
        # A named town in the trigger's own locative phrases beats a vaguer region there, however
        # deep it hangs: "in the town of Azaz near the Turkish border", "in Azaz, in the northern
        # Aleppo countryside" happened in Azaz, not at the border or in a region.
        if any(not s[0] and not s[3] and s[6].precision == "city" for s in scored):
            scored = [(s[0], s[6].precision == "region", *s[2:]) for s in scored]
        if scored:
            return _event_location(min(scored, key=lambda s: s[:6])[6], placed=True)
        known = (art.dateline or art.dominant) if self._country_wide and entry.type != "statement" else None
        if known is not None and known.country_code:
            clause = head if _is_verbal(head) else _clause_verb(head)
            if any(m.i in (head.i, clause.i) or _governs(head, m) or _governs(clause, m) for m in self._country_wide):
                country = art.country_place(known.country_code)  # "vigils nationwide": the country, not its town
                if country is not None:
                    return _event_location(country)
        if entry.type == "statement":
            speaker_cc = next((a.country_code for a in actors if a.role == "source" and a.country_code), None)
            dateline = art.dateline
            if dateline and not heading and (speaker_cc is None or speaker_cc == dateline.country_code):
                return _event_location(dateline)
            if speaker_cc:
                country = art.country_place(speaker_cc)
                if country is not None:
                    return _event_location(country)
        elif art.dateline and (art.dominant is None or art.dominant.country_code == art.dateline.country_code):
            return _event_location(art.dateline)
        if art.dominant is not None:
            return _country_location(art.dominant, art, entry.type == "statement")
        # Nothing in the article says where: the country of who did it, when they act at home
        # ("Egyptian police opened fire", "young Algerians blocked roads", "Pakistani
        # authorities deported"), not of fighters, who may be anywhere.
        doers = [a for a in actors if a.role == "source" and a.country_code]
        home = doers[0].country_code if doers else None
        if home and (entry.type in ("arrest", "protest") or _speaker_words(doers) & self._law):
            country = art.country_place(home)
            if country is not None:
                return _event_location(country)
        return None

    # ---- mentions ----------------------------------------------------------------------

    def build_mentions(
        self, doc: Doc, base: int, heading: bool, art: ArticleFrame, min_confidence: float = MIN_CONFIDENCE
    ) -> list[Mention]:
        """The event mentions of one parsed sentence starting at clean offset `base`."""
        self._owners = {}
        sent_words = {t.lower_ for t in doc}
        self._sent_counts = Counter(t.lower_ for t in doc)
        self._article_text, self._base = art.text, base
        self._country_wide = _country_wide_marks(doc, sent_words)
        text = doc.text
        matches = self.lex.find(text)
        chosen = []
        for match in matches:
            span = doc.char_span(match.start, match.end, alignment_mode="expand")
            if span is not None:
                chosen.append((match, span, self._choose(match, span, heading, sent_words)))
        triggers: list[tuple[LexMatch, LexEntry, Token]] = []
        for match, span, entry in chosen:
            if (
                entry is not None
                and "alone" in entry.requires
                and any(
                    e is not None and e.type != "statement" and e is not entry and m.start != match.start
                    for m, _, e in chosen
                )
            ):
                continue  # "killed nine militants in a raid": the killing is the raid's toll
            if entry is not None:
                root = span.root
                modifier = _first_conjunct(root)  # "federal and state arrest warrants"
                if modifier.dep_ in ("compound", "amod", "nmod") and (
                    modifier.head.lemma_.lower() in self._modified_nonevents
                    or modifier.head.lower_ in self._modified_nonevents
                ):
                    # "attack helicopter", "combat troops", "bombing and evidence specialists"
                    continue  # equipment, units and trades
                # "combat activities": the phrase's head carries the attachments.
                head = root.head if root.dep_ == "compound" else root
                triggers.append((match, entry, head))
        heads = [(h, e.type == "statement") for _, e, h in triggers]
        # "condemned in a joint statement": the statement is the condemnation's vehicle
        vehicles = {
            n
            for n, (h, statement) in enumerate(heads)
            if statement and h.lemma_.lower() in en.REPORT_NOUNS and _occasion_of(h, heads, itself=False) is not None
        }
        if vehicles:
            triggers = [t for n, t in enumerate(triggers) if n not in vehicles]
            heads = [h for n, h in enumerate(heads) if n not in vehicles]
        self._statements = {h.i: n for n, (h, statement) in enumerate(heads) if statement}
        self._reactions = {}
        trigger_heads = {h.i for h, _ in heads}
        dates = []
        for te, sp in self._spans(art.dates, doc, base):
            if _status_time(sp) or _comparison_bound(sp):
                continue
            noun = _report_noun(sp)
            occasion = None if noun is None else _occasion_of(noun, heads)
            if occasion is not None:
                self._owners[(sp.start, sp.end)] = occasion  # "said in a statement on Monday"
            elif _dates_other_noun(sp, trigger_heads):
                continue
            dates.append((te, sp))
        places = self._spans(art.places, doc, base)
        found: list[tuple[Mention, Token]] = []
        for n, (match, entry, head) in enumerate(triggers):
            factor = self._assertion(head, entry, heading)
            actors = self._actors(head, entry, art)
            confidence = min(0.99, entry.strength * factor + (0.05 if actors else 0.0))
            anaphoric = _is_nominal(head) and (
                head.is_lower
                and any(
                    c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "these", "those", "its", "their")
                    for c in head.children
                )
                # "Protesters started at the park": the people of the protest told before
                or entry.lemma in self._participants
                and head.tag_ == "NNS"
            )
            distinct = _is_nominal(head) and any(
                c.dep_ in ("det", "amod") and c.lower_ in en.DISTINCT_MODIFIERS for c in head.children
            )
            location = self._location(n, heads, entry, actors, places, heading, art, anaphoric)
            subtype = "airstrike" if entry.subtype in AERIAL_SUBTYPES and self._aerial(head) else entry.subtype
            if entry.lemma == "fire" and any(
                c.dep_ == "dobj" and self._words_of(c, 1) & self._heavy_weapons for c in head.children
            ):
                subtype = "shelling"  # "fired mortars", "fired artillery shells"
            mention = Mention(
                entry.type,
                subtype,
                entry.lemma,
                (base + match.start, base + match.end),
                (base, base + len(text)),
                actors,
                location,
                self._date(n, heads, dates, art, anaphoric),
                confidence,
                heading,
                anaphoric,
                distinct,
                lemmas={entry.lemma},
            )
            # The sentence that tells a happening best stands for it: its own date and place
            # count, and a mention that refers back ("the double bombing") never beats the
            # one it refers to.
            mention.quality = (
                mention.confidence
                + 0.1 * (mention.date.source == "text")
                + 0.1 * any(p[0].text == (location.text if location else None) for p in places)
                - 0.5 * mention.anaphoric
            )
            if (
                entry.type != "statement"
                and _generic_plural(head)
                and mention.date.source != "text"
                and not is_placed(mention.location)
            ):
                continue  # "because of terrorist attacks", "lead to violent attacks against doctors"
            found.append((mention, head))
        # Cues before and after: a report that calls what it tells appalling condemns it, it
        # does not merely attribute it ('wrote: "... after this appalling attack"'); a report
        # made a threat by its clause is then a threat of force ("will withdraw its force").
        cues = self.lex.find(text, role="cue")
        self._refine_with_cues(text, cues, [m for m, _ in found])
        found = self._drop_attribution(found, min_confidence)
        found = self._drop_parts(found, min_confidence)
        self._refine_with_cues(text, cues, [m for m, _ in found])
        for mention, head in found:
            if (
                mention.type == "attack"
                and mention.subtype in ("attack", "shelling", "armed_assault")
                and mention.lemma in en.FIRE_LEMMAS
                and self._military_target(head)
            ):
                mention.type, mention.subtype = "operation", "armed_clash"
            elif (
                mention.subtype == "raid"
                and _is_verbal(head)
                and _agent_in(head, self._nonstate)
                and self._civilian_target(head)
            ):
                # "gunmen stormed the village and killed 12 people": an armed group's raid on
                # civilians is an attack on them (CAMEO 18, ACLED violence against civilians)
                mention.type, mention.subtype = "attack", "armed_assault"
        for mention, _ in found:
            if mention.type == "statement":
                art.speakers.extend(a for a in mention.actors if a.role == "source" and a.kind == "person")
        subject = self._last_named_subject(doc, art)
        if subject is not None:
            art.speakers.append(subject)
        found = self._drop_unqualified(found, art)
        return [m for m, _ in found if m.confidence >= min_confidence]

    def _last_named_subject(self, doc: Doc, art: ArticleFrame) -> Actor | None:
        """The last person a sentence names as the subject of a verb (with or without the
        entity recognizer's label: plain reports are parsed without it): whom a "he" or "she"
        in a following sentence most likely is ("McConnell met reporters. He said ...")."""
        for tok in reversed(doc):
            if tok.dep_ in SUBJECTS and (tok.ent_type_ == "PERSON" or tok.pos_ == "PROPN") and _is_verbal(tok.head):
                actor = self._actor(tok, "source", art)
                if actor is not None and actor.kind == "person":
                    return actor
        return None

    def _drop_unqualified(self, found: list[tuple[Mention, Token]], art: ArticleFrame) -> list[tuple[Mention, Token]]:
        """Statements that are not a political actor's statement on a public matter go.

        A statement event is a political, governmental, security, judicial, militant,
        religious or international actor's public statement (CAMEO 01-05, 10-13): a company,
        a scientist, a relative, a witness or a sports star saying something is not one, nor
        is a plain report of an incident's facts ("officials said three people died", "police
        said the man was 45") or of a case by the police, a prosecutor or a judge. It needs an
        identifiable speaker ("analysts said" is none); a pronoun speaker is the previous
        speaker (already resolved). Without a speaker, only an accusation of a political actor
        told in the passive stays ("the former minister has been accused of embezzling"), not
        one of a private person ("was accused of murder")."""
        kept = []
        for m, h in found:
            if m.type == "statement" and _describes_itself(h):
                continue
            if m.type == "statement":
                sources = [a for a in m.actors if a.role == "source"]
                if not sources:
                    if not (
                        m.subtype == "accusation"
                        and any(c.dep_ in PASSIVE_SUBJECTS for c in h.children)
                        and any(a.role == "target" and self._political_source(a, art) for a in m.actors)
                    ):
                        continue
                elif (
                    not any(self._political_source(a, art) for a in sources)
                    or m.subtype == "statement"
                    and m.lemma in self._reporting
                    and (
                        self._incident_report(h, sources)
                        or self._business_report(h, sources)
                        or bool((_speaker_words(sources) | _affiliation_words(h)) & self._justice_officials)
                    )
                ):
                    continue
            kept.append((m, h))
        return kept

    def _drop_attribution(
        self, found: list[tuple[Mention, Token]], min_confidence: float
    ) -> list[tuple[Mention, Token]]:
        """Reporting verbs that are attribution or a vehicle go.

        "Police said gunmen attacked", "a spokesman said: 'we reject ...'": the plain
        reporting verb only attributes the asserted event or the specific statement in its
        sentence. "X agreed to ..., officials said", "Y said it would allow ...": the report
        is the vehicle of a happening we do not type (agreement, aid, concession, sanction,
        investigation...), which CAMEO codes by that happening, not as a statement. "Y said
        X must ..." is a demand; "Y said it will withdraw/impose/cut ..." (a coercive action
        announced for the future) is a threat.
        """

        def generic(m: Mention) -> bool:
            return m.subtype == "statement" and m.lemma in self._reporting

        kept = []
        for m, h in found:
            if generic(m) and _quoted(h):
                continue  # 'saying "This is what the authorities have been saying"': the speaker's words
            if generic(m):
                reported = self._reported(h)
                if any(self._obliged(v) for v in reported[:1]):
                    m.subtype = "demand"
                elif any(self._coercive_intent(v) for v in reported):
                    m.subtype = "threat"
                elif any(self._untyped_happening(v) for v in reported):
                    continue
            kept.append((m, h))
        events = [h for m, h in kept if m.confidence >= min_confidence and not generic(m)]
        return [(m, h) for m, h in kept if not (generic(m) and any(self._attributes(h, e) for e in events))]

    def _obliged(self, verb: Token) -> bool:
        """Whether a reported verb says what must be done ("Israel must withdraw"), not what
        must have been ("he must not have written it": a guess)."""
        aux = [c.lower_ for c in verb.children if c.dep_ == "aux"]
        return any(a in self._deontic for a in aux) and "have" not in aux

    @staticmethod
    def _attributes(report: Token, event: Token) -> bool:
        """Whether a reporting verb attributes an event of its sentence: the event is told in
        what it reports ("police said gunmen attacked", "a spokesman said: 'we reject'") or
        the report comments on the clause of the event ("gunmen attacked, police said"). A
        report elsewhere in the sentence ("the rally drew attention because the president
        claimed ...", "X said ...; he described the attacks as ...") is a statement of its own."""
        if report.i == event.i:
            return False
        clauses = [c for c in report.children if c.dep_ in ("ccomp", "xcomp", "parataxis", "dobj")]
        if any(c.i == event.i or _governs(c, event) for c in clauses):
            return True
        # "gunmen killed three, a council said": the parser may coordinate the trailing report
        # (conj without "and"); "killed three and said" is two clauses.
        trailing = (
            report.dep_ == "conj"
            and report.i > report.head.i
            and not any(c.dep_ == "cc" and report.head.i < c.i < report.i for c in report.head.children)
        )
        return (report.dep_ in ("parataxis", "ccomp") or trailing) and (
            report.head.i == event.i or _governs(report.head, event) and not _governs(report, event)
        )

    @staticmethod
    def _reported(head: Token) -> list[Token]:
        """The verbs a reporting verb reports, main one first: its clausal complement, or
        the clause it comments on ("X agreed ..., officials said"), each with the verbs its
        xcomp/acomp chain leads to ("is willing to withdraw", "will support")."""
        main = [c for c in head.children if c.dep_ in ("ccomp", "xcomp")]
        if head.dep_ in ("parataxis", "ccomp") and head.head.i != head.i:
            main.append(head.head)
        out: list[Token] = []
        frontier = main
        for _ in range(3):
            out.extend(frontier)
            frontier = [c for t in frontier for c in t.children if c.dep_ in ("xcomp", "acomp")]
        return out

    def _coercive_intent(self, verb: Token) -> bool:
        """Whether a reported verb announces a coercive action for the future: "will withdraw
        its peacekeepers unless ...", "would tighten the blockade", "is prepared to impose
        martial law" (CAMEO 13: a threat)."""
        lemma = verb.lemma_.lower()
        particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
        if not (lemma in self._coercive or particle and f"{lemma} {particle}" in self._coercive):
            return False
        if any(c.dep_ == "neg" for c in verb.children):
            return False
        obj = _object(verb)
        if obj is not None and obj.lemma_.lower() in self._conceded:
            return False  # "will withdraw the bill": a concession
        return any(c.dep_ == "aux" and c.lower_ in en.FUTURE_MODALS for c in verb.children) or (
            verb.dep_ == "xcomp" and verb.head.lemma_.lower() in self._intent_governors
        )

    def _untyped_happening(self, verb: Token) -> bool:
        """Whether an asserted verb tells a happening of a kind we do not type."""
        if any(c.dep_ == "neg" for c in verb.children):
            return False  # "said it would not allow": a refusal, told as a statement
        lemma = verb.lemma_.lower()
        particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
        if lemma in self._untyped or particle and f"{lemma} {particle}" in self._untyped:
            return True
        return any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in self._untyped_nouns for c in verb.children)

    def _drop_parts(self, found: list[tuple[Mention, Token]], min_confidence: float) -> list[tuple[Mention, Token]]:
        """Mentions told as part of another event of their sentence go, and give that event
        the place and date their own phrase tells if it has none ("opened fire on protesters
        in Mandalay": the shooting was in Mandalay).

        A happening named twice, by a verb and by its object ("fought street battles in the
        town of X"), is the verb's. A raid or a sweep told as the circumstance of arrests
        ("police detained 24 people in raids across Istanbul") is the arrest (CAMEO 173); a
        raid told as an action of its own ("troops raided the camp and arrested four") stays a
        second event. The fire two sides exchange ("exchanged artillery fire") is the clash;
        the violence of rioters told as a clause or the object of the riot ("rioted, torching
        a county office", "rioters threw petrol bombs") is the riot (CAMEO 145). People named
        as protesters in another event ("police clashed with protesters", "protesters blocked
        roads") or beside a riot or blockade of their sentence are its participants, not a
        protest event of their own.
        """
        heads = [(m, h) for m, h in found if m.confidence >= min_confidence]

        def governing(h: Token, kinds: Callable[[Mention], bool], within: int) -> Mention | None:
            return next(
                (o for o, other in heads if kinds(o) and _governs(other, h) and _tree_path(h, other) <= within), None
            )

        def whole_of(m: Mention, h: Token) -> Mention | None:
            if h.dep_ == "dobj" and _is_nominal(h) and m.type != "statement":
                verb = next((o for o, other in heads if other.i == h.head.i and _is_verbal(other)), None)
                if verb is not None and verb.type == m.type:
                    return verb
            if (m.subtype == "raid" or m.lemma == "sweep") and _is_nominal(h):
                # prepositional phrases attach loosely ("detained 24 people suspected of links
                # to IS in raids"): any depth under the arrest counts
                return governing(h, lambda o: o.type == "arrest", 99)
            if m.type == "attack" and h.dep_ == "dobj":
                # "exchanged artillery fire"; "rioters threw petrol bombs"
                return governing(h, lambda o: o.subtype in ("armed_clash", "riot"), 1)
            if m.type == "attack" and h.dep_ in ("advcl", "conj", "xcomp"):
                return governing(h, lambda o: o.subtype == "riot", 1)  # "rioted, torching a county office"
            if m.type == "protest" and m.lemma in self._participants:
                # "protesters pelted police with stones and burned tyres": the riot's people
                return governing(h, lambda o: o.type != "statement", 3) or next(
                    (o for o, other in heads if o.type == "protest" and o.lemma not in self._participants), None
                )
            return None

        kept = []
        for m, h in found:
            whole = whole_of(m, h)
            if whole is None:
                kept.append((m, h))
                continue
            if is_placed(m.location) and not is_placed(whole.location):
                whole.location = m.location
            if m.date.source == "text" and whole.date.source != "text":
                whole.date = m.date
        return kept

    @staticmethod
    def _refine_with_cues(text: str, cues: list[LexMatch], mentions: list[Mention]) -> None:
        """Cues sharpen subtypes along the subtype tree; "from:X" limits a cue to subtype X. A
        word of outrage makes a statement a condemnation, not when it qualifies a misfortune
        ("this appalling attack"; not "an appalling tragedy", a fire)."""
        for cue in cues:
            after = _NEXT_WORD.match(text, cue.end)
            misfortune = after is not None and after.group(1).lower() in en.MISFORTUNES
            for entry in cue.entries:
                if entry.subtype == "condemnation" and misfortune:
                    continue
                origin = next((r[5:] for r in entry.requires if r.startswith("from:")), None)
                for m in mentions:
                    if (
                        m.type == entry.type
                        and is_refinement(m.type, m.subtype, entry.subtype)
                        and (origin is None or m.subtype == origin)
                    ):
                        m.subtype = entry.subtype


# ---- lexicon requirements ----------------------------------------------------------------
# A trigger row's `requires` names conditions on the trigger's parse; each is a function
# registered here under its name. FrameBuilder checks at start-up that the lexicon names only
# registered ones.

Requirement = Callable[["FrameBuilder", Token, SpacySpan, set[str]], bool]
REQUIREMENTS: dict[str, Requirement] = {}


def requirement(name: str) -> Callable[[Requirement], Requirement]:
    """Register a requirement function under the name the lexicon uses."""

    def register(function: Requirement) -> Requirement:
        REQUIREMENTS[name] = function
        return function

    return register


@requirement("subject")
def _subject(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    deps = {c.dep_ for c in head.children}
    return (
        bool(deps & (SUBJECTS | PASSIVE_SUBJECTS))
        or head.dep_ in ("parataxis", "relcl")
        or _subject_in_apposition(head) is not None
    )


@requirement("characterizes")
def _characterizes(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "called the stabbing an act of barbarity", "called the decision unfair": a speaker
    # names what something is; not "called a meeting", "a man called John", "what Du Pont
    # called lower demand" (a name given in passing)
    deps = {c.dep_ for c in head.children}
    return {"nsubj", "dobj", "oprd"} <= deps and not any(c.dep_ == "dobj" and c.tag_ == "WP" for c in head.children)


@requirement("characterizes_as")
def _characterizes_as(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "described the attacks as a dastardly act", "characterized the strike as a violation of
    # its sovereignty"; not "described the scene", "was described by witnesses"
    objects = [c for c in head.children if c.dep_ == "dobj" and c.tag_ != "WP"]  # not "what it describes as"
    return bool(objects) and any(
        c.dep_ == "prep" and c.lower_ == "as" and any(g.dep_ in ("pobj", "amod", "acomp") for g in c.children)
        for t in (head, *objects)  # the parser hangs "as" on either
        for c in t.children
    )


@requirement("clause")
def _clause(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    deps = {c.dep_ for c in head.children}
    return "ccomp" in deps or bool(sent_words & {'"', "“", "”"})


@requirement("complement")
def _complement(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    deps = {c.dep_ for c in head.children}
    return bool(deps & {"xcomp", "ccomp"}) or any(c.dep_ == "prep" and c.lower_ == "with" for c in head.children)


@requirement("clause_or_object")
def _clause_or_object(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    deps = {c.dep_ for c in head.children}
    return bool(deps & {"ccomp", "dobj"})


@requirement("alone")
def _alone(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    return True  # checked against the sentence's other triggers in build_mentions


@requirement("active_or_violent_agent")
def _active_or_violent_agent(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    deps = {c.dep_ for c in head.children}
    # "gunmen killed two", "were killed by a sniper", "gunmen attempted to kill the mayor";
    # not "were killed in the crash", nor "killed himself" alone (a suicide)
    objects = [c for c in head.children if c.dep_ == "dobj"]
    if objects and all(o.lower_ in en.REFLEXIVES and not any(g.dep_ == "conj" for g in o.children) for o in objects):
        return False
    if "nsubj" in deps and "auxpass" not in deps:
        return True
    if head.dep_ == "xcomp" and "auxpass" not in deps and any(c.dep_ == "nsubj" for c in head.head.children):
        return True
    if (
        head.dep_ == "pcomp"
        and head.head.lower_ in ("to", "for", "of")  # not "talked about killing him"
        and "auxpass" not in deps
        and any(c.dep_ in SUBJECTS | PASSIVE_SUBJECTS for c in head.head.head.children)
    ):
        return True  # "confessed to killing his sister", "was jailed for killing his wife"
    return any(
        c.dep_ == "agent" and any(g.dep_ == "pobj" and b._words_of(g, 1) & b._violent_agents for g in c.children)
        for c in head.children
    )


@requirement("not_state_agent")
def _not_state_agent(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "Serbia lodged a protest, charging its neighbour with ...": an accusation between states,
    # not an arrest, whether the parse shows the state accusing or the state accused
    subjects = [c for c in head.children if c.dep_ in SUBJECTS] or [
        c for c in head.head.children if c.dep_ in SUBJECTS and head.dep_ in ("advcl", "xcomp", "conj")
    ]
    accused = [c for c in head.children if c.dep_ == "dobj"]
    return not (
        any(t.ent_type_ == "GPE" for t in subjects + accused)
        or any(p.dep_ == "poss" and p.lower_ == "its" for t in accused for p in t.children)
    )


@requirement("intransitive")
def _intransitive(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # An object after a comma is an apposition the parser hung on the verb
    # ("demonstrated in the city, the largest turnout this year"), not its object. A passive
    # has its object as subject, or as the noun it describes ("the applications demonstrated").
    if head.dep_ == "acl" and head.tag_ in ("VBN", "VBD") or any(c.dep_ in PASSIVE_SUBJECTS for c in head.children):
        return False
    return not any(c.dep_ in ("dobj", "ccomp") and not _after_comma(head, c) for c in head.children)


@requirement("not_descriptor")
def _not_descriptor(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "Houthi rebels fighting the Saudi-led coalition said", "forces battling the militants
    # in Raqqa received weapons": a participle that says who the fighters are, a war going
    # on, not a clash the sentence reports; one with its own date is, and so is one whose
    # fighters do something violent ("troops battling rebels near Goma killed five of them").
    # So is a relative clause on people ("troops who fought in Afghanistan", "Marti, who
    # fought for independence from Spain in 1898"): their past, unless it has a date finer
    # than a bare year.
    if head.dep_ == "acl" and head.tag_ == "VBG":
        if any(t.ent_type_ == "DATE" for t in head.subtree):
            return True
    elif head.dep_ == "relcl" and any(c.dep_ in SUBJECTS and c.lower_ in en.PERSON_RELATIVES for c in head.children):
        if any(t.ent_type_ == "DATE" and not (t.like_num and len(t.text) == 4) for t in head.subtree):
            return True
    else:
        return True
    fighters = head.head
    return fighters.dep_ in SUBJECTS and b._names_an_event(fighters.head)


def _takes_a_view(verb: Token) -> bool:
    """Whether a verb's object is a free relative ("attacked what he considered errors",
    "protesting what they called bad faith"): a view is said about, not fought or marched
    against. The parser often hangs the "what" below the clause, so it is the next word."""
    return verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].lower_ == "what"


@requirement("not_spoken")
def _not_spoken(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "'I did nothing,' protested the accused", "protesting what they called bad faith":
    # said, not demonstrated; "some Brazilians have protested the movement's violence", "the
    # diocese had protested against a mining project": a stance held, with no time or place
    if _takes_a_view(head) or any(c.dep_ == "ccomp" for c in head.children):
        return False
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in head.children)
    return not (
        perfect
        and _undated_sentence(head)
        and not any(_is_place_word(b, t) for t in head.subtree)
        and not any(_counts(c) for c in _subjects(head))  # "hundreds of students have protested"
    )


@requirement("official_protester")
def _official_protester(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "China protested to Japan", "the foreign ministry protested the visit", "protested to
    # the ambassador": a government's protest is a condemnation; not "farmers protested
    # outside parliament", "thousands protested in Manila"
    recipients = _objects_of(head, {"to"})
    return any(
        (t.ent_type_ == "GPE" and t.tag_ == "NNP") or t.lemma_.lower() in b._official_protesters
        for t in [*_subjects(head), *recipients]
    )


@requirement("not_munition")
def _not_munition(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # the noun names a weapon ("found a bomb", "the other type of bomb"), not a bomb going
    # off ("a bomb exploded", "killed by a bomb"); the verb is always a happening
    if not _is_nominal(head):
        return True
    governor = head.head
    if head.dep_ in ("dobj", "nsubjpass") and governor.lemma_.lower() in en.MUNITION_VERBS:
        return False
    if head.dep_ != "pobj":
        return True
    # "a cache of bombs", "carried as a bomb"
    return not (
        governor.lower_ == "of"
        and governor.head.lemma_.lower() in en.MUNITION_NOUNS
        or governor.lower_ == "as"
        and governor.head.lemma_.lower() in en.MUNITION_VERBS
    )


@requirement("judicial_subject")
def _judicial_subject(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "the court ruled that ...", "Judge Ito ruled"; not "the Taliban ruled Afghanistan"
    return any(c.dep_ in SUBJECTS and b._words_of(c, 2) & b._judicial for c in head.children)


@requirement("with_or_person_passive")
def _with_or_person_passive(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    deps = {c.dep_ for c in head.children}
    # "charged with murder"; "a suspect has been charged", "he was charged twice";
    # not "customers were charged $5", "the battery was charged"
    objects = [c for c in head.children if c.dep_ == "dobj"]
    if any(c.dep_ == "prep" and c.lower_ == "with" for t in (head, *objects) for c in t.children):
        return True  # the parser hangs "with" on either: "charged a 21-year-old man with murder"
    return (
        "auxpass" in deps
        and "dobj" not in deps
        and any(
            c.dep_ == "nsubjpass"
            and (c.ent_type_ == "PERSON" or c.lower_ in ("he", "she", "they") or c.lemma_.lower() in b._person_nouns)
            for c in head.children
        )
    )


def _military_words(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str], nations: bool) -> bool:
    # a military word other than the trigger's own ("operation" does not vouch for itself)
    own = Counter(t.lower_ for t in span)
    if any(b._sent_counts[w] > own[w] for w in sent_words & b._military):
        return True
    # "fighting between Azerbaijanis and Armenians", "buildings destroyed during combat
    # activities in Palmyra, Syria": nations fight too, when they are in the clause of the
    # fighting (not "the battle of Elian has been won, Castro said as he spoke in Havana")
    clause = head if _is_verbal(head) else _clause_verb(head)
    return nations and any(
        t.ent_type_ in ("NORP", "GPE") and (_governs(clause, t) or t.head.i == clause.i) for t in head.sent
    )


@requirement("military")
def _military(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    return _military_words(b, head, span, sent_words, nations=False)


@requirement("armed")
def _armed(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "relatives fighting to keep the boy in the United States" struggle for a goal: only a
    # military word makes that combat ("troops fought to retake the town"), not a nation
    striving = any(
        c.dep_ in ("xcomp", "advcl", "acl") and any(a.tag_ == "TO" for a in c.children) for c in head.children
    )
    if not striving and any(
        c.dep_ in ("amod", "compound", "advmod") and c.lower_ in b._combat_modifiers for c in head.children
    ):
        return True  # "heavy fighting was reported", "clan clashes", "they fought fiercely"
    return _military_words(b, head, span, sent_words, nations=not striving)


@requirement("units_move_into_place")
def _units_move_into_place(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "troops entered Manbij", "a submarine entered Japanese waters", "tanks rolled into
    # the city", "forces advanced on Kyiv"; not "troops entered a new phase", "soldiers
    # moved on", "forces crossed paths"
    subjects = _subjects(head)
    if not any(c.lower_ in b._armed_units or c.lemma_.lower() in b._armed_units for c in subjects):
        return False

    def named(tok: Token | None) -> bool:
        # what armed units enter by name is a place, whatever the recognizer calls it
        # ("entered Tell Tamer", tagged PERSON)
        return tok is not None and tok.pos_ == "PROPN" and tok.ent_type_ not in ("DATE", "TIME")

    places = [g for g in _objects_of(head, _DESTINATION_PREPS) if _is_place_word(b, g) or named(g)]
    return bool(places) or named(_object(head)) or _object_is_place(b, head) is True


@requirement("protest_purpose")
def _protest_purpose(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "residents gathered to denounce insecurity", "assembled demanding compensation",
    # "gathered in protest", "gathered against the new law"; not "gathered to hear the results"
    for c in head.children:
        if c.dep_ in ("xcomp", "advcl") and c.lemma_.lower() in b._protest_purposes:
            return True
        if c.dep_ == "prep" and (
            c.lower_ == "against" or c.lower_ == "in" and any(g.lemma_.lower() == "protest" for g in c.children)
        ):
            return True
    return False


@requirement("labour_strike")
def _labour_strike(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "held a strike", "went on a sit-in strike", "a nationwide strike", "the teachers' strike";
    # not "launched a strike on the camp", "an air strike", "a drone strike"
    if sent_words & en.AERIAL_WORDS:
        return False
    governor = head.head
    if head.dep_ == "dobj" and governor.lemma_.lower() in b._strike_governors:
        return True
    if head.dep_ == "pobj" and governor.lower_ == "on":
        return True
    return any(
        c.dep_ in ("amod", "compound", "nmod", "poss")
        and (c.lower_ in b._strike_modifiers or c.lemma_.lower() in b._strike_modifiers)
        for c in head.children
    )


@requirement("object_route")
def _object_route(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    obj = _object(head)
    return obj is not None and obj.lemma_.lower() in b._routes


@requirement("not_state_forces")
def _not_state_forces(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    return not _agent_in(head, b._state_forces)  # "police blocked the road"


@requirement("civil_agent")
def _civil_agent(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "soldiers took to the streets", "his fighters' march": armed agents make no
    # protest (rebels blocking a road still do: PLOVER PROTEST/obstruct).
    return not _agent_in(head, b._armed)


@requirement("participant_subject")
def _participant_subject(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "protesters clashed with riot police": a violent protest (CAMEO 145), not an
    # armed clash; "police clashed with protesters" stays the force's clash.
    subjects = _subjects(head)
    if any(c.lemma_.lower() in b._participants or c.lower_ in b._crowds for c in subjects):
        return True
    # "clashes with counter-protesters broke out", "clashes between rival fans": crowds on
    # both sides when the clash names no force
    sides = [g for c in head.children if c.dep_ == "prep" and c.lower_ in ("with", "between") for g in c.children]
    sides += [c for g in sides for c in g.children if c.dep_ == "conj"]
    return (
        not subjects
        and any(g.lower_ in b._crowds for g in sides)
        and not any(g.lemma_.lower() in b._armed or g.lower_ in b._armed for g in sides)
    )


@requirement("plural")
def _plural(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "protesters gathered": a crowd; not "student protester Joshua Wong", "a protester was hit",
    # nor the owner of something else ("the protesters' demands", "the demands of the
    # protesters", "most of the protesters"); "thousands of protesters" are the crowd
    if head.tag_ not in ("NNS", "NNPS") or head.dep_ == "poss":
        return False
    of = head.head
    if head.dep_ == "pobj" and of.lower_ == "of" and of.head.i != of.i:
        return _counts(of.head)
    return True


@requirement("military_object")
def _military_object(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "soldiers engaged JNIM fighters near Djibo"; not "engaged in talks", "engaged the public"
    obj = _object(head)
    return obj is not None and bool(b._words_of(obj, 1) & b._military_targets)


@requirement("object_armed_units")
def _object_armed_units(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "sent reinforcements", "massed troops", "troops were moved", "a contingent of soldiers",
    # "its military presence", "ordered Coast Guard units", "ordered a heightened alert among
    # troops"; not "sent a letter", "moved house", "police were sent", "ordered the departure
    # of personnel"
    obj = _object(head)
    if obj is None or any(c.dep_ == "xcomp" and c.lemma_.lower() in en.WITHDRAWAL_VERBS for c in head.children):
        return False  # "ordered troops to withdraw": a retreat

    def armed(tok: Token) -> bool:
        lemma = tok.lemma_.lower()
        if lemma in ("presence", "unit", "personnel"):
            return any(
                c.dep_ in ("amod", "compound") and c.lower_ in b._armed | {"naval", "guard"} for c in tok.children
            )
        if lemma == "alert":
            return bool(sent_words & b._military)
        return tok.lower_ in b._armed_units or lemma in b._armed_units

    return any(armed(t) for t in [obj, *_objects_of(obj, {"of"})])


@requirement("on_alert")
def _on_alert(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "troops remained on alert", "put the army on maximum alert"; not "an alert was issued"
    return head.dep_ == "pobj" and head.head.lower_ == "on"


@requirement("explosive_argument")
def _explosive_argument(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # What explodes is a bomb, a shell or a vehicle ("two bombs exploded", "the bomb that
    # exploded", "exploded a series of bombs", "a car exploded"); not a plane, a toad, a debate
    args = [c for c in head.children if c.dep_ in SUBJECTS | PASSIVE_SUBJECTS | {"dobj"}]
    if head.dep_ == "relcl":
        args.append(head.head)
    things = en.EXPLOSIVES | b._weapons | en.BOMB_VEHICLES
    return any(b._words_of(a, 1) & things for a in args)


@requirement("object_explosive")
def _object_explosive(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "threw a grenade at a bar", "threw petrol bombs", "ran over a landmine", "stepped on a
    # mine"; not "threw stones", "projectiles", "a party"
    objects = [_object(head), *_objects_of(head, {"over", "on"})]
    return any(obj is not None and b._words_of(obj, 1) & en.EXPLOSIVES for obj in objects)


@requirement("target")
def _target(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    deps = {c.dep_ for c in head.children}
    # "missiles struck the port", "jets struck in Gaza"; not "the resemblance was striking"
    return bool(deps & ({"dobj"} | PASSIVE_SUBJECTS)) or any(
        c.dep_ == "prep" and c.lower_ in en.TARGET_PREPS | {"in", "near", "into"} for c in head.children
    )


@requirement("weapon_or_target")
def _weapon_or_target(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "fired mortars", "fired heavy machine guns", "fired at the positions"; not "fired
    # the coach", nor "fired tear gas at the crowd". A verb with no object of its own shares
    # that of the verb coordinated after it ("fired and landed a live round on a protester").
    def aimed(c: Token) -> bool:
        return c.dep_ == "prep" and c.lower_ in en.FIRE_PREPS

    children = list(head.children)
    if not any(c.dep_ == "dobj" or aimed(c) for c in children):
        children += [g for c in children if c.dep_ == "conj" and c.pos_ == "VERB" for g in c.children]
    objects = [c for c in children if c.dep_ == "dobj"]
    if objects:
        return any(b._words_of(c, 1) & b._weapons for c in objects)
    return any(aimed(c) and any(g.dep_ == "pobj" for g in c.children) for c in children)


@requirement("object_fire")
def _object_fire(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    return any(c.dep_ == "dobj" and c.lemma_.lower() in b._fire_nouns for c in head.children)


@requirement("violent_death")
def _violent_death(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # a body found with marks of violence: "bodies bearing gunshot wounds were found",
    # "found dead, hands tied"
    if not sent_words & b._violence_marks:
        return False
    return head.lemma_.lower() == "find" or (
        head.dep_ in ("nsubjpass", "dobj", "nsubj") and head.head.lemma_.lower() in b._discovery_verbs
    )


@requirement("verbal_target")
def _verbal_target(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    return b._verbal_target(head)


def _object_is_place(b: FrameBuilder, head: Token) -> bool | None:
    """Whether the trigger's object is a place (None: it has none)."""
    obj = _object(head)
    if obj is None:
        return None
    of_place = [
        g
        for c in obj.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
        if _is_place_word(b, g)
        or (obj.lower_ == "control" and g.pos_ == "PROPN")  # "seized control of Goma", tagged PERSON
    ]
    return _is_place_word(b, obj) or bool(of_place)  # "seized large parts of Anbar"


def _is_place_word(b: FrameBuilder, tok: Token) -> bool:
    """Whether a word names a place: a place entity or a place noun ("the town")."""
    return (
        tok.ent_type_ in ("GPE", "LOC", "FAC") or tok.lemma_.lower() in b._place_nouns or tok.lower_ in b._place_nouns
    )


@requirement("object_place")
def _object_place(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    return _object_is_place(b, head) is True


@requirement("object_person")
def _object_person(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    obj = _object(head)
    if obj is None or _object_is_place(b, head):
        return False  # "captured the town of Kidal", whatever the recognizer calls Kidal
    people = [obj, *_objects_of(obj, {"of"})]
    return any(
        p.ent_type_ in ("PERSON", "NORP")
        or (p.pos_ == "PROPN" and not p.ent_type_)  # a name the recognizer left: "Howes was captured"
        or p.lower_ in ("him", "her", "them")
        or p.lower_ in b._captives
        or p.lemma_.lower() in b._captives
        for p in people
    )


def _done_by(b: FrameBuilder, head: Token, words: frozenset[str]) -> bool:
    """Whether the trigger's subject or possessor is one of `words`, or its passive agent
    holds one ("were picked up by security agents")."""
    agents = [g for c in head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    return _agent_in(head, words) or any(b._words_of(a, 1) & words for a in agents)


@requirement("state_agent")
def _state_agent(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "troops seized 12 Palestinians", "activists were picked up by security agents"; rebels who do abduct
    return _done_by(b, head, b._state_forces)


@requirement("nonstate_agent")
def _nonstate_agent(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "rebels captured 20 soldiers", "Howes was captured by the Khmer Rouge guerrillas"
    return _done_by(b, head, b._nonstate)


@requirement("to_justice_officials")
def _to_justice_officials(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "surrendered himself to police", "gave himself up to the authorities": an arrest; not
    # "the rebels surrendered to the army", "surrendered his passport"
    return any(b._words_of(g, 1) & b._law for g in _objects_of(head, {"to"}))


@requirement("into_custody")
def _into_custody(b: FrameBuilder, head: Token, span: SpacySpan, sent_words: set[str]) -> bool:
    # "took three suspects into custody", "placed into custody"; not "remains in custody",
    # "released into the custody of relatives"
    into = head.head
    return head.dep_ == "pobj" and into.lower_ == "into" and into.head.lemma_.lower() in ("take", "place", "put")


def _most_specific_in_chains(
    scored: list[tuple[Any, ...]], places: list[tuple[Place, SpacySpan]]
) -> list[tuple[Any, ...]]:
    """`scored` candidates (place last in each tuple) with each place replaced by the most
    specific place of the sentence that lies in it and is chained to it by ", " or " in ":
    "in the residential part of Ancient Palmyra in Homs Governorate, Syria", "on the outskirts
    of Kenosha, Wisconsin" happened in the town, not in its province or country, however the
    parser attached the phrases (the rank of the candidate is kept)."""
    spans = {id(place): span for place, span in places}

    def inner(big: Place) -> Place | None:
        for small, span in places:
            b = spans[id(big)]
            if (
                small.precision == "city"
                and small is not big
                and small.country_code == big.country_code
                and (big.precision in ("country", "region") or big.precision == "admin1" and big.name == small.admin1)
                and span.end_char <= b.start_char
                and _CHAIN_LINK.fullmatch(span.doc.text, span.end_char, b.start_char) is not None
            ):
                return small
        return None

    out = []
    for s in scored:
        place, seen = s[-1], set()
        while (smaller := inner(place)) is not None and id(smaller) not in seen:
            seen.add(id(smaller))
            place = smaller
        out.append((*s[:-1], place))
    return out


def _event_location(place: Place, placed: bool = False) -> EventLocation:
    """The location of an event at `place`, with the place's own name, id, point and precision
    (no text when the place is not a mention: a country the article does not name)."""
    loc = PlacedLocation(
        place.text if place.end > place.start else None,
        place.name,
        place.country_code,
        place.admin1,
        place.lat,
        place.lon,
        place.geonames_id,
        place.precision,
    )
    loc.placed = placed
    return loc


def _country_location(place: Place, art: ArticleFrame, statement: bool) -> EventLocation:
    """Where an event the text does not place happened, from the article's dominant `place`.

    An event that is no statement happens where the article is (`_article_locality`); a
    statement is placed where it was made only when the text says so (its speaker may be
    anywhere in the country). Otherwise the event is only known to be in the country: the
    country's own name, GeoNames id and point, with precision country (never a town's name
    or point labelled country). A place with no country (a continent, a sea) stays itself."""
    local = None if statement else _article_locality(place, art)
    if local is not None:
        return _event_location(local)
    # a statement is not placed in a region of its country either ("Mindanao", "northern Syria")
    within = ("city", "admin1", "region") if statement else ("city", "admin1")
    country = art.country_place(place.country_code) if place.country_code and place.precision in within else None
    return _event_location(country if country is not None else place)


def _article_locality(place: Place, art: ArticleFrame) -> Place | None:
    """The town or province of `place`'s country that the article is about, if one is.

    `place` itself when it is a town or province and the only one of its country the article
    names, or the one named most, at least twice. Otherwise the province the article names
    that is named most, at least twice and more than any other place of the country, counting
    its towns' mentions with its own ("in Washington, DC", "Kenosha, Wisconsin ... a Wisconsin
    jail"; a town alone may be a common word read as a name). A province found either way
    stands for its one town when the article names only one there."""
    local = [q for q in art.places if q.precision in ("city", "admin1") and q.country_code == place.country_code]

    def its_town(province: Place) -> Place:
        towns = {q.name: q for q in local if q.admin1 == province.name and q.precision == "city"}
        return next(iter(towns.values())) if len(towns) == 1 else province

    if place.precision in ("city", "admin1"):
        named = Counter(q.name for q in local)
        top = named[place.name]
        if len(named) == 1 or top >= 2 and all(n < top for name, n in named.items() if name != place.name):
            return its_town(place) if place.precision == "admin1" else place
    named_provinces = {q.name for q in local if q.precision == "admin1"}
    # a town counts for its province when the article names the province, else for itself
    areas = Counter(q.admin1 if q.admin1 in named_provinces else q.name for q in local)
    ranked = areas.most_common(2)
    if not ranked or ranked[0][1] < 2 or len(ranked) == 2 and ranked[1][1] == ranked[0][1]:
        return None
    named_province = next((q for q in local if q.precision == "admin1" and q.name == ranked[0][0]), None)
    return None if named_province is None else its_town(named_province)


def _past_reading(
    te: TimeExpression, dates: list[tuple[TimeExpression, SpacySpan]], published_day: str
) -> TimeExpression | None:
    """The same words read as a time on or before `published_day` (`find_dates` with `past`
    over the sentence); None when they tell a time to come ("March 4, 2027", "will meet on
    Monday")."""
    span = _span_of(te, dates)
    published = datetime.combine(date.fromisoformat(published_day), time(), UTC)
    for reading in find_dates(span.doc.text, published, past=True):
        if reading.start < span.end_char and span.start_char < reading.end:
            return replace(te, value=reading.value, precision=reading.precision)
    return None
