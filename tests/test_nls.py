"""kernel/nls: code-page conversions (MultiByteToWideChar / WideCharToMultiByte semantics) and
locale data, as pure functions."""
import pytest

from kernel.nls import codepage as CP
from kernel.nls import locale as L


def mb2wc(cp, flags, data, src_len=None, size=64, null=False):
    src_len = len(data) if src_len is None else src_len
    return CP.multi_byte_to_wide_char(cp, flags, data, src_len, size, null)


def wc2mb(cp, flags, text, size=64, **kw):
    units = [ord(c) for c in text] if isinstance(text, str) else text
    return CP.wide_char_to_multi_byte(cp, flags, units, len(units), size, False, **kw)


def test_1252_round_trip_and_the_five_holes():
    r = mb2wc(1252, 0, bytes(range(256)), size=256)
    assert r.value == 256 and r.error is None
    assert r.output[0x80] == 0x20AC and r.output[0x81] == 0x81 and r.output[0x9D] == 0x9D
    back = CP.wide_char_to_multi_byte(1252, 0, r.output, 256, 256, False)
    assert back.output == bytes(range(256))
    assert mb2wc(1252, CP.MB_ERR_INVALID_CHARS, b"\x90").error is None


def test_size_query_and_insufficient_buffer_writes_what_fits():
    assert mb2wc(1252, 0, b"abc\0", -1, size=0).value == 4
    r = mb2wc(1252, 0, b"abcdef\0", -1, size=3)
    assert (r.value, r.error, r.output) == (0, CP.ERROR_INSUFFICIENT_BUFFER, [0x61, 0x62, 0x63])
    r = wc2mb(1252, 0, "abcdef", size=2)
    assert (r.value, r.error, r.output) == (0, 122, b"ab")


@pytest.mark.parametrize("args, error", [
    ((1252, 0, b"abc", 0, 10, False), CP.ERROR_INVALID_PARAMETER),       # source length 0
    ((1252, 0, None, -1, 10, False), CP.ERROR_INVALID_PARAMETER),        # NULL source
    ((1252, 0, b"abc", 3, 10, True), CP.ERROR_INVALID_PARAMETER),        # NULL output with a size
    ((1252, 0, b"abc", 3, -1, False), CP.ERROR_INVALID_PARAMETER),       # negative output size
    ((932, 0, b"abc", 3, 10, False), CP.ERROR_INVALID_PARAMETER),        # not installed
    ((65001, CP.MB_PRECOMPOSED, b"a", 1, 10, False), CP.ERROR_INVALID_FLAGS),
    ((1252, CP.MB_PRECOMPOSED | CP.MB_COMPOSITE, b"a", 1, 10, False), CP.ERROR_INVALID_FLAGS),
])
def test_mb2wc_errors(args, error):
    r = CP.multi_byte_to_wide_char(*args)
    assert (r.value, r.error) == (0, error)


def test_acp_and_oemcp_names():
    assert CP.resolve_codepage(CP.CP_ACP) == 1252
    assert CP.resolve_codepage(CP.CP_THREAD_ACP) == 1252
    assert CP.resolve_codepage(CP.CP_OEMCP) == 437
    assert not CP.is_valid_codepage(CP.CP_ACP) and CP.is_valid_codepage(437)


def test_437_glyphs_and_box_drawing():
    assert mb2wc(437, 0, b"\x01\xb0\xdb").output == [0x01, 0x2591, 0x2588]
    assert mb2wc(437, CP.MB_USEGLYPHCHARS, b"\x01\x7f").output == [0x263A, 0x2302]
    assert wc2mb(437, 0, "\u2591\u263a\u00e9").output == b"\xb0\x01\x82"


