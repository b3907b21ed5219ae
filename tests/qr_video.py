"""A still Y4M video of a QR code, for Chromium's fake camera (`--use-file-for-fake-video-capture`)."""

import segno

WIDTH, HEIGHT = 640, 480  # even sizes only: Chromium silently plays odd ones as a 2x2 video
WHITE, BLACK, NEUTRAL_CHROMA = 235, 16, 128
SCALE = 12
FRAMES = 30


def y4m_of_qr_code(payload: str) -> bytes:
    """A still video of the QR code: black modules on a white frame, ~1 s at 30 frames per second."""
    rows = [list(row) for row in segno.make_qr(payload).matrix_iter(scale=SCALE, border=4)]
    size = len(rows)
    assert size <= HEIGHT, "the QR code must fit in the frame"
    top, left = (HEIGHT - size) // 2, (WIDTH - size) // 2
    luma = bytearray([WHITE]) * (WIDTH * HEIGHT)
    for y, row in enumerate(rows):
        start = (top + y) * WIDTH + left
        luma[start : start + size] = bytes(BLACK if dark else WHITE for dark in row)
    chroma = bytes([NEUTRAL_CHROMA]) * (WIDTH // 2 * HEIGHT // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode()
    return header + frame * FRAMES
