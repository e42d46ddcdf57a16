"""Server-rendered SVG of an illustration, from its poses (no path data is stored).

The figure is drawn as nested groups in the order of `figure.SEGMENTS`, one
`rotate()` per joint, so the animation turns joints (SMIL `animateTransform`,
allowed by the CSP) just as the poses describe them. Colours and line styles
live in static/css/app.css, under "Illustrations".
"""

from __future__ import annotations

import html
import itertools
import math

from backrelief.svg import svg_number as _n

from .figure import BODY, SEGMENTS, Pose, blend, joints, length, relative_angles
from .poses import Illustration

MARGIN = 9.0
LABEL_SPACE = 11.0
SAMPLES_PER_STEP = 4  # poses per step of an animation: keeps grounded joints on the floor
ANIMATION_SECONDS = 4.8  # played once: WCAG 2.2.2 needs no pause control under 5 s
LIMB_OF = {
    "near_upper_arm": "near_arm",
    "near_forearm": "near_arm",
    "far_upper_arm": "far_arm",
    "far_forearm": "far_arm",
    "near_thigh": "near_leg",
    "near_shin": "near_leg",
    "near_foot": "near_leg",
    "far_thigh": "far_leg",
    "far_shin": "far_leg",
    "far_foot": "far_leg",
}
# Drawing order among a segment's children: the far side first, hidden behind the body.
_CHILDREN: dict[str | None, list[str]] = {}
for _segment, (_parent, _) in SEGMENTS.items():
    _CHILDREN.setdefault(_parent, []).append(_segment)


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def animation_poses(illustration: Illustration) -> list[Pose]:
    """The keyframes of `sequence`, with poses blended between them."""
    sequence = illustration.sequence
    poses = [illustration.frames[sequence[0]]]
    for start, end in itertools.pairwise(sequence):
        a, b = illustration.frames[start], illustration.frames[end]
        poses += [blend(a, b, i / SAMPLES_PER_STEP) for i in range(1, SAMPLES_PER_STEP + 1)]
    return poses


def _key_times(count: int) -> str:
    steps = (count - 1) // SAMPLES_PER_STEP
    times = [
        (step + _ease(i / SAMPLES_PER_STEP)) / steps
        for step in range(steps)
        for i in range(0 if step == 0 else 1, SAMPLES_PER_STEP + 1)
    ]
    return ";".join(f"{t:.3f}".rstrip("0").rstrip(".") or "0" for t in times)


def _animate(kind: str, deltas: list[str], count: int, begin: str) -> str:
    return (
        f'<animateTransform attributeName="transform" type="{kind}" additive="sum" '
        f'values="{";".join(deltas)}" keyTimes="{_key_times(count)}" '
        f'dur="{ANIMATION_SECONDS}s" begin="{begin}" fill="freeze"/>'
    )


def _segment(name: str, poses: list[Pose], illustration: Illustration, begin: str) -> str:
    parent, from_end = SEGMENTS[name]
    angles = [relative_angles(pose)[name] for pose in poses]
    offset = f"translate({_n(length(parent))} 0) " if parent and from_end else ""
    moves = any(abs(a - angles[0]) > 0.05 for a in angles)
    parts = [f'<g transform="{offset}rotate({_n(angles[0])})">']
    if moves:
        parts.append(_animate("rotate", [_n(a - angles[0]) for a in angles], len(angles), begin))
    if name == "neck":
        parts.append(f'<path class="b" d="M0 0H{_n(BODY.neck)}"/>')
        parts.append(f'<circle class="h" cx="{_n(length("neck"))}" r="{_n(BODY.head_radius)}"/>')
    else:
        limb = LIMB_OF.get(name, "")
        classes = "b" + (" f" if name.startswith("far_") else "")
        d = f"M0 0H{_n(length(name))}"
        if limb in illustration.moving:
            # Highlighted AND drawn hollow, so it stands out without colour too.
            parts.append(f'<path class="b m" d="{d}"/><path class="c" d="{d}"/>')
        else:
            parts.append(f'<path class="{classes}" d="{d}"/>')
    parts += _children(name, poses, illustration, begin)
    parts.append("</g>")
    return "".join(parts)


