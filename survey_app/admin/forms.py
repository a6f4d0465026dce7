"""Forms of the `admin` blueprint. Messages are instructions a person can follow, and are translated."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from .. import formats
from ..models import SECTORS

QUESTIONNAIRE_LABELS = {
    "one_stop": _l("Questionnaire for one-stop shops"),
    "health": _l("Questionnaire for health units"),
    "education": _l("Questionnaire for schools"),
}


class UnitEntryForm(Form):
    """One unit's row in the campaign form (a sub-form: the CSRF token belongs to the parent)."""

    unit_id = HiddenField()
    included = BooleanField(_l("Takes part"))
    service_volume = StringField(_l("Services in the period"))
    receipt_codes = BooleanField(_l("Uses receipt codes"))
    kiosk_without_codes = BooleanField(_l("Its kiosk takes answers without a code"))


class CampaignForm(FlaskForm):
    """Name, period, a questionnaire per sector, and the units taking part with their service volume."""

    name = StringField(_l("Campaign name"), validators=[DataRequired(_l("Enter the campaign name")),
                                                        Length(max=200, message=_l("Use at most 200 characters"))])
    starts_on = DateField(_l("First day"), validators=[DataRequired(_l("Enter the first day of the campaign"))])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(_l("Enter the last day of the campaign"))])
    late_days = IntegerField(_l("Days late answers are still counted"), default=0,
                             validators=[InputRequired(_l("Enter a number of days between 0 and 30")),
                                         NumberRange(0, 30, _l("Enter a number of days between 0 and 30"))])
    questionnaire_one_stop = SelectField(QUESTIONNAIRE_LABELS["one_stop"], validate_choice=False)
    questionnaire_health = SelectField(QUESTIONNAIRE_LABELS["health"], validate_choice=False)
    questionnaire_education = SelectField(QUESTIONNAIRE_LABELS["education"], validate_choice=False)
    units = FieldList(FormField(UnitEntryForm))

    def questionnaire_field(self, sector: str) -> SelectField:
        return getattr(self, f"questionnaire_{sector}")

    def set_questionnaire_choices(self, choices: dict[str, list[SelectChoice]]) -> None:
        for sector in SECTORS:
            self.questionnaire_field(sector).choices = choices.get(sector, [])

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the checks that look at several fields: period order, units, questionnaires."""
        valid = super().validate(extra_validators)
        if self.starts_on.data and self.ends_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append(_l("Enter a last day on or after the first day"))
            valid = False
        included = [entry.form for entry in self.units if entry.form.included.data]
        if not included:
            self.form_errors.append(_l("Choose at least one unit taking part"))
            return False
        for entry in included:
            text = (entry.service_volume.data or "").strip()
            # ASCII digits only ("²" is a digit to str.isdigit but not to int), and within the database's integer
            if not (text.isascii() and text.isdigit() and len(text) <= 9) or int(text) < 1:
                entry.service_volume.errors = [_l("Enter the number of services in the period, "
                                                  "a whole number of at least 1")]
                valid = False
        return valid

    def check_questionnaires(self, sectors_in_use: set[str]) -> bool:
        """Each sector with a unit taking part needs one of its questionnaires chosen."""
        valid = True
        for sector in sorted(sectors_in_use):
            field = self.questionnaire_field(sector)
            if field.data not in {choice.value for choice in field.choices}:
                field.errors = list(field.errors) + [_l("Choose the questionnaire these units will answer")]
                valid = False
        return valid


class PlannerForm(FlaskForm):
    """The precision wanted; read from the query string, so it has no CSRF token."""

    class Meta:
        csrf = False

    margin = SelectField(_l("Margin of error"), default="0.05",
                         choices=[SelectChoice(value, formats.lazy_percent(float(value), prefix="± "))
                                  for value in ("0.03", "0.05", "0.07", "0.1")])
    expected_rate = IntegerField(_l("Expected satisfaction rate (%)"), default=50,
                                 validators=[InputRequired(_l("Enter a number between 1 and 99")),
                                             NumberRange(1, 99, _l("Enter a number between 1 and 99"))])
    level = SelectField(_l("Confidence level"), default="0.95",
                        choices=[SelectChoice(value, formats.lazy_percent(float(value)))
                                 for value in ("0.9", "0.95", "0.99")])


class SaveQuotasForm(FlaskForm):
    """Carries the planner's settings to the POST that stores the quotas."""

    margin = HiddenField()
    expected_rate = HiddenField()
    level = HiddenField()


class ReceiptCodesForm(FlaskForm):
    count = IntegerField(_l("Number of codes"), default=100,
                         validators=[InputRequired(_l("Enter a number between 1 and 2000")),
                                     NumberRange(1, 2000, _l("Enter a number between 1 and 2000"))])


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the unit code")),
                                               Length(max=40, message=_l("Use at most 40 characters"))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the unit name")),
                                               Length(max=200, message=_l("Use at most 200 characters"))])
    sector = SelectField(_l("Sector"))
    level = SelectField(_l("Level"))
    area = StringField(_l("Area"), validators=[Optional(), Length(max=100, message=_l(
        "Use at most 100 characters"))])
    default_locale = SelectField(_l("Default language"))


class LevelForm(FlaskForm):
    """A level the province places units at: a short code (used in CSV files) and its name."""

    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Enter the level code")),
        Regexp(r"^[a-z0-9_]{1,20}$", message=_l("Use 1 to 20 lower-case letters, digits or _, e.g. commune"))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the level name")),
                                               Length(max=100, message=_l("Use at most 100 characters"))])
    position = IntegerField(_l("Position in lists"), default=1, validators=[
        InputRequired(_l("Enter a number between 1 and 99")),
        NumberRange(1, 99, _l("Enter a number between 1 and 99"))])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file"))])
    campaign = SelectField(_l("Add the units to this campaign, with their service volume"), default="")


class UserForm(FlaskForm):
    """An account's email, name, role and (for agency accounts) units."""

    email = StringField(_l("Email address"), validators=[DataRequired(_l("Enter the email address"))])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200, message=_l("Use at most 200 characters"))])
    role = SelectField(_l("Role"), choices=[
        SelectChoice("agency", _l("Agency: sees its own units only")),
        SelectChoice("province_admin", _l("Province administrator: sees and manages everything")),
        SelectChoice("translator", _l("Translator: records the spoken prompts of one language, sees no answers")),
    ])
    # Choices: the languages of the translations folder (set by the view).
    language = SelectField(_l("Language (translator accounts)"), choices=[], validate_choice=False)
    units = SelectMultipleField(_l("Units (agency accounts)"), coerce=int, widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a password"))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"),
                            validators=[EqualTo("password", _l("Enter the same password twice"))],
                            render_kw={"autocomplete": "new-password"})


class NewUserForm(UserForm):
    password = PasswordForm.password
    confirm = PasswordForm.confirm
