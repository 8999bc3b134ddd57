"""Bundles as untrusted input (issue 16): a hostile S3 (tests/support/hostile_s3.py) serving crafted listings,
manifests and endless parts, and planted files in the destination. One test per hole the audit found;
each fails on the code before the fix. HOME is always a folder of tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path

import pytest
from conftest import isolated_env
from hostile_s3 import Endless, hostile_s3

from clirun import run_here
from waiting import until
from cloudshell.cloud.bundle import bundle_image, download_bundle, make_demo_credentials, unbundle
from cloudshell.cloud.bundle import keys as bkeys
from cloudshell.cloud.bundle.errors import BadBundle
from cloudshell.cloud.bundle.manifest import render_manifest, render_signed_elements, to_bytes
from cloudshell.cloud.bundle.pipeline import _gzip_header, tar_header, tar_trailer
from cloudshell.cloud.errors import Refused
from cloudshell.cloud.session import CloudSession
from cloudshell.commands import Context, registry, run

ACCOUNT = "123456789012"
BUCKET = "hostile"


# -- fixtures and crafting ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def creds(tmp_path_factory):
    return make_demo_credentials(tmp_path_factory.mktemp("creds"))


@pytest.fixture(scope="module")
def other_creds(tmp_path_factory):
    return make_demo_credentials(tmp_path_factory.mktemp("other-creds"))


@pytest.fixture(scope="module")
def real_bundle(tmp_path_factory, creds):
    """A genuine 2-part bundle of disk.img, signed by ``creds``: {file name: bytes}."""
    folder = tmp_path_factory.mktemp("real")
    image = folder / "disk.img"
    image.write_bytes(random.Random(16).randbytes(50_000))
    made = bundle_image(image, folder / "b", None, "x86_64", creds.user_cert, creds.user_key,
                        creds.cloud_cert, ACCOUNT, part_size=30_000)
    return {p.name: p.read_bytes() for p in (*made.part_paths, made.manifest_path)}


@pytest.fixture
def s3():
    with hostile_s3() as server:
        yield server


@pytest.fixture
def env(tmp_path):
    return isolated_env(tmp_path / "env")


def _serve(s3, files: dict[str, bytes], folder: str = "") -> None:
    for name, data in files.items():
        s3.put(BUCKET, folder + name, data)


def _manifest(parts: list[tuple[str, bytes]], *, size: int | None = None, bundled_size: int | None = None,
              count: int | None = None, before: str = "", name: str = "img", signer=None) -> bytes:
    """A manifest listing ``parts`` (name, bytes) with their true SHA-1s; the other fields as asked."""
    bundled = sum(len(b) for _, b in parts) if bundled_size is None else bundled_size
    mconfig, image = render_signed_elements(
        arch="x86_64", image_name=name, user=ACCOUNT, image_type="machine", digest="0" * 40,
        size=bundled if size is None else size, bundled_size=bundled, ec2_encrypted_key="00",
        user_encrypted_key="00", ec2_encrypted_iv="00", user_encrypted_iv="00",
        part_files=[(n, hashlib.sha1(b).hexdigest()) for n, b in parts])
    if count is not None:
        image = image.replace(f'<parts count="{len(parts)}">', f'<parts count="{count}">')
    signature = bkeys.sign_sha1_hex(signer, to_bytes(mconfig + image)) if signer else ""
    data = render_manifest(mconfig, image, signature, bundler_name="hostile", bundler_version="1")
    return before.encode() + data


def _cli(s3, env, *args: str, cwd: Path | None = None):
    return run_here(["--endpoint-url", s3.url, *args], env, cwd=cwd)


def _one_line(done) -> str:
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    return lines[0]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- 1. part names ---------------------------------------------------------------------------------
def test_a_part_named_bashrc_cannot_replace_it(s3, env):
    home = Path(env["HOME"])
    bashrc = home / ".bashrc"
    bashrc.write_text("# mine\n")
    payload = b"exit 0\n"
    _serve(s3, {"evil.manifest.xml": _manifest([(".bashrc", payload)]), ".bashrc": payload})
    done = _cli(s3, env, "download-bundle", "-b", BUCKET, "-p", "evil", cwd=home)   # run from ~, no -d
    assert done.returncode == 2, done.stderr
    line = _one_line(done)
    assert "manifest s3://hostile/evil.manifest.xml" in line and "'.bashrc'" in line
    assert "not evil.part.00" in line and "PREFIX.part.N" in line
    assert bashrc.read_text() == "# mine\n"
    assert s3.requests("GET") == ["hostile/evil.manifest.xml"]   # no part was fetched
    assert _files(home) == sorted([".bashrc", ".cache", ".config", ".local"])


@pytest.mark.parametrize("part", ["img.part.01", "img.part.0.", "other.part.00", "img.part.-0", "img.part.00x"])
def test_part_names_must_be_prefix_part_n_in_order(s3, env, tmp_path, part):
    _serve(s3, {"img.manifest.xml": _manifest([(part, b"x")]), part: b"x"})
    done = _cli(s3, env, "download-bundle", "-b", BUCKET, "-p", "img", "-d", str(tmp_path / "dl"))
    assert done.returncode == 2, done.stderr
    assert repr(part) in _one_line(done)
    assert _files(tmp_path / "dl") == [] and s3.requests("GET") == ["hostile/img.manifest.xml"]


# -- 2. the listing ----------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_a_listing_naming_manifests_outside_the_folder_is_refused(s3, env, tmp_path, where):
    dest = tmp_path / "dl"
    outside = tmp_path / "outside"
    outside.mkdir()
    key = "../outside/x.manifest.xml" if where == "relative" else f"{outside}/x.manifest.xml"
    s3.listings[BUCKET] = [key]
    _serve(s3, {"x.manifest.xml": _manifest([("x.part.00", b"p")]), "x.part.00": b"p"})
    done = _cli(s3, env, "download-bundle", "-b", BUCKET, "-d", str(dest))   # no -p: the listing decides
    assert done.returncode == 2, done.stderr
    line = _one_line(done)
    assert f"the listing of s3://hostile/ names the object {key!r}" in line
    assert _files(outside) == [] and _files(dest) == []
    assert s3.requests("GET") == ["hostile"]   # the listing, and nothing it named


def test_a_listing_prefix_that_p_would_refuse_is_refused(s3, env, tmp_path):
    s3.listings[BUCKET] = ["team/-rf.manifest.xml"]
    done = _cli(s3, env, "download-bundle", "-b", f"{BUCKET}/team", "-d", str(tmp_path / "dl"))
    assert done.returncode == 2, done.stderr
    assert "'team/-rf.manifest.xml'" in _one_line(done) and "not a plain name" in done.stderr
    assert s3.requests("GET") == ["hostile"]


# -- 3. part counts ----------------------------------------------------------------------------------
@pytest.mark.parametrize("count, sizes, expected", [
    (30_000_000, {}, '<parts count="30000000"> but 1 part is listed'),
    (10**12, {}, '<parts count="1000000000000"> but 1 part is listed'),
    (2, {}, '<parts count="2"> but 1 part is listed'),
    (None, {"size": 1, "bundled_size": 10**12}, "bundled_size 1000000000000 is more than a 1-byte image"),
    (None, {"size": 10, "bundled_size": 0}, "1 part cannot hold 0 bytes"),
])
def test_part_counts_and_sizes_must_add_up(s3, env, tmp_path, count, sizes, expected):
    _serve(s3, {"img.manifest.xml": _manifest([("img.part.00", b"x")], count=count, **sizes),
                "img.part.00": b"x"})
    done = _cli(s3, env, "download-bundle", "-b", BUCKET, "-p", "img", "-d", str(tmp_path / "dl"))
    assert done.returncode == 2, done.stderr
    assert expected in _one_line(done) and "s3://hostile/img.manifest.xml" in done.stderr
    assert s3.requests("GET") == ["hostile/img.manifest.xml"]


# -- 4. DOCTYPE -------------------------------------------------------------------------------------
@pytest.mark.parametrize("before", [
    '<!DOCTYPE manifest [<!ENTITY a "aaaaaaaaaa">]>',
    '<?xml version="1.0"?>\n<!DOCTYPE manifest SYSTEM "file:///etc/passwd">',
])
def test_a_manifest_with_a_doctype_is_refused_before_parsing(s3, env, tmp_path, before):
    manifest = _manifest([("img.part.00", b"x")], before=before, name="&a;" if "ENTITY" in before else "img")
    _serve(s3, {"img.manifest.xml": manifest, "img.part.00": b"x"})
    done = _cli(s3, env, "download-bundle", "-b", BUCKET, "-p", "img", "-d", str(tmp_path / "dl"))
    assert done.returncode == 2, done.stderr
    line = _one_line(done)
    assert "manifest s3://hostile/img.manifest.xml holds a DOCTYPE declaration: refused" in line
    assert _files(tmp_path / "dl") == [] and s3.requests("GET") == ["hostile/img.manifest.xml"]


def test_a_manifest_in_another_encoding_is_refused(s3, env, tmp_path):
    text = _manifest([("img.part.00", b"x")]).decode()
    manifest = ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")
    _serve(s3, {"img.manifest.xml": manifest})
    done = _cli(s3, env, "download-bundle", "-b", BUCKET, "-p", "img", "-d", str(tmp_path / "dl"))
    assert done.returncode == 2, done.stderr
    assert "is not ASCII or UTF-8 text" in _one_line(done)


# -- 5. unbounded parts ------------------------------------------------------------------------------
@pytest.mark.parametrize("stream, expected", [
    (Endless(), "part s3://hostile/img.part.00 runs past the 1000 bytes"),
    (Endless(limit=8 << 20, content_length=8 << 20), "part s3://hostile/img.part.00 is 8388608 bytes, "
                                                     "more than the 1000"),
])
def test_a_part_streamed_without_end_is_cut_at_the_declared_size(s3, env, tmp_path, stream, expected):
    # The manifest declares a 1000-byte bundle; the part never ends (or says it is 8 MiB).
    _serve(s3, {"img.manifest.xml": _manifest([("img.part.00", bytes(1000))])})
    s3.put(BUCKET, "img.part.00", stream)
    dest = tmp_path / "dl"
    done = _cli(s3, env, "download-bundle", "-b", BUCKET, "-p", "img", "-d", str(dest))
    assert done.returncode == 2, done.stderr   # nothing written: the first part
    assert expected in _one_line(done)
    assert _files(dest) == []   # no part, no temporary file
    # The client hung up; it did not read on (the server tells what it sent once the socket is closed).
    until(lambda: "hostile/img.part.00" in s3.ended, 30, "the server to see the client hang up")
    assert s3.sent["hostile/img.part.00"] < 4 << 20


def test_parts_past_the_declared_bundle_size_are_refused_after_the_first(s3, env, tmp_path):
    first, second = os.urandom(600), os.urandom(600)
    _serve(s3, {"img.manifest.xml": _manifest([("img.part.00", first), ("img.part.01", second)],
                                               size=1000, bundled_size=1000),
                "img.part.00": first, "img.part.01": second})
    dest = tmp_path / "dl"
    done = _cli(s3, env, "download-bundle", "-b", BUCKET, "-p", "img", "-d", str(dest))
    assert done.returncode == 1, done.stderr   # part 00 was written: not "nothing done"
    assert "part s3://hostile/img.part.01 is 600 bytes, more than the 400" in _one_line(done)
    assert _files(dest) == ["img.part.00"]


# -- 6. temporary files and symlinks -------------------------------------------------------------
def test_a_symlink_planted_at_a_temporary_name_is_not_followed(s3, tmp_path, monkeypatch, real_bundle):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    _serve(s3, real_bundle)
    dest = tmp_path / "dl"
    dest.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    # The names the old code used: .NAME.PID.tmp, in the destination.
    for name in real_bundle:
        (dest / f".{name}.{os.getpid()}.tmp").symlink_to(victim)
    session = CloudSession.for_url(s3.url)
    try:
        local = download_bundle(session, BUCKET, "disk.img", dest)
    finally:
        session.close()
    assert victim.read_text() == "precious\n"
    assert local.read_bytes() == real_bundle["disk.img.manifest.xml"]
    for name, data in real_bundle.items():
        assert not (dest / name).is_symlink() and (dest / name).read_bytes() == data
    assert not [p for p in dest.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]


def test_bundle_image_never_writes_through_a_planted_symlink(tmp_path, env, creds):
    image = tmp_path / "disk.img"
    image.write_bytes(os.urandom(5_000))
    dest = tmp_path / "b"
    dest.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (dest / "disk.img.part.00").symlink_to(victim)
    args = ["--endpoint-url", "http://127.0.0.1:9", "bundle-image", "-i", str(image), "-d", str(dest),
            "-c", str(creds.user_cert), "-k", str(creds.user_key), "--ec2cert", str(creds.cloud_cert),
            "-u", ACCOUNT]
    done = run_here(args, env)
    assert done.returncode == 1, done.stderr
    assert f"{dest / 'disk.img.part.00'} already exists" in _one_line(done) and "--force" in done.stderr
    assert victim.read_text() == "precious\n" and _files(dest) == ["disk.img.part.00"]
    done = run_here([*args, "--force"], env)
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious\n"
    assert not (dest / "disk.img.part.00").is_symlink()
    assert _files(dest) == ["disk.img.manifest.xml", "disk.img.part.00"]


# -- 7. existing files and --force -----------------------------------------------------------------
def test_download_bundle_replaces_a_file_only_with_force(s3, env, tmp_path, real_bundle):
    _serve(s3, real_bundle)
    dest = tmp_path / "dl"
    dest.mkdir()
    (dest / "disk.img.part.01").write_bytes(b"my own file")
    args = ["download-bundle", "-b", BUCKET, "-p", "disk.img", "-d", str(dest)]
    done = _cli(s3, env, *args)
    assert done.returncode == 1, done.stderr
    assert f"{dest / 'disk.img.part.01'} already exists" in _one_line(done) and "--force" in done.stderr
    assert (dest / "disk.img.part.01").read_bytes() == b"my own file"
    assert s3.requests("GET") == ["hostile/disk.img.manifest.xml"]   # refused before any part
    done = _cli(s3, env, *args, "--force")
    assert done.returncode == 0, done.stderr
    for name, data in real_bundle.items():
        assert (dest / name).read_bytes() == data
    # Again without --force: every file is intact, so nothing is in the way and nothing is fetched.
    s3.received.clear()
    assert _cli(s3, env, *args).returncode == 0
    assert s3.requests("GET") == ["hostile/disk.img.manifest.xml"]


def test_unbundle_replaces_the_image_only_with_force(tmp_path, env, creds, real_bundle):
    src = tmp_path / "src"
    src.mkdir()
    for name, data in real_bundle.items():
        (src / name).write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    (out / "disk.img").write_text("older image\n")
    args = ["--endpoint-url", "http://127.0.0.1:9", "unbundle", "-m", str(src / "disk.img.manifest.xml"),
            "-d", str(out), "-k", str(creds.user_key)]
    done = run_here(args, env)
    assert done.returncode == 1 and "--force" in _one_line(done)
    assert (out / "disk.img").read_text() == "older image\n"
    done = run_here([*args, "--force"], env)
    assert done.returncode == 0, done.stderr
    assert (out / "disk.img").stat().st_size == 50_000 and _files(out) == ["disk.img"]


# -- 8. delete-bundle ------------------------------------------------------------------------------
def test_delete_bundle_deletes_only_objects_of_the_bundle(s3, env):
    _serve(s3, {"img.manifest.xml": _manifest([("notes.txt", b"keep me")]), "notes.txt": b"keep me"})
    done = _cli(s3, env, "delete-bundle", "-b", BUCKET, "-p", "img", "--yes")
    assert done.returncode == 2, done.stderr
    assert "'notes.txt'" in _one_line(done) and "s3://hostile/img.manifest.xml" in done.stderr
    assert s3.requests("DELETE") == []


def test_delete_bundle_confirmation_names_every_object_it_deletes(s3, tmp_path, monkeypatch, real_bundle):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    _serve(s3, real_bundle, folder="team/")
    asked: list[str] = []

    def answer(yes: bool):
        return lambda question: asked.append(question) or yes

    session = CloudSession.for_url(s3.url)
    try:
        inv = registry().parse(["delete-bundle", "-b", f"{BUCKET}/team", "-p", "disk.img"])
        with pytest.raises(Refused, match="not confirmed"):
            run(Context(session=session, confirm=answer(False), interactive=True), inv)
        assert asked == ["Delete 3 objects of bundle disk.img from s3://hostile/team/: disk.img.part.00, "
                         "disk.img.part.01, disk.img.manifest.xml? (UNSIGNED manifest: signature not checked)"]
        assert s3.requests("DELETE") == []
        s3.received.clear()
        inv = registry().parse(["delete-bundle", "-b", f"{BUCKET}/team", "-p", "disk.img"])
        result = run(Context(session=session, confirm=answer(True), interactive=True), inv)
    finally:
        session.close()
    assert result.lines == ("deleted 3 objects from s3://hostile/team/ (UNSIGNED manifest)",)
    # Exactly what the question named: the manifest was read once, for the question.
    assert s3.requests("GET") == ["hostile/team/disk.img.manifest.xml"]
    assert s3.requests("DELETE") == ["hostile/team/disk.img.part.00", "hostile/team/disk.img.part.01",
                                     "hostile/team/disk.img.manifest.xml"]


# -- 9. signatures -----------------------------------------------------------------------------------
def test_the_signature_is_verified_when_a_certificate_is_known(s3, tmp_path, creds, other_creds, real_bundle):
    _serve(s3, real_bundle)
    args = ["download-bundle", "-b", BUCKET, "-p", "disk.img", "--output", "json"]
    wrong = _cli(s3, isolated_env(tmp_path / "e1", {"EC2_CERT": str(other_creds.user_cert)}), *args,
                 "-d", str(tmp_path / "wrong"))
    assert wrong.returncode == 2, wrong.stderr
    assert ("manifest s3://hostile/disk.img.manifest.xml: the signature does not verify"
            in _one_line(wrong))
    assert _files(tmp_path / "wrong") == [] and s3.requests("GET") == ["hostile/disk.img.manifest.xml"]

    right = _cli(s3, isolated_env(tmp_path / "e2", {"EC2_CERT": str(creds.user_cert)}), *args,
                 "-d", str(tmp_path / "right"))
    assert right.returncode == 0, right.stderr
    assert json.loads(right.stdout)["Signature"] == "verified" and right.stderr == ""
    by_key = _cli(s3, isolated_env(tmp_path / "e3"), *args, "-c", str(creds.user_cert),
                  "-d", str(tmp_path / "by-option"))
    assert by_key.returncode == 0 and json.loads(by_key.stdout)["Signature"] == "verified"

    unsigned = _cli(s3, isolated_env(tmp_path / "e4"), *args, "-d", str(tmp_path / "unsigned"))
    assert unsigned.returncode == 0, unsigned.stderr
    assert json.loads(unsigned.stdout)["Signature"] == "UNSIGNED"
    assert "UNSIGNED: the manifest's signature was not checked" in _one_line(unsigned)


def test_a_tampered_manifest_is_refused_before_anything_is_deleted(s3, tmp_path, creds, real_bundle):
    tampered = dict(real_bundle)
    tampered["disk.img.manifest.xml"] = real_bundle["disk.img.manifest.xml"].replace(b"x86_64", b"i386")
    _serve(s3, tampered)
    done = _cli(s3, isolated_env(tmp_path / "e", {"EC2_CERT": str(creds.user_cert)}),
                "delete-bundle", "-b", BUCKET, "-p", "disk.img", "--yes")
    assert done.returncode == 2, done.stderr
    assert "the signature does not verify" in _one_line(done)
    assert s3.requests("DELETE") == []


# -- 10. the tar's size, while writing -------------------------------------------------------------
def test_the_tar_size_is_checked_against_the_manifest_before_writing(tmp_path, creds):
    """A signed bundle whose tar holds 64 MiB of zeros while the manifest says 1000 bytes."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    import zlib

    big = 64 << 20
    header = tar_header("disk.img", big, 0)
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    tar_sha, crc, gz = hashlib.sha1(), 0, [_gzip_header(0)]
    for block in (header, *(bytes(1 << 20) for _ in range(64)), tar_trailer(len(header), big)):
        tar_sha.update(block)
        crc = zlib.crc32(block, crc)
        gz.append(comp.compress(block))
    gz += [comp.flush(), zlib.crc32(b"", crc).to_bytes(4, "little"), (len(header) + big + len(
        tar_trailer(len(header), big))).to_bytes(8, "little")[:4]]
    plain = b"".join(gz)
    plain += bytes([16 - len(plain) % 16]) * (16 - len(plain) % 16)
    key, iv = os.urandom(16), os.urandom(16)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    data = enc.update(plain) + enc.finalize()
    src = tmp_path / "src"
    src.mkdir()
    (src / "disk.img.part.00").write_bytes(data)
    ucert = bkeys.load_certificate(creds.user_cert).public_key()
    mconfig, image_el = render_signed_elements(
        arch="x86_64", image_name="disk.img", user=ACCOUNT, image_type="machine",
        digest=tar_sha.hexdigest(), size=1000, bundled_size=len(data),
        ec2_encrypted_key=bkeys.encrypt_hex(ucert, key.hex()), user_encrypted_key=bkeys.encrypt_hex(ucert, key.hex()),
        ec2_encrypted_iv=bkeys.encrypt_hex(ucert, iv.hex()), user_encrypted_iv=bkeys.encrypt_hex(ucert, iv.hex()),
        part_files=[("disk.img.part.00", hashlib.sha1(data).hexdigest())])
    signature = bkeys.sign_sha1_hex(bkeys.load_private_key(creds.user_key), to_bytes(mconfig + image_el))
    manifest = src / "disk.img.manifest.xml"
    manifest.write_bytes(render_manifest(mconfig, image_el, signature, bundler_name="hostile",
                                         bundler_version="1"))
    out = tmp_path / "out"
    written: list[int] = []

    def watch(stage: str, done: int, total: int) -> None:   # what lies in the destination meanwhile
        written.append(sum(p.stat().st_size for p in out.iterdir()))

    with pytest.raises(BadBundle) as exc:
        unbundle(manifest, None, out, creds.user_key, progress=watch)
    assert "the tar holds a 67108864-byte image but the manifest says 1000 bytes" in str(exc.value)
    assert exc.value.exit_code == 2
    assert max(written) == 0 and _files(out) == []   # not one byte of the image was written


# -- the -p rule is one rule ---------------------------------------------------------------------------
def test_the_engine_and_the_p_option_agree_on_what_a_prefix_is():
    from cloudshell.cloud.bundle import is_plain_prefix
    from cloudshell.cloud.errors import UsageError
    from cloudshell.commands.bundle_inputs import bundle_prefix

    for name in ["disk.img", ".bashrc", "a b", "x" * 200, "x" * 201, "", ".", "..", "a/b", "/abs", "-rf",
                 "tab\there", "esc\x1b", "del\x7f", "back\\slash", "ünï", "a..b"]:
        try:
            accepted = bool(bundle_prefix(name))
        except UsageError:
            accepted = False
        assert accepted == is_plain_prefix(name), name


def test_demo_credentials_replace_a_planted_symlink_instead_of_writing_through_it(tmp_path):
    folder = tmp_path / "creds"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    for name in ("user-pk.pem", "user-cert.pem"):
        (folder / name).symlink_to(victim)
    made = make_demo_credentials(folder)
    assert victim.read_text() == "precious\n"
    assert not made.user_key.is_symlink() and made.user_key.stat().st_mode & 0o777 == 0o600
    assert made.user_cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
