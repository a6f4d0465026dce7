"""Reading responses from PostgreSQL (the production database) gives the same tidy frame as from SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import export_csv, read_csv, read_database
from analysis.simulation import SimulatedSurvey, write_database
from tests.analysis.conftest import assert_same_rows
from tests.postgres.server import PostgresServer

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_url(postgres: PostgresServer, small_survey: SimulatedSurvey) -> Iterator[str]:
    """A database made from the application's schema, holding the small survey."""
    url = postgres.create_database()
    write_database(small_survey, url)
    yield url
    postgres.drop_database(url)


def test_postgres_read_equals_the_stored_data(postgres_url: str, small_survey: SimulatedSurvey,
                                              small_frame: pd.DataFrame) -> None:
    typed = read_database(postgres_url, 1, small_survey.questionnaires)
    pd.testing.assert_frame_equal(typed, small_frame, check_categorical=False)
    inferred = read_database(postgres_url, 1)
    pd.testing.assert_frame_equal(inferred[typed.columns], typed, check_categorical=False)


def test_postgres_export_reads_back(postgres_url: str, small_survey: SimulatedSurvey, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    assert export_csv(postgres_url, 1, path, small_survey.questionnaires) == len(small_survey.responses)
    assert_same_rows(read_csv(path, small_survey.questionnaires),
                     read_database(postgres_url, 1, small_survey.questionnaires))
