"""The bundle manifest (``PREFIX.manifest.xml``): write it as euca2ools 3.4 does, read it back.

Written without pretty-printing or XML declaration, ASCII with character
references, in euca2ools' element order::

    manifest: version, bundler(name, version, release),
      machine_configuration(architecture, kernel_id?, ramdisk_id?,
                            block_device_mapping?(mapping(device, virtual)*),
                            product_codes?(product_code*)),
      image(name, user, digest[algorithm], size, bundled_size, type,
            ec2_encrypted_key[algorithm], user_encrypted_key[algorithm],
            ec2_encrypted_iv, user_encrypted_iv,
            parts[count](part[index](filename, digest[algorithm])*)),
      signature

The signature covers the bytes of the ``machine_configuration`` element
immediately followed by the ``image`` element, exactly as they stand in the
file; :func:`read_manifest` takes them from the file's bytes, never from a
re-serialisation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from cloudshell.cloud.bundle.checks import (
    MANIFEST_LIMIT,
    MANIFEST_SUFFIX,
    check_counts,
    check_part_name,
    check_prefix,
    check_xml_bytes,
    is_plain_prefix,
)
from cloudshell.cloud.bundle.errors import BadBundle

MANIFEST_VERSION = "2007-10-10"
DIGEST_ALGORITHM = "SHA1"
ENC_ALGORITHM = "AES-128-CBC"
IMAGE_TYPES = ("machine", "kernel", "ramdisk")

_HEX40 = re.compile(r"[0-9a-fA-F]{40}")
_SIGNED_MCONFIG = re.compile(rb"<machine_configuration>.*?</machine_configuration>", re.S)
_SIGNED_IMAGE = re.compile(rb"<image>.*?</image>", re.S)


@dataclass(frozen=True)
class ManifestPart:
    """One part file of a bundle, as the manifest lists it."""

    index: int
    filename: str
    digest: str
    digest_algorithm: str = DIGEST_ALGORITHM


@dataclass(frozen=True)
class Manifest:
    """Everything a bundle manifest says, plus the bytes its signature covers."""

    arch: str
    image_name: str
    user: str
    image_type: str
    digest: str
    size: int
    bundled_size: int
    ec2_encrypted_key: str
    user_encrypted_key: str
    ec2_encrypted_iv: str
    user_encrypted_iv: str
    parts: tuple[ManifestPart, ...]
    signature: str
    kernel_id: str | None = None
    ramdisk_id: str | None = None
    block_device_mapping: tuple[tuple[str, str], ...] = ()  # (virtual, device)
    product_codes: tuple[str, ...] = ()
    digest_algorithm: str = DIGEST_ALGORITHM
    enc_algorithm: str = ENC_ALGORITHM
    version: str = MANIFEST_VERSION
    bundler_name: str = ""
    bundler_version: str = ""
    bundler_release: str = ""
    signed_bytes: bytes = field(default=b"", repr=False)
    path: Path | None = None
    bundle_prefix: str = ""  # PREFIX of PREFIX.manifest.xml and of every PREFIX.part.N (checked)

    @property
    def part_names(self) -> list[str]:
        return [p.filename for p in self.parts]

    @property
    def prefix(self) -> str:
        """The manifest file name without ``.manifest.xml`` (else the image name)."""
        if self.bundle_prefix:
            return self.bundle_prefix
        if self.path is not None and self.path.name.endswith(MANIFEST_SUFFIX):
            return self.path.name[: -len(MANIFEST_SUFFIX)]
        return self.image_name

    @property
    def output_name(self) -> str:
        """The file name unbundle restores the image as: the image name if plain, else the prefix."""
        return self.image_name if is_plain_prefix(self.image_name) else self.prefix


def _escape(text: str) -> str:
    # What lxml escapes in text; xml.sax.saxutils would drag in urllib (30 ms of import).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _el(tag: str, text: object, **attrs: str) -> str:
    attr = "".join(f' {k}="{_escape(v).replace(chr(34), "&quot;")}"' for k, v in attrs.items())
    return f"<{tag}{attr}>{_escape(str(text))}</{tag}>"


def render_signed_elements(*, arch: str, image_name: str, user: str, image_type: str, digest: str,
                           size: int, bundled_size: int, ec2_encrypted_key: str,
                           user_encrypted_key: str, ec2_encrypted_iv: str, user_encrypted_iv: str,
                           part_files: Sequence[tuple[str, str]], kernel_id: str | None = None,
                           ramdisk_id: str | None = None,
                           block_device_mapping: Sequence[tuple[str, str]] = (),
                           product_codes: Sequence[str] = ()) -> tuple[str, str]:
    """The ``machine_configuration`` and ``image`` elements, serialised as the file will hold them.

    ``part_files`` is ``[(filename, sha1 hex), ...]`` in part order;
    ``block_device_mapping`` is ``[(virtual, device), ...]``.
    """
    mc = [_el("architecture", arch)]
    if kernel_id:
        mc.append(_el("kernel_id", kernel_id))
    if ramdisk_id:
        mc.append(_el("ramdisk_id", ramdisk_id))
    if image_type == "machine":
        if block_device_mapping:
            maps = "".join(f"<mapping>{_el('device', d)}{_el('virtual', v)}</mapping>"
                           for v, d in sorted(block_device_mapping))
            mc.append(f"<block_device_mapping>{maps}</block_device_mapping>")
        if product_codes:
            codes = "".join(_el("product_code", c) for c in product_codes)
            mc.append(f"<product_codes>{codes}</product_codes>")
    mconfig = f"<machine_configuration>{''.join(mc)}</machine_configuration>"
    parts = "".join(
        f'<part index="{i}">{_el("filename", os.path.basename(name))}'
        f'{_el("digest", sha1, algorithm=DIGEST_ALGORITHM)}</part>'
        for i, (name, sha1) in enumerate(part_files))
    image = "".join([
        "<image>",
        _el("name", image_name), _el("user", user),
        _el("digest", digest, algorithm=DIGEST_ALGORITHM),
        _el("size", int(size)), _el("bundled_size", int(bundled_size)),
        _el("type", image_type),
        _el("ec2_encrypted_key", ec2_encrypted_key, algorithm=ENC_ALGORITHM),
        _el("user_encrypted_key", user_encrypted_key, algorithm=ENC_ALGORITHM),
        _el("ec2_encrypted_iv", ec2_encrypted_iv),
        _el("user_encrypted_iv", user_encrypted_iv),
        f'<parts count="{len(part_files)}">{parts}</parts>',
        "</image>",
    ])
    return mconfig, image


def to_bytes(text: str) -> bytes:
    """ASCII with character references, as lxml's default ``tostring`` writes."""
    return text.encode("ascii", "xmlcharrefreplace")