def _children(name: str, poses, illustration, begin) -> list[str]:
    children = _CHILDREN.get(name, [])
    ordered = [c for c in children if c.startswith("far_")] + [
        c for c in children if not c.startswith("far_")
    ]
    if name == "trunk":
        # The trunk's own line goes between the far limbs and the near ones.
        far = [_segment(c, poses, illustration, begin) for c in ordered if c.startswith("far_")]
        near = [
            _segment(c, poses, illustration, begin) for c in ordered if not c.startswith("far_")
        ]
        return [*far, f'<path class="b" d="M0 0H{_n(BODY.trunk)}"/>', *near]
    return [_segment(c, poses, illustration, begin) for c in ordered]


def figure(poses: list[Pose], illustration: Illustration, begin: str = "") -> str:
    """One figure: the first pose, animated through the others if there are any."""
    pelvis = [joints(pose)["pelvis"] for pose in poses]
    x0, y0 = pelvis[0]
    parts = [f'<g transform="translate({_n(x0)} {_n(y0)})">']
    if any(abs(x - x0) > 0.05 or abs(y - y0) > 0.05 for x, y in pelvis):
        deltas = [f"{_n(x - x0)} {_n(y - y0)}" for x, y in pelvis]
        parts.append(_animate("translate", deltas, len(poses), begin))
    parts.append(_segment("trunk", poses, illustration, begin))
    parts.append("</g>")
    return "".join(parts)


def _around(centre, radius: float) -> list[tuple[float, float]]:
    x, y = centre
    return [(x - radius, y - radius), (x + radius, y + radius)]


def trace_points(illustration: Illustration, joint: str) -> list[tuple[float, float]]:
    """Where `joint` goes over the first `trace_steps` steps of the animation."""
    poses = []
    for step in range(illustration.trace_steps):
        start, end = illustration.sequence[step], illustration.sequence[step + 1]
        a, b = illustration.frames[start], illustration.frames[end]
        poses += [blend(a, b, i / 8) for i in range(0 if step == 0 else 1, 9)]
    return [joints(pose)[joint] for pose in poses]


def _loop_around(points) -> list[tuple[float, float]]:
    """A side view flattens a circle into an arc: show it as the oval around that arc,
    from the bottom up the front, over the top, round the back and down again."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    rx, ry = (max(xs) - min(xs)) / 2 + 2, (max(ys) - min(ys)) / 2 + 2
    start, end = -math.pi / 2, 1.5 * math.pi - 0.35  # up the front first: anticlockwise
    steps = 20
    return [
        (cx + rx * math.cos(t), cy - ry * math.sin(t))
        for t in (start + (end - start) * i / steps for i in range(steps + 1))
    ]


def trace(illustration: Illustration) -> str:
    """The moving joints' paths as dashed lines with an arrowhead at the end."""
    parts = []
    for joint in illustration.trace:
        points = trace_points(illustration, joint)
        if illustration.trace_loop:
            points = _loop_around(points)
        d = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in points)
        (x1, y1), (x2, y2) = points[-2], points[-1]
        angle = math.atan2(y2 - y1, x2 - x1)
        wing = [
            (x2 - 5 * math.cos(angle + s * 0.5), y2 - 5 * math.sin(angle + s * 0.5))
            for s in (-1, 1)
        ]
        (wx1, wy1), (wx2, wy2) = wing
        arrow = f"M{_n(wx1)} {_n(wy1)}L{_n(x2)} {_n(y2)}L{_n(wx2)} {_n(wy2)}"
        parts.append(f'<path class="t" d="{d}"/><path class="ta" d="{arrow}"/>')
    return "".join(parts)


def bounds(illustration: Illustration) -> tuple[float, float, float, float]:
    """The panel around every pose the picture shows, still or moving, and the arrows."""
    poses = [*illustration.frames, *animation_poses(illustration)]
    points = [p for pose in poses for p in joints(pose).values()]
    points += [p for pose in poses for p in _around(joints(pose)["head"], BODY.head_radius + 2)]
    points += [p for joint in illustration.trace for p in trace_points(illustration, joint)]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    low = 0.0 if illustration.view == "side" else max(ys) + MARGIN
    return min(xs) - MARGIN, min(ys) - MARGIN - LABEL_SPACE, max(xs) + MARGIN, low + 3


