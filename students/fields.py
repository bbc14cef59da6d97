"""Form fields (and the date-only form) shared by the students sub-packages' forms."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, SelectMultipleField, widgets
from wtforms.validators import InputRequired


class DayField(Field):
    """A date (yyyy-mm-dd from <input type=date>, or dd/mm/yyyy typed) with a Vietnamese error."""

    widget = widgets.DateInput()

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                self.data = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar day
                return
            except ValueError:
                continue
        raise ValueError(_l("Ngày không hợp lệ (ví dụ 31/12/2014)."))


class Whole(IntegerField):
    """An integer field whose error speaks Vietnamese."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        if not text.lstrip("-").isdigit():
            raise ValueError(_l("Vui lòng nhập một số nguyên."))
        self.data = int(text)


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def enum_choices(labels: dict) -> list[tuple[str, object]]:
    """(value, label) pairs of a labels dict keyed by enum members (or plain keys)."""
    return [(k.value if hasattr(k, "value") else k, v) for k, v in labels.items()]


REQUIRED_DATE = _l("Vui lòng nhập ngày.")


class DateOnlyForm(FlaskForm):
    """Just a date (withdrawal, end of sponsorship)."""

    on = DayField(_l("Ngày"), validators=[InputRequired(REQUIRED_DATE)], default=date.today)
