"""English word lists read by name: calendar words, numbers, modals, titles, pronouns,
function words, directions and administrative designators. Stages derive their patterns
from these lists; the choice of list members is described where each is used."""

from __future__ import annotations

# --- calendar: each full name first, then its abbreviations, longest first -----------------

MONTHS: tuple[tuple[str, ...], ...] = (
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May",),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sept", "Sep"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
)
WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("Monday", "Mon"),
    ("Tuesday", "Tues", "Tue"),
    ("Wednesday", "Wed"),
    ("Thursday", "Thurs", "Thur", "Thu"),
    ("Friday", "Fri"),
    ("Saturday", "Sat"),
    ("Sunday", "Sun"),
)
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}

# --- numbers ---------------------------------------------------------------------------------

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
}
# The ordinal of a quarter or a half ("the final quarter", "the latter half").
PERIOD_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
    "last": 4,
    "latter": 2,
}

# --- grammar words ---------------------------------------------------------------------------

# Auxiliaries that put what they govern in the future ("the offensive will begin", "won't"
# parses as "wo"); "could", "may" are left out: "the blast could be heard" is told as fact.
FUTURE_MODALS = frozenset("will 'll wo shall would".split())
# Verbs of answering a happening: one they "will respond to" has not come yet.
RESPONSE_VERBS = frozenset({"respond", "retaliate", "react", "reply", "answer", "counter"})
INDEFINITE_DETERMINERS = frozenset({"a", "an", "any"})
# Relative pronouns of people: "troops who fought in Afghanistan".
PERSON_RELATIVES = frozenset({"who", "that"})
# ... except that "the offensive will continue" tells one already under way.
CONTINUATIVE = frozenset({"continue", "keep", "go", "remain"})
# Spans of time that measure a campaign rather than date a happening: "weeks of protests",
# "attacks in recent years", "over the past decade".
CAMPAIGN_SPANS = frozenset({"week", "month", "year", "decade"})
COMMEMORATIONS = frozenset({"anniversary", "commemoration", "remembrance"})  # "the anniversary of his abduction"
# What a reward is offered for has not happened: "a reward for information leading to the
# arrest", "a bounty for his capture".
REWARDS = frozenset({"reward", "bounty"})
SOUGHT_INFORMATION = frozenset({"information", "tip", "tips"})
SPAN_MODIFIERS = frozenset({"recent", "past", "last"})
# Nouns whose absence denies what they are of: "no signs of an explosion", "found no
# evidence of a struggle", "there were no reports of clashes".
# Nouns whose that-clause tells what they claim: "denied reports that soldiers fired" denies it.
CONTENT_NOUNS = frozenset(
    "report claim allegation accusation charge rumour rumor suggestion assertion speculation news".split()
)
EVIDENCE_NOUNS = frozenset("sign evidence indication trace hint report record suggestion".split())
# Words (nouns, and "capable") that name a happening, after the preposition, as one that may
# come, not one that came: "the possibility of more attacks", "fears of renewed fighting", "capable of deploying
# troops", "calls for a strike", "a warrant for his arrest".
PROSPECT_NOUNS = {
    "of": frozenset(
        "possibility prospect threat risk fear danger likelihood chance spectre specter rumour rumor warning"
        " plan plot capable capability capacity".split()
    ),
    "for": frozenset("plan preparation call appeal demand proposal warrant".split()),
}
# A bomb named as a weapon, not one going off: "found a bomb", "made a bomb", "the other
# type of bomb". Using one is an attack ("used barrel bombs on the town").
MUNITION_VERBS = frozenset(
    "make build manufacture develop produce possess carry stockpile store supply sell buy test ban"
    " find discover seize recover".split()
)
MUNITION_NOUNS = frozenset("type kind stockpile cache supply sale shipment production".split())
# Adverbs that make a statement verb a standing position, not one statement ("has long
# claimed", "have always said", "has repeatedly stated")
STANDING_ADVERBS = frozenset(
    {"long", "always", "repeatedly", "consistently", "often", "frequently", "routinely", "regularly", "constantly"}
)
# Titles that make whoever holds them the head of the place they name ("the chief executive of
# Hong Kong", "the leader of Chechnya"); of a company they are corporate titles.
PLACE_HEADS = frozenset({"head", "chief", "executive", "leader", "ruler"})
# The telling of an event or the occasion of a statement: its date is the telling's ("a
# report on Sunday said ...", "said in a statement on Monday")
REPORT_NOUNS = frozenset(
    "report interview briefing conference broadcast bulletin release tweet post speech statement letter address".split()
)
RANK_WORDS = frozenset({"first", "last", "only"})  # "the first protest since 1989": a comparison
PRIOR_MODIFIERS = frozenset({"earlier", "previous", "prior"})  # "an earlier protest": told before
# Verbs that name a cause: "a gas leak led to an explosion", "a spark triggered the blast"
CAUSE_VERBS = frozenset({"cause", "lead", "trigger", "spark", "result"})
CAUSE_PREPS = frozenset({"to", "in"})  # "led to", "resulted in"
# Words that set a happening apart from those told elsewhere ("another raid", "a separate attack")
DISTINCT_MODIFIERS = frozenset({"another", "separate", "further", "fresh", "different"})
# Words that count a crowd ("thousands of protesters", "a column of marchers")
CROWD_QUANTITIES = frozenset(
    "thousand hundred dozen million score crowd group number lot mass column wave throng band tens".split()
)
COUNT_MODIFIERS = frozenset({"twin", "double", "triple"})  # "twin bombings": counted, not an aggregate
# Determiners of a plural that sums up happenings told elsewhere ("both of those attacks", "these raids")
SUMMARY_DETERMINERS = frozenset({"these", "those", "both", "all", "each", "either"})
VERBAL_MODIFIERS = frozenset({"verbal", "rhetorical"})  # "a verbal assault": words, not violence
# "an ideological battle", "a legal battle", "a diplomatic clash": a contest without arms
NONVIOLENT_MODIFIERS = VERBAL_MODIFIERS | {"ideological", "legal", "diplomatic", "electoral", "courtroom"}
# Governors that put what they govern ahead of the report ("is set to begin", "planned to
# march", "due to start").
SCHEDULE_LEMMAS = frozenset({"schedule", "set", "slate", "due", "plan", "expect", "intend", "prepare"})
# Prepositions that attach a place to an event ("clashes in Aleppo", "fired towards the border"),
# to a statement ("said in Geneva"), a target ("an attack on the base"), a line of fire, a time.
LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "outside",
        "inside",
        "across",
        "into",
        "on",
        "over",
        "around",
        "from",
        "throughout",
        "within",
        "off",
        "along",
        "toward",
        "towards",
        "of",
        "to",
    }
)
STATEMENT_LOCATIVE_PREPS = frozenset({"in", "at", "from"})
SPEAKER_LOCATIVE_PREPS = frozenset({"in", "at"})  # "officials in Kabul"; "officials from Kabul" may be anywhere
# Occasions one speaks at (beside REPORT_NOUNS, which date a statement): "said at a news
# conference in Geneva" was said in Geneva
STATEMENT_VENUES = frozenset(
    "conference briefing meeting summit rally speech interview ceremony session forum gathering".split()
)
VENUE_PREPS = frozenset({"at", "during", "on", "in"})
# Buildings and sites named after their town ("the Jolo Cathedral", "the Quetta Station")
SITE_HEADS = frozenset(
    "cathedral church mosque temple synagogue shrine station stadium market bazaar prison jail mall campus"
    " courthouse barracks".split()
)
# Past-tense verbs whose object is a place taken, entered or struck: a name right after them (or
# listed after them) is a place even when the recognizer reads it as a person ("troops entered
# Ain Issa", "rebels overran Tell Tamer and Ras al-Ain").
TERRITORIAL_VERB_FORMS = frozenset(
    "entered captured seized retook recaptured stormed shelled besieged liberated overran".split()
)
# Verbs of ending a gathering: what they act on was there ("used tear gas to disperse a demonstration")
DISPERSAL_VERBS = frozenset({"disperse", "break", "quell", "clear"})
# Stopping a happening before it came about ("police foiled a bomb attack"); an attempt that
# was thwarted still happened ("an attempt to assassinate the governor was thwarted")
THWARTING_VERBS = frozenset({"foil", "thwart", "avert", "forestall", "preempt"})
# Triggers whose subject is the victim: a vehicle or a person that hit, ran over or stepped on a mine
VICTIM_SUBJECT_LEMMAS = frozenset({"hit", "run over", "step on"})
# Words of the air that make a "strike" a military one ("an air strike", "a drone strike")
AERIAL_WORDS = frozenset(
    "air aerial airstrike airstrikes drone drones missile missiles jet jets warplane warplanes rocket rockets".split()
)
# Leaving a post: what someone does "in protest" by resigning is no protest event
RESIGN_VERBS = frozenset({"resign", "quit", "step", "leave", "abstain"})
# A state told by how long it lasts ("their prolonged detention", "indefinite custody")
DURATIVE_MODIFIERS = frozenset({"prolonged", "continued", "continuing", "indefinite", "ongoing", "lengthy", "long"})
# Explosive devices that strike or hit by themselves ("a roadside bomb struck a bus")
EXPLOSIVES = frozenset(
    "bomb bombs device devices explosive explosives ied ieds mine mines landmine landmines drone drones "
    "grenade grenades molotov molotovs".split()
)
# Nouns of a country's land that its name as a modifier places ("the Comoros archipelago",
# "the Tanzanian coast"), unlike what the country owns ("the U.S. embassy")
LAND_NOUNS = frozenset(
    "archipelago coast coastline border frontier mainland island islands territory waters region side interior"
    " highlands desert countryside north south east west".split()
)
# What forces are ordered or sent to do when they leave: no deployment ("ordered troops to withdraw")
WITHDRAWAL_VERBS = frozenset("withdraw retreat leave return pull evacuate disengage demobilize demobilise".split())
# What a word of outrage may qualify without condemning anyone ("an appalling tragedy")
MISFORTUNES = frozenset("tragedy tragedies accident accidents crash crashes fire fires disaster disasters loss".split())
# Verbs of an attempt: an attempted attack is one ("attempted to kill the mayor")
ATTEMPT_VERBS = frozenset({"attempt", "try"})
REFLEXIVES = frozenset({"himself", "herself", "themselves", "itself", "myself", "yourself", "ourselves"})
# Vehicles that explode as bombs do ("a car exploded outside the embassy")
BOMB_VEHICLES = frozenset("car cars vehicle vehicles truck trucks lorry motorcycle motorbike van".split())
# Where a thing is, not what it is ("positions near the town", "posts on the outskirts of")
SURROUNDING_PREPS = frozenset({"near", "outside", "around", "in", "inside", "across", "along", "on", "within", "off"})
GOAL_PREPS = frozenset({"to", "toward", "towards", "into"})  # where someone or something goes
MEANS_PREPS = frozenset({"through", "by", "via"})  # "could start a war through a direct attack"
ACTIVITY_PREPS = frozenset({"for", "by"})  # "jailed for protesting", "by shooting": a kind of activity
# Nouns whose bare singular "of" complement is a practice ("a campaign of assassination")
PRACTICE_NOUNS = frozenset("campaign policy history culture practice tactic strategy pattern doctrine".split())
# Words of a charge, trial or verdict whose bare noun names an offence, not a happening
# ("nine counts of kidnapping", "convicted of kidnapping and murder", "arrested for rioting")
LEGAL_CHARGES = frozenset(
    {
        "count", "charge", "convict", "conviction", "guilty", "accuse", "indict", "indictment", "sentence",
        "acquit", "try", "suspect", "prosecute", "prosecution", "arrest", "detain", "jail", "imprison", "plead",
    }
)  # fmt: skip
# Words that spread a happening over a whole country ("vigils nationwide").
NATIONWIDE_WORDS = frozenset({"nationwide", "countrywide", "nation-wide", "country-wide"})
# The words without one of which a sentence spreads nothing over a country.
COUNTRY_WIDE_CUES = NATIONWIDE_WORDS | {"country", "countries", "nation", "nations"}
TARGET_PREPS = frozenset({"on", "against", "at", "upon"})
FIRE_PREPS = TARGET_PREPS | {"toward", "towards", "into"}
TEMPORAL_PREPS = frozenset(
    {"during", "on", "at", "before", "after", "since", "until", "following", "by", "in", "throughout", "over", "amid"}
)
# Prepositions that only take times: a place after them names its war or its era ("the
# largest military operation since Vietnam"), never where the event is.
TIME_ONLY_PREPS = frozenset({"since", "until", "till"})
# Lexicon lemmas of firing and striking that become an armed clash when aimed at armed forces.
FIRE_LEMMAS = frozenset(
    {
        "fire",
        "fire rockets",
        "open fire",
        "shoot",
        "shell",
        "shelling",
        "artillery fire",
        "rocket fire",
        "attack",
        "assault",
        "mortar attack",
        "rocket attack",
        "bombard",
        "bombardment",
    }
)
# Small words inside a name built from capitalised words ("the Bank of England").
NAME_STOPWORDS = frozenset("the a an and of in on for to by with from at as".split())
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
# Titles written before a name, without their dot ("Gen. Franklin", "Dr Dunn").
PERSON_TITLES = frozenset("mr mrs ms dr prof gen col lt sgt capt maj cmdr adm gov sen rep rev".split())
# Words whose dot is no sentence end.
ABBREVIATIONS = (
    PERSON_TITLES
    | {a.lower() for _, *abbr in MONTHS for a in abbr}
    | frozenset("st jr sr no vs inc corp co ltd dept est approx".split())
)
# The commonest function words: English news has about one word in three from this list,
# text in other languages almost none (the ingest language check).
COMMON_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on with as was by at it from his be are an have has said "
    "not but were which this their they had or its who been will would after more also".split()
)
# Words no heading or caption ends with: a line ending on one runs on into the next.
OPEN_WORDS = frozenset(
    "a an the of to in on at by for from with without into onto over under about after before "
    "between during against among across along around near via per and or but nor as than that "
    "which who whom whose where when while if because although though its their his her our "
    "this these those".split()
)

# --- places ----------------------------------------------------------------------------------

# Words of place names written short, with their full form: "St. Louis", "Ste. Genevieve",
# "Mt. Kenya", "Ft. Worth".
NAME_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
SAINT_WORDS = frozenset({"st", "ste", "saint", "sainte"})
DESIGNATORS = frozenset({"province", "governorate", "region", "oblast", "state", "prefecture", "krai"})
DIRECTIONS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "north-eastern",
        "north-western",
        "south-eastern",
        "south-western",
    }
)
