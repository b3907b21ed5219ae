"""Image files generated for the upload tests (never fixtures from the network)."""

import io
import struct
import zlib

from PIL import ExifTags, Image

GPS_LATITUDE = ((48.0, 1.0), (51.0, 1.0), (29.0, 1.0))


def image_bytes(
    fmt: str = "JPEG", size=(600, 900), *, color=(200, 40, 40), gps: bool = False, orientation=None
):
    image = Image.new("RGB", size, color)
    # A second colour block so that resizing and orientation can be checked.
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1] // 4))
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif[ExifTags.Base.Model] = "Phone 12"
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    options = {"exif": exif.tobytes()} if (gps or orientation is not None) else {}
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


PNG_GREY, PNG_RGB, PNG_RGBA = 0, 2, 6  # colour types of the PNG header


def png_header_only(width: int, height: int, colour_type: int = PNG_GREY) -> bytes:
    """A tiny PNG file that claims huge dimensions (a decompression bomb's header). Its pixel data is a
    few bytes: a decoder that gets past the header finds it cut short (unreadable)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
