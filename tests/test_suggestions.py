"""A misspelt name is answered with the close one: fields, options, DMs, statements,
strategies and outcomes all say "did you mean ...?" through ``errors.name_hint``.

Issue 15 §4.  Each case checks the whole message, so a lost hint (or one in the wrong
place) fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import detente
from detente.analyses.design import assess, design
from detente.analyses.strategies import sweep
from detente.cli import main
from detente.errors import DetenteError, ModelError, name_hint
from detente.io.files import parse_model
from detente.space.commit import commitment_of
from detente.words import dm_index

BASE = """\
format: detente/1
options:
  - name: embargo
  - name: talks
decision_makers:
  - name: Alpha
    options: [embargo]
    preferences: {ranking: [NN, YN, NY, YY]}
  - name: Beta
    options: [talks]
    preferences: {ranking: [YY, NY, YN, NN]}
"""


def error_of(text: str) -> str:
    with pytest.raises(ModelError) as info:
        parse_model(text, "m.yaml")
    return str(info.value)


def test_top_level_typo_names_the_field(tmp_path: Path) -> None:
    text = BASE.replace("decision_makers:", "decision_maker:")
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    # Not "decision_makers: required field is missing": the typo is the error to report.
    assert result.stderr.strip() == (
        f"detente: error: {path}:5: decision_maker: unknown field (did you mean 'decision_makers'?)"
    )


def test_nested_field_typo_uses_the_nested_model() -> None:
    text = BASE.replace("{ranking: [NN, YN", "{rankin: [NN, YN")
    assert error_of(text) == (
        "m.yaml:8: decision_makers[0].preferences.rankin: unknown field (did you mean 'ranking'?)"
    )
    text = BASE.replace("  - name: talks\n", "  - name: talks\n    levls: 3\n")
    assert error_of(text).endswith("options[1].levls: unknown field (did you mean 'levels'?)")


def test_unrelated_field_gets_no_guess() -> None:
    text = BASE + "colour: red\n"
    assert error_of(text).endswith("colour: unknown field")


def test_unknown_option_and_dm_in_the_model() -> None:
    text = BASE.replace("options: [embargo]", "options: [embarg]")
    assert error_of(text).endswith(
        "decision_makers[0].options[0]: unknown option 'embarg' (did you mean 'embargo'?)"
    )
    text = BASE + "infeasible:\n  - mutually_exclusive: [embargo, Talks]\n"
    assert error_of(text).endswith("unknown option 'Talks' (did you mean 'talks'?)")
    text = BASE + "infeasible:\n  - when: {embrgo: Y}\n"
    assert error_of(text).endswith("unknown option 'embrgo' (did you mean 'embargo'?)")
    text = BASE + "perceptions:\n  - name: p\n    holder: Alfa\n"
    assert error_of(text).endswith(
        "perceptions[0].holder: unknown decision maker 'Alfa' (did you mean 'Alpha'?)"
    )


def test_statement_option_names() -> None:
    text = BASE + "outcomes:\n  - name: deal\n    when: talks and not embarog\n"
    assert error_of(text).endswith(
        "outcomes[0].when: statement 'talks and not embarog': unknown option 'embarog'"
        " at column 15 (did you mean 'embargo'?)"
    )
    # With nothing close, the options are listed as before.
    text = BASE + "outcomes:\n  - name: deal\n    when: zzz\n"
    assert error_of(text).endswith("unknown option 'zzz' at column 1 (options: embargo, talks)")


def test_names_typed_on_the_command_line() -> None:
    conflict = detente.load_case("north-korea")
    space = detente.compile_conflict(conflict)
    with pytest.raises(DetenteError, match=r"^unknown decision maker 'Nroth Korea' \(did you"):
        dm_index(space, "Nroth Korea")
    with pytest.raises(DetenteError, match=r"^unknown decision maker 'Zz' \(known: "):
        dm_index(space, "Zz")
    with pytest.raises(DetenteError) as info:
        commitment_of(conflict, "sunshne")
    assert str(info.value) == "unknown strategy 'sunshne' (did you mean 'sunshine'?)"
    with pytest.raises(DetenteError) as info:
        sweep(space, "sanction", ["Nash"])
    assert str(info.value) == "unknown option 'sanction' (did you mean 'sanctions'?)"
    with pytest.raises(DetenteError) as info:
        design(space, agreement="dael")
    assert str(info.value) == "unknown outcome 'dael' (did you mean 'deal'?)"
    with pytest.raises(DetenteError) as info:
        assess(space, [{"sanctions": 4}], outcomes=["stalemat"])
    assert str(info.value) == "unknown outcome 'stalemat' (did you mean 'stalemate'?)"


def test_cli_option_typo(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sweep", "--case", "north-korea", "--option", "sanction"])
    assert result.exit_code == 2
    assert "unknown option 'sanction' (did you mean 'sanctions'?)" in result.stderr


names = st.lists(st.text("abcdefg _", min_size=1, max_size=8), min_size=1, max_size=6)


@given(names, st.text("abcdefg _", min_size=1, max_size=8))
def test_hint_is_a_known_name_or_the_listing(known: list[str], name: str) -> None:
    hint = name_hint(name, known, "known")
    if hint.startswith(" (did you mean "):
        assert any(hint == f" (did you mean {k!r}?)" for k in known)
    else:
        assert hint == f" (known: {', '.join(dict.fromkeys(known))})"
    # A name that differs only in case is always found.
    assert name_hint(known[0].upper(), known) != ""
