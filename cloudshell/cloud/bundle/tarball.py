"""UEC image tarballs (``lucid-server-uec-amd64.tar.gz``): find the machine image, kernel and
ramdisk in one, take each out safely, and write a small one for the demo.

A tarball is untrusted input: only regular members with a plain file name count (no
links, devices, ``..`` or folders are followed or made), a member is read to its declared
size and no further, and a file is written under a fresh name (``O_EXCL|O_NOFOLLOW``)
in the caller's folder, then renamed into place.
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cloudshell.cloud.bundle.errors import BundleError
from cloudshell.cloud.bundle.files import create_new, place

MAX_MEMBERS = 1000          # a UEC tarball holds 2-5 files
BLOCK = 1 << 20
KERNEL_WORDS = ("vmlinuz", "vmlinux", "kernel")
RAMDISK_WORDS = ("initrd", "initramfs", "ramdisk")
IMAGE_SUFFIXES = (".img", ".raw", ".image")


@dataclass(frozen=True)
class Member:
    name: str      # the plain file name inside the tarball
    size: int


@dataclass(frozen=True)
class UecContents:
    image: Member
    kernel: Member | None
    ramdisk: Member | None


def _plain(name: str) -> str | None:
    """The member's file name when it is a plain one (``dir/x.img`` → ``x.img``); None for ``..``."""
    base = name.rstrip("/").rsplit("/", 1)[-1]
    if not base or base in (".", "..") or any(ord(c) < 32 or c == "\x7f" for c in base):
        return None
    return base


def _open(path: str | os.PathLike[str]) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BundleError(f"{path} is not a readable tarball ({exc})") from None


def contents(path: str | os.PathLike[str]) -> UecContents:
    """The machine image, kernel and ramdisk of a UEC tarball, by their names, as uec-publish-tarball
    finds them: ``*vmlinuz*`` is the kernel, ``*initrd*`` the ramdisk, the largest ``*.img`` the image."""
    found: dict[str, Member] = {}
    with _open(path) as tar:
        try:
            for n, info in enumerate(tar):
                if n >= MAX_MEMBERS:
                    raise BundleError(f"{path}: more than {MAX_MEMBERS} members: not a UEC image tarball")
                name = _plain(info.name)
                if info.isreg() and name and name not in found:
                    found[name] = Member(name, info.size)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BundleError(f"{path}: the tarball is damaged ({exc})") from None

    def pick(words: tuple[str, ...]) -> Member | None:
        hits = [m for m in found.values() if any(w in m.name.lower() for w in words)]
        return max(hits, key=lambda m: m.size) if hits else None

    kernel, ramdisk = pick(KERNEL_WORDS), pick(RAMDISK_WORDS)
    images = [m for m in found.values() if m.name.lower().endswith(IMAGE_SUFFIXES)
              and m not in (kernel, ramdisk) and "floppy" not in m.name.lower()]
    if not images:
        raise BundleError(f"{path}: no machine image (*.img) in the tarball; found: "
                          f"{', '.join(sorted(found)) or 'no regular files'}")
    return UecContents(max(images, key=lambda m: m.size), kernel, ramdisk)


def extract(path: str | os.PathLike[str], member: Member, dest: Path,
            progress: Callable[[int, int], None] | None = None) -> Path:
    """``member`` written to ``dest`` (kept when it is already there at its size: a resumed publish)."""
    if dest.is_file() and not dest.is_symlink() and dest.stat().st_size == member.size:
        return dest
    temp = dest.with_name(f".{dest.name}.partial")
    with _open(path) as tar:
        info = next((i for i in tar if i.isreg() and _plain(i.name) == member.name), None)
        if info is None or info.size != member.size:
            raise BundleError(f"{path}: {member.name} changed while it was read")
        source = tar.extractfile(info)
        if source is None:
            raise BundleError(f"{path}: {member.name} cannot be read")
        done = 0
        with create_new(temp, force=True, mode=0o600) as out:   # a leftover .partial is ours: replaced
            while done < member.size:
                block = source.read(min(BLOCK, member.size - done))
                if not block:
                    raise BundleError(f"{path}: {member.name} ends after {done} of {member.size} bytes")
                out.write(block)
                done += len(block)
                if progress:
                    progress(done, member.size)
    os.replace(temp, dest)
    return dest


def write_demo_tarball(path: str | os.PathLike[str], *, image_mib: int = 6) -> Path:
    """A small UEC-style tarball at ``path``: NAME.img, NAME-vmlinuz-virtual, NAME-initrd-virtual.

    NAME is the file name without ``.tar.gz``. The contents are generated (a mostly empty
    disk with some data in it, a kernel and a ramdisk of random bytes); nothing is downloaded.
    """
    target = Path(path)
    name = target.name.removesuffix(".gz").removesuffix(".tgz").removesuffix(".tar")
    if target.exists():
        raise BundleError(f"{target} exists already: refusing to overwrite it")
    folder = target.parent
    pieces = {f"{name}.img": image_mib << 20, f"{name}-vmlinuz-virtual": 700 << 10,
              f"{name}-initrd-virtual": 300 << 10}
    temp = folder / f".{target.name}.partial"
    with create_new(temp, force=True) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for member, size in pieces.items():
            info = tarfile.TarInfo(member)
            info.size, info.mode = size, 0o644
            tar.addfile(info, _DemoBytes(size, seed=member))
    place(temp, target, force=False)
    return target


class _DemoBytes:
    """``size`` bytes to read: random-looking at the start of every MiB, zeros after (compresses well)."""

    def __init__(self, size: int, seed: str) -> None:
        import hashlib

        self.left = size
        self.pos = 0
        self.noise = hashlib.sha512(seed.encode()).digest() * 64   # 4 KiB

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        out = bytearray()
        while len(out) < n:
            offset = self.pos % BLOCK
            chunk = self.noise[offset:] if offset < len(self.noise) else bytes(min(BLOCK - offset, 65536))
            chunk = chunk[: n - len(out)]
            out += chunk
            self.pos += len(chunk)
        self.left -= n
        return bytes(out)
