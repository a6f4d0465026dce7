"""The blank page cut around its fresh values: the same page, plain or as a gzip stream any decoder reads."""

from __future__ import annotations

import gzip
import secrets
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.survey.blank_pages import Template

TOKEN, SUBMISSION = "IjFhYjJjM2Qi.ZzZzZw.abcdefghijklmnop", "0123456789abcdef0123456789abcdef"
PAGE = ("<!doctype html><form><input name=csrf_token value=\"" + TOKEN + "\">" + "<p>Câu hỏi số một</p>" * 400
        + "<input name=submission_id value=" + SUBMISSION + "><input name=csrf_token value=" + TOKEN + "></form>")


def test_fresh_values_replace_every_occurrence_plain_and_gzipped() -> None:
    template = Template.cut(PAGE, (TOKEN, SUBMISSION))
    values = ("x" * 91, secrets.token_hex(16))
    expected = PAGE.replace(TOKEN, values[0]).replace(SUBMISSION, values[1]).encode()

    assert template.plain(values) == expected
    assert gzip.decompress(template.gzipped(values)) == expected
    streaming = zlib.decompressobj(16 + zlib.MAX_WBITS)  # as a browser reads it, chunk by chunk
    body = template.gzipped(values)
    assert b"".join(streaming.decompress(body[i:i + 100]) for i in range(0, len(body), 100)) == expected
    assert streaming.eof and not streaming.unused_data


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "é", "\n", "A" * 50, "T", "S"]), max_size=40),
       st.text(max_size=70), st.text(max_size=40))
def test_any_page_and_values_round_trip(pieces: list[str], token: str, submission_id: str) -> None:
    page = "".join(TOKEN if piece == "T" else SUBMISSION if piece == "S" else piece for piece in pieces)
    template = Template.cut(page, (TOKEN, SUBMISSION))
    expected = page.replace(TOKEN, token).replace(SUBMISSION, submission_id).encode()
    assert template.plain((token, submission_id)) == expected
    assert gzip.decompress(template.gzipped((token, submission_id))) == expected
