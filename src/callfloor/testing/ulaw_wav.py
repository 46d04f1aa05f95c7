"""Reading µ-law WAV files, as recorded samples of calls are kept (tests/data/amd).

The stdlib's ``wave`` reads PCM only (format 1), so the RIFF chunks are walked here: 'fmt ' must
say format 7 (WAVE_FORMAT_MULAW), one channel, 8000 Hz; 'data' holds one octet per sample.
"""

import struct
from pathlib import Path

MULAW_MONO_8K = (7, 1, 8000)


def read_ulaw_wav(path: Path) -> bytes:
    """The µ-law octets of an 8 kHz mono µ-law WAV file; ValueError for anything else."""
    data, offset, fmt = path.read_bytes(), 12, None
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path.name}: not a WAV file")
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        if chunk == b"fmt ":
            fmt = struct.unpack_from("<HHI", data, offset + 8)
        elif chunk == b"data":
            if fmt != MULAW_MONO_8K:
                raise ValueError(f"{path.name}: not 8 kHz mono µ-law")
            return data[offset + 8 : offset + 8 + size]
        offset += 8 + size + size % 2
    raise ValueError(f"{path.name}: no data chunk")
