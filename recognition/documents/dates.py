"""The date line of an official document: "Cần Thơ, ngày 05 tháng 01 năm 2026"."""

from datetime import date


def date_line(place: str, day: date) -> str:
    """Day below 10 and months 1–2 are zero-padded (Hướng dẫn 36-HD/VPTW, Nghị định 30/2020)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
