"""The environment records other processes read: private by default, shared with a group
directory, and a damaged file never stops ``env list`` or ``env down``."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from insta_nb.environment.records import EnvironmentRecord, FileRecords

KEY = "https://api.example.invalid|someone"


def record(name: str = "ci", **changes: object) -> EnvironmentRecord:
    fields: dict[str, object] = {
        "key": KEY,
        "name": name,
        "cluster_name": f"{name}_db",
        "state": "provisioning",
        "pid": 4242,
        "updated": 1.0,
    }
    fields.update(changes)
    return EnvironmentRecord(**fields)  # type: ignore[arg-type]


def test_records_survive_a_new_reader_and_are_private(tmp_path: Path) -> None:
    FileRecords(tmp_path).put(record())
    FileRecords(tmp_path).update(KEY, "ci", cluster_id="c-1", peerings=(("dc", "p-1"),))
    again = FileRecords(tmp_path)
    assert again.get(KEY, "ci") == record(cluster_id="c-1", peerings=(("dc", "p-1"),))
    assert again.all("another|key") == []
    assert stat.S_IMODE(again.path.stat().st_mode) == 0o600
    again.remove(KEY, "ci")
    assert FileRecords(tmp_path).all(KEY) == []


@pytest.mark.parametrize("content", ["{not json", '{"a": 1}', '[{"name": 3}]', "[1, 2]", "\x00"])
def test_a_damaged_file_reads_as_empty_with_a_warning(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "environments.json").write_text(content)
    with caplog.at_level(logging.WARNING, "insta_nb"):
        records = FileRecords(tmp_path)
        assert records.all(KEY) == []
        records.put(record())
    assert FileRecords(tmp_path).get(KEY, "ci") == record()
