"""The import manifest (``FOLDER/NAME.manifest.xml``) as euca2ools 3.4 writes it, and read back checked.

The cloud's conversion reads it through a presigned URL to find the image's
parts in the bucket::

    manifest: version (2010-11-15), file-format (RAW|VMDK|VHD),
      importer(name, version, release), self-destruct-url,
      import(size, volume-size,
             parts[count](part[index](byte-range[start, end], key,
                                      head-url, get-url, delete-url)*))

Read back (resume-import, delete-disk-image) it is untrusted: whoever can write
the bucket wrote it. Before anything is uploaded or deleted, :func:`parse_manifest`
refuses DOCTYPE/ENTITY declarations and hidden encodings, more than
:data:`MANIFEST_LIMIT` bytes, a part count that differs from the parts listed,
indexes that are not 0…N-1 once each, byte ranges that do not follow each other
from 0 or outgrow a part, and part keys outside the manifest's folder.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from cloudshell import __version__
from cloudshell.cloud.bundle.checks import MANIFEST_LIMIT, check_xml_bytes
from cloudshell.cloud.bundle.errors import BadBundle
from cloudshell.cloud.disk_import.disk import (
    FORMATS, MAX_IMAGE_BYTES, MAX_PART_BYTES, MAX_PARTS, BadDiskImage, ByteRange,
)

MANIFEST_VERSION = "2010-11-15"
MANIFEST_SUFFIX = ".manifest.xml"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NUMBER = re.compile(r"[0-9]{1,20}")


@dataclass(frozen=True)
class ImportPart:
    """One part of the image in the bucket: its bytes of the file and its object key."""

    range: ByteRange
    key: str
    head_url: str = ""
    get_url: str = ""
    delete_url: str = ""

    @property
    def index(self) -> int:
        return self.range.index


@dataclass(frozen=True)
class ImportManifest:
    """What an import manifest says."""

    file_format: str
    image_size: int        # Image.Bytes: the disk's size (a VMDK's capacity, not its file size)
    volume_size: int       # GiB
    parts: tuple[ImportPart, ...]
    self_destruct_url: str = ""

    @property
    def file_size(self) -> int:
        """The size of the local file the parts were cut from."""
        return self.parts[-1].range.end + 1 if self.parts else 0


def folder_of(key: str) -> str:
    """``"a/b/disk.img.manifest.xml"`` -> ``"a/b/"`` (``""`` at the bucket's top)."""
    return key.rsplit("/", 1)[0] + "/" if "/" in key else ""


def part_key(manifest_key: str, index: int) -> str:
    """euca2ools' part names: ``FOLDER/NAME.part.N`` beside ``FOLDER/NAME.manifest.xml``."""
    name = manifest_key[: -len(MANIFEST_SUFFIX)] if manifest_key.endswith(MANIFEST_SUFFIX) else manifest_key
    return f"{name}.part.{index}"


def manifest_xml(manifest: ImportManifest) -> bytes:
    """The manifest document, UTF-8 with its declaration, indented as euca2ools' pretty print."""
    def text(tag: str, value: object, indent: str) -> str:
        return f"{indent}<{tag}>{escape(str(value))}</{tag}>\n"

    out = ["<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<manifest>\n",
           text("version", MANIFEST_VERSION, "  "), text("file-format", manifest.file_format, "  "),
           "  <importer>\n", text("name", "cloudshell", "    "), text("version", __version__, "    "),
           text("release", 0, "    "), "  </importer>\n",
           text("self-destruct-url", manifest.self_destruct_url, "  "), "  <import>\n",
           text("size", manifest.image_size, "    "), text("volume-size", manifest.volume_size, "    "),
           f'    <parts count="{len(manifest.parts)}">\n']
    for part in manifest.parts:
        out += [f'      <part index="{part.index}">\n',
                f"        <byte-range start={quoteattr(str(part.range.start))} "
                f"end={quoteattr(str(part.range.end))}/>\n",
                text("key", part.key, "        "), text("head-url", part.head_url, "        "),
                text("get-url", part.get_url, "        "), text("delete-url", part.delete_url, "        "),
                "      </part>\n"]
    out.append("    </parts>\n  </import>\n</manifest>\n")
    return "".join(out).encode("utf-8")


# -- reading it back ------------------------------------------------------------------------------
def _child(el: ET.Element, tag: str, where: str) -> ET.Element:
    found = el.find(tag)
    if found is None:
        raise BadDiskImage(f"{where} has no <{tag}> in <{el.tag}> (not an import manifest)")
    return found


def _number(raw: str | None, what: str, where: str, *, low: int = 0, high: int = MAX_IMAGE_BYTES) -> int:
    value = (raw or "").strip()
    if not _NUMBER.fullmatch(value) or not low <= int(value) <= high:
        raise BadDiskImage(f"{where}: {what} is {value[:40]!r}, not a whole number from {low} to {high}")
    return int(value)


def _key(raw: str | None, folder: str, manifest_key: str, where: str, index: int) -> str:
    key = (raw or "").strip()
    name = key[len(folder):] if key.startswith(folder) else ""
    if not name or "/" in name or name in (".", "..") or _CONTROL.search(key) or key == manifest_key:
        raise BadDiskImage(f"{where}: part {index} is the object {key[:120]!r}, not one beside the manifest "
                           f"in {folder or 'the bucket top'} (nothing outside it is read, written or deleted)")
    return key


def parse_manifest(data: bytes, *, where: str, manifest_key: str) -> ImportManifest:
    """An import manifest's bytes, checked (see the module's docstring); its parts by index."""
    if len(data) > MANIFEST_LIMIT:
        raise BadDiskImage(f"{where} is too big to be an import manifest (over {MANIFEST_LIMIT} bytes)")
    try:
        check_xml_bytes(data, where)
    except BadBundle as exc:
        raise BadDiskImage(exc.message.replace("bundle manifest", "import manifest")) from None
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise BadDiskImage(f"{where} is not XML ({exc})") from None
    if root.tag != "manifest":
        raise BadDiskImage(f"{where}: the document is <{root.tag[:40]}>, not an import <manifest>")
    fmt = (_child(root, "file-format", where).text or "").strip().upper()
    if fmt not in FORMATS:
        raise BadDiskImage(f"{where}: file-format {fmt[:20]!r} is not one of {', '.join(FORMATS)}")
    body = _child(root, "import", where)
    size = _number(_child(body, "size", where).text, "the image size", where, low=1)
    volume = _number(_child(body, "volume-size", where).text, "the volume size", where, low=1, high=16384)
    if volume * (1 << 30) < size:
        raise BadDiskImage(f"{where}: a {size}-byte image does not fit the {volume} GiB volume it declares")
    listing = _child(body, "parts", where)
    count = _number(listing.get("count"), "<parts count>", where, low=1, high=MAX_PARTS)
    elements = listing.findall("part")
    if count != len(elements):
        raise BadDiskImage(f"{where}: <parts count=\"{count}\"> but {len(elements)} part"
                           f"{' is' if len(elements) == 1 else 's are'} listed")
    folder = folder_of(manifest_key)
    by_index: dict[int, ImportPart] = {}
    for el in elements:
        index = _number(el.get("index"), "a part's index", where, high=count - 1)
        if index in by_index:
            raise BadDiskImage(f"{where}: part {index} is listed twice")
        span = _child(el, "byte-range", where)
        start = _number(span.get("start"), f"part {index}'s start", where)
        end = _number(span.get("end"), f"part {index}'s end", where)
        if end < start or end - start + 1 > MAX_PART_BYTES:
            raise BadDiskImage(f"{where}: part {index} spans bytes {start}-{end} (expected 1 byte to 5 GiB)")
        key = _key(_child(el, "key", where).text, folder, manifest_key, where, index)
        urls = [(el.findtext(t) or "").strip() for t in ("head-url", "get-url", "delete-url")]
        by_index[index] = ImportPart(ByteRange(index, start, end), key, *urls)
    parts = tuple(by_index[i] for i in range(count))
    _check_ranges(parts, where)
    if len({p.key for p in parts}) != count:
        raise BadDiskImage(f"{where}: two parts share one object key")
    return ImportManifest(fmt, size, volume, parts, (root.findtext("self-destruct-url") or "").strip())


def _check_ranges(parts: Sequence[ImportPart], where: str) -> None:
    expected = 0
    for part in parts:
        if part.range.start != expected:
            after = f"right after part {part.index - 1}" if part.index else "at the file's start"
            raise BadDiskImage(f"{where}: part {part.index} starts at byte {part.range.start}, not at {expected} "
                               f"{after} (the parts must cover the file in order)")
        expected = part.range.end + 1
