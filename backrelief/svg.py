"""Numbers written into SVG markup, by the charts and the illustrations alike."""


def svg_number(value: float) -> str:
    """A coordinate as SVG wants it, to a tenth: "12.5", "40", "0"; never "12,5", "4e+01" or "-0".

    Written by hand rather than through a template, whose localisation would put a
    decimal comma in some languages.
    """
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text
