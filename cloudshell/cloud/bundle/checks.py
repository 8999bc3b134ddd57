"""What a bundle's names and manifest may be: the checks every untrusted manifest and listing pass.

A manifest comes from a bucket anyone may have written, unsigned until checked,
so nothing in it is trusted before these checks:

- the prefix is a plain name (the rule of ``-p``), the manifest is
  ``PREFIX.manifest.xml`` and part *i* is ``PREFIX.part.N`` with N = i;
- the bytes hold no DOCTYPE or ENTITY declaration (entity expansion) and
  only an ASCII-compatible encoding, so that is visible before expat runs;
- the part count matches the parts listed and the declared sizes: every part
  holds at least one byte, and the bundle cannot outgrow its image by more
  than tar, gzip and AES add.

Errors are :class:`BadBundle` (exit 2: nothing was done yet).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from typing import Any

from cloudshell.cloud.bundle.errors import BadBundle

MANIFEST_SUFFIX = ".manifest.xml"
MANIFEST_LIMIT = 16 << 20  # a manifest of 100,000 parts is 15 MB
PREFIX_LIMIT = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PART_NUMBER = re.compile(r"[0-9]{1,9}")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_XML_DECL = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_ASCII_ENCODINGS = frozenset({b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1",
                              b"latin1"})


def read_capped(reply: Any, too_big: Callable[[int], Exception], failed: Callable[[str], Exception],
                limit: int = MANIFEST_LIMIT) -> bytes:
    """An S3 object's body read to at most ``limit`` + 1 bytes (the parser refuses the excess).

    ``too_big(length)`` is raised for a declared length past the limit, ``failed(reason)`` for a
    transport failure mid-body; the body is always closed.
    """
    body = reply["Body"]
    try:
        length = reply.get("ContentLength")
        if isinstance(length, int) and length > limit:
            raise too_big(length)
        try:
            return body.read(limit + 1)
        except Exception as exc:  # noqa: BLE001 - any transport failure mid-body
            raise failed(type(exc).__name__) from None
    finally:
        body.close()


def is_plain_prefix(name: str) -> bool:
    """The rule of ``-p PREFIX`` (commands/bundle_inputs.bundle_prefix): a plain file name, no '/',
    not '.' or '..', not an option, no control characters, at most 200 characters."""
    return bool(name) and name not in (".", "..") and "/" not in name and not name.startswith("-") \
        and not _CONTROL.search(name) and len(name) <= PREFIX_LIMIT


def check_prefix(prefix: str, where: str) -> str:
    if not is_plain_prefix(prefix):
        raise BadBundle(f"{where}: bundle prefix {prefix!r} is not a plain name (expected "
                        f"PREFIX{MANIFEST_SUFFIX} with no '/', no leading '-', no control characters)")
    return prefix


def prefix_of_manifest(name: str, where: str) -> str:
    """``PREFIX`` of a manifest file or object name ``PREFIX.manifest.xml`` (checked)."""
    if not name.endswith(MANIFEST_SUFFIX):
        raise BadBundle(f"{where}: {name!r} is not a manifest name (expected PREFIX{MANIFEST_SUFFIX})")
    return check_prefix(name[: -len(MANIFEST_SUFFIX)], where)


def check_part_name(name: str, prefix: str, index: int, where: str) -> str:
    """Part ``index`` must be called ``PREFIX.part.N`` with N = index (``PREFIX.part.07``)."""
    head = f"{prefix}.part."
    number = name[len(head):] if name.startswith(head) else ""
    if not _PART_NUMBER.fullmatch(number) or int(number) != index:
        raise BadBundle(f"{where}: part {index} is named {name!r}, not {prefix}.part.{index:02d} "
                        f"(a bundle's parts are PREFIX.part.N; nothing else is read or written)")
    return name


def check_xml_bytes(data: bytes, where: str) -> None:
    """Refuse what must not reach the XML parser: DOCTYPE/ENTITY declarations, hidden encodings."""
    text = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    if b"\0" in text or text[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise BadBundle(f"{where} is not ASCII or UTF-8 text (a bundle manifest is)")
    declared = _XML_DECL.match(text.lstrip())
    if declared and declared.group(1).strip().lower() not in _ASCII_ENCODINGS:
        raise BadBundle(f"{where} declares the encoding {declared.group(1).decode('ascii', 'replace')!r}; "
                        "a bundle manifest is ASCII or UTF-8")
    found = _DECLARATION.search(text)
    if found:
        raise BadBundle(f"{where} holds a {found.group(1).decode().upper()} declaration: refused "
                        "(a bundle manifest has none, and entities could expand without end)")


def max_bundled_size(image_size: int) -> int:
    """The most bytes a bundle of an ``image_size``-byte image can hold: stored deflate blocks,
    tar headers and records, gzip framing and AES padding add well under 1% + 1 MiB."""
    return image_size + image_size // 100 + (1 << 20)


def check_counts(count: int, listed: int, size: int, bundled_size: int, where: str) -> None:
    """The part count against the parts listed and the declared sizes, before any list is built."""
    if count != listed:
        raise BadBundle(f"{where}: <parts count=\"{count}\"> but {listed} part"
                        f"{' is' if listed == 1 else 's are'} listed")
    if count == 0:
        raise BadBundle(f"{where}: the bundle lists no parts")
    if bundled_size > max_bundled_size(size):
        raise BadBundle(f"{where}: bundled_size {bundled_size} is more than a {size}-byte image "
                        "can bundle into")
    if count > bundled_size:
        raise BadBundle(f"{where}: {count} part{'s' * (count != 1)} cannot hold {bundled_size} bytes "
                        "(every part holds at least one)")
