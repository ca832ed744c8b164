"""The trainers' review inbox: redacted messages, confirm or correct, export to data/nlu."""

from __future__ import annotations

import re
import shutil

import pytest
import sqlalchemy as sa
import yaml

from bot.console import audit
from bot.console.accounts import create_account
from bot.console.app import create_app
from bot.console.retention import erase_by_admin
from bot.console.security import limiter
from bot.console.tables import reviews
from bot.contract import FLAG_IDS
from bot.conversations.recorded import write_recorded
from bot.settings import PROJECT_ROOT
from tests.console.conftest import NOW, RECORDED, console_config, csrf_token

PASSWORD = "a long enough password"
# A wife who left her name, number, e-mail and her husband's passport number, as recorded
# from the real bot: the one message of its conversation.
CONTACT = RECORDED["contact-details"]
[PRIVATE] = CONTACT.person_texts()


@pytest.fixture()
def nlu_dir(tmp_path):
    copy = tmp_path / "nlu"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", copy)
    return copy


@pytest.fixture()
def trainer(engine, database_url, nlu_dir):
    app = create_app(console_config(database_url, nlu_dir=nlu_dir), engine)
    limiter.reset()
    with engine.begin() as connection:
        create_account(connection, "tina", PASSWORD, "trainer", "test")
        write_recorded(connection, CONTACT, "private-1", NOW - 60)
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "tina", "password": PASSWORD, "csrf_token": token})
    return client


def _review(client, **fields):
    page = client.get("/inbox/").get_data(as_text=True)
    event_id = page.split('name="event_id" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_token(page), "event_id": event_id, **fields}
    return client.post("/inbox/review", data=data, follow_redirects=True)


def test_inbox_shows_the_message_redacted_with_the_bots_labels(trainer):
    html = trainer.get("/inbox/").get_data(as_text=True)
    assert "Maria Santos" in PRIVATE and "P1234567" in PRIVATE  # what the person wrote
    for private in ("Maria", "Santos", "917", "4567", "gmail", "P1234567"):
        assert private not in html, private
    assert "[NAME]" in html and "[PHONE]" in html and "[EMAIL]" in html
    assert "[ID_NUMBER]" in html
    checked = re.findall(
        r'<input checked id="flags-\d+" name="flags" type="checkbox" value="(\w+)"', html
    )
    [parse] = [r["data"]["parse_data"] for r in CONTACT.rows if r["type_name"] == "user"]
    assert checked == [f for f in FLAG_IDS if f in {x["name"] for x in parse["red_flags"]}]
    assert "documents_confiscated" in checked  # the bot's flags, ticked
    assert "private-1" not in html  # not even the conversation id


def test_confirmed_correction_is_stored_redacted_and_exported_once(trainer, engine, nlu_dir):
    response = _review(
        trainer,
        intent="describe_situation",
        flags=["documents_confiscated", "movement_restricted"],
        stage="in_situ",
        confirm="Confirm these labels",
    )
    assert "Confirmed; ready to export." in response.get_data(as_text=True)
    with engine.connect() as connection:
        [row] = connection.execute(sa.select(reviews)).all()
    assert "Maria" not in row.redacted_text and "[NAME]" in row.redacted_text
    assert row.reviewed_by == "tina" and row.decision == "confirmed"

    page = trainer.get("/inbox/export").get_data(as_text=True)
    assert "Export 1 message(s)" in page
    done = trainer.post("/inbox/export", data={"csrf_token": csrf_token(page)})
    assert "1 example(s) written to workplace_control.yml" in done.get_data(as_text=True)
    data = yaml.safe_load((nlu_dir / "workplace_control.yml").read_text())
    texts = [
        example["text"]
        for block in data["nlu"]
        for example in (block["examples"] if isinstance(block["examples"], list) else [])
    ]
    exported = [t for t in texts if "[NAME]" in t and "cambodia" in t]
    assert len(exported) == 1 and "Maria" not in exported[0]
    with engine.connect() as connection:
        [entry] = audit.entries(connection, action=audit.EXPORT)
        [review] = audit.entries(connection, action=audit.REVIEW)
    assert entry.actor == "tina" and "1 example(s) written" in entry.detail
    assert "Maria" not in (review.detail or "") and review.target.startswith("message ")
    again = trainer.get("/inbox/export").get_data(as_text=True)
    assert "Nothing confirmed waits for export." in again
    assert "Nothing waits for review." in trainer.get("/inbox/").get_data(as_text=True)


def test_skip_and_bad_labels(trainer, engine):
    bad = _review(
        trainer,
        intent="describe_situation",
        flags=["not_a_flag"],
        stage="in_situ",
        confirm="Confirm these labels",
    )
    assert "was not saved" in bad.get_data(as_text=True)
    skipped = _review(trainer, intent="greet", stage="none", skip="Skip: not useful for training")
    assert "Skipped." in skipped.get_data(as_text=True)
    with engine.connect() as connection:
        [row] = connection.execute(sa.select(reviews)).all()
    assert row.decision == "skipped" and row.redacted_text is None


def test_erasure_removes_the_reviews(trainer, engine):
    _review(
        trainer,
        intent="describe_situation",
        flags=["documents_confiscated"],
        stage="in_situ",
        confirm="Confirm these labels",
    )
    with engine.begin() as connection:
        erase_by_admin(connection, "private-1", "root", None)
        assert connection.execute(sa.select(reviews)).all() == []


def test_an_edited_text_is_kept_and_redacted_again(trainer, engine):
    _review(
        trainer,
        text="my cousin [NAME] is in the compound, call her on 0917 123 4567",
        intent="describe_situation",
        flags=["movement_restricted"],
        stage="in_situ",
        about_other="y",
        confirm="Confirm these labels",
    )
    with engine.connect() as connection:
        [row] = connection.execute(sa.select(reviews)).all()
    assert row.redacted_text.startswith("my cousin [NAME] is in the compound")
    assert "4567" not in row.redacted_text and "[PHONE]" in row.redacted_text
    assert row.about_other is True
