"""The checks behind the pattern layer: check digits and letters, number prefixes, phone
numbers (through `phonenumbers`) and the real postcode areas. No regular expression of
the combined pattern lives here; each function takes the text one kind matched."""

from __future__ import annotations

import functools
import re

import phonenumbers

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # A-Z without I, O and S: 23 letters, 0..22


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def nhs_number_valid(number: str) -> bool:
    """Ten digits whose tenth is the mod-11 check digit of the first nine (weights 10..2);
    a remainder giving 10 means the number was never issued."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


def upn_check_letter(body: str) -> str | None:
    """The DfE check letter for the 12 characters after it (11 digits and a digit or, for
    a temporary UPN, a letter): character n (n = 2..13) weighted n, a final letter counted
    as its place in UPN_LETTERS, the sum mod 23 taken as a place in UPN_LETTERS."""
    if len(body) != 12 or not body[:11].isdigit():
        return None
    last = body[11]
    if last.isdigit():
        last_value = int(last)
    elif last in UPN_LETTERS:
        last_value = UPN_LETTERS.index(last)
    else:
        return None
    total = sum(int(c) * w for c, w in zip(body[:11], range(2, 13), strict=True)) + 13 * last_value
    return UPN_LETTERS[total % 23]


_UPN_SEPARATORS = re.compile(r"[\s\-]")


def upn_valid(upn: str) -> bool:
    """A UPN written with or without spaces or hyphens between its characters."""
    compact = _UPN_SEPARATORS.sub("", upn).upper()
    return len(compact) == 13 and upn_check_letter(compact[1:]) == compact[0]


_NI_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NI = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")


def ni_number_valid(number: str) -> bool:
    """Two letters (first not D F I Q U V, second not D F I O Q U V, never BG GB KN NK NT
    TN ZZ), six digits, then A, B, C or D."""
    compact = re.sub(r"\s", "", number).upper()
    return bool(_NI.fullmatch(compact)) and compact[:2] not in _NI_NEVER_ISSUED


@functools.lru_cache(maxsize=4096)  # the same numbers recur note after note; parsing is slow
def phone_verdict(candidate: str) -> bool | None:
    """True: a valid UK number; False: possible but not allocated (review it); None: not
    a phone number."""
    try:
        number = phonenumbers.parse(candidate, "GB")
    except phonenumbers.NumberParseException:
        return None
    return _uk_verdict(number)


def _uk_verdict(number: phonenumbers.PhoneNumber) -> bool | None:
    if (
        number.country_code != 44
        or len(phonenumbers.national_significant_number(number)) not in (9, 10)
        or phonenumbers.is_possible_number_with_reason(number)
        != phonenumbers.ValidationResult.IS_POSSIBLE
    ):
        return None
    return bool(phonenumbers.is_valid_number(number))


def international_phone_verdict(candidate: str) -> bool | None:
    """A number written with its country code (+234 ..., 00351 ...), for any country.
    True: valid for that country; False: not known valid but shaped like a number (8 to
    15 digits after the "+"; nobody writes "+" before a long digit run for anything
    else), so redacted for review; None: not a phone number. A UK number in this form
    gets the UK verdict."""
    try:
        number: phonenumbers.PhoneNumber | None = phonenumbers.parse(candidate, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None:
        if number.country_code == 44 and (verdict := _uk_verdict(number)) is not None:
            return verdict
        if phonenumbers.is_valid_number(number):
            return True
    digits = sum(c.isdigit() for c in candidate)
    return False if 8 <= digits - _idd_digits(candidate) <= 15 else None


def _idd_digits(candidate: str) -> int:
    """The "00" of an international call prefix is not part of the number."""
    return 2 if candidate.lstrip("( ").startswith("00") else 0


def cued_phone_verdict(candidate: str) -> bool | None:
    """Digits after a phone word and no prefix ("her number is 512 345 678", a number
    from abroad written the way it is dialled there): a valid UK number is no review; 9
    to 13 digits otherwise are a number for review."""
    try:
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate, "GB")):
            return True
    except phonenumbers.NumberParseException:
        pass
    digits = sum(c.isdigit() for c in candidate)
    return False if 9 <= digits <= 13 else None


# The postcode areas in use (Royal Mail), plus the non-geographic BF, BX and XX: a
# postcode whose letters are not one of these is a product code, a grid square or "Y7".
POSTCODE_AREAS = _words(
    """
    AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH
    DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA
    KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR
    RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA
    WC WD WF WN WR WS WV XX YO ZE
    """
)


def postcode_area(code: str) -> str:
    """The letters a postcode starts with ("SE" of "SE5 9QT", "W" of "W1A 1AA")."""
    end = 0
    while end < len(code) and end < 2 and code[end].isalpha():
        end += 1
    return code[:end].upper()
