"""The XLSForm dialect as people write it, reduced to one spelling before conversion.

XLSForm tools accept many spellings of the same thing (``list_name`` and ``list name``, ``select one x``,
``Begin_Group``, ``label::Vietnamese (vi)``); reducing them here keeps the converter about meaning. The
lists of types say, for each XLSForm type, whether a satisfaction survey keeps it, skips it (metadata the
phone records by itself) or refuses it with the name of the feature (see https://xlsform.org/en/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Types the device fills in without asking anything: skipped, with one warning listing the rows.
#: Spellings are XLSForm's and pyxform's older aliases (``get today``, ``device id``, …).
METADATA_TYPES = frozenset({
    "start", "end", "today", "deviceid", "device id", "subscriberid", "subscriber id", "simserial", "sim id",
    "phonenumber", "username", "email", "audit", "caseid", "imei", "hidden", "start-geopoint",
    "background-geopoint", "start time", "end time", "get start time", "get end time", "get today",
    "get device id", "get subscriber id", "get sim id", "get phone number", "uri:deviceid", "uri:subscriberid",
    "uri:simserial", "uri:phonenumber", "uri:username", "uri:email",
})
#: Types a satisfaction survey does not use, with the feature named in the refusal.
REFUSED_TYPES = {
    **dict.fromkeys(("begin repeat", "end repeat", "begin lgroup", "end lgroup", "begin looped group",
                     "end looped group"), "repeat"),
    **dict.fromkeys(("begin loop", "end loop"), "loop"),
    **dict.fromkeys(("geopoint", "geotrace", "geoshape", "gps", "location", "q geopoint", "q geoshape",
                     "q geotrace", "q location", "add location prompt"), "geo"),
    **dict.fromkeys(("image", "photo", "q image", "q picture", "add image prompt", "add photo prompt", "audio",
                     "q audio", "add audio prompt", "video", "q video", "add video prompt", "file",
                     "add file prompt", "background-audio"), "media"),
    **dict.fromkeys(("barcode", "q barcode", "add barcode prompt"), "barcode"),
    **dict.fromkeys(("calculate", "q calculate", "add calculate prompt"), "calculate"),
    **dict.fromkeys(("date", "q date", "add date prompt"), "date"),
    "time": "time",
    **dict.fromkeys(("datetime", "date time", "q date time", "q datetime", "add date time prompt",
                     "add datetime prompt"), "datetime"),
    **dict.fromkeys(("acknowledge", "q acknowledge", "add acknowledge prompt"), "acknowledge"),
    **dict.fromkeys(("number of days in last month", "number of days in last six months",
                     "number of days in last year"), "number of days"),
    "range": "range", "rank": "rank", "trigger": "trigger", "osm": "osm", "include": "include",
    "xml-external": "external data", "csv-external": "external data",
}
#: Plain XLSForm types (and their aliases) and ours (``likert5``, ``yes_no`` can be written in a workbook too).
PLAIN_TYPES = {
    **dict.fromkeys(("integer", "int", "q int", "add integer prompt", "decimal", "q decimal",
                     "add decimal prompt", "number"), "number"),
    **dict.fromkeys(("text", "string", "q string", "add text prompt", "phone number"), "text"),
    **dict.fromkeys(("note", "q note", "add note prompt"), "note"),
    "likert5": "likert5", "yes_no": "yes_no",
}
#: Ways of starting a select type, then the list name: single or multi.
SELECT_PREFIXES = {
    **dict.fromkeys(("select one", "select1", "select one from", "select one using", "add select one prompt using",
                     "q select1"), "single"),
    **dict.fromkeys(("select multiple", "select all that apply", "select all that apply from",
                     "select multiple from", "select multiple using", "add select multiple prompt using",
                     "q select"), "multi"),
}
REFUSED_SELECTS = {"select one external": "external data", "select one from file": "select from file",
                   "select multiple from file": "select from file", "select one external from": "external data"}
OTHER_SUFFIXES = ("or other", "or specify other")
#: Survey columns that hold a text a respondent reads, and so may come in several languages.
TEXT_COLUMNS = ("label", "hint", "required_message", "constraint_message", "guidance_hint")
MEDIA_COLUMNS = ("image", "audio", "video", "big-image")
#: Columns that change what is asked and cannot be ignored when used.
REFUSED_COLUMNS = {"choice_filter": "choice_filter", "calculation": "calculate", "repeat_count": "repeat",
                   "trigger": "trigger"}
#: Columns that change only how a question looks on a phone, left aside with one warning.
IGNORED_COLUMNS = ("appearance", "read_only", "parameters", "guidance_hint", "body", "bind", "instance", "note",
                   "tag", "autoplay", "comments", "comment", "notes", "media")
CODE_IN_NAME = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9_-]{1,15})\s*\)\s*\Z")


@dataclass(frozen=True)
class Column:
    """A header cell reduced: ``base`` (``label``, ``list_name``, …) and ``language`` (a code) or ``None``."""

    base: str
    language: str | None
    header: str


def column(header: object) -> Column:
    """``Label::Tiếng Việt (vi)`` → ``Column('label', 'vi')``; ``list name`` → ``Column('list_name', None)``."""
    text = str(header).strip()
    base, _, language = text.partition("::")
    if not _ and ":" in text and text.split(":", 1)[0].strip().lower() in TEXT_COLUMNS + MEDIA_COLUMNS:
        base, _, language = text.partition(":")  # older pyxform wrote one colon
    base = re.sub(r"[\s_]+", "_", base.strip().lower())
    base = {"media_image": "image", "media_audio": "audio", "media_video": "video"}.get(base, base)
    return Column(base, language_code(language) if language.strip() else None, text)


def language_code(name: str) -> str:
    """The catalog code of an XLSForm language: the code in parentheses, else the code of an English name.

    ``Vietnamese (vi)`` → ``vi``; ``Tày (tyz)`` → ``tyz``; ``English`` → ``en``; an unknown name is kept,
    lower-cased, so that its texts still stay together.
    """
    found = CODE_IN_NAME.search(name)
    if found:
        return found.group(1).lower().replace("-", "_")
    return _english_names().get(name.strip().lower(), name.strip().lower())


_NAMES: dict[str, str] = {}


def _english_names() -> dict[str, str]:
    if not _NAMES:
        from babel import Locale

        _NAMES.update((label.lower(), code) for code, label in Locale("en").languages.items() if "_" not in code)
    return _NAMES


@dataclass(frozen=True)
class Type:
    """A survey row's type: ``kind`` is ours, a control word, or ``""`` with ``refused`` naming the feature."""

    kind: str
    list_name: str = ""
    or_other: bool = False
    refused: str = ""
    metadata: bool = False


