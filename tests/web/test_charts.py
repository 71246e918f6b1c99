"""The SVG timeline renderer: pure Python, the same picture for page, e-mail and PDF."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from pactline.reports.charts import TimelineItem, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
TODAY = dt.date(2027, 2, 1)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_one_row_per_item_with_titles_and_a_today_line():
    svg = timeline_svg(
        [
            TimelineItem("Kick-off", dt.date(2027, 1, 15), health="overdue"),
            TimelineItem("Go-live", dt.date(2027, 6, 1), dt.date(2027, 5, 1), health="on_track"),
            TimelineItem("Payment", None, health="unscheduled"),
        ],
        TODAY,
        title="Timeline of ACME-001",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == (
        "Timeline of ACME-001: 3 milestones, 1 late; today is 2027-02-01"
    )
    rows = root.findall(f"{SVG}g[@class='row']")
    assert len(rows) == 3
    titles = [r.find(f"{SVG}title").text for r in rows]
    assert titles[0] == "Kick-off: due 2027-01-15 (overdue)"
    assert titles[1] == "Go-live: due 2027-06-01 (on track), baseline 2027-05-01 (+31 days)"
    assert titles[2] == "Payment: no due date (not scheduled)"
    today = root.find(f"{SVG}g[@class='today']")
    assert today.find(f"{SVG}title").text == "Today, 2027-02-01"
    assert today.find(f"{SVG}line").get("class") == "today-line"


def test_late_milestones_are_red_others_not():
    svg = timeline_svg(
        [
            TimelineItem("Late", dt.date(2027, 1, 15), health="overdue"),
            TimelineItem("Done late", dt.date(2027, 1, 10), health="done_late"),
            TimelineItem("Fine", dt.date(2027, 3, 1), health="on_track"),
        ],
        TODAY,
    )
    markers = parse(svg).iter(f"{SVG}polygon")
    colours = {m.get("class"): m.get("fill") for m in markers}
    assert colours["marker late"] == "#d92d20"
    assert colours["marker on_track"] == "#1849a9"


def test_markers_sit_in_date_order_and_baseline_only_when_different():
    svg = timeline_svg(
        [
            TimelineItem("A", dt.date(2027, 3, 1), dt.date(2027, 3, 1)),
            TimelineItem("B", dt.date(2027, 9, 1), dt.date(2027, 8, 1)),
        ],
        TODAY,
    )
    root = parse(svg)
    xs = [float(p.get("points").split(",")[0]) for p in root.iter(f"{SVG}polygon")]
    assert xs[0] < xs[1]
    baselines = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "baseline"]
    assert len(baselines) == 1
    assert float(baselines[0].get("cx")) < xs[1]


def test_text_is_escaped_and_long_labels_shortened():
    svg = timeline_svg(
        [TimelineItem('<script>"R&D" phase one of the very long programme', dt.date(2027, 3, 1))],
        TODAY,
    )
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    label = next(t for t in root.iter(f"{SVG}text") if t.text and "R&D" in t.text)
    assert label.text.endswith("…") and len(label.text) <= 30


def test_empty_timeline_still_renders():
    root = parse(timeline_svg([], TODAY))
    assert any(t.text == "No milestones yet" for t in root.iter(f"{SVG}text"))
    assert root.find(f"{SVG}g[@class='today']") is not None


def test_range_covers_contract_term_and_ticks_are_labelled():
    svg = timeline_svg(
        [TimelineItem("A", dt.date(2027, 3, 1))],
        TODAY,
        start=dt.date(2027, 1, 4),
        end=dt.date(2028, 12, 31),
    )
    labels = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert "Jan 2028" in labels


def test_long_ranges_thin_out_the_labels():
    svg = timeline_svg([TimelineItem("Far", dt.date(2199, 1, 1))], TODAY)
    labels = [t.text for t in parse(svg).iter(f"{SVG}text") if t.text and t.text.isdigit()]
    assert 3 <= len(labels) <= 15
    assert all(int(label) % 10 == 0 for label in labels)
