# ruff: noqa: RUF001  (Turkish names are spelt with the dotless i, U+0131, on purpose)
"""Build news-gold.jsonl from the articles and their entity lists.

Offsets are never written by hand: each article lists its entities as (string, label) pairs
and every whole-word occurrence of a string becomes a span. Longer strings claim text first,
so "Kenya" inside "Kenya Airways" stays part of the ORG. An occurrence that is not that
entity (a language, not a nationality) is skipped by its number among the string's matches.
The build fails if a listed string is never found or a span does not fall on token
boundaries.

    python bench/gold/make_gold.py            # write the JSONL and print statistics
    python bench/gold/make_gold.py --review   # also list capitalised words left unlabelled
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from annotator.nlp import Tokenizer

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
OUTPUT = HERE / "news-gold.jsonl"
LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT")


@dataclass(frozen=True)
class Entity:
    text: str
    label: str
    skip: frozenset[int] = frozenset()  # numbers (from 0) of matches that are not this entity


def e(text: str, label: str, *, skip: tuple[int, ...] = ()) -> Entity:
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r} for {text!r}")
    return Entity(text, label, frozenset(skip))


@dataclass(frozen=True)
class Article:
    file: str
    title: str
    entities: tuple[Entity, ...]
    crlf: bool = False  # store the text with Windows line endings


ARTICLES_SPEC: tuple[Article, ...] = (
    Article(
        "01-chile-pensions.txt",
        "Chile's Senate rejects pension overhaul in blow to Valdivia",
        (
            e("SANTIAGO", "GPE"),
            e("Santiago", "GPE"),
            e("Chile", "GPE"),
            e("Valparaíso", "GPE"),
            e("Concepción", "GPE"),
            e("Buenos Aires", "GPE"),
            e("Senate", "ORG"),
            e("Chamber of Deputies", "ORG"),
            e("AFP Chile", "ORG"),
            e("Social Renewal Party", "ORG"),
            e("Congress", "ORG"),
            e("Confederation of Production and Commerce", "ORG"),
            e("Pontifical Catholic University of Chile", "ORG"),
            e("Independent Democratic Union", "ORG"),
            e("Ignacio Valdivia", "PERSON"),
            e("Valdivia", "PERSON"),
            e("Valentina Ríos Aguilar", "PERSON"),
            e("Ríos", "PERSON"),
            e("Tomás Echeverría", "PERSON"),
            e("Echeverría", "PERSON"),
            e("Óscar Labbé", "PERSON"),
            e("Marcela Fuentes", "PERSON"),
            e("Fuentes", "PERSON"),
            e("Chilean", "NORP"),
            e("Argentine", "NORP"),
            e("Tuesday", "DATE"),
            e("less than a year", "DATE"),
            e("January", "DATE"),
            e("2031", "DATE"),
            e("next week", "DATE"),
            e("2023", "DATE"),
            e("last year", "DATE"),
            e("the last decade", "DATE"),
            e("2019", "DATE"),
            e("April", "DATE"),
            e("Thursday", "DATE"),
        ),
    ),
    Article(
        "02-kenya-freight.txt",
        "Savanna Freight to buy Kenya Airways cargo arm",
        (
            e("NAIROBI", "GPE"),
            e("Nairobi", "GPE"),
            e("Kenya", "GPE"),
            e("Mombasa", "GPE"),
            e("Uganda", "GPE"),
            e("Rwanda", "GPE"),
            e("South Sudan", "GPE"),
            e("Addis Ababa", "GPE"),
            e("Kisumu", "GPE"),
            e("East Africa", "LOC"),
            e("Europe", "LOC"),
            e("Middle East", "LOC"),
            e("Lake Naivasha", "LOC"),
            e("Lake Victoria", "LOC"),
            e("Jomo Kenyatta International Airport", "LOC"),
            e("Savanna Freight Holdings", "ORG"),
            e("Savanna", "ORG"),
            e("Kenya Airways", "ORG"),
            e("Port of Mombasa", "ORG"),
            e("Nairobi Securities Exchange", "ORG"),
            e("Competition Authority of Kenya", "ORG"),
            e("Dyer & Blair Investment Bank", "ORG"),
            e("Dyer & Blair", "ORG"),
            e("Ethiopian Airlines", "ORG"),
            e("Kenya Flower Council", "ORG"),
            e("Wanjiru Kamau", "PERSON"),
            e("Kamau", "PERSON"),
            e("Peter Otieno Mbugua", "PERSON"),
            e("Mbugua", "PERSON"),
            e("Aisha Wambui", "PERSON"),
            e("Wambui", "PERSON"),
            e("Kenyan", "NORP"),
            e("European", "NORP"),
            e("Monday", "DATE"),
            e("ten-year", "DATE"),
            e("five years", "DATE"),
            e("2014", "DATE"),
            e("three years ago", "DATE"),
            e("next year", "DATE"),
            e("2021", "DATE"),
            e("less than a decade", "DATE"),
            e("last summer", "DATE"),
            e("the end of June", "DATE"),
        ),
        crlf=True,
    ),
    Article(
        "03-cycling-alps.txt",
        "Marchand takes yellow on the Galibier",
        (
            e("GRENOBLE", "GPE"),
            e("Grenoble", "GPE"),
            e("France", "GPE"),
            e("Belgium", "GPE"),
            e("Rotterdam", "GPE"),
            e("Chambéry", "GPE"),
            e("Pau", "GPE"),
            e("Col du Galibier", "LOC"),
            e("Galibier", "LOC"),
            e("Alps", "LOC"),
            e("Col du Lautaret", "LOC"),
            e("Col de la Croix de Fer", "LOC"),
            e("Pyrenees", "LOC"),
            e("Équipe Horizon", "ORG"),
            e("Amaury Sport Organisation", "ORG"),
            e("Polder-Velo", "ORG"),
            e("Sierra Nevada Cycling", "ORG"),
            e("Gendarmerie", "ORG"),
            e("Chloé Marchand", "PERSON"),
            e("Marchand", "PERSON"),
            e("Chloé", "PERSON"),
            e("Liesbeth Van Damme", "PERSON"),
            e("Van Damme", "PERSON"),
            e("Femke Hoogstraten", "PERSON"),
            e("Hoogstraten", "PERSON"),
            e("Thierry Lemoine", "PERSON"),
            e("Lemoine", "PERSON"),
            e("Joost Verhagen", "PERSON"),
            e("Hélène Carvalho", "PERSON"),
            e("Lucía Ortega", "PERSON"),
            e("French", "NORP"),
            e("Dutch", "NORP"),
            e("Belgian", "NORP"),
            e("Spaniard", "NORP"),
            e("Tour de France Femmes", "EVENT"),
            e("Giro d'Italia Women", "EVENT"),
            e("Saturday", "DATE"),
            e("today", "DATE"),
            e("tomorrow", "DATE"),
            e("Friday", "DATE"),
            e("last year", "DATE"),
            e("July 2024", "DATE"),
            e("May", "DATE"),
            e("Sunday", "DATE"),
            e("1989", "DATE"),
            e("Thursday", "DATE"),
        ),
    ),
    Article(
        "04-iceland-volcano.txt",
        "Fibre-optic cables track magma beneath Iceland's Reykjanes Peninsula",
        (
            e("REYKJAVÍK", "GPE"),
            e("Reykjavík", "GPE"),
            e("Iceland", "GPE"),
            e("Japan", "GPE"),
            e("Grindavík", "GPE"),
            e("Sendai", "GPE"),
            e("Reykjanes Peninsula", "LOC"),
            e("Svartsengi", "LOC"),
            e("Mount Aso", "LOC"),
            e("Kyushu", "LOC"),
            e("Vatnajökull", "LOC"),
            e("Grímsvötn", "LOC"),
            e("Nature Geoscience", "ORG"),
            e("University of Iceland", "ORG"),
            e("Tohoku University", "ORG"),
            e("Icelandic Meteorological Office", "ORG"),
            e("European Space Agency", "ORG"),
            e("Blue Lagoon", "ORG"),
            e("Guðrún Sigurðardóttir", "PERSON"),
            e("Sigurðardóttir", "PERSON"),
            e("Haruto Sato", "PERSON"),
            e("Sato", "PERSON"),
            e("佐藤陽翔", "PERSON"),
            e("Kristín Jónsdóttir", "PERSON"),
            e("Jónsdóttir", "PERSON"),
            e("Icelandic", "NORP"),
            e("Wednesday", "DATE"),
            e("November 2023", "DATE"),
            e("2021", "DATE"),
            e("February 2024", "DATE"),
            e("next month", "DATE"),
        ),
    ),
    Article(
        "05-york-floods.txt",
        "York braces as River Ouse rises towards 2015 flood level",
        (
            e("YORK", "GPE"),
            e("York", "GPE"),
            e("England", "GPE"),
            e("Leeds", "GPE"),
            e("London", "GPE"),
            e("Newcastle", "GPE"),
            e("North Yorkshire", "GPE"),
            e("Naburn", "GPE"),
            e("Ulleskelf", "GPE"),
            e("River Ouse", "LOC"),
            e("Ouse", "LOC"),
            e("Yorkshire Dales", "LOC"),
            e("North York Moors", "LOC"),
            e("River Foss", "LOC"),
            e("Foss", "LOC"),
            e("North Sea", "LOC"),
            e("Skeldergate", "LOC"),
            e("Environment Agency", "ORG"),
            e("City of York Council", "ORG"),
            e("Yorkshire Water", "ORG"),
            e("Network Rail", "ORG"),
            e("London North Eastern Railway", "ORG"),
            e("Met Office", "ORG"),
            e("Margaret Holloway", "PERSON"),
            e("Holloway", "PERSON"),
            e("Dev Chauhan", "PERSON"),
            e("Chauhan", "PERSON"),
            e("Priya Raman", "PERSON"),
            e("Sunday", "DATE"),
            e("December 2015", "DATE"),
            e("2015", "DATE"),
            e("Monday", "DATE"),
            e("two days", "DATE"),
            e("Saturday", "DATE"),
            e("Tuesday", "DATE"),
            e("the end of the week", "DATE"),
            e("2019", "DATE"),
        ),
    ),
    Article(
        "06-berlinale-film.txt",
        "Ayşe Demir wins Golden Bear for tailoring-shop drama",
        (
            e("BERLIN", "GPE"),
            e("Berlin", "GPE"),
            e("Kreuzberg", "GPE"),
            e("Istanbul", "GPE"),
            e("Ankara", "GPE"),
            e("France", "GPE"),
            e("Turkey", "GPE"),
            e("Netherlands", "GPE"),
            e("U.S.", "GPE"),
            e("Bucharest", "GPE"),
            e("Neukölln", "GPE"),
            e("Bosphorus", "LOC"),
            e("Landwehr Canal", "LOC"),
            e("São Francisco River", "LOC"),
            e("Berlinale Palast", "LOC"),
            e("Kreuzberg Filmwerk", "ORG"),
            e("Medienboard Berlin-Brandenburg", "ORG"),
            e("Berlin International Film Festival", "EVENT"),
            e("Berlinale", "EVENT"),
            e("Cannes Film Festival", "EVENT"),
            e("Ayşe Demir", "PERSON"),
            e("Demir", "PERSON"),
            e("Ayşe", "PERSON"),
            e("Paloma Cifuentes", "PERSON"),
            e("Fatih Akin", "PERSON"),
            e("Nur Yıldız", "PERSON"),
            e("Yıldız", "PERSON"),
            e("Jonas Albrecht", "PERSON"),
            e("Albrecht", "PERSON"),
            e("Mette Kjærgaard", "PERSON"),
            e("Kjærgaard", "PERSON"),
            e("Andrei Popescu", "PERSON"),
            e("Luíza Monteiro", "PERSON"),
            e("Mexican", "NORP"),
            e("Turkish", "NORP", skip=(1,)),  # "between German and Turkish": a language
            e("German", "NORP", skip=(0,)),
            e("Danish", "NORP"),
            e("Romanian", "NORP"),
            e("Brazilian", "NORP"),
            e("Saturday", "DATE"),
            e("2004", "DATE"),
            e("1969", "DATE"),
            e("1960s", "DATE"),
            e("2012", "DATE"),
            e("last May", "DATE"),
            e("last year", "DATE"),
            e("Sunday", "DATE"),
            e("next year", "DATE"),
            e("April", "DATE"),
        ),
    ),
    Article(
        "07-fisheries-talks.txt",
        "EU and Norway fail to agree mackerel quotas",
        (
            e("BRUSSELS", "GPE"),
            e("Brussels", "GPE"),
            e("Norway", "GPE"),
            e("Oslo", "GPE"),
            e("Faroe Islands", "GPE"),
            e("Iceland", "GPE"),
            e("United Kingdom", "GPE"),
            e("Killybegs", "GPE"),
            e("Ireland", "GPE"),
            e("Peterhead", "GPE"),
            e("Scotland", "GPE"),
            e("Ålesund", "GPE"),
            e("Lerwick", "GPE"),
            e("London", "GPE"),
            e("Germany", "GPE"),
            e("Netherlands", "GPE"),
            e("Denmark", "GPE"),
            e("North Sea", "LOC"),
            e("Atlantic", "LOC"),
            e("Skagerrak", "LOC"),
            e("European Union", "ORG"),
            e("EU", "ORG"),
            e("International Council for the Exploration of the Sea", "ORG"),
            e("ICES", "ORG"),
            e("Shetland Fishermen's Association", "ORG"),
            e("Marine Stewardship Council", "ORG"),
            e("Katarzyna Wójcik", "PERSON"),
            e("Wójcik", "PERSON"),
            e("Eirik Haugland", "PERSON"),
            e("Haugland", "PERSON"),
            e("Ruth Manson", "PERSON"),
            e("Manson", "PERSON"),
            e("Sigrid Lunde", "PERSON"),
            e("Norwegian", "NORP"),
            e("Polish", "NORP"),
            e("British", "NORP"),
            e("next year", "DATE"),
            e("two days", "DATE"),
            e("Thursday", "DATE"),
            e("summer", "DATE"),
            e("several years", "DATE"),
            e("2019", "DATE"),
            e("January 1", "DATE"),
            e("January", "DATE"),
            e("December", "DATE"),
        ),
    ),
    Article(
        "08-brazil-agritech.txt",
        "Brazil's Raiz Digital Agro raises $85 million",
        (
            e("SÃO PAULO", "GPE"),
            e("São Paulo", "GPE"),
            e("Paraguay", "GPE"),
            e("Argentina", "GPE"),
            e("Campinas", "GPE"),
            e("Mato Grosso", "GPE"),
            e("Goiás", "GPE"),
            e("Bahia", "GPE"),
            e("Pinheiros", "GPE"),
            e("Santiago", "GPE"),
            e("Bogotá", "GPE"),
            e("Brazil", "GPE"),
            e("Brasília", "GPE"),
            e("Londrina", "GPE"),
            e("Brussels", "GPE"),
            e("Ribeirão Preto", "GPE"),
            e("Latin America", "LOC"),
            e("South America", "LOC"),
            e("Cerrado", "LOC"),
            e("Amazon", "LOC"),
            e("Raiz Digital Agro", "ORG"),
            e("Raiz", "ORG"),
            e("Andes Capital Partners", "ORG"),
            e("University of São Paulo", "ORG"),
            e("Embrapa", "ORG"),
            e("European Union", "ORG"),
            e("B3", "ORG"),
            e("João Pedro Albuquerque", "PERSON"),
            e("Albuquerque", "PERSON"),
            e("Camila Restrepo", "PERSON"),
            e("Restrepo", "PERSON"),
            e("Brazilian", "NORP"),
            e("European", "NORP"),
            e("Agrishow", "EVENT"),
            e("Wednesday", "DATE"),
            e("this year", "DATE"),
            e("2018", "DATE"),
            e("last season", "DATE"),
            e("last year", "DATE"),
            e("2022", "DATE"),
            e("April", "DATE"),
            e("the end of next year", "DATE"),
        ),
    ),
)


def article_text(article: Article) -> str:
    text = (ARTICLES / article.file).read_text(encoding="utf-8").strip("\n")
    text = text.replace("\r\n", "\n")
    return text.replace("\n", "\r\n") if article.crlf else text


def find_spans(text: str, article: Article) -> list[tuple[int, int, str]]:
    """Every whole-word occurrence of each entity string, longest strings first."""
    taken = bytearray(len(text))
    spans: list[tuple[int, int, str]] = []
    for entity in sorted(article.entities, key=lambda ent: -len(ent.text)):
        pattern = re.compile(r"(?<!\w)" + re.escape(entity.text) + r"(?!\w)")
        matches = [m for m in pattern.finditer(text) if not any(taken[m.start() : m.end()])]
        if not matches:
            raise SystemExit(f"{article.file}: {entity.text!r} is never found on its own")
        if any(number >= len(matches) for number in entity.skip):
            raise SystemExit(f"{article.file}: {entity.text!r} has only {len(matches)} matches")
        for number, match in enumerate(matches):
            if number in entity.skip:
                continue
            taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
            spans.append((match.start(), match.end(), entity.label))
    return sorted(spans)


def check_tokens(text: str, spans: list[tuple[int, int, str]], tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokens(text)
    for start, end, label in spans:
        if tokens.token_span(start, end) is None:
            raise SystemExit(f"{text[start:end]!r} ({label}) does not fall on token boundaries")


def review(text: str, spans: list[tuple[int, int, str]]) -> list[str]:
    """Capitalised words inside sentences that no span covers: candidates for a miss."""
    covered = bytearray(len(text))
    for start, end, _ in spans:
        covered[start:end] = b"\x01" * (end - start)
    found = []
    for match in re.finditer(r"(?<![.!?\"\n] )(?<!^)\b[A-ZÀ-Þ][\w'-]+", text):
        if not covered[match.start()] and text[match.start() - 2 : match.start()] != "\n\n":
            found.append(match.group())
    return sorted(set(found))


def record(article: Article, text: str, spans: list[tuple[int, int, str]]) -> dict[str, object]:
    return {
        "text": text,
        "meta": {
            "title": article.title,
            "source": "annotator gold set",
            "license": "CC0-1.0",
        },
        "spans": [{"start": start, "end": end, "label": label} for start, end, label in spans],
        "answer": "accept",
    }


def statistics(article: Article, text: str, spans: list[tuple[int, int, str]]) -> str:
    labels = Counter(label for _, _, label in spans)
    mentions = Counter((text[start:end], label) for start, end, label in spans)
    repeated = sum(1 for count in mentions.values() if count > 1)
    repeats = sum(count - 1 for count in mentions.values())
    per_label = " ".join(f"{label}={labels[label]}" for label in LABELS if labels[label])
    return (
        f"{article.file:26} chars={len(text):5} words={len(text.split()):4} "
        f"spans={len(spans):3} [{per_label}] repeated texts={repeated} repeat mentions={repeats}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--review", action="store_true", help="list unlabelled capitals")
    args = parser.parse_args(argv)
    tokenizer = Tokenizer("en")
    totals: Counter[str] = Counter()
    lines = []
    for article in ARTICLES_SPEC:
        text = article_text(article)
        spans = find_spans(text, article)
        check_tokens(text, spans, tokenizer)
        totals.update(label for _, _, label in spans)
        lines.append(json.dumps(record(article, text, spans), ensure_ascii=False))
        print(statistics(article, text, spans))
        if args.review:
            print("    unlabelled:", ", ".join(review(text, spans)))
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    total = sum(totals.values())
    print(f"{len(lines)} articles, {total} spans:", dict(sorted(totals.items())))
    print(f"wrote {OUTPUT.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
