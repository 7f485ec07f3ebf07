"""Small random style choices shared by all layouts (ink, paper, spacing)."""


def apply_display(text, display):
    """Insert a format's display mask: '## # ### ##' + '01A123BC' -> '01 A 123 BC'."""
    if not display or display.count("#") != len(text):
        return text
    chars = iter(text)
    return "".join(next(chars) if c == "#" else c for c in display)


def jitter_rgb(rng, rgb, spread=12):
    return tuple(int(min(255, max(0, c + rng.integers(-spread, spread + 1)))) for c in rgb)


def white_paper(rng):
    """Retro-reflective white ages to cream or grey; never pure white in a photo."""
    base = 250 - int(rng.integers(0, 22))
    return jitter_rgb(rng, (base, base, base - int(rng.integers(0, 10))), 5)


def black_ink(rng):
    v = int(rng.integers(5, 45))
    return (v, v, v + int(rng.integers(0, 8)))


def text_style(rng, gap=(0.08, 0.2), squeeze=(0.88, 1.08)):
    """Tracking, horizontal squeeze and stroke weight of one plate's characters."""
    return dict(gap=float(rng.uniform(*gap)), squeeze=float(rng.uniform(*squeeze)),
                weight=int(rng.choice([-1, 0, 0, 1, 1, 2])))


def emboss(rng, ink):
    """Shade cast by raised characters; most plates are embossed, some printed flat."""
    if rng.random() < 0.35:
        return None
    shade = tuple(int(c * 0.5) for c in ink) if sum(ink) > 300 else (90, 90, 90)
    d = float(rng.uniform(0.4, 1.4))
    return (shade, d * rng.choice([-1, 1]), d)


def two_line_height(out_h):
    """Two-line plates are taller than one-line ones at the same character size."""
    return min(160, int(out_h * 1.35))
