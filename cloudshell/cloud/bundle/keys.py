"""RSA and X.509 for bundles: wrap the AES key, sign the manifest, demo credentials.

Key and IV travel as 32-character hex strings (ASCII), RSA PKCS#1 v1.5
encrypted and hex-encoded, as euca2ools does with ``openssl rsautl -pkcs``.
The manifest signature is RSA PKCS#1 v1.5 over SHA-1, hex-encoded.
cryptography is imported inside the functions: importing this module is free.
"""

from __future__ import annotations

import binascii
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudshell.cloud.bundle.errors import BadBundle, BundleError
from cloudshell.cloud.bundle.files import create_new, write_new


def _read(path: str | os.PathLike[str], what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise BundleError(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise BundleError(f"{what} file {path} is a directory, not a PEM file") from None
    except OSError as exc:
        raise BundleError(f"cannot read the {what} file {path}: {exc.strerror or exc}") from None


def load_certificate(path: str | os.PathLike[str]) -> Any:
    """Load a PEM X.509 certificate (an RSA one) or raise BundleError."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    data = _read(path, "certificate")
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError:
        raise BundleError(f"{path} is not a PEM X.509 certificate") from None
    if not isinstance(cert.public_key(), rsa.RSAPublicKey):
        raise BundleError(f"certificate {path} does not hold an RSA key (bundles need RSA)")
    return cert


def load_private_key(path: str | os.PathLike[str]) -> Any:
    """Load an unencrypted PEM RSA private key (PKCS#1 or PKCS#8) or raise BundleError."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    data = _read(path, "private key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise BundleError(f"private key {path} is protected by a passphrase; "
                          "give an unencrypted PEM key") from None
    except (ValueError, TypeError):
        raise BundleError(f"{path} is not a PEM RSA private key") from None
    except Exception as exc:  # noqa: BLE001 - cryptography raises UnsupportedAlgorithm too
        raise BundleError(f"cannot load the private key {path}: {type(exc).__name__}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BundleError(f"private key {path} is not an RSA key (bundles need RSA)")
    return key


def encrypt_hex(public_key: Any, text: str) -> str:
    """RSA PKCS#1 v1.5 encrypt ``text`` (ASCII) to ``public_key``; the result hex-encoded."""
    from cryptography.hazmat.primitives.asymmetric import padding

    return public_key.encrypt(text.encode("ascii"), padding.PKCS1v15()).hex()


def decrypt_hex(private_key: Any, hex_ciphertext: str) -> str | None:
    """Undo :func:`encrypt_hex`; ``None`` if this key cannot decrypt it to a hex string."""
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        ciphertext = binascii.unhexlify(hex_ciphertext.strip())
        plain = private_key.decrypt(ciphertext, padding.PKCS1v15())
        text = plain.decode("ascii").strip()
        int(text, 16)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return text


def sign_sha1_hex(private_key: Any, data: bytes) -> str:
    """RSA-SHA1 PKCS#1 v1.5 signature of ``data``, hex-encoded."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return private_key.sign(data, padding.PKCS1v15(), hashes.SHA1()).hex()  # noqa: S303 - the format's


def verify_sha1_hex(public_key: Any, data: bytes, signature_hex: str) -> bool:
    """True when ``signature_hex`` is a valid RSA-SHA1 signature of ``data`` by ``public_key``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        public_key.verify(binascii.unhexlify(signature_hex.strip()), data, padding.PKCS1v15(),
                          hashes.SHA1())  # noqa: S303
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def verify_manifest(manifest: Any, public_key: Any, where: str | None = None) -> None:
    """Raise BadBundle unless the manifest's signature verifies with ``public_key``."""
    where = where or f"manifest {manifest.path.name if manifest.path else manifest.prefix}"
    if not manifest.signature:
        raise BadBundle(f"{where} is not signed")
    if not manifest.signed_bytes or not verify_sha1_hex(public_key, manifest.signed_bytes, manifest.signature):
        raise BadBundle(f"{where}: the signature does not verify (the manifest was altered, or signed "
                        "by another key)")


@dataclass(frozen=True)
class DemoCredentials:
    """Paths of a generated user certificate/key and cloud certificate/key."""

    user_cert: Path
    user_key: Path
    cloud_cert: Path
    cloud_key: Path


def _write_private(path: Path, data: bytes) -> None:
    # Created 0600 from the start: the key is never readable by others, not even briefly; made
    # new (O_EXCL|O_NOFOLLOW), so a symlink planted at the name is replaced, never written through.
    with create_new(path, force=True, mode=0o600) as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(data)


def _self_signed(common_name: str, days: int = 3650) -> tuple[bytes, bytes]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cloudshell demo"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def make_demo_credentials(directory: str | os.PathLike[str]) -> DemoCredentials:
    """Generate a self-signed user and cloud certificate with their RSA 2048 keys in ``directory``.

    Files: ``user-cert.pem``, ``user-pk.pem``, ``cloud-cert.pem``, ``cloud-pk.pem``
    (keys 0600). Existing files of those names are replaced.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = DemoCredentials(folder / "user-cert.pem", folder / "user-pk.pem",
                            folder / "cloud-cert.pem", folder / "cloud-pk.pem")
    for cert_path, key_path, cn in ((paths.user_cert, paths.user_key, "demo user"),
                                    (paths.cloud_cert, paths.cloud_key, "demo cloud")):
        cert_pem, key_pem = _self_signed(cn)
        _write_private(key_path, key_pem)
        write_new(cert_path, cert_pem, force=True)
    return paths
