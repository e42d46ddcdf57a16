"""The built-in illustrations: one per seeded exercise, accessible, small, and true to the notes.

The geometry tests compute the joints from the pose data (what the SVG draws,
joint by joint) and check each exercise's key fact from PRODUCT.md.
"""

import gzip
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.urls import reverse

from protocols.illustrations import ILLUSTRATIONS, illustration_svg, thumbnail_svg
from protocols.illustrations.figure import BODY, Point, joints
from protocols.illustrations.poses import ON_FLOOR
from protocols.models import Exercise
from tests.conftest import clear_safety_gate

SVG = "{http://www.w3.org/2000/svg}"
FIXTURE = Path(__file__).resolve().parent.parent / "protocols/fixtures/lower_back_relief.json"
SEEDED = [
    entry["fields"]["slug"]
    for entry in json.loads(FIXTURE.read_text())
    if entry["model"] == "protocols.exercise"
]
LEG = BODY.thigh + BODY.shin


def interior_angle(a: Point, vertex: Point, b: Point) -> float:
    """The angle at `vertex` between the lines to `a` and `b`, in degrees."""
    first = math.atan2(a[1] - vertex[1], a[0] - vertex[0])
    second = math.atan2(b[1] - vertex[1], b[0] - vertex[0])
    angle = abs(math.degrees(first - second)) % 360
    return 360 - angle if angle > 180 else angle


def direction(a: Point, b: Point) -> float:
    """The SVG angle of the line from `a` to `b`: -90 is straight up."""
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 (our own markup, not untrusted input)


def on_floor(point, tolerance=1.0) -> bool:
    """The floor line is y = 0; a limb on it has its centre half a thickness above."""
    return abs(point[1] + ON_FLOOR) <= tolerance


def height(point) -> float:
    return -point[1] - ON_FLOOR


def frames(slug):
    return [joints(pose) for pose in ILLUSTRATIONS[slug].frames]


def close(a, b, tolerance=3.0) -> bool:
    return math.dist(a, b) <= tolerance


