"""Loading responses into the tidy frame (database, CSV export) and writing the CSV export."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from analysis import schema
from analysis.answers import ItemSpec, infer_spec, item_specs
from analysis.data import EXPORT_COLUMNS, LEADING_COLUMNS, export_csv, read_csv, read_database, tidy, write_export_csv
from analysis.simulation import SimulatedSurvey, questionnaire, write_database
from questionnaires.model import Item, Option, Questionnaire, Section
from tests.analysis.conftest import assert_same_rows

ROW = {
    "response_id": 7, "campaign_id": 1, "unit_id": 3, "unit_code": "MC-01", "unit_name": "Bộ phận Một cửa xã Đông",
    "sector": "one_stop", "level": "commune", "area": "Ba Bể", "service_volume": 400,
    "questionnaire_id": "tiny", "questionnaire_version": 2, "channel": "kiosk", "locale": "vi",
    "submitted_on": "2026-03-01",
}


@pytest.fixture
def tiny() -> Questionnaire:
    """One item of each type."""
    items = (
        Item("staff", "likert5", "Staff", dimension="staff"),
        Item("fee", "yes_no", "Paid a fee"),
        Item("gender", "single", "Gender", options=(Option("female", "F"), Option("male", "M")), role="demographic",
             weighting_variable="gender"),
        Item("channels", "multi", "Channels", options=(Option("counter", "C"), Option("online", "O"))),
        Item("visits", "number", "Visits"),
        Item("comment", "text", "Comment"),
        Item("overall", "likert5", "Overall", role="overall"),
    )
    return Questionnaire("tiny", 2, "one_stop", 0.9, "Tiny", (Section("s", "S", items),))


def _rows() -> list[dict[str, object]]:
    return [
        {**ROW, "answers": {"staff": 4, "fee": "no", "gender": "female", "channels": ["counter", "online"],
                            "visits": 2, "comment": "Tốt, nhanh; \"rất\" ổn", "overall": 5}},
        {**ROW, "response_id": 8, "answers": {"staff": "na", "fee": "yes", "channels": [], "overall": 1}},
        {**ROW, "response_id": 9, "answers": {}},
    ]


def test_export_csv_format_is_exact() -> None:
    buffer = io.StringIO()
    write_export_csv(_rows(), buffer, ["staff", "fee", "gender", "channels", "visits", "comment", "overall"])
    lines = buffer.getvalue().splitlines()
    assert lines[0] == ",".join([*EXPORT_COLUMNS, "staff", "fee", "gender", "channels", "visits", "comment",
                                 "overall"])
    leading = "1,3,MC-01,Bộ phận Một cửa xã Đông,one_stop,commune,Ba Bể,400,tiny,2,kiosk,vi,2026-03-01"
    assert lines[1] == f'{leading},4,no,female,counter;online,2,"Tốt, nhanh; ""rất"" ổn",5'
    assert lines[2] == f"{leading},na,yes,,,,,1"
    assert lines[3] == f"{leading},,,,,,,"


def test_csv_round_trip_gives_typed_columns(tmp_path: Path, tiny: Questionnaire) -> None:
    path = tmp_path / "export.csv"
    write_export_csv(_rows(), path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # byte-order mark, for spreadsheet programs
    df = read_csv(path, {"tiny": tiny})
    assert list(df.columns) == [*LEADING_COLUMNS, "staff", "fee", "gender", "channels.counter", "channels.online",
                                "visits", "comment", "overall"]
    assert str(df["staff"].dtype) == "Int64" and str(df["fee"].dtype) == "boolean"
    assert str(df["gender"].dtype) == "string" and str(df["visits"].dtype) == "Float64"
    assert str(df["channels.counter"].dtype) == "boolean" and str(df["comment"].dtype) == "string"
    assert str(df["submitted_on"].dtype).startswith("datetime64") and df["submitted_on"].dt.tz is None
    assert df["staff"].tolist() == [4, pd.NA, pd.NA]  # "na" and absent are both missing
    assert df["fee"].tolist() == [False, True, pd.NA]
    assert df["channels.counter"].tolist() == [True, pd.NA, pd.NA]  # an empty choice is stored as blank
    assert df["comment"].tolist()[0] == 'Tốt, nhanh; "rất" ổn'
    assert df["submitted_on"].iloc[0] == pd.Timestamp("2026-03-01")
    assert df["response_id"].tolist() == [1, 2, 3]  # the export has no response id: the rows are numbered
    assert df["unit_name"].iloc[0] == "Bộ phận Một cửa xã Đông"


@pytest.fixture(scope="module")
def database(small_survey: SimulatedSurvey, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "survey.sqlite")
    write_database(small_survey, url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # moderation hid the comment of response 1
        connection.execute(sa.update(schema.responses).where(schema.responses.c.id == 1).values(comment_hidden=True))
    engine.dispose()
    return url


def test_database_read_equals_the_stored_data(database: str, small_survey: SimulatedSurvey,
                                              small_frame: pd.DataFrame) -> None:
    df = read_database(database, 1, small_survey.questionnaires)
    expected = small_frame.copy()
    expected.loc[0, "comment"] = pd.NA
    pd.testing.assert_frame_equal(df, expected, check_categorical=False)


def test_database_read_without_questionnaires_infers_the_same_types(database: str, small_survey: SimulatedSurvey
                                                                    ) -> None:
    typed = read_database(database, 1, small_survey.questionnaires)
    inferred = read_database(database, 1)
    assert sorted(inferred.columns) == sorted(typed.columns)  # items in order of first appearance
    pd.testing.assert_frame_equal(inferred[typed.columns], typed, check_categorical=False)


def test_export_from_the_database_reads_back_the_same(database: str, small_survey: SimulatedSurvey,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "campaign.csv"
    assert export_csv(database, 1, path, small_survey.questionnaires) == 2000
    from_csv = read_csv(path, small_survey.questionnaires)
    assert_same_rows(from_csv, read_database(database, 1, small_survey.questionnaires))
    assert "Nhân viên" not in path.read_text(encoding="utf-8-sig").splitlines()[1]  # hidden comment not exported


def test_only_the_campaign_asked_for_is_read(database: str, small_survey: SimulatedSurvey) -> None:
    assert read_database(database, 2, small_survey.questionnaires).empty
    assert len(read_database(database, None, small_survey.questionnaires)) == 2000


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 5, "na", None, 3], "likert5"),
        (["yes", "no", None], "yes_no"),
        ([["a"], None, ["a", "b"]], "multi"),
        (['["a","b"]', None], "multi"),
        ([2.5, 10, None], "number"),
        ([1, 7], "number"),
        (["female", "male"], "single"),
        ([None, None], "text"),
    ],
)
def test_types_are_inferred_from_values(values: list[object], expected: str) -> None:
    assert infer_spec(np.array(values, dtype=object)).type == expected


def test_csv_multi_items_are_recognised_by_their_separator() -> None:
    assert infer_spec(np.array(["a;b", "a", None], dtype=object), from_csv=True).type == "multi"


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        ("staff", 7, "item 'staff': values [7] are not 1..5 or 'na'"),
        ("fee", "maybe", "item 'fee': values ['maybe'] are not 'yes' or 'no'"),
        ("visits", "many", "item 'visits': values ['many'] are not a number"),
        ("channels", ["phone"], "item 'channels': unknown option codes ['phone']"),
    ],
)
def test_unexpected_values_are_errors_naming_the_item(tiny: Questionnaire, item: str, value: object, message: str
                                                      ) -> None:
    frame = pd.DataFrame([{**ROW, item: value}])
    frame[item] = pd.Series([value], dtype=object)
    with pytest.raises(ValueError) as error:
        tidy(frame, tiny)
    assert message in str(error.value)


def test_missing_leading_columns_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id,overall\n1,5\n")
    with pytest.raises(ValueError, match=r"lacks the columns \['campaign_id'"):
        read_csv(path)


def test_item_specs_from_questionnaires_or_a_mapping(tiny: Questionnaire) -> None:
    assert item_specs({"overall": "likert5"}) == {"overall": ItemSpec("likert5")}
    assert item_specs([tiny])["channels"] == ItemSpec("multi", ("counter", "online"))
    clash = Questionnaire("other", 1, "health", 0.8, "Other",
                          (Section("s", "S", (Item("staff", "yes_no", "Staff"),)),))
    with pytest.raises(ValueError, match="item 'staff' is likert5 in one questionnaire and yes_no in 'other'"):
        item_specs([tiny, clash])
    with pytest.raises(ValueError, match="has type 'scale'"):
        item_specs({"overall": "scale"})


def test_synthetic_questionnaires_have_every_item_type() -> None:
    types = {item.type for item in questionnaire("health").items}
    assert types == {"likert5", "yes_no", "single", "multi", "number", "text"}
