"""Small but genuine files of each kind (their first bytes are what the checks look at)."""

from pathlib import Path

#: A real video (2 s, 64x48, H.264 + AAC, 4 KB): video uploads are probed and converted by the worker.
MP4 = (Path(__file__).parent / "sample.mp4").read_bytes()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + bytes(100)
GCODE = b"%\nO2000 (CONTOUR)\nN10 G21 G90 G17\nN20 G00 X0 Y0\nN30 G01 X10 F200\nN40 M30\n%\n"
DXF = b"0\nSECTION\n2\nENTITIES\n0\nLINE\n8\n0\n10\n0.0\n20\n0.0\n11\n10.0\n21\n0.0\n0\nENDSEC\n0\nEOF\n"