def angle_between(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


# --- Every seeded exercise has a picture, accessible and small ----------------


def test_every_seeded_exercise_has_an_illustration():
    assert len(SEEDED) == 7
    assert set(SEEDED) == set(ILLUSTRATIONS)


@pytest.mark.parametrize("slug", SEEDED)
def test_the_svg_parses_and_names_what_it_shows(slug):
    markup = str(illustration_svg(slug))
    root = parse(markup)
    svgs = root.findall(f"{SVG}svg")
    assert svgs, "no svg"
    for svg in svgs:
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        title = svg.find(f"{SVG}title")
        desc = svg.find(f"{SVG}desc")
        assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
        assert ILLUSTRATIONS[slug].title in title.text
        assert len(desc.text.split()) >= 20, "a description a person could follow"
    assert "style=" not in markup  # the CSP forbids style attributes
    assert "<script" not in markup


@pytest.mark.parametrize("slug", SEEDED)
def test_each_illustration_is_at_most_8_kb_compressed(slug):
    assert len(gzip.compress(str(illustration_svg(slug)).encode())) <= 8 * 1024


@pytest.mark.parametrize("slug", SEEDED)
def test_the_moving_limb_is_not_shown_by_colour_alone(slug):
    markup = str(illustration_svg(slug))
    # Highlighted limbs are drawn hollow: a white core path over each coloured one.
    assert markup.count('class="b m"') == markup.count('class="c"') > 0


@pytest.mark.parametrize("slug", SEEDED)
def test_a_still_pair_always_and_motion_only_where_motion_is_the_point(slug):
    root = parse(illustration_svg(slug))
    kinds = [svg.get("class") for svg in root.findall(f"{SVG}svg")]
    animated = slug in {
        "side-lying-thoracic-sweep",
        "hip-cars",
        "hamstring-lowering",
        "worlds-greatest-stretch",
    }
    assert kinds == (["illo-still", "illo-motion"] if animated else ["illo-still"])
    assert ("has-motion" in root.get("class")) == animated


@pytest.mark.parametrize("slug", SEEDED)
def test_animations_stop_within_5_seconds_so_no_pause_control_is_needed(slug):
    """WCAG 2.2.2: motion that starts by itself and lasts more than 5 s needs a pause."""
    root = parse(illustration_svg(slug))
    for animation in root.iter(f"{SVG}animateTransform"):
        assert animation.get("repeatCount") is None  # plays once
        assert float(animation.get("dur").removesuffix("s")) <= 5
        assert animation.get("fill") == "freeze"
        assert animation.get("additive") == "sum"


def test_still_frames_carry_no_animation():
    for slug in SEEDED:
        still = parse(illustration_svg(slug)).find(f"{SVG}svg")
        assert list(still.iter(f"{SVG}animateTransform")) == []


def test_thumbnails_are_decorative_beside_the_name():
    for slug in SEEDED:
        svg = parse(thumbnail_svg(slug))
        assert svg.get("aria-hidden") == "true"
        assert svg.find(f"{SVG}title") is None


def test_an_exercise_without_an_illustration_gets_none():
    assert illustration_svg("a-coachs-own-exercise") == ""
    assert thumbnail_svg("") == ""


# --- Each picture's key fact, from the pose data ------------------------------


def test_sweep_lies_on_one_side_knees_stacked_and_still_top_arm_sweeps_over_and_behind():
    start, end = frames("side-lying-thoracic-sweep")
    for frame in (start, end):
        assert interior_angle(frame["shoulder"], frame["pelvis"], frame["near_knee"]) == (
            pytest.approx(90, abs=5)
        )
        assert interior_angle(frame["pelvis"], frame["near_knee"], frame["near_ankle"]) == (
            pytest.approx(90, abs=5)
        )
        assert close(frame["near_knee"], frame["far_knee"], 0.5)  # stacked, together
        assert close(frame["near_knee"], start["near_knee"], 0.5)  # and they stay
    front = ILLUSTRATIONS["side-lying-thoracic-sweep"].frames[0].trunk + 90
    for hand in ("near_hand", "far_hand"):  # both arms straight out in front
        assert angle_between(direction(start["shoulder"], start[hand]), front) < 5
    # The top arm ends behind the back, having passed beyond the head: a wide arc.
    assert angle_between(direction(end["shoulder"], end["near_hand"]), front) > 150
    assert "pillow" in ILLUSTRATIONS["side-lying-thoracic-sweep"].props
    from protocols.illustrations.render import trace_points

    arc = trace_points(ILLUSTRATIONS["side-lying-thoracic-sweep"], "near_hand")
    assert min(x for x, _ in arc) < start["head"][0]
    assert all(math.dist(p, start["shoulder"]) > 25 for p in arc)  # the arm stays long


def test_hip_cars_stand_holding_a_wall_knee_in_front_then_behind():
    illustration = ILLUSTRATIONS["hip-cars"]
    assert "wall" in illustration.props
    front, side, behind, down = frames("hip-cars")
    for frame in (front, side, behind, down):
        assert abs(frame["shoulder"][0] - frame["pelvis"][0]) < 0.5  # trunk upright, still
        assert close(frame["pelvis"], front["pelvis"], 0.5)
        assert on_floor(frame["far_ankle"]) and on_floor(frame["far_toes"])
        knee = interior_angle(frame["pelvis"], frame["far_knee"], frame["far_ankle"])
        assert 160 < knee < 179  # the standing knee soft, not locked
        hand = frame["near_hand"]  # reaching forward to the wall, at chest height
        assert hand[0] > max(x for name, (x, _) in frame.items() if name != "near_hand") - 0.5
    assert front["near_knee"][0] > front["pelvis"][0] + 15  # lifted in front…
    assert abs(front["near_knee"][1] - front["pelvis"][1]) < 6  # …to hip height
    assert behind["near_knee"][0] < behind["pelvis"][0] - 5  # round behind
    assert illustration.still == (0, 2)
    assert illustration.sequence[0] == illustration.sequence[-1] == 3  # from standing, back down


def test_deadbug_hand_presses_the_opposite_knee_while_the_other_arm_and_leg_reach_long():
    start, end = frames("cross-tension-deadbugs")
    for frame in (start, end):
        assert on_floor(frame["pelvis"]) and on_floor(frame["shoulder"])  # low back down
        assert close(frame["near_hand"], frame["far_knee"], 4)  # the cross tension
        assert abs(frame["far_knee"][0] - frame["pelvis"][0]) < 2  # that knee over the hip
    # Start: hips and knees at 90°, knees over hips, shins level, arms to the ceiling.
    for side in ("near", "far"):
        assert abs(start[f"{side}_knee"][0] - start["pelvis"][0]) < 2
        assert abs(start[f"{side}_knee"][1] - start[f"{side}_ankle"][1]) < 1
    assert abs(start["far_hand"][0] - start["shoulder"][0]) < 1
    assert start["far_hand"][1] < start["shoulder"][1] - 25
    # End: the free arm back overhead, the opposite leg long, hovering above the floor.
    assert end["far_hand"][0] < end["head"][0] - 10
    assert interior_angle(end["pelvis"], end["near_knee"], end["near_ankle"]) > 175
    assert 2 < height(end["near_ankle"]) < 12
    assert ILLUSTRATIONS["cross-tension-deadbugs"].moving == {"far_arm", "near_leg"}


def test_rockback_is_on_hands_and_knees_hips_back_towards_the_heels_elbow_down_then_up():
    down, up = frames("rockback-t-spine-rotations")
    for frame in (down, up):
        for joint in ("near_knee", "far_knee", "near_ankle", "far_ankle", "far_hand"):
            assert on_floor(frame[joint], 1.5), joint
        # Hips sat back: nearer the heels than the knees, hip deeply bent.
        assert abs(frame["pelvis"][0] - frame["near_ankle"][0]) < abs(
            frame["pelvis"][0] - frame["near_knee"][0]
        )
        assert interior_angle(frame["shoulder"], frame["pelvis"], frame["near_knee"]) < 75
        assert close(frame["near_hand"], frame["head"], BODY.head_radius + 2)  # hand behind head
    assert down["near_elbow"][1] > down["shoulder"][1] + 10  # elbow turned down
    assert up["near_elbow"][1] < up["shoulder"][1] - 10  # elbow up to the ceiling


def test_glute_bridge_top_has_knee_hip_and_shoulder_in_a_line():
    start, top = frames("single-leg-glute-bridge")
    assert on_floor(start["pelvis"]) and on_floor(start["shoulder"])
    for frame in (start, top):
        assert on_floor(frame["near_ankle"]) and on_floor(frame["near_toes"])  # foot flat
        # The other leg straight, in line with the working thigh.
        assert interior_angle(frame["pelvis"], frame["far_knee"], frame["far_ankle"]) > 178
        assert (
            angle_between(
                direction(frame["pelvis"], frame["far_knee"]),
                direction(frame["pelvis"], frame["near_knee"]),
            )
            < 2
        )
    assert interior_angle(start["pelvis"], start["near_knee"], start["near_ankle"]) < 100
    assert on_floor(top["shoulder"])
    assert height(top["pelvis"]) > 8  # hips lifted
    assert interior_angle(top["shoulder"], top["pelvis"], top["near_knee"]) == pytest.approx(
        180, abs=1
    )
    assert close(start["near_ankle"], top["near_ankle"], 2)  # the foot stays planted


def test_hamstring_lowering_lies_on_the_back_one_leg_up_the_other_lowered_straight():
    start, end = frames("hamstring-lowering")
    for frame in (start, end):
        # Hips on the floor line: lying on the back, not a kneeling Nordic curl.
        assert on_floor(frame["pelvis"]) and on_floor(frame["shoulder"])
        assert height(frame["near_knee"]) > 4 and height(frame["far_knee"]) > 15
        assert direction(frame["pelvis"], frame["far_ankle"]) == pytest.approx(-90, abs=3)
        for side in ("near", "far"):
            knee = interior_angle(frame["pelvis"], frame[f"{side}_knee"], frame[f"{side}_ankle"])
            assert knee == pytest.approx(180, abs=2)
    assert direction(start["pelvis"], start["near_ankle"]) == pytest.approx(-90, abs=3)
    assert 0 < height(end["near_ankle"]) < LEG * 0.3  # lowered towards the floor


def test_worlds_greatest_stretch_is_a_long_lunge_hand_down_then_the_same_arm_up():
    down, up, *_ = frames("worlds-greatest-stretch")
    for frame in (down, up):
        assert on_floor(frame["near_ankle"]) and on_floor(frame["near_toes"])  # front foot flat
        assert on_floor(frame["far_knee"], 1.5)  # back knee resting on the floor
        assert frame["near_ankle"][0] - frame["far_knee"][0] > BODY.thigh  # a long lunge
        assert on_floor(frame["far_hand"], 1.5)
        assert abs(frame["near_knee"][0] - frame["near_ankle"][0]) < 3  # knee over the ankle
    # Hand on the floor inside the front foot, then the same arm straight up.
    assert on_floor(down["near_hand"], 1.5)
    assert down["near_ankle"][0] - 2 < down["near_hand"][0] < down["near_toes"][0]
    assert direction(up["shoulder"], up["near_hand"]) == pytest.approx(-90, abs=8)
    assert up["near_hand"][1] < up["head"][1] - BODY.head_radius


# --- Where the pictures show ---------------------------------------------------


def test_the_exercise_page_shows_its_illustration_large(client, protocol):
    for exercise in Exercise.objects.all():
        content = client.get(exercise.get_absolute_url()).content.decode()
        assert 'class="illo' in content and "illo-large" in content
        assert f'id="illo-{exercise.slug}-st"' in content


def test_an_exercise_without_a_built_in_picture_shows_none(client, protocol):
    exercise = Exercise.objects.get(slug="hip-cars")
    exercise.slug = "coachs-own-circles"
    exercise.save(update_fields=["slug"])
    response = client.get(exercise.get_absolute_url())
    assert response.status_code == 200
    assert "illo" not in response.content.decode()


def test_the_landing_lists_each_exercise_with_a_thumbnail(client, protocol):
    content = client.get(reverse("protocols:home")).content.decode()
    assert content.count('class="illo-thumb"') == 7


def test_the_step_screen_shows_the_steps_illustration(client, alice, disclaimer, alice_session):
    clear_safety_gate(alice)
    client.force_login(alice)
    content = client.get(alice_session.get_absolute_url()).content.decode()
    assert re.search(r'<div class="illo has-motion illo-step">', content)
    assert 'id="illo-side-lying-thoracic-sweep-st"' in content
