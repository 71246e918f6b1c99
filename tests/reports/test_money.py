"""Payment and penalty arithmetic against cases worked out by hand (the working is written out)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from pactline.milestones.scheduling import WorkCalendar
from pactline.reports import money
from pactline.reports.money import CapKind, PenaltyKind, PenaltyTerms

MON_FRI = WorkCalendar()
ENGLAND = WorkCalendar(country="GB", subdivision="ENG")


def test_fixed_rate_in_calendar_days_after_grace():
    # Due 1 March, done 11 March: late on 2..11 March = 10 days; 3 days' grace -> 7 days.
    # 7 x 250.00 = 1,750.00
    terms = PenaltyTerms(PenaltyKind.FIXED, D("250.00"), grace_days=3)
    days = money.chargeable_days(date(2027, 3, 1), date(2027, 3, 11), 3, None)
    assert days == 7
    assert money.penalty_amount(terms, days, None, None) == D("1750.00")


def test_percent_of_the_milestone_is_rounded_once_at_the_end():
    # 0.1 % of 123,456.78 a day = 123.45678 a day; 13 days = 1,604.93814 -> 1,604.94
    # (rounding each day first would give 123.46 x 13 = 1,604.98).
    terms = PenaltyTerms(PenaltyKind.PERCENT_MILESTONE, D("0.1"))
    assert money.penalty_amount(terms, 13, D("123456.78"), None) == D("1604.94")


def test_working_days_skip_weekends():
    # Due Friday 5 March 2027, counted to Monday 15 March: 8-12 March (5) + 15 March (1) = 6
    # working days; 2 days' grace -> 4; 4 x 100 = 400.00
    assert money.count_days(date(2027, 3, 5), date(2027, 3, 15), MON_FRI) == 6
    days = money.chargeable_days(date(2027, 3, 5), date(2027, 3, 15), 2, MON_FRI)
    assert days == 4
    terms = PenaltyTerms(PenaltyKind.FIXED, D("100"), working_days=True)
    assert money.penalty_amount(terms, days, None, None) == D("400.00")


def test_working_days_skip_public_holidays():
    # Due Wednesday 24 March 2027, counted to Wednesday 31 March in England: Thu 25 works,
    # Fri 26 is Good Friday, 27-28 the weekend, Mon 29 Easter Monday, Tue 30 and Wed 31 work:
    # 3 working days (7 calendar days).
    assert money.count_days(date(2027, 3, 24), date(2027, 3, 31), ENGLAND) == 3
    assert money.count_days(date(2027, 3, 24), date(2027, 3, 31), None) == 7


def test_nothing_is_charged_on_or_before_the_due_date_or_within_grace():
    assert money.chargeable_days(date(2027, 3, 1), date(2027, 3, 1), 0, None) == 0
    assert money.chargeable_days(date(2027, 3, 1), date(2027, 2, 20), 0, None) == 0
    assert money.chargeable_days(date(2027, 3, 1), date(2027, 3, 4), 5, None) == 0


def test_cap_as_an_amount():
    # 30 days x 1,000.00 = 30,000.00, capped at 5,000.00
    terms = PenaltyTerms(PenaltyKind.FIXED, D("1000"), cap_kind=CapKind.AMOUNT, cap=D("5000"))
    assert money.penalty_amount(terms, 30, None, None) == D("5000.00")


def test_cap_as_a_percentage_of_the_contract_value():
    # 0.5 % of 200,000.00 = 1,000.00 a day; 25 days = 25,000.00;
    # the cap, 10 % of 200,000.00 = 20,000.00, applies.
    terms = PenaltyTerms(
        PenaltyKind.PERCENT_CONTRACT, D("0.5"), cap_kind=CapKind.PERCENT_CONTRACT, cap=D("10")
    )
    assert money.penalty_amount(terms, 25, None, D("200000.00")) == D("20000.00")
    # 15 days = 15,000.00 stays under the cap.
    assert money.penalty_amount(terms, 15, None, D("200000.00")) == D("15000.00")


def test_cap_as_a_percentage_of_the_milestone():
    # 50.00 a day x 40 days = 2,000.00; cap 5 % of 30,000.00 = 1,500.00
    terms = PenaltyTerms(PenaltyKind.FIXED, D("50"), cap_kind=CapKind.PERCENT_MILESTONE, cap=D("5"))
    assert money.penalty_amount(terms, 40, D("30000"), None) == D("1500.00")


def test_waivers():
    # 1,750.00 less a waiver of 500.00 = 1,250.00; less 500 + 2,000 = nothing left (not
    # negative); a waiver without an amount waives everything.
    assert money.after_waivers(D("1750.00"), [D("500")]) == D("1250.00")
    assert money.after_waivers(D("1750.00"), [D("500"), D("2000")]) == D("0.00")
    assert money.after_waivers(D("1750.00"), [D("1"), None]) == D("0.00")


def test_exposure_of_an_open_milestone_accrues_to_today_and_projects_to_the_forecast():
    # Due 20 January, today 1 February: 21 Jan .. 1 Feb = 12 days -> 12 x 100 = 1,200.00.
    # Forecast 10 February: 21 Jan .. 10 Feb = 21 days -> 2,100.00.
    terms = PenaltyTerms(PenaltyKind.FIXED, D("100"))
    found = money.exposure(
        terms,
        date(2027, 1, 20),
        today=date(2027, 2, 1),
        completed_on=None,
        forecast=date(2027, 2, 10),
        cancelled=False,
        milestone_value=None,
        contract_value=None,
        cal=None,
    )
    assert (found.days_accrued, found.accrued) == (12, D("1200.00"))
    assert (found.days_projected, found.projected) == (21, D("2100.00"))


def test_exposure_of_a_completed_milestone_is_final():
    # Due 20 January, done 25 January: 5 days x 100 = 500.00, whatever today and the forecast.
    terms = PenaltyTerms(PenaltyKind.FIXED, D("100"))
    found = money.exposure(
        terms,
        date(2027, 1, 20),
        today=date(2027, 6, 1),
        completed_on=date(2027, 1, 25),
        forecast=date(2027, 3, 1),
        cancelled=False,
        milestone_value=None,
        contract_value=None,
        cal=None,
        waivers=[D("120")],
    )
    assert found.accrued == found.projected == D("380.00")


def test_cancelled_or_undated_milestones_owe_nothing():
    terms = PenaltyTerms(PenaltyKind.FIXED, D("100"))
    common = {
        "today": date(2027, 6, 1),
        "completed_on": None,
        "forecast": None,
        "milestone_value": None,
        "contract_value": None,
        "cal": None,
    }
    assert money.exposure(terms, date(2027, 1, 1), cancelled=True, **common).accrued == 0
    assert money.exposure(terms, None, cancelled=False, **common).projected == 0


def test_retention():
    # 10 % of 12,345.67 = 1,234.567 -> 1,234.57 held back; 11,111.10 paid with the milestone.
    held = money.retention_of(D("12345.67"), D("10"))
    assert held == D("1234.57")
    assert money.net_of_retention(D("12345.67"), held) == D("11111.10")
    assert money.retention_of(None, D("10")) is None


def test_contract_total_cap():
    # 15,000.00 + 9,000.00 = 24,000.00 under a cap of 10 % of 200,000.00 = 20,000.00
    terms = PenaltyTerms(PenaltyKind.FIXED, D("1"), cap_kind=CapKind.PERCENT_CONTRACT, cap=D("10"))
    assert money.cap_total(D("24000.00"), terms, D("200000")) == D("20000.00")
    assert money.cap_total(D("24000.00"), None, D("200000")) == D("24000.00")


def test_totals_by_currency_never_mix_currencies():
    rows = [
        {"currency": "EUR", "due": D("10.00")},
        {"currency": "USD", "due": D("5.00")},
        {"currency": "EUR", "due": D("2.50")},
    ]
    assert money.totals_by_currency(rows, "due") == {
        "EUR": {"due": D("12.50")},
        "USD": {"due": D("5.00")},
    }
