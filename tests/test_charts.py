"""Chart geometry: where the bars, points and labels of the two history charts go."""

import itertools

import pytest
from django.utils import translation

from backrelief.svg import svg_number
from sessions.charts import BOTTOM, LEFT, RIGHT, TOP, WIDTH, bar_chart, pain_chart


def test_the_tallest_bar_fills_the_plot_and_the_others_scale():
    chart = bar_chart([0, 2, 4], ["from 1 Mar", "this week"], height=170)
    baseline = 170 - BOTTOM
    plot_height = 170 - TOP - BOTTOM
    zero, two, four = chart.bars
    assert four.height == plot_height and four.y == TOP
    assert two.height == plot_height / 2 and two.y == baseline - plot_height / 2
    assert zero.height == 0 and zero.y == baseline


def test_bars_are_evenly_spaced_inside_the_plot():
    chart = bar_chart([1] * 12, ["a", "b"])
    xs = [bar.x for bar in chart.bars]
    gaps = {round(b - a, 1) for a, b in itertools.pairwise(xs)}
    assert len(gaps) == 1
    assert chart.bars[0].x >= LEFT
    assert chart.bars[-1].x + chart.bars[-1].width <= WIDTH - RIGHT


def test_no_sessions_draws_flat_bars_on_a_scale_of_one():
    chart = bar_chart([0] * 12, ["a", "b"])
    assert all(bar.height == 0 for bar in chart.bars)
    assert [line.value for line in chart.gridlines] == [0, 1]


def test_gridlines_mark_zero_the_top_and_the_middle_of_a_tall_scale():
    assert [line.value for line in bar_chart([6, 1], ["a", "b"]).gridlines] == [0, 3, 6]
    assert [line.value for line in bar_chart([3, 1], ["a", "b"]).gridlines] == [0, 3]


def test_only_the_first_and_last_columns_are_labelled():
    chart = bar_chart([1] * 12, ["from 1 Mar", "this week"])
    first, last = chart.x_labels
    assert (first.text, first.anchor) == ("from 1 Mar", "start")
    assert (last.text, last.anchor) == ("this week", "end")
    assert first.x == chart.bars[0].x
    assert last.x <= WIDTH - RIGHT


def test_pain_runs_from_zero_at_the_bottom_to_ten_at_the_top():
    chart = pain_chart([0, 10], [5, 5], ["first", "latest"], height=190)
    bottom, top = chart.before.points
    assert bottom.y == 190 - BOTTOM and top.y == TOP
    assert {point.y for point in chart.after.points} == {TOP + (190 - TOP - BOTTOM) / 2}
    assert [line.value for line in chart.gridlines] == [0, 5, 10]


def test_pain_points_span_the_plot_oldest_on_the_left():
    chart = pain_chart([1, 2, 3], [1, 2, 3], ["first", "latest"])
    xs = [point.x for point in chart.before.points]
    assert xs == sorted(xs)
    assert xs[0] == LEFT and xs[-1] == WIDTH - RIGHT


def test_a_session_without_a_rating_leaves_a_gap_in_its_line():
    chart = pain_chart([4, None, 3, 2], [2, 2, None, 1], ["first", "latest"])
    assert len(chart.before.points) == 3
    assert len(chart.before.lines) == 1  # 4 stands alone; 3 and 2 are joined
    assert len(chart.before.lines[0].split()) == 2
    assert len(chart.after.lines) == 1  # 2, 2 joined; 1 alone
    assert len(chart.after.points) == 3


def test_one_session_is_a_point_in_the_middle():
    chart = pain_chart([6], [4], ["5 Mar", "latest"])
    assert chart.before.lines == [] and chart.after.lines == []
    assert chart.before.points[0].x == LEFT + (WIDTH - LEFT - RIGHT) / 2
    assert [label.anchor for label in chart.x_labels] == ["middle"]


def test_no_sessions_draws_nothing():
    chart = pain_chart([], [], [])
    assert chart.before.points == [] and chart.x_labels == []


def test_coordinates_are_written_with_a_decimal_point_in_every_language():
    chart = pain_chart([3, 7], [2, 5], ["a", "b"])
    with translation.override("de"):
        attrs = str(chart.before.points[0].circle_attrs) + str(chart.after.points[0].square_attrs)
        attrs += str(bar_chart([1, 3], ["a", "b"]).bars[0].attrs)
    assert "," not in attrs
    assert 'cx="28"' in attrs
    assert 'r="3.5"' in attrs


@pytest.mark.parametrize(
    ("value", "written"),
    [(12.5, "12.5"), (40.0, "40"), (40, "40"), (-0.04, "0"), (1e-7, "0"), (-3.25, "-3.2")],
)
def test_svg_numbers_are_written_one_way_for_charts_and_illustrations(value, written):
    assert svg_number(value) == written