def render_manifest(mconfig: str, image: str, signature: str, *, bundler_name: str,
                    bundler_version: str, bundler_release: str = "0") -> bytes:
    """The whole manifest file around the two signed elements."""
    bundler = (f"<bundler>{_el('name', bundler_name)}{_el('version', bundler_version)}"
               f"{_el('release', bundler_release)}</bundler>")
    return to_bytes(f"<manifest>{_el('version', MANIFEST_VERSION)}{bundler}{mconfig}{image}"
                    f"{_el('signature', signature)}</manifest>")


# -- reading -------------------------------------------------------------------------------
def _text(parent, tag: str, where: str, *, required: bool = True) -> str | None:
    node = parent.find(tag)
    if node is None:
        if required:
            raise BadBundle(f"{where}: <{tag}> is missing")
        return None
    return (node.text or "").strip()


def _int(value: str | None, tag: str, where: str) -> int:
    try:
        number = int(value or "")
    except ValueError:
        raise BadBundle(f"{where}: <{tag}> is not a number ({value[:40]!r})") from None
    if number < 0:
        raise BadBundle(f"{where}: <{tag}> is negative")
    return number


def _prefix_for(prefix: str | None, path: Path | None, parts_node, where: str) -> str:
    """The bundle's prefix: given (the object or file name), else the manifest file's, else its first part's."""
    if prefix is None and path is not None and path.name.endswith(MANIFEST_SUFFIX):
        prefix = path.name[: -len(MANIFEST_SUFFIX)]
    if prefix is None:
        first = parts_node.find("part")
        name = (first.findtext("filename") or "").strip() if first is not None else ""
        prefix = name.rpartition(".part.")[0] or name
    return check_prefix(prefix, where)