def test_utf8_invalid_sequences_become_fffd_as_vista_and_later():
    assert mb2wc(65001, 0, b"\xc0AB").output == [0xFFFD, 0x41, 0x42]
    assert mb2wc(65001, 0, b"t\xff\xfft").output == [0x74, 0xFFFD, 0xFFFD, 0x74]
    r = mb2wc(65001, CP.MB_ERR_INVALID_CHARS, b"\xc0AB")
    assert (r.value, r.error) == (0, CP.ERROR_NO_UNICODE_TRANSLATION)
    assert mb2wc(65001, 0, "h\u00e9\U0001F600".encode()).output == [0x68, 0xE9, 0xD83D, 0xDE00]


def test_utf8_encoding_of_surrogates():
    assert wc2mb(65001, 0, [0x61, 0xD83D, 0xDE00]).output == b"a\xf0\x9f\x98\x80"
    assert wc2mb(65001, 0, [0x61, 0xD800, 0x62]).output == b"a\xef\xbf\xbdb"
    r = wc2mb(65001, CP.WC_ERR_INVALID_CHARS, [0xD800])
    assert r.error == CP.ERROR_NO_UNICODE_TRANSLATION
    r = wc2mb(65001, 0, "a", has_used=True)
    assert r.error == CP.ERROR_INVALID_PARAMETER
    r = wc2mb(65001, CP.WC_NO_BEST_FIT_CHARS, "a")
    assert r.error == CP.ERROR_INVALID_FLAGS


def test_best_fit_default_char_and_used_flag():
    r = wc2mb(1252, 0, "A\u0100\u0440\u2013\uff21", has_used=True)
    assert r.output == b"AA?\x96A" and r.used_default is True
    r = wc2mb(1252, 0, "\u0100", has_used=True)
    assert r.output == b"A" and r.used_default is False           # best fit is not the default char
    r = wc2mb(1252, CP.WC_NO_BEST_FIT_CHARS, "\u0100\u00e9", default_char=ord("*"), has_default=True,
              has_used=True)
    assert r.output == b"*\xe9" and r.used_default is True
    assert wc2mb(1252, 0, "plain", has_used=True).used_default is False


def test_composite_check():
    assert wc2mb(1252, CP.WC_COMPOSITECHECK, "e\u0301").output == b"\xe9"
    assert wc2mb(1252, 0, "e\u0301").output == b"e?"
    assert mb2wc(1252, CP.MB_COMPOSITE, b"\xe9").output == [0x65, 0x301]


def test_cp_info():
    assert CP.cp_info(CP.CP_ACP) == (1, b"?\0", b"\0" * 12, 0x3F, "1252  (ANSI - Latin I)")
    assert CP.cp_info(65001)[0] == 4 and CP.cp_info(1251) is None


def test_ctype1_bits():
    assert L.ctype1(ord("a")) == 0x382
    assert L.ctype1(ord("Z")) == 0x301
    assert L.ctype1(ord("5")) == 0x284
    assert L.ctype1(ord(" ")) == 0x248
    assert L.ctype1(ord("\t")) == 0x268
    assert L.ctype1(0xB2) & L.C1_DIGIT
    assert L.ctype1(0x0378) == 0                                   # unassigned


def test_locale_info_and_compare():
    assert L.locale_info(L.EN_US, 0x1004) == "1252"
    assert L.locale_info(L.EN_US, 0x0E) == "."
    assert L.locale_info(L.LOCALE_INVARIANT, 0x59) == "iv"
    assert L.locale_info(L.EN_US, 0x9999) is None
    assert L.resolve_lcid(0x400) == 0x409 and L.resolve_lcid(0x407) is None
    assert L.compare_strings("a", "A", 0) == 1
    assert L.compare_strings("HELLO", "hello", L.NORM_IGNORECASE) == 2
    assert L.compare_strings("apple", "Banana", 0) == 1
    assert L.compare_strings("coop", "co-op", 0) == 1              # word sort: hyphen ignored first
    a, b = L.sort_key("abc", 0), L.sort_key("abd", 0)
    assert a < b