def props(illustration: Illustration, box) -> str:
    left, top, right, bottom = box
    parts = []
    first = joints(illustration.frames[0])
    for prop in illustration.props:
        if prop == "mat":
            parts.append(
                f'<rect class="mat" x="{_n(left + 2)}" y="{_n(top + LABEL_SPACE)}" '
                f'width="{_n(right - left - 4)}" '
                f'height="{_n(bottom - top - LABEL_SPACE - 3)}" rx="4"/>'
            )
        elif prop == "pillow":
            x, y = first["head"]
            parts.append(f'<ellipse class="p" cx="{_n(x - 1)}" cy="{_n(y)}" rx="10" ry="8"/>')
        elif prop == "wall":
            x = max(joints(pose)["near_hand"][0] for pose in illustration.frames) + 2.5
            parts.append(
                f'<rect class="p" x="{_n(x)}" y="{_n(top + LABEL_SPACE)}" width="4" '
                f'height="{_n(-top - LABEL_SPACE)}"/>'
            )
    if illustration.view == "side":
        parts.append(f'<path class="fl" d="M{_n(left)} 0H{_n(right)}"/>')
    return "".join(parts)


def svg_open(box, width_panels: int, classes: str, labelledby: str = "", **attributes) -> str:
    left, top, right, bottom = box
    panel = right - left
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attributes.items())
    label = f' role="img" aria-labelledby="{labelledby}"' if labelledby else ' aria-hidden="true"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" '
        f'viewBox="{_n(left)} {_n(top)} {_n(panel * width_panels)} {_n(bottom - top)}"'
        f"{label}{extra}>"
    )


def still(slug: str, illustration: Illustration, box) -> str:
    left, top, right, _ = box
    panel = right - left
    ids = f"illo-{slug}-st illo-{slug}-sd"
    start_text, end_text = illustration.still_text
    parts = [
        svg_open(box, 2, "illo-still", ids),
        f'<title id="illo-{slug}-st">{html.escape(illustration.title)}: '
        f"{html.escape(illustration.labels[0].lower())} and "
        f"{html.escape(illustration.labels[1].lower())}</title>",
        f'<desc id="illo-{slug}-sd">{html.escape(start_text)} {html.escape(end_text)}</desc>',
    ]
    for number, frame in enumerate(illustration.still):
        parts.append(f'<g transform="translate({_n(panel * number)} 0)">')
        parts.append(props(illustration, box))
        parts.append(figure([illustration.frames[frame]], illustration))
        if number == 1:
            parts.append(trace(illustration))
        parts.append(
            f'<text class="lb" x="{_n(left + 3)}" y="{_n(top + 8)}">{number + 1} '
            f"{html.escape(illustration.labels[number])}</text></g>"
        )
    parts.append(f'<path class="dv" d="M{_n(right)} {_n(top)}V{_n(box[3])}"/></svg>')
    return "".join(parts)


def motion(slug: str, illustration: Illustration, box) -> str:
    svg_id = f"illo-{slug}-m"
    begin = f"0.3s;{svg_id}.click"
    return "".join(
        [
            svg_open(box, 1, "illo-motion", f"{svg_id}t {svg_id}d", id=svg_id),
            f'<title id="{svg_id}t">{html.escape(illustration.title)}: the movement</title>',
            f'<desc id="{svg_id}d">{html.escape(illustration.motion_text)}</desc>',
            props(illustration, box),
            figure(animation_poses(illustration), illustration, begin),
            trace(illustration),
            "</svg>",
        ]
    )


def thumbnail(illustration: Illustration, box) -> str:
    """A small still of one frame, decorative beside the exercise's name."""
    return "".join(
        [
            svg_open(box, 1, "illo-thumb"),
            props(illustration, box),
            figure([illustration.frames[illustration.thumbnail]], illustration),
            "</svg>",
        ]
    )
