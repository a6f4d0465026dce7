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
METADATA_TYPES = frozenset({
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
    "audit", "caseid", "imei", "hidden", "start-geopoint", "background-geopoint", "uri:deviceid",
    "uri:subscriberid", "uri:simserial", "uri:phonenumber", "uri:username", "uri:email",
})
#: Types a satisfaction survey does not use, with the feature named in the refusal.
REFUSED_TYPES = {
    "begin repeat": "repeat", "end repeat": "repeat", "begin loop": "loop", "end loop": "loop",
    "geopoint": "geo", "geotrace": "geo", "geoshape": "geo",
    "image": "media", "audio": "media", "video": "media", "file": "media", "background-audio": "media",
    "barcode": "barcode", "calculate": "calculate", "date": "date", "time": "time", "datetime": "datetime",
    "range": "range", "rank": "rank", "acknowledge": "acknowledge", "trigger": "trigger",
    "select_one_from_file": "select_one_from_file", "select_multiple_from_file": "select_multiple_from_file",
    "xml-external": "external data", "csv-external": "external data", "osm": "osm",
}
#: Plain XLSForm types and ours (``likert5``, ``yes_no`` can be written in a workbook too).
PLAIN_TYPES = {"integer": "number", "decimal": "number", "int": "number", "text": "text", "string": "text",
               "note": "note", "likert5": "likert5", "yes_no": "yes_no", "number": "number"}
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
    """Read a type cell in any case and spacing."""
    words = str(value).strip().split()
    lowered = [word.lower() for word in words]
    if not lowered:
        return Type("")
    if lowered[0] in ("select", "select1") and len(lowered) > 1 and lowered[1] in ("one", "multiple"):
        lowered = [f"select_{lowered[1]}", *lowered[2:]]
        words = [lowered[0], *words[2:]]
    head = lowered[0]
    if head in ("select_one", "select_multiple", "select1") and len(lowered) > 2 and lowered[1] == "from":
        words, lowered = [words[0], *words[2:]], [head, *lowered[2:]]  # the old "select one from LIST"
    if head in ("select_one", "select_multiple", "select1"):
        or_other = len(lowered) > 2 and lowered[-1] == "or_other"
        list_name = words[1] if len(words) > 1 else ""
        return Type("single" if head != "select_multiple" else "multi", list_name, or_other)
    joined = " ".join(lowered).replace("_", " ")
    if joined in ("begin group", "end group"):
        return Type(joined)
    if joined in REFUSED_TYPES or head in REFUSED_TYPES:
        return Type("", refused=REFUSED_TYPES.get(joined) or REFUSED_TYPES[head])
    if head in METADATA_TYPES:
        return Type("", metadata=True)
    if head in PLAIN_TYPES and len(lowered) == 1:
        return Type(PLAIN_TYPES[head])
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
