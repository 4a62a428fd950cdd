"""The forms plrdesk ships: plain, complete, and with the ids the contract fixes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain.kinds import Permission
from plrdesk.forms.catalog import shipped_catalog
from plrdesk.forms.schema import GUIDE_KINDS, Audience, FormDefinition, ItemType, Topic
from plrdesk.shipped import forms_dir
from tests.conftest import CliResult

CATALOG = shipped_forms()
REVIEWED = shipped_catalog(forms_dir(), review_language=True)
PARTICIPANT_FACING = [
    loaded.definition
    for loaded in CATALOG.forms.values()
    if loaded.definition.audience == Audience.PARTICIPANT
    and loaded.definition.kind not in GUIDE_KINDS
]

GUIDES = {
    "practitioner-interview": {
        "role", "facilitators", "barriers", "tools", "relationships", "participation", "roles",
        "improvements",
    },
    "parent-phone-interview": {
        "support-received", "involvement", "information", "what-helped", "what-could-improve",
    },
    "children-focus-group": {
        "moving-up", "who-helped", "ideal-practitioner", "being-listened-to", "words-adults-use",
        "advice",
    },
}  # fmt: skip


def test_every_contract_form_ships() -> None:
    expected = {
        "parental-consent", "child-assent", "practitioner-consent", "parent-verbal-consent",
        "parent-information", "child-information", "practitioner-information", *GUIDES,
    }  # fmt: skip
    assert expected <= CATALOG.ids()
    assert all(loaded.definition.version == "1" for loaded in CATALOG.forms.values())


@pytest.mark.parametrize("form", PARTICIPANT_FACING, ids=lambda f: f.id)
def test_participant_facing_forms_say_everything_plainly(form: FormDefinition) -> None:
    covered = {topic for item in form.items() for topic in item.covers}
    assert covered >= set(Topic), f"{form.id} misses {set(Topic) - covered}"
    loaded = REVIEWED.loaded(form.id)
    assert loaded is not None
    assert loaded.warnings == []


@pytest.mark.parametrize(
    ("form_id", "permissions"),
    [
        ("parental-consent", set(Permission)),
        ("practitioner-consent", set(Permission)),
        ("child-assent", {Permission.TAKE_PART, Permission.QUOTE}),
        ("parent-verbal-consent", {Permission.TAKE_PART, Permission.QUOTE}),
    ],
)
def test_consent_item_ids_are_their_permission_names(
    form_id: str, permissions: set[Permission]
) -> None:
    form = CATALOG.get(form_id)
    assert form is not None
    grants = form.grants()
    assert set(grants.values()) >= permissions
    assert all(item_id == permission.value for item_id, permission in grants.items())


@pytest.mark.parametrize(("guide", "questions"), GUIDES.items())
def test_guides_have_the_fixed_question_ids(guide: str, questions: set[str]) -> None:
    assert CATALOG.guide_questions(guide) == questions


def test_the_focus_group_has_show_of_hands_items() -> None:
    form = CATALOG.get("children-focus-group")
    assert form is not None
    assert sum(item.type == ItemType.SHOW_OF_HANDS for item in form.items()) >= 2


def test_child_forms_print_large() -> None:
    for form_id in ("child-assent", "child-information"):
        form = CATALOG.get(form_id)
        assert form is not None
        assert form.large_print


def test_readability_command_lists_every_item(cli: Callable[..., CliResult]) -> None:
    result = cli("forms", "readability", "child-assent")
    assert result.code == 0
    form = CATALOG.get("child-assent")
    assert form is not None
    assert "child reader, grade limit 5" in result.out
    for item in form.items():
        if item.type != ItemType.SIGNATURE:
            assert f"  {item.id} " in result.out
    assert " !" not in result.out  # no item above the limit


def test_readability_flags_jargon(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    path = tmp_path / "jargon-sheet.yaml"
    path.write_text(
        "id: jargon-sheet\ntitle: T\nversion: '1'\nkind: information-sheet\n"
        "audience: participant\nsections:\n  - id: a\n    items:\n"
        "      - {id: x, type: info, text: 'Our multi-agency team uses the CAF.',"
        " covers: [confidentiality, withdrawal]}\n"
    )
    result = cli("forms", "readability", path)
    assert result.code == 0
    assert "jargon: multi-agency, CAF" in result.out


def test_the_shipped_folder_checks_clean(cli: Callable[..., CliResult]) -> None:
    result = cli("forms", "check")
    assert result.code == 0
    assert "no errors, 0 warning(s)" in result.out
