"""A jointed side-view figure: segment lengths, joint angles, forward kinematics.

Coordinates are the SVG's: x to the right, y down, angles in degrees with 0
pointing right and 90 pointing down. Every figure faces the same way as its
trunk turned a quarter clockwise ("front" is the trunk's angle + 90): standing
upright (trunk -90) it faces right; on its back with the head to the left
(trunk 180) it faces the ceiling; on hands and knees with the head to the right
(trunk 0) it faces the floor.

Joint angles are anatomical, so a pose reads like a physio's notes:
flexion brings a limb forwards, 0 is the limb hanging along the body.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

Point = tuple[float, float]


@dataclass(frozen=True)
class Body:
    """Segment lengths, in SVG units (about half a centimetre of an adult)."""

    head_radius: float = 6.5
    neck: float = 4.0
    trunk: float = 26.0  # pelvis to shoulders
    upper_arm: float = 15.0
    forearm: float = 16.0  # elbow to the middle of the hand
    thigh: float = 21.5
    shin: float = 21.0
    foot: float = 9.0  # ankle to toes


BODY = Body()


@dataclass(frozen=True)
class Arm:
    shoulder: float = 0.0  # flexion: 0 along the body, 90 forwards, 180 overhead, <0 behind
    elbow: float = 0.0  # flexion: 0 straight


@dataclass(frozen=True)
class Leg:
    hip: float = 0.0  # flexion: 0 in line with the trunk, 90 thigh forwards, <0 behind
    knee: float = 0.0  # flexion: 0 straight
    ankle: float = 0.0  # plantar flexion: 0 foot at right angles to the shin


@dataclass(frozen=True)
class Pose:
    """One keyframe. The root is the pelvis: its x, and the trunk's angle.

    The pelvis's height comes from `rests_on`: the named joint lies on the
    floor line, so a pose never floats or sinks when its angles change.
    `near` limbs are on the viewer's side, `far` limbs behind the body.
    """

    trunk: float
    neck: float = 0.0  # head tilt: positive turns the face down towards the chest
    near_arm: Arm = field(default_factory=Arm)
    far_arm: Arm = field(default_factory=Arm)
    near_leg: Leg = field(default_factory=Leg)
    far_leg: Leg = field(default_factory=Leg)
    pelvis_x: float = 0.0
    rests_on: str = "pelvis"
    lift: float = 0.0  # the `rests_on` joint this far above the floor (e.g. a pillow)


# Each segment: its parent, whether it hangs from the parent's end (or start),
# and its angle relative to the parent, from the pose. The renderer nests SVG
# groups in exactly this order, so what is tested is what is drawn.
SEGMENTS: dict[str, tuple[str | None, bool]] = {
    "trunk": (None, False),
    "neck": ("trunk", True),
    "far_upper_arm": ("trunk", True),
    "far_forearm": ("far_upper_arm", True),
    "near_upper_arm": ("trunk", True),
    "near_forearm": ("near_upper_arm", True),
    "far_thigh": ("trunk", False),
    "far_shin": ("far_thigh", True),
    "far_foot": ("far_shin", True),
    "near_thigh": ("trunk", False),
    "near_shin": ("near_thigh", True),
    "near_foot": ("near_shin", True),
}

# Joint names for tests and motion paths: where each segment ends.
JOINT_AT_END = {
    "trunk": "shoulder",
    "neck": "head",
    "far_upper_arm": "far_elbow",
    "far_forearm": "far_hand",
    "near_upper_arm": "near_elbow",
    "near_forearm": "near_hand",
    "far_thigh": "far_knee",
    "far_shin": "far_ankle",
    "far_foot": "far_toes",
    "near_thigh": "near_knee",
    "near_shin": "near_ankle",
    "near_foot": "near_toes",
}


def relative_angles(pose: Pose) -> dict[str, float]:
    """Each segment's angle in its parent's frame (an SVG `rotate()`)."""
    angles = {"trunk": pose.trunk, "neck": pose.neck}
    for side in ("near", "far"):
        arm: Arm = getattr(pose, f"{side}_arm")
        leg: Leg = getattr(pose, f"{side}_leg")
        angles[f"{side}_upper_arm"] = 180 - arm.shoulder
        angles[f"{side}_forearm"] = -arm.elbow
        angles[f"{side}_thigh"] = 180 - leg.hip
        angles[f"{side}_shin"] = leg.knee
        angles[f"{side}_foot"] = -90 + leg.ankle
    return angles


def length(segment: str, body: Body = BODY) -> float:
    if segment == "neck":
        return body.neck + body.head_radius  # to the centre of the head
    return getattr(body, segment.removeprefix("near_").removeprefix("far_"))


def _chain(pose: Pose, pelvis: Point, body: Body) -> dict[str, Point]:
    joints = {"pelvis": pelvis}
    absolute: dict[str, float] = {}
    relative = relative_angles(pose)
    for segment, (parent, from_end) in SEGMENTS.items():
        absolute[segment] = absolute.get(parent, 0.0) + relative[segment]
        if parent is None:
            start = pelvis
        elif from_end:
            start = joints[JOINT_AT_END[parent]]
        else:
            start = joints["pelvis"]
        radians = math.radians(absolute[segment])
        joints[JOINT_AT_END[segment]] = (
            start[0] + length(segment, body) * math.cos(radians),
            start[1] + length(segment, body) * math.sin(radians),
        )
    return joints


def joints(pose: Pose, floor_y: float = 0.0, body: Body = BODY) -> dict[str, Point]:
    """Every joint's position, with the `rests_on` joint on the floor line."""
    trial = _chain(pose, (pose.pelvis_x, 0.0), body)
    ground = trial[pose.rests_on][1]
    offset = floor_y - pose.lift - ground
    return {name: (x, y + offset) for name, (x, y) in trial.items()}


def blend(a: Pose, b: Pose, t: float) -> Pose:
    """A pose part way from `a` to `b`, angle by angle (for motion paths)."""

    def mix(x, y):
        if isinstance(x, int | float):
            return x + (y - x) * t
        if isinstance(x, str):
            return x
        return replace(x, **{f: mix(getattr(x, f), getattr(y, f)) for f in x.__dataclass_fields__})

    return mix(a, b)
