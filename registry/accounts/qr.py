"""A QR code as inline SVG, drawn on the server: no image service, no JavaScript."""

import qrcode
import qrcode.image.svg

__all__ = ["qr_svg"]


def qr_svg(text: str) -> str:
    """The SVG element (no XML declaration) of a QR code for `text`."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=14, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]
