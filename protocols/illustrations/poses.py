"""The seven seeded exercises as poses: what the pictures show, as numbers.

Each illustration is a few keyframes of one figure (see figure.py for the
angles' meaning). Changing which leg moves, or how far, is a change here.
Seen from the side unless `view` says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from .figure import Arm, Leg, Pose

# Lying figures rest this far above the floor line: half a limb's thickness.
ON_FLOOR = 2.5


@dataclass(frozen=True)
class Illustration:
    title: str
    still_text: tuple[str, str]  # what the start and end pictures show, in words
    motion_text: str  # what the moving picture shows
    frames: tuple[Pose, ...]
    labels: tuple[str, str] = ("Start", "End")
    still: tuple[int, int] = (0, 1)  # the frames shown side by side
    sequence: tuple[int, ...] = (0, 1, 0)  # the animation, through these frames
    animated: bool = False
    trace: tuple[str, ...] = ()  # joints whose path is drawn as a dashed arrow
    trace_steps: int = 1  # how many steps of `sequence` the arrow follows
    trace_loop: bool = False  # a circle, seen edge on: drawn as the oval around the path
    moving: frozenset[str] = frozenset()  # limbs highlighted: "near_arm", "far_leg"…
    props: tuple[str, ...] = ()  # "pillow", "wall", "mat"
    view: str = "side"  # or "above"
    thumbnail: int = 1  # the frame of the small picture in lists


SUPINE = 180.0  # on the back, head to the left: the trunk points left, face up
ARMS_BY_SIDES = Arm(shoulder=0)
HEAD_ON_FLOOR = 22.0  # chin slightly tucked: lifts the head's centre off the floor


ILLUSTRATIONS: dict[str, Illustration] = {
    "side-lying-thoracic-sweep": Illustration(
        title="Side Lying Thoracic Sweep",
        view="above",
        labels=("Start, from above", "End"),
        still_text=(
            "Seen from above. Start: lying on one side with the head on a pillow, hips and "
            "knees bent to right angles and stacked together, both arms straight out in "
            "front at shoulder height, one on top of the other.",
            "End: the top arm, highlighted and drawn hollow, has swept in a wide arc up, "
            "past the head and round behind the back, while the knees stay together where "
            "they were. A dashed arrow shows the hand's path.",
        ),
        motion_text=(
            "Seen from above, lying on one side with hips and knees bent and stacked, head "
            "on a pillow. The top arm, highlighted, sweeps slowly from straight out in front, "
            "up past the head and round behind the back, then returns the same way. "
            "The knees do not move. Plays once; tap the picture to play it again."
        ),
        frames=(
            Pose(
                trunk=SUPINE,
                near_arm=Arm(shoulder=90),
                far_arm=Arm(shoulder=90),
                near_leg=Leg(hip=90, knee=90, ankle=30),
                far_leg=Leg(hip=90, knee=90, ankle=30),
            ),
            Pose(
                trunk=SUPINE,
                neck=-10,
                near_arm=Arm(shoulder=255),
                far_arm=Arm(shoulder=90),
                near_leg=Leg(hip=90, knee=90, ankle=30),
                far_leg=Leg(hip=90, knee=90, ankle=30),
            ),
        ),
        animated=True,
        trace=("near_hand",),
        moving=frozenset({"near_arm"}),
        props=("mat", "pillow"),
    ),
    "hip-cars": Illustration(
        title="Hip CARs",
        labels=("Knee up in front", "Round behind"),
        still_text=(
            "Standing tall, one hand on a wall in front, the standing knee soft. Left: the "
            "other knee, highlighted and drawn hollow, is lifted up in front to hip height.",
            "Right: the same leg has circled out to the side and round behind the body, "
            "knee bent, foot behind. A dashed loop around the hip shows the circle the knee "
            "draws: up in front, out to the side, round behind and down.",
        ),
        motion_text=(
            "Standing, one hand on a wall, standing knee soft, trunk still. The highlighted "
            "leg lifts its knee up in front, takes it out to the side, round behind and back "
            "down, one slow circle. Plays once; tap the picture to play it again."
        ),
        frames=(
            Pose(  # knee up in front
                trunk=-90,
                near_arm=Arm(shoulder=80, elbow=25),
                far_arm=Arm(shoulder=10, elbow=30),
                near_leg=Leg(hip=95, knee=95, ankle=20),
                far_leg=Leg(hip=5, knee=12, ankle=-7),
                rests_on="far_toes",
                lift=ON_FLOOR,
            ),
            Pose(  # out to the side: from the side the thigh looks shorter
                trunk=-90,
                near_arm=Arm(shoulder=80, elbow=25),
                far_arm=Arm(shoulder=10, elbow=30),
                near_leg=Leg(hip=40, knee=100, ankle=20),
                far_leg=Leg(hip=5, knee=12, ankle=-7),
                rests_on="far_toes",
                lift=ON_FLOOR,
            ),
            Pose(  # round behind
                trunk=-90,
                near_arm=Arm(shoulder=80, elbow=25),
                far_arm=Arm(shoulder=10, elbow=30),
                near_leg=Leg(hip=-25, knee=95, ankle=20),
                far_leg=Leg(hip=5, knee=12, ankle=-7),
                rests_on="far_toes",
                lift=ON_FLOOR,
            ),
            Pose(  # down, standing on both feet
                trunk=-90,
                near_arm=Arm(shoulder=80, elbow=25),
                far_arm=Arm(shoulder=10, elbow=30),
                near_leg=Leg(hip=5, knee=12, ankle=-7),
                far_leg=Leg(hip=5, knee=12, ankle=-7),
                rests_on="far_toes",
                lift=ON_FLOOR,
            ),
        ),
        still=(0, 2),
        sequence=(3, 0, 1, 2, 3),
        animated=True,
        trace=("near_knee",),
        trace_steps=4,
        trace_loop=True,
        moving=frozenset({"near_leg"}),
        props=("wall",),
        thumbnail=0,
    ),
    "cross-tension-deadbugs": Illustration(
        title="Cross Tension Deadbugs",
        still_text=(
            "Start: lying on the back, hips and knees bent to right angles so the knees are "
            "over the hips and the shins level, arms reaching to the ceiling; one hand "
            "pushes into the opposite knee.",
            "End: that hand still pushes into its knee, while the other arm, highlighted and "
            "drawn hollow, reaches back overhead and the opposite leg, also highlighted, "
            "straightens long to hover just above the floor. The low back stays down.",
        ),
        motion_text="",
        frames=(
            Pose(
                trunk=SUPINE,
                neck=HEAD_ON_FLOOR,
                near_arm=Arm(shoulder=40),
                far_arm=Arm(shoulder=90),
                near_leg=Leg(hip=90, knee=90, ankle=20),
                far_leg=Leg(hip=90, knee=90, ankle=20),
                lift=ON_FLOOR,
            ),
            Pose(
                trunk=SUPINE,
                neck=HEAD_ON_FLOOR,
                near_arm=Arm(shoulder=40),
                far_arm=Arm(shoulder=168),
                near_leg=Leg(hip=8, knee=0, ankle=30),
                far_leg=Leg(hip=90, knee=90, ankle=20),
                lift=ON_FLOOR,
            ),
        ),
        moving=frozenset({"far_arm", "near_leg"}),
    ),
    "rockback-t-spine-rotations": Illustration(
        title="Rockback T-Spine Rotations",
        labels=("Elbow down", "Elbow up"),
        still_text=(
            "On hands and knees with the hips sat back towards the heels, shins on the "
            "floor, one arm straight with its hand on the floor. Left: the other hand rests "
            "behind the head and that elbow, highlighted and drawn hollow, points down "
            "towards the supporting arm.",
            "Right: the chest has turned open so the same elbow points up to the ceiling, "
            "hand still behind the head; the hips stay back on the heels.",
        ),
        motion_text="",
        frames=(
            Pose(
                trunk=-12,
                neck=10,
                near_arm=Arm(shoulder=88, elbow=142),
                far_arm=Arm(shoulder=126),
                near_leg=Leg(hip=123, knee=135, ankle=90),
                far_leg=Leg(hip=123, knee=135, ankle=90),
                rests_on="near_knee",
                lift=ON_FLOOR,
            ),
            # Seen from the side, the chest's turn shows as the elbow swinging up past
            # the shoulder, the forearm folding back to the head.
            Pose(
                trunk=-12,
                neck=0,
                near_arm=Arm(shoulder=248, elbow=-141),
                far_arm=Arm(shoulder=126),
                near_leg=Leg(hip=123, knee=135, ankle=90),
                far_leg=Leg(hip=123, knee=135, ankle=90),
                rests_on="near_knee",
                lift=ON_FLOOR,
            ),
        ),
        moving=frozenset({"near_arm"}),
        thumbnail=0,
    ),
    "single-leg-glute-bridge": Illustration(
        title="Single Leg Glute Bridge",
        labels=("Start", "Top"),
        still_text=(
            "Start: lying on the back, arms by the sides. One knee, highlighted and drawn "
            "hollow, is bent with its foot flat on the floor; the other leg is straight and "
            "lifted, in line with the bent leg's thigh.",
            "Top: pushing through the heel, the hips have lifted until the knee, hip and "
            "shoulder make one straight line; the straight leg stays in line with the "
            "thigh, the shoulders stay on the floor.",
        ),
        motion_text="",
        frames=(
            Pose(
                trunk=SUPINE,
                neck=HEAD_ON_FLOOR,
                near_arm=ARMS_BY_SIDES,
                far_arm=ARMS_BY_SIDES,
                near_leg=Leg(hip=50, knee=102, ankle=38),
                far_leg=Leg(hip=50, knee=0, ankle=20),
                lift=ON_FLOOR,
            ),
            Pose(
                trunk=SUPINE - 24,
                neck=HEAD_ON_FLOOR + 24,
                near_arm=Arm(shoulder=-24),
                far_arm=Arm(shoulder=-24),
                near_leg=Leg(hip=0, knee=91, ankle=23),
                far_leg=Leg(hip=0, knee=0, ankle=20),
                pelvis_x=-2.3,
                rests_on="shoulder",
                lift=ON_FLOOR,
            ),
        ),
        moving=frozenset({"near_leg"}),
    ),
    "hamstring-lowering": Illustration(
        title="Hamstring Lowering",
        still_text=(
            "Start: lying flat on the back, hips on the floor, arms by the sides, both legs "
            "straight up towards the ceiling.",
            "End: one leg stays straight up; the other, highlighted and drawn hollow, has "
            "been lowered slowly with a straight knee until it is just above the floor. A "
            "dashed arrow shows the foot's path. Not kneeling: the back stays on the floor.",
        ),
        motion_text=(
            "Lying on the back, both legs straight up. One leg stays up; the highlighted leg "
            "lowers slowly, knee straight, towards the floor, then comes back up. "
            "Plays once; tap the picture to play it again."
        ),
        frames=(
            Pose(
                trunk=SUPINE,
                neck=HEAD_ON_FLOOR,
                near_arm=ARMS_BY_SIDES,
                far_arm=ARMS_BY_SIDES,
                near_leg=Leg(hip=90, knee=0, ankle=30),
                far_leg=Leg(hip=90, knee=0, ankle=30),
                lift=ON_FLOOR,
            ),
            Pose(
                trunk=SUPINE,
                neck=HEAD_ON_FLOOR,
                near_arm=ARMS_BY_SIDES,
                far_arm=ARMS_BY_SIDES,
                near_leg=Leg(hip=12, knee=0, ankle=30),
                far_leg=Leg(hip=90, knee=0, ankle=30),
                lift=ON_FLOOR,
            ),
        ),
        animated=True,
        trace=("near_ankle",),
        moving=frozenset({"near_leg"}),
    ),
    "worlds-greatest-stretch": Illustration(
        title="World's Greatest Stretch",
        labels=("Hand down", "Reach up"),
        still_text=(
            "Left: a long lunge, front foot flat with the knee over the ankle, back leg long "
            "with its knee resting on the floor; the trunk leans forward and the hand on the "
            "front leg's side, highlighted and drawn hollow, is on the floor inside the "
            "front foot.",
            "Right: the lunge stays the same, the other hand stays on the floor, and the "
            "highlighted arm has turned and reached straight up to the ceiling, eyes "
            "following it.",
        ),
        motion_text=(
            "A long lunge with the back knee on the floor, one hand on the floor inside the "
            "front foot. That arm, highlighted, turns and reaches slowly up to the ceiling, "
            "then comes back down to the floor. Plays once; tap the picture to play it again."
        ),
        frames=(
            Pose(
                trunk=-25,
                neck=20,
                near_arm=Arm(shoulder=72),
                far_arm=Arm(shoulder=72),
                near_leg=Leg(hip=155, knee=90, ankle=0),
                far_leg=Leg(hip=45, knee=70, ankle=90),
                rests_on="near_toes",
                lift=ON_FLOOR,
            ),
            Pose(
                trunk=-25,
                neck=5,
                near_arm=Arm(shoulder=245),
                far_arm=Arm(shoulder=72),
                near_leg=Leg(hip=155, knee=90, ankle=0),
                far_leg=Leg(hip=45, knee=70, ankle=90),
                rests_on="near_toes",
                lift=ON_FLOOR,
            ),
            # On the way up the arm turns out towards the viewer: seen from the side,
            # the hand passes close to the shoulder rather than swinging out in front.
            Pose(
                trunk=-25,
                neck=-10,
                near_arm=Arm(shoulder=165, elbow=160),
                far_arm=Arm(shoulder=72),
                near_leg=Leg(hip=155, knee=90, ankle=0),
                far_leg=Leg(hip=45, knee=70, ankle=90),
                rests_on="near_toes",
                lift=ON_FLOOR,
            ),
        ),
        sequence=(0, 2, 1, 2, 0),
        animated=True,
        # No arrow: seen from the side the hand's path runs along the raised arm itself.
        moving=frozenset({"near_arm"}),
    ),
}