def parse_manifest(data: bytes, where: str = "manifest", path: Path | None = None,
                   prefix: str | None = None) -> Manifest:
    """Parse manifest bytes; ``where`` names the source in error messages.

    ``prefix`` is the bundle's (from ``PREFIX.manifest.xml``; default: the file
    name of ``path``): every part must be ``PREFIX.part.N``. Untrusted bytes are
    checked before expat sees them (:func:`.checks.check_xml_bytes`), and the
    part count before any list is built.
    """
    import xml.etree.ElementTree as ET

    if len(data) > MANIFEST_LIMIT:
        raise BadBundle(f"{where} is too big to be a bundle manifest ({len(data)} bytes)")
    check_xml_bytes(data, where)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise BadBundle(f"{where} is not valid XML ({exc})") from None
    if root.tag != "manifest":
        raise BadBundle(f"{where} is not a bundle manifest (root element <{root.tag[:40]}>)")
    mconfig = root.find("machine_configuration")
    image = root.find("image")
    if mconfig is None or image is None:
        raise BadBundle(f"{where}: <machine_configuration> or <image> is missing")

    mappings = []
    bdm = mconfig.find("block_device_mapping")
    if bdm is not None:
        for m in bdm.findall("mapping"):
            virtual, device = _text(m, "virtual", where), _text(m, "device", where)
            mappings.append((virtual or "", device or ""))
    codes = []
    pc = mconfig.find("product_codes")
    if pc is not None:
        codes = [(c.text or "").strip() for c in pc.findall("product_code")]

    digest_node = image.find("digest")
    parts_node = image.find("parts")
    if digest_node is None or parts_node is None:
        raise BadBundle(f"{where}: <image> lacks <digest> or <parts>")
    size = _int(_text(image, "size", where), "size", where)
    bundled_size = _int(_text(image, "bundled_size", where), "bundled_size", where)
    listed = parts_node.findall("part")
    count = _int(parts_node.get("count"), "parts count", where)
    check_counts(count, len(listed), size, bundled_size, where)
    prefix = _prefix_for(prefix, path, parts_node, where)
    by_index: dict[int, ManifestPart] = {}
    for node in listed:
        index = _int(node.get("index"), "part index", where)
        if index >= count:
            raise BadBundle(f"{where}: part index {index} is past <parts count=\"{count}\">")
        name = check_part_name(_text(node, "filename", where) or "", prefix, index, where)
        pdigest = node.find("digest")
        if pdigest is None or not _HEX40.fullmatch((pdigest.text or "").strip()):
            raise BadBundle(f"{where}: part {index} ({name}) has no SHA-1 digest")
        algorithm = (pdigest.get("algorithm") or DIGEST_ALGORITHM).upper()
        if algorithm not in ("SHA1", "SHA-1"):
            raise BadBundle(f"{where}: part {name} uses digest {algorithm[:20]}; only SHA1 is supported")
        if index in by_index:
            raise BadBundle(f"{where}: part index {index} appears twice")
        by_index[index] = ManifestPart(index, name, (pdigest.text or "").strip().lower(), "SHA1")

    image_digest = (digest_node.text or "").strip()
    if not _HEX40.fullmatch(image_digest):
        raise BadBundle(f"{where}: the image digest is not a SHA-1 hex string")
    key_node = image.find("user_encrypted_key")
    enc_algorithm = (key_node.get("algorithm") if key_node is not None else None) or ENC_ALGORITHM
    if enc_algorithm.upper() != ENC_ALGORITHM:
        raise BadBundle(f"{where}: encryption {enc_algorithm[:20]} is not supported (only {ENC_ALGORITHM})")

    mc_match = _SIGNED_MCONFIG.search(data)
    im_match = _SIGNED_IMAGE.search(data)
    signed = (mc_match.group(0) + im_match.group(0)) if mc_match and im_match else b""
    bundler = root.find("bundler")
    return Manifest(
        arch=_text(mconfig, "architecture", where) or "",
        kernel_id=_text(mconfig, "kernel_id", where, required=False),
        ramdisk_id=_text(mconfig, "ramdisk_id", where, required=False),
        block_device_mapping=tuple(mappings),
        product_codes=tuple(codes),
        image_name=_text(image, "name", where) or "",
        user=_text(image, "user", where) or "",
        image_type=_text(image, "type", where, required=False) or "machine",
        digest=image_digest.lower(),
        digest_algorithm=(digest_node.get("algorithm") or DIGEST_ALGORITHM),
        size=size,
        bundled_size=bundled_size,
        ec2_encrypted_key=_text(image, "ec2_encrypted_key", where, required=False) or "",
        user_encrypted_key=_text(image, "user_encrypted_key", where, required=False) or "",
        ec2_encrypted_iv=_text(image, "ec2_encrypted_iv", where, required=False) or "",
        user_encrypted_iv=_text(image, "user_encrypted_iv", where, required=False) or "",
        enc_algorithm=enc_algorithm,
        parts=tuple(by_index[i] for i in range(count)),
        signature=_text(root, "signature", where, required=False) or "",
        version=_text(root, "version", where, required=False) or "",
        bundler_name=(_text(bundler, "name", where, required=False) or "") if bundler is not None else "",
        bundler_version=(_text(bundler, "version", where, required=False) or "") if bundler is not None else "",
        bundler_release=(_text(bundler, "release", where, required=False) or "") if bundler is not None else "",
        signed_bytes=signed,
        path=path,
        bundle_prefix=prefix,
    )


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read and check a manifest file (structure only: no keys needed)."""
    from cloudshell.cloud.bundle.files import read_regular

    p = Path(path)
    data = read_regular(p, MANIFEST_LIMIT, "manifest")
    return parse_manifest(data, where=f"manifest {p.name}", path=p)


def manifest_name(prefix: str) -> str:
    """``PREFIX.manifest.xml``."""
    return prefix + MANIFEST_SUFFIX


def part_name(prefix: str, index: int) -> str:
    """``PREFIX.part.NN``: at least two digits, 0-based, as euca2ools names them."""
    return f"{prefix}.part.{index:02d}"
