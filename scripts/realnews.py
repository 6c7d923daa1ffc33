"""Rebuild the real-news evaluation files (`../realnews/*.jsonl` next to the repo) from local snapshots.

The articles are English WikiNews stories taken from public git snapshots:

- ``vanatteveldt/wikinews`` (``data/wikinews_2019.csv``, ``data/wikinews_2020.csv``): plain text
  scraped from the WikiNews year categories, one CSV row per article (CC BY 2.5);
- ``amir-zeldes/gum`` (``dep/GUM_news_*.conllu`` for the sentence text, ``xml/GUM_news_*.xml`` for
  the paragraph structure): the WikiNews news documents of the GUM corpus (CC BY 2.5);
- optionally ``airKlizz/WikinewsSum`` (``endataset.json``, one JSON line per article with its
  wikitext as a list of paragraphs): WikiNews stories of November 2004 to January 2005, published
  before WikiNews moved to CC BY 2.5 on 25 September 2005 and so in the public domain (WikiNews
  marks them ``{{PD-Article}}``). Only the title, the wikitext and its date (the ``{{date}}``
  template, else the date category) are read, never the summarisation sources stored beside
  them; the markup is reduced to plain text here. The file is only in older commits of that
  repository: pass its git directory, not a checkout of its last commit.

Nothing here is article text: the table ``LABELS`` keys each chosen article by the first eight hex
digits of the SHA-1 of its source URL (for WikinewsSum, which stores no URL, the WikiNews URL
made from the title) and gives our own kind/region/topic labels and, for the
consolidation set, the name of the happening it reports. ``FOREIGN_SPANS`` only holds word counts.

Usage::

    python scripts/realnews.py VANATTEVELDT_GIT GUM_GIT OUT_DIR [--exclude-dir ../shared/dev]
        [--wikinews-extra WIKINEWSSUM_GIT]

Without ``--wikinews-extra`` the articles of that snapshot are left out and the rest is unchanged.
Each snapshot argument is a git directory (bare or not) or a plain checkout; git directories are
read at the pinned commits below so the output does not move when the snapshot does.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import re
import subprocess
import sys
import unicodedata
import urllib.parse
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

VANATTEVELDT_COMMIT = "347254178bf343f3801aac1d03c41cc09c35decb"
GUM_COMMIT = "72ce5ac14978a324c2fd18d49484e65292cbe316"
# endataset.json is gone from the later commits of that repository: read it at this one
WIKINEWSSUM_COMMIT = "1d985031625909c908766812e8a18d0c88116ec8"
WIKINEWSSUM_FILE = "endataset.json"
PD_LICENCE = "public domain"
WIKINEWSSUM_MARKER = "# airKlizz/WikinewsSum"
VANATTEVELDT_FILES = ("data/wikinews_2019.csv", "data/wikinews_2020.csv")
LICENCE = "CC BY 2.5"
MIN_WORDS, MAX_WORDS = 80, 1500

# key|kind|region|topic|happening   kind: d = product domain (attacks, clashes, operations,
# arrests, protests, political/legal statements and decisions), o = ordinary news.
# Rows after the "# airKlizz/WikinewsSum" line are articles of that optional snapshot.
# region: US, NA (Canada), LA (Latin America, Caribbean), EU (Europe incl. UK and Russia), ME,
# AF, SA (South Asia), EA (East and South-East Asia), OC (Oceania), GL (global or none).
LABELS = """
a652aad1|o|EU|building explosion disaster|
3dde3d37|d|US|political statement congress|
3e5d7aca|o|EU|fire disaster|
e0312c12|o|US|road accident|
9d23e860|d|US|political statement legislation|
f2b89fb3|o|EU|fire disaster|
a0c32916|d|US|political statement border wall|
1cde1171|o|OC|science archaeology|
6356754b|o|LA|road accident|
3b274c80|d|EU|stabbing attack arrest|
b77ade8f|o|ME|plane crash|
bd3132d2|o|EA|air crash investigation|
358b6701|o|US|obituary|
4cacc76c|d|EU|security ban statement|
49dc5391|d|SA|car bomb attack military base|
dbd5a74e|d|EA|church bombing attack|
327b9899|d|ME|bombing attack journalist|
2cce73e3|d|NA|serial murder court|
1fab00cd|d|EU|police court case|
ed8e8a04|o|LA|science wildlife|
f1f73459|o|ME|building collapse|
3e34b867|o|EU|road accident|
bed671a9|d|US|politics legislature|
e149d793|o|EA|obituary|
1b4c303f|o|US|obituary science|
063689bb|d|EA|political statement election|
222f0b27|o|EU|migrants charity|
85898517|o|SA|fire disaster|delhi-hotel-fire-2019
96915e7b|o|OC|science wildlife|
d04a1587|o|SA|obituary politician|
fd8f362b|o|SA|fire disaster|chittagong-slum-fire-2019
7a62acde|d|US|lawsuit against emergency declaration|
63b13dc6|o|GL|science|
8126e8f5|d|US|court ruling military draft|
6dd4e116|d|EU|sexual abuse court sentencing|
0d9ee091|o|US|spaceflight|
e80ec2b2|d|US|court sentencing|
888549dc|d|OC|mass shooting court|
50e4e61f|d|EU|protest march|
b650a139|d|ME|political statement religion|
87a568de|o|GL|data breach|
6d08bc6b|o|GL|science medicine|
b5430626|o|EU|fire landmark|
3e860478|d|US|child abuse court sentencing|
cef42491|o|US|corporate investigation|
58ef0fe9|o|EU|religious procession|
7ad736bb|o|GL|science dinosaurs|
87961802|o|EU|education competition|
5f832b10|d|EU|church statement abuse|
6acd9512|d|EU|political statement criminal law|
c6b30247|o|US|obituary entertainment|
1ebf4fdc|d|US|abortion law|
95b4772c|d|EA|same-sex marriage law|
f81842e7|o|AF|obituary politician|
abe76fbb|d|US|self-immolation protest|
dfaf5a1c|o|US|obituary|
31516020|d|EA|protest police|hong-kong-police-hq-siege-2019-06
0512a6d1|o|US|road accident|new-hampshire-motorcycle-crash-2019
055d8518|d|US|road accident court|new-hampshire-motorcycle-crash-2019
6b674e66|d|US|murder court sentencing|
619f3fff|d|AF|security decree face veil ban|
46f62907|o|AF|trade agreement|
33524c5b|o|US|tropical storm|tropical-storm-barry-2019
dfd722a3|o|EA|earthquake|mindanao-earthquake-2019-07
aa579247|o|US|obituary judge|
b8c99235|d|US|congress contempt vote|
4549f802|d|US|shooting attack|
820c0e07|o|US|tropical storm|tropical-depression-three-2019
af398877|d|EU|party leadership election|
c47ddffd|d|LA|protests governor resignation|puerto-rico-rossello-resignation-2019
7e1a4f58|d|LA|governor resignation succession|puerto-rico-rossello-resignation-2019
534786da|o|EU|technology feat|
d5e3b705|d|US|mass shooting|
6098c4b4|d|LA|court removes governor|puerto-rico-pierluisi-removal-2019
70bbf490|o|AF|medicine ebola treatment|
7f70244c|d|US|election campaign withdrawal|hickenlooper-withdraws-2019
373a30f6|d|EA|protest rally|hong-kong-victoria-park-rally-2019-08
a1a7bcd6|o|AF|animal attack death|
10f9afd6|d|US|missing person death|
ec24681f|d|GL|summit statement wildfires|
506ac89b|d|EU|parliament prorogation|uk-parliament-prorogation-2019
554d5d86|d|US|election campaign withdrawal|gillibrand-withdraws-2019
3bed9ebf|o|LA|hurricane landfall|hurricane-dorian-bahamas-2019
b2677148|d|US|prison stabbing|
e15fa680|o|US|boat fire disaster|
4cacf504|o|LA|hurricane damage|hurricane-dorian-bahamas-2019
84005913|d|EA|political statement extradition bill|
39e16cfe|o|US|science volcano|
e3efabb0|o|AF|obituary leader|
ec1e0ce1|o|US|plane crash|nevada-plane-crash-2019-09
5cb418f5|d|EU|parliament prorogation|uk-parliament-prorogation-2019
dd3faf78|o|OC|obituary leader|
01439aa7|d|US|dismissal security adviser|
8b566d05|d|EU|court ruling prorogation|scottish-court-prorogation-ruling-2019
a584164d|o|GL|astronomy|
dbde6d57|d|ME|drone attack oil facilities|
0e90ca24|o|LA|hurricane|hurricane-humberto-2019
19716af5|d|ME|militant leader killed statement|
f7859271|d|EU|theft arrests|
2a5d01e0|o|LA|hurricane|hurricane-humberto-2019
de1e242c|o|EU|workplace accident|
7ab31623|d|US|election campaign withdrawal|de-blasio-withdraws-2019
e0f5fdc1|o|US|gathering event|
25a8af6c|d|ME|political statement gulf security|
5baaad19|d|EU|court ruling prorogation|uk-supreme-court-prorogation-ruling-2019
27ab1537|o|US|obituary music|
a9562f5c|d|US|impeachment inquiry statement|
188b2941|o|EU|obituary leader|
0e22cd0b|d|OC|abortion law|
0b20ad73|d|ME|political statement journalist murder|
cc2ddcc6|d|SA|honour killing court|
3826808e|d|US|impeachment inquiry subpoena|
5fe8a179|o|ME|sport athletics|
bba4018a|o|EU|hurricane|hurricane-lorenzo-azores-2019
2616ff58|d|EA|protest police shooting|hong-kong-national-day-protests-2019-10
fc5de04c|o|US|plane crash|connecticut-b17-crash-2019-10
29f5488f|d|US|court sentencing opioids|
94050a6d|d|EU|stabbing attack police|
7b67f0dc|o|GL|science coral reefs|
3e731466|d|EU|court ruling social media|
a2f02a46|o|EU|obituary music|
d9d2d4bb|o|US|film premiere|
4f1b22c2|d|ME|military withdrawal statement|
c3159a20|o|US|power outages|
d16893c9|o|EU|nobel prize|
9708287c|d|US|court ruling tax records|
73feec67|d|EU|diplomatic dispute road death|
985151af|d|EA|stabbing attack minister|
76277b1d|o|EU|obituary cosmonaut|
0b887cec|o|GL|science antarctica|
671f4756|o|EU|sport marathon|
d49cdee4|o|US|sport marathon|
6fbd48cd|d|ME|military offensive agreement|
fbe0c38a|d|EA|protest legislature speech|hong-kong-legco-protest-2019-10
1d284400|d|GL|arrests international operation|
cf1278b7|o|US|obituary politician|
c1a23f48|o|US|wildlife tribe|
f85bc739|o|EA|earthquake|mindanao-earthquake-2019-10
12541115|d|NA|general election|
193b5b87|o|GL|science bacteria|
1a0eeedf|d|LA|travel restrictions sanctions|
ee985241|o|US|obituary politician|
30144378|o|US|obituary politician|
4146e336|d|US|impeachment vote|house-impeachment-rules-vote-2019
b44581f2|d|US|election campaign withdrawal|orourke-withdraws-2019
5a790c5f|o|EU|defence industry acquisition|
c2683849|d|ME|missile strike air base|
501a5541|o|EA|shipwreck discovery|
316b7584|o|AF|science archaeology|
ffae2e24|o|GL|science materials|
36ea9c38|o|US|science pollution|
91449350|d|EA|local election|
d533faa3|d|EU|stabbing attack terrorism|london-bridge-stabbing-2019
d05acf62|o|OC|measles vaccination emergency|samoa-measles-emergency-2019
de46cb2e|o|GL|award|
faacffd8|d|EU|general election|
ab47a405|d|OC|court ruling citizenship|
33d48ca1|d|US|impeachment vote|house-impeaches-trump-2019
efc2308c|o|EA|typhoon|
3345c4b0|o|US|obituary media|
a2e2d072|o|OC|measles emergency ends|samoa-measles-emergency-2019
88ec1895|d|ME|airstrike killing commander|soleimani-airstrike-2020
41d7016a|d|ME|parliament vote troop expulsion|iraq-parliament-expulsion-vote-2020
8c4c3a06|o|ME|funeral stampede|soleimani-funeral-stampede-2020
af7735ef|o|EU|fire airport|
e3d20d3d|d|EU|energy pipeline diplomacy|
52eb0732|d|AF|diplomatic summit statement|
4565146c|o|ME|obituary leader|
fe2d3443|d|ME|airliner shootdown admission|ukraine-airliner-shootdown-2020
191947fc|d|US|impeachment procedure|
363f3d43|o|LA|earthquake|
26fb1e61|d|EU|political resignation rejected|
453f0f8a|o|EA|epidemic estimate study|
8e6fd8a0|o|EU|coronavirus first case|
212ec832|o|US|helicopter crash|
5ee0d773|d|EU|knife attack police shooting|streatham-stabbing-2020
e34771c3|o|EA|coronavirus deaths|
a00c7aba|d|US|primary election|new-hampshire-primary-2020
2fd2931a|o|GL|coronavirus naming|
a57084ff|d|US|court conviction extortion|
fe1cba45|d|US|presidential clemency|
06f6fc6e|o|GL|coronavirus science|
56880066|d|US|caucus election|nevada-democratic-caucus-2020
82b17c98|d|US|primary election|nevada-republican-delegates-2020
de6697b2|o|AF|obituary leader|
0390c3f7|d|US|primary election|south-carolina-primary-2020
efea236f|o|ME|official dies coronavirus|
04d4ecc3|d|LA|political statement abortion bill|
1f607f1a|d|US|election campaign withdrawal|bloomberg-warren-withdraw-2020
e72d56d2|o|SA|railway women crew|
0dab3e73|d|US|primary election|michigan-missouri-mississippi-primaries-2020
db7f5510|o|EU|obituary mathematician|
098d84cd|o|US|sport season suspended|
dca08657|o|OC|retail shortages|
daecf696|o|GL|pandemic declaration|
5c997770|d|US|caucus election|northern-mariana-caucus-2020
88a1df83|d|US|lawsuit voting law|
ad955f4b|d|US|national emergency declaration|
bc487af2|d|SA|religious gathering coronavirus|
36442408|d|US|primary elections|march-17-primaries-2020
b85bb951|o|US|science frogs|
6a97d700|o|GL|pandemic milestone|
ecfde177|d|US|election pandemic|
f7a55b3c|o|SA|coronavirus deaths|
7db34760|d|US|election campaign withdrawal|sanders-withdraws-2020
f7f76452|o|EU|obituary mathematician|
381c251c|d|US|political endorsement|sanders-endorses-biden-2020
deb65bd3|d|US|political endorsement|warren-endorses-biden-2020
1a059c44|o|US|pandemic milestone|
c04fd048|d|EA|government shuts broadcaster|
8c80cc38|d|US|court ruling fraud|
e5bc9efb|o|EA|obituary entertainment|
c5827cba|d|EU|arrest domestic violence|
29e443f6|o|US|pandemic milestone|
1aa44b90|o|US|spaceflight|
b50b4cfc|o|AF|obituary politician|
579ed196|o|US|helicopter crash|
e2dcbc49|d|EU|government public health order|
0edbbe86|d|ME|shooting journalist killed|
657be970|o|EU|fire building|
869a264a|d|SA|arrest animal killing|kerala-elephant-arrest-2020
ded87acd|o|AF|obituary leader|
fef76baa|d|SA|arrests explosives animal killing|tamil-nadu-jackal-arrests-2020
332b7511|o|EU|business acquisition|
394c926f|d|EU|stabbing attack|reading-stabbing-2020
9556f288|d|ME|arrest warrants statement|
13e69368|o|NA|police drugs found|
3a2c8149|o|EA|mayor found dead|
4e9102fa|d|EU|protest parliament clashes|
5a9208b9|d|EU|opposition rally|
054f3895|o|SA|plane crash|
ba091e1c|d|US|election running mate|
ead30a13|o|US|water main burst|
9ea27581|o|OC|sport rugby|sunshine-coast-rugby-round3-2020
b8070936|d|EU|opposition leader poisoning|navalny-poisoning-2020
2df7859f|o|OC|sport rugby|sunshine-coast-rugby-round4-2020
88c6a256|o|OC|sport rugby|sunshine-coast-rugby-round5-2020
15ee8146|o|US|obituary actor|
80739596|o|SA|obituary leader|
a3d748ec|d|EU|poisoning statement novichok|navalny-poisoning-2020
33372ef8|o|EU|bus accident|
eb5ab376|d|EU|police officer shot|
cca8704a|o|US|president tests positive|
daa72e0a|o|US|obituary music|
01867eec|d|US|debate cancelled election|
ed049ea6|d|US|presidential election result|
f221b64d|o|EU|earthquake rescue|
7c45fa5f|d|US|protest violence|million-maga-march-2020-11
6a7230e0|d|US|shooting suspect bail|
cd22a1fe|d|US|presidential transition|
c370aa70|d|US|protest rally election claims|stop-the-steal-rally-2020-12
08fdf888|o|EU|leader tests positive|
1f1af4f2|o|GL|coronavirus outbreak antarctica|
0142b2e5|o|US|obituary wrestler|
1eafbc9a|o|US|robotics competition visas|
69ed8fda|o|EA|migrants rescued at sea|
e6ea63fd|d|US|student arrest protest|
a4efed46|o|ME|crane collapse disaster|
9275b9c0|d|US|arrest religious group|
50e45413|d|EA|legislative election|
05205f32|d|OC|flag referendum process|
52cd9b33|d|GL|cyberattack hackers|
d0abdede|d|OC|manslaughter prosecution|
aae14635|o|GL|technology software|
9db6c785|d|OC|imprisonment claim religious group|
76f2a8c8|o|OC|health nutrition|
806f2b64|d|EA|artillery exchange military alert|
fa8bc799|o|EA|festival|
a8dbf6af|o|US|spaceflight anniversary|
2f1a3b00|d|NA|security document lost|
dd64cbba|o|EU|sport football|
6dba4ed9|o|ME|stampede disaster|
53fcba6a|d|EU|court ruling taxes religious schools|
6c85a409|o|GL|science climate crops|
61b93f2d|d|EU|court ruling religion|
8b38ce2c|d|EU|asylum policy government plan|
891884f4|o|US|art exhibition|
8cf10bb5|o|EA|missing ship investigation|
194636ae|o|US|science public health firearms|
3028002a|o|NA|fan convention|
6f21a7b8|o|US|fair|
6ad5a030|o|GL|copyright takedown software|
# airKlizz/WikinewsSum: read only with --wikinews-extra
ef8f168b|d|LA|diplomatic visit trade agreement|
fb132e86|o|LA|delegation funeral|
f317ad66|d|LA|diplomatic visit cooperation agreement|
d4681b26|d|EU|court ruling alphabet|
7f2126e4|o|OC|sport cricket|
397a274b|o|US|business acquisition|
4738104f|d|EA|submarine incursion apology|
106c444c|o|EU|charity music|
0dcf8c83|o|US|sport brawl suspensions|
8ff965c0|d|US|defence contract scandal|
8a3ab337|o|US|science energy|
70bbc7f4|d|EU|party leadership election|
6c822b56|d|NA|state visit protests|
5f3cb7e7|o|EU|science climate|
ab267f1d|d|LA|killing land movement|
576e5d1c|d|EU|bomb defused|
30963f17|o|US|spaceflight|
81e6ac0e|o|AF|nobel prize|
a8d517d5|d|LA|diplomatic dispute billboards|
2483d486|o|AF|agricultural policy|
a888e82f|d|AF|election result boycott|
54997ae4|o|SA|slum demolition|
81b9ac7e|d|EU|presidential election result|
b637550f|d|GL|travel warnings disaster|
cdc7e526|o|EA|tsunami death toll|indian-ocean-tsunami-2004
be127f98|o|GL|spam research|
2b73fdca|o|EA|tsunami death toll|indian-ocean-tsunami-2004
ae1d9c5c|o|GL|astronomy asteroid|
85f17e36|o|US|copyright lawsuit|
8561f1b0|o|US|spaceflight|
87d454bd|o|US|disaster relief donations|
4ba48219|o|EA|disaster relief|indian-ocean-tsunami-2004
ae71e7b9|d|US|social security proposal|
555d2e38|d|LA|house arrest court ruling|
8dbc960f|o|US|film box office|
"""

# WikiNews pages render a quoted speaker's original-language words after a marker such as
# "((es))Spanish language: ". Where those words are in a non-Latin script they end at the first
# token with a Latin letter; otherwise the number of words is given here per marker, in order
# of appearance (-1: to the end of the paragraph). The flag keeps the trailing punctuation of
# the last dropped word, which belongs to the English sentence around it.
FOREIGN_SPANS: dict[str, list[tuple[int, bool]]] = {
    "6acd9512": [(3, False), (4, False)],
    "c47ddffd": [(-1, False)],
    "7e1a4f58": [(22, False)],
    "6098c4b4": [(-1, False), (-1, False), (-1, False)],
    "94050a6d": [(-1, False)],
    "5a790c5f": [(1, False), (-1, False), (2, False)],
    "04d4ecc3": [(8, True), (-1, True)],
}
FOREIGN_MARKER = re.compile(r"\s*\(\([a-z-]+\)\)[A-Z][a-z]+(?: language)?: \u200d")
# the same language tag left without the original words ("translated from Italian")
BARE_LANGUAGE_TAG = re.compile(r"\s*\(\([a-z-]+\)\)(?=[\s.,;:\"]|$)")
ATTRIBUTION = re.compile(r"^[—–] ?\S")
TRAILING_PUNCT = re.compile(r"[\"'”’,.;:!?)\]]*$")
DATELINE = re.compile(
    r"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
    r"(January|February|March|April|May|June|July|August|September|October|November|December) "
    r"(\d{1,2}), (\d{4})$"
)


def read_snapshot_file(snapshot: Path, commit: str, path: str) -> str:
    """Return a file of a snapshot: from a checkout if present, else from git at ``commit``."""
    plain = snapshot / path
    if plain.is_file():
        return plain.read_text(encoding="utf-8")
    return subprocess.run(
        ["git", "--git-dir", str(snapshot), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")


def list_snapshot_dir(snapshot: Path, commit: str, folder: str) -> list[str]:
    """Paths of the files directly under ``folder`` of a snapshot, sorted."""
    plain = snapshot / folder
    if plain.is_dir():
        return sorted(f"{folder}/{p.name}" for p in plain.iterdir() if p.is_file())
    out = subprocess.run(
        ["git", "--git-dir", str(snapshot), "ls-tree", "--name-only", commit, f"{folder}/"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    return sorted(out.split())


def url_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]


def parse_labels() -> dict[str, dict]:
    """The rows of LABELS; those after the WikinewsSum marker line are flagged ``extra``."""
    labels, extra = {}, False
    for line in LABELS.strip().splitlines():
        if line.startswith("#"):
            extra = extra or line.startswith(WIKINEWSSUM_MARKER)
            continue
        key, kind, region, topic, happening = line.split("|")
        labels[key] = {"kind": kind, "region": region, "topic": topic, "happening": happening, "extra": extra}
    return labels


def dateline_date(paragraph: str) -> str | None:
    m = DATELINE.match(paragraph.strip())
    if not m:
        return None
    return datetime.strptime(f"{m.group(2)} {m.group(3)} {m.group(4)}", "%B %d %Y").date().isoformat()


def drop_foreign_spans(paragraphs: list[str], spans: list[tuple[int, bool]]) -> list[str]:
    """Remove the original-language renderings that follow translated quotes."""
    todo = list(spans)
    cleaned = []
    for para in paragraphs:
        while (m := FOREIGN_MARKER.search(para)) is not None:
            rest = para[m.end() :]
            words = list(re.finditer(r"\S+", rest))
            if todo:
                count, keep_punct = todo.pop(0)
            else:
                count, keep_punct = 0, False
                for w in words:
                    if re.search(r"[A-Za-z]", w.group()):
                        break
                    count += 1
                if count == 0:
                    raise ValueError(f"no span length for a foreign quote: {rest[:40]!r}")
            if count == -1:
                count = len(words)
            last = words[count - 1].group()
            end = words[count - 1].end()
            suffix = TRAILING_PUNCT.search(last).group() if keep_punct else ""
            tail = rest[end:]
            tail = (" " + tail.lstrip(" ")) if tail.strip() else ""
            para = para[: m.start()] + suffix + tail
        cleaned.append(BARE_LANGUAGE_TAG.sub("", para).strip())
    if todo:
        raise ValueError("unused foreign span lengths")
    return cleaned


def is_furniture(paragraph: str) -> bool:
    """A pull-quote attribution, an image caption or an election-table row."""
    return bool(
        (ATTRIBUTION.match(paragraph) and len(paragraph) < 120)
        or ("Image:" in paragraph and len(paragraph) < 400)
        or "██" in paragraph
    )


def drop_table_notes(paragraphs: list[str]) -> list[str]:
    """Drop runs of short paragraphs numbered 1., 2., ... (the notes under a results table)."""
    kept, i = [], 0
    while i < len(paragraphs):
        run = 0
        while (
            i + run < len(paragraphs)
            and len(paragraphs[i + run]) < 200
            and paragraphs[i + run].startswith(f"{run + 1}. ")
        ):
            run += 1
        if run >= 2:
            i += run
            continue
        kept.append(paragraphs[i])
        i += 1
    return kept


def vanatteveldt_articles(snapshot: Path, keys: set[str]) -> list[dict]:
    """Chosen articles of the CSV snapshot with the page furniture removed."""
    articles = []
    for path in VANATTEVELDT_FILES:
        text = read_snapshot_file(snapshot, VANATTEVELDT_COMMIT, path)
        csv.field_size_limit(sys.maxsize)
        for row in csv.DictReader(io.StringIO(text)):
            key = url_key(row["url"])
            if key not in keys:
                continue
            url = row["url"].replace("wikinews.org//wiki/", "wikinews.org/wiki/")
            paragraphs = [p.strip() for p in re.split(r"\n+", row["text"].replace("\xa0", " ")) if p.strip()]
            if paragraphs and dateline_date(paragraphs[0]):
                paragraphs = paragraphs[1:]
            paragraphs = [p for p in paragraphs if not is_furniture(p)]
            paragraphs = drop_table_notes(paragraphs)
            paragraphs = drop_foreign_spans(paragraphs, FOREIGN_SPANS.get(key, []))
            articles.append(
                {
                    "key": key,
                    "title": row["title"].strip(),
                    "url": url,
                    "date": row["date"],
                    "body": "\n\n".join(paragraphs),
                }
            )
    return articles


def gum_units(xml_text: str) -> list[tuple[str, int, bool]]:
    """For each sentence of a GUM XML document: its block element, block number, in a figure."""
    root = ET.fromstring(xml_text)
    parent = {child: node for node in root.iter() for child in node}
    units, loose_run, last_block = [], 0, None
    block_ids: dict[int, int] = {}
    for s in root.iter("s"):
        node, block, in_figure = s, None, False
        while node in parent:
            node = parent[node]
            if node.tag in ("figure", "caption"):
                in_figure = True
            if block is None and node.tag in ("p", "head", "quote", "item", "caption"):
                block = node
        if block is None:
            if last_block is not None:
                loose_run += 1
            units.append(("loose", -loose_run - 1, in_figure))
            last_block = None
            continue
        number = block_ids.setdefault(id(block), len(block_ids))
        units.append((block.tag, number, in_figure))
        last_block = block
    return units


def gum_articles(snapshot: Path, keys: set[str]) -> list[dict]:
    """Chosen WikiNews documents of GUM, rebuilt as paragraphs from the sentence texts."""
    articles = []
    for path in list_snapshot_dir(snapshot, GUM_COMMIT, "dep"):
        name = path.rsplit("/", 1)[1]
        if not name.startswith("GUM_news_"):
            continue
        conllu = read_snapshot_file(snapshot, GUM_COMMIT, path)
        meta = dict(
            line[len("# meta::") :].split(" = ", 1) for line in conllu.splitlines() if line.startswith("# meta::")
        )
        sentences = [line[len("# text = ") :] for line in conllu.splitlines() if line.startswith("# text = ")]
        if url_key(meta["sourceURL"]) not in keys:
            continue
        xml_text = read_snapshot_file(snapshot, GUM_COMMIT, f"xml/{name[: -len('.conllu')]}.xml")
        units = gum_units(xml_text)
        if len(units) != len(sentences):
            raise ValueError(f"{name}: {len(units)} XML sentences, {len(sentences)} in CoNLL-U")
        blocks: list[list] = []  # [tag, number, sentences]
        for (tag, number, in_figure), sentence in zip(units, sentences):
            if in_figure:
                continue
            if blocks and blocks[-1][1] == number:
                blocks[-1][2].append(sentence)
            else:
                blocks.append([tag, number, [sentence]])
        paragraphs, date, seen_title = [], meta["dateCreated"], False
        for tag, _, sents in blocks:
            text = " ".join(sents)
            if tag == "head" and not seen_title:
                seen_title = True
                continue
            if tag == "head" and text.strip().lower() == "sources":
                break
            if not paragraphs and dateline_date(text):
                # the dateline is the publication day; one far from the page's creation is a
                # slip in the corpus, and the creation date is kept
                gap = abs((datetime.fromisoformat(dateline_date(text)) - datetime.fromisoformat(date)).days)
                if gap <= 10:
                    date = dateline_date(text)
                continue
            paragraphs.append((tag, text))
        others = " ".join(t for tag, t in paragraphs if tag != "quote")
        # a standalone quote block that repeats the body is a pull quote
        body = [t for tag, t in paragraphs if not (tag == "quote" and t.strip('"“” ') in others)]
        body = drop_foreign_spans(body, [])
        articles.append(
            {
                "key": url_key(meta["sourceURL"]),
                "title": meta["title"],
                "url": meta["sourceURL"],
                "date": date,
                "body": "\n\n".join(body),
            }
        )
    return articles


# where the story ends: the comment invitation, a rule, a table or a closing section
WIKI_END = re.compile(
    r"^\s*(\{\{\s*(haveyoursay|hys)\s*\}\}|-{3,}|\{\||<?!--|=+\s*(sources|related news|external links|see also)\s*=+)",
    re.I,
)
WIKI_DATE = re.compile(r"\{\{date\|([A-Z][a-z]+ \d{1,2}, \d{4})\}\}")
CATEGORY_DATE = re.compile(r"^\s*([A-Z][a-z]+ \d{1,2}, \d{4})\s*$")
BOLD_DATELINE = re.compile(r"^'''[A-Z][a-z]+ \d{1,2}(, \d{4})?'''\s*$")


def strip_wikitext(line: str) -> str:
    """Plain text of one wikitext line: links and {{w}} templates give their shown words, other
    templates, files, external URLs, HTML tags and bold/italic quotes go."""
    line = re.sub(r"\{\{w\|[^|{}]*\|\s*([^{}]*)\}\}", r"\1", line)
    line = re.sub(r"\{\{w\|([^|{}]*)\}\}", r"\1", line)
    line = re.sub(r"\{\{[^{}]*\}\}|\{[a-z]+\}\}", "", line)
    line = re.sub(r"\[\[(?:File|Image):(?:[^\[\]]|\[\[[^\]]*\]\])*\]\]", "", line, flags=re.I)
    line = re.sub(r"\[\[(?:w:)?[^\[\]|]*\|([^\[\]]*)\]\]", r"\1", line)
    line = re.sub(r"\[\[(?:w:)?([^\[\]|]*)\]\]", r"\1", line)
    line = re.sub(r"\[https?://\S+ ([^\]]*)\]", r"\1", line)
    line = re.sub(r"\[?https?://\S*\]?", "", line)
    line = re.sub(r"<[^<>]*>", "", line)
    line = re.sub(r"'{2,}", "", line)
    line = html.unescape(line).replace("\xa0", " ")
    return re.sub(r"\s+", " ", line).strip()


def wikinewssum_date(wikitext: str, categories: list[str]) -> str | None:
    """The {{date}} of the page, else the date category WikiNews gave it."""
    m = WIKI_DATE.search(wikitext)
    found = m.group(1) if m else next((c.strip() for c in categories if CATEGORY_DATE.match(c)), None)
    return datetime.strptime(found, "%B %d, %Y").date().isoformat() if found else None


def wikinewssum_articles(snapshot: Path, keys: set[str]) -> list[dict]:
    """Chosen WikiNews pages of the WikinewsSum snapshot, their wikitext reduced to paragraphs."""
    articles = []
    text = read_snapshot_file(snapshot, WIKINEWSSUM_COMMIT, WIKINEWSSUM_FILE)
    for line in text.splitlines():
        if not line.strip():
            continue
        page = json.loads(line)
        url = "https://en.wikinews.org/wiki/" + urllib.parse.quote(page["title"].replace(" ", "_"), safe="(),'!:")
        key = url_key(url)
        if key not in keys:
            continue
        wikitext = "\n".join(page["text"])
        paragraphs = []
        for raw in wikitext.splitlines():
            if WIKI_END.match(raw):
                break
            if BOLD_DATELINE.match(raw.strip()):
                continue
            heading = re.fullmatch(r"\s*=+\s*(.*?)\s*=+\s*", raw)
            para = strip_wikitext(heading.group(1) if heading else raw.lstrip(":*# "))
            # a link cut in two by the dump leaves half its brackets: a broken line, not prose
            if para and not re.search(r"\[\[|\]\]|\{\{|\}\}", para):
                paragraphs.append(para)
        articles.append(
            {
                "key": key,
                "title": page["title"],
                "url": url,
                "date": wikinewssum_date(wikitext, page["categories"]),
                "body": "\n\n".join(paragraphs),
                "licence": PD_LICENCE,
            }
        )
    return articles


def article_id(url: str) -> str:
    """A readable id from the page title in the URL: ``wn-`` and at most 60 slug characters."""
    title = urllib.parse.unquote(url.rsplit("/wiki/", 1)[1])
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0]
    return f"wn-{slug}"


def excluded_prefixes(exclude_dir: Path | None) -> list[str]:
    if exclude_dir is None:
        return []
    texts = []
    for path in sorted(exclude_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(" ".join(json.loads(line)["text"].split()))
    return texts


def is_held_out(record_id: str) -> bool:
    return int(hashlib.sha1(record_id.encode("utf-8")).hexdigest(), 16) % 2 == 1


def build(
    vanatteveldt: Path, gum: Path, exclude_dir: Path | None, extra: Path | None = None
) -> tuple[list[dict], list[dict], dict]:
    labels = parse_labels()
    if extra is None:
        labels = {k: v for k, v in labels.items() if not v["extra"]}
    shared = excluded_prefixes(exclude_dir)
    stats = {"length": 0, "shared": 0}
    records, multi = [], []
    articles = vanatteveldt_articles(vanatteveldt, set(labels)) + gum_articles(gum, set(labels))
    if extra is not None:
        articles += wikinewssum_articles(extra, set(labels))
    for art in articles:
        label = labels[art["key"]]
        words = len(art["body"].split())
        if not MIN_WORDS <= words <= MAX_WORDS:
            stats["length"] += 1
            continue
        head = " ".join(art["body"].split())[:200]
        if any(head in text or text[:200] in " ".join(art["body"].split()) for text in shared):
            stats["shared"] += 1
            continue
        record = {
            "id": article_id(art["url"]),
            "title": art["title"],
            "body": art["body"],
            "published_at": f"{art['date']}T12:00:00Z",
            "url": art["url"],
            "source": "wikinews",
            "licence": art.get("licence", LICENCE),
            "topic": label["topic"],
        }
        records.append(record)
        if label["happening"]:
            multi.append({**record, "happening": label["happening"]})
    records.sort(key=lambda r: (r["published_at"], r["id"]))
    multi.sort(key=lambda r: (r["happening"], r["published_at"], r["id"]))
    ids = [r["id"] for r in records]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate ids")
    if len(records) != len(labels):
        missing = set(labels) - {url_key(r["url"]) for r in records}
        stats["labelled_but_missing"] = sorted(missing)
    return records, multi, stats


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vanatteveldt", type=Path, help="snapshot of vanatteveldt/wikinews")
    parser.add_argument("gum", type=Path, help="snapshot of amir-zeldes/gum")
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--exclude-dir", type=Path, help="folder of *.jsonl whose texts must not reappear")
    parser.add_argument("--wikinews-extra", type=Path, help="snapshot of airKlizz/WikinewsSum (optional)")
    args = parser.parse_args(argv)
    records, multi, stats = build(args.vanatteveldt, args.gum, args.exclude_dir, args.wikinews_extra)
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out / "articles.jsonl", records)
    write_jsonl(args.out / "dev.jsonl", [r for r in records if not is_held_out(r["id"])])
    write_jsonl(args.out / "heldout.jsonl", [r for r in records if is_held_out(r["id"])])
    write_jsonl(args.out / "multi.jsonl", multi)
    held = sum(is_held_out(r["id"]) for r in records)
    print(
        f"{len(records)} articles: {len(records) - held} dev, {held} held-out; "
        f"{len(multi)} in multi.jsonl; skipped {stats}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
