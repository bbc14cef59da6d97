"""Vietnamese bank identification numbers (BINs) used in VietQR payloads, as data."""

from __future__ import annotations

from typing import NamedTuple


class Bank(NamedTuple):
    """One bank: its 6-digit NAPAS BIN, the short name people use, and its legal name."""

    bin: str
    short_name: str
    name: str


# Checked against at least two public lists (VIETQR.md §1). Techcombank is 970407;
# snippets online giving it 970422 are wrong (970422 is MB).
BANKS: tuple[Bank, ...] = (
    Bank("970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    Bank("970415", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam"),
    Bank("970418", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    Bank("970405", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    Bank("970422", "MB", "Ngân hàng TMCP Quân đội"),
    Bank("970407", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    Bank("970416", "ACB", "Ngân hàng TMCP Á Châu"),
    Bank("970423", "TPBank", "Ngân hàng TMCP Tiên Phong"),
    Bank("970432", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    Bank("970403", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    Bank("970437", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
    Bank("970441", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    Bank("970443", "SHB", "Ngân hàng TMCP Sài Gòn – Hà Nội"),
    Bank("970426", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam"),
    Bank("970440", "SeABank", "Ngân hàng TMCP Đông Nam Á"),
    Bank("970448", "OCB", "Ngân hàng TMCP Phương Đông"),
    Bank("970449", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam"),
    Bank("970431", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam"),
    Bank("970454", "BVBank", "Ngân hàng TMCP Bản Việt"),
    Bank("970428", "Nam A Bank", "Ngân hàng TMCP Nam Á"),
    Bank("970425", "ABBANK", "Ngân hàng TMCP An Bình"),
)

_BY_BIN: dict[str, Bank] = {bank.bin: bank for bank in BANKS}


def bank_by_bin(bin: str) -> Bank | None:
    """Return the bank with this BIN, or None when it is not in our list."""
    return _BY_BIN.get(bin.strip())
