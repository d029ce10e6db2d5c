# cython: language_level=3
"""Plain GBK bytes decoded as Python's GB18030 codec decodes them, in one pass over a table.

"Plain": ASCII and two-byte characters only, which is what GB2312/GBK pages are. For
anything else (GB18030's four-byte characters, bytes the codec would replace, a character cut
off at the end) ``decode_gbk`` gives None and ``document.py`` asks the codec itself. The codec
takes about 60 instructions a character; this, a handful. ``tests/test_pages.py`` holds the
two to the same text.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc

cdef extern from "Python.h":
    ctypedef unsigned short Py_UCS2
    int PyUnicode_2BYTE_KIND
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)

# One entry per lead byte (0x81-0xFE) and trail byte (0x40-0xFE): the character, or 0 where
# the codec does not make one character of the pair (0x7F is no trail byte).
cdef Py_UCS2 _TABLE[126 * 191]


def _fill() -> None:
    pairs = [(lead, trail) for lead in range(0x81, 0xFF) for trail in range(0x40, 0xFF)
             if trail != 0x7F]
    text = b"".join(bytes(pair) for pair in pairs).decode("gb18030")
    if len(text) != len(pairs):
        raise ImportError("the gb18030 codec does not read each GBK pair as one character")
    for (lead, trail), char in zip(pairs, text):
        if char != "\ufffd":
            _TABLE[(lead - 0x81) * 191 + trail - 0x40] = ord(char)


_fill()


def decode_gbk(bytes body not None):
    """``body`` decoded as ``codecs.getincrementaldecoder("gb18030")("replace")`` decodes it
    with ``final=False``, when it is ASCII and two-byte characters only; else None."""
    cdef const unsigned char* data = body
    cdef Py_ssize_t size = len(body), i = 0, n = 0
    cdef unsigned char byte, trail
    cdef Py_UCS2 char
    cdef Py_UCS2* out = <Py_UCS2*>PyMem_Malloc((size or 1) * sizeof(Py_UCS2))
    if out is NULL:
        raise MemoryError()
    try:
        while i < size:
            byte = data[i]
            if byte < 0x80:
                out[n] = byte
                i += 1
            else:
                if byte == 0x80 or byte == 0xFF or i + 1 == size:
                    return None
                trail = data[i + 1]
                if trail < 0x40 or trail == 0xFF:
                    return None
                char = _TABLE[(byte - 0x81) * 191 + trail - 0x40]
                if char == 0:
                    return None
                out[n] = char
                i += 2
            n += 1
        return PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, out, n)
    finally:
        PyMem_Free(out)
