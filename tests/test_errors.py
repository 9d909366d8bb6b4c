"""The one place where a command's RestoreError becomes a message and an exit status."""

from __future__ import annotations

import pytest

from restore.errors import InputError, ModelError, reported


@pytest.mark.parametrize(("returned", "status"), [(None, 0), (0, 0), (1, 1), (4, 4)])
def test_a_command_that_returns_gives_its_own_status(returned, status, capsys):
    assert reported(lambda: returned, "restore") == status
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("error", [InputError("article.txt is empty; pass a file with text"),
                                   ModelError("models/lm.npz is missing; run restore build lm")])
def test_an_error_is_one_line_with_its_own_status(error, capsys):
    def fail() -> None:
        raise error

    assert reported(fail, "python -m restore.thesaurus") == error.exit_code
    assert capsys.readouterr().err == f"python -m restore.thesaurus: {error}\n"


def test_a_bug_keeps_its_traceback():
    def bug() -> None:
        raise KeyError("not the user's fault")

    with pytest.raises(KeyError):
        reported(bug, "restore")
