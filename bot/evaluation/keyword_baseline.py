"""A keyword matcher written from the contract's definitions alone: the floor that the
trained screening NLU must clearly beat. Deliberately simple; never used by the bot."""

from __future__ import annotations

import re

from bot.places import locate_places

KEYWORDS: dict[str, str] = {
    "unrealistic_pay": r"\b(high (salary|pay)|\$ ?\d[\d,]{3,}|\d[\d,]{3,} ?(usd|dollars?)|"
    r"no experience)",
    "lure_job_type": r"\b(customer service|it job|programm\w*|online (sales|marketing)|data entry|"
    r"typing|translat\w*|crypto|casino|call cent\w*)",
    "informal_recruitment": r"\b(facebook|fb|telegram|whatsapp|tiktok|wechat|friend|stranger|"
    r"social media)\b",
    "unverifiable_employer": r"\b(no address|not registered|no registration|refus\w* (a )?video|"
    r"can'?t find (the )?company|only (on )?(telegram|whatsapp))",
    "employer_paid_travel": r"\b(pay\w* (for )?(the |my |your )?(ticket|flight|visa|hotel)|"
    r"free (ticket|flight))",
    "irregular_travel": r"\b(tourist visa|lie to immigration|cross\w* (the )?(border|river)|"
    r"by boat|pick\w* (us |me |you )?up)",
    "destination_changed": r"\b(changed|instead of|different (place|country|city)|drove us to|"
    r"took us to)",
    "high_risk_destination": r"\b(myawaddy|shwe kokko|kk park|sihanoukville|bavet|poipet|"
    r"golden triangle|myanmar|cambodia|laos)\b",
    "no_contract": r"\b(no contract|without (a )?contract|"
    r"sign (it )?(when|after) (you |we |i )?arriv\w*)",
    "pressure_secrecy": r"\b(decide (fast|quickly|now|today)|secret|don'?t tell|do not tell|hurry)",
    "fees_or_debt": r"\b(fee|deposit|pay (them|the agent)|debt|deduct\w*)",
    "documents_confiscated": r"\b(took|take|taken|keep|kept|hold\w*|confiscat\w*) "
    r"(my |our |his |her )?(passport|id|documents?)",
    "phone_confiscated": r"\b(took|take|taken|confiscat\w*) (my |our |his |her )?phone|"
    r"\bphone (was |is )?(taken|confiscated)",
    "movement_restricted": r"\b(can'?t leave|cannot leave|not allowed to (leave|go out)|guards?|"
    r"locked|fence)",
    "debt_or_ransom": r"\b(ransom|compensation|pay to leave|sell (me|us|him|her)|sold)",
    "wages_withheld": r"\b(not paid|no salary|unpaid|no pay|withh\w*|fines?)\b",
    "forced_scamming": r"\b(scam\w*|pig butcher\w*|fraud|fake (profile|account)s?)",
    "threats_or_violence": r"\b(beat\w*|hit|threat\w*|electric|shock\w*|tortur\w*|punish\w*)",
    "sexual_violence": r"\b(rape\w*|sexual\w*|sex work|prostitut\w*|brothel|abus\w*)",
    "abusive_conditions": r"\b(\d{2} hours|no day off|no days off|quota|target|no food|overtime)",
}
URGENT = (
    r"\b(help( me)? now|right now|emergency|kill (me|myself)|suicide|want to die|bleeding|dying)"
)
EXITED = r"\b(escaped|rescued|back home|deported|got out|shelter|embassy)"
IN_SITU = r"\b(compound|they took|cannot leave|can'?t leave|guards?|boss|forced)"
PROSPECTIVE = r"\b(offer|job|recruit\w*|agent|salary|interview)"
ABOUT_OTHER = r"\b(my (son|daughter|brother|sister|friend|husband|wife|cousin|child))\b"


def keyword_predict(text: str) -> dict:
    """The contract's output object for one message, by keywords."""
    lowered = text.lower()
    flags = [flag for flag, pattern in KEYWORDS.items() if re.search(pattern, lowered)]
    if re.search(EXITED, lowered):
        stage = "exited"
    elif re.search(IN_SITU, lowered):
        stage = "in_situ"
    elif re.search(PROSPECTIVE, lowered):
        stage = "prospective"
    else:
        stage = "none"
    return {
        "flags": flags,
        "flag_scores": {flag: 1.0 for flag in flags},
        "urgent": bool(re.search(URGENT, lowered)),
        "stage": stage,
        "about_other": bool(re.search(ABOUT_OTHER, lowered)),
        "country": locate_places(text).country,
    }