def survey_type(value: object) -> Type:
    """Read a type cell in any case, spacing and alias (``Select One x``, ``select all that apply from x``)."""
    words = str(value).split()
    flat = [word.lower().replace("_", " ") for word in words]
    if not words:
        return Type("")
    joined = " ".join(flat)
    if joined in ("begin group", "end group"):
        return Type(joined)
    refused = next((REFUSED_SELECTS[" ".join(flat[:k])] for k in range(len(flat), 0, -1)
                    if " ".join(flat[:k]) in REFUSED_SELECTS), "")
    if not refused and flat[0] in ("begin", "end") and len(flat) > 2 and flat[1] in ("repeat", "loop"):
        refused = flat[1]  # "begin loop over LIST", "begin repeat NAME"
    if not refused and flat[0] in ("rank", "osm", "range") and len(flat) > 1:
        refused = REFUSED_TYPES[flat[0]]  # "rank LIST", "osm LIST"
    if refused or joined in REFUSED_TYPES:
        return Type("", refused=refused or REFUSED_TYPES[joined])
    if joined in METADATA_TYPES:
        return Type("", metadata=True)
    if joined in PLAIN_TYPES:
        return Type(PLAIN_TYPES[joined])
    for k in range(len(words) - 1, 0, -1):  # the longest prefix, with a list name after it
        kind = SELECT_PREFIXES.get(" ".join(flat[:k]))
        if kind:
            rest = words[k:]
            or_other = " ".join(word.lower().replace("_", " ") for word in rest[1:]) in OTHER_SUFFIXES
            if len(rest) == 1 or or_other:
                return Type(kind, rest[0], or_other)
    return Type(str(value).strip())  # reported by the builder as an unknown type, with the allowed ones


def identifier(name: str, first: str = "abcdefghijklmnopqrstuvwxyz") -> str:
    """An XLSForm name as one of our ids or codes: lower case, ``_`` for anything else, never empty.

    ``Q1.Age`` → ``q1_age``; ``-99`` → ``minus_99``; a name that must start with a letter gets ``q`` in front.
    """
    text = name.strip().lower()
    text = re.sub(r"^-", "minus_", text)
    text = re.sub(r"[^a-z0-9_]+", "_", text).strip("_") or "x"
    if text[0] not in first:
        text = "q" + text if first.startswith("abc") and len(first) == 26 else text
    return text[:64]
