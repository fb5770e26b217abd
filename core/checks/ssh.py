"""SSH check: key exchange, then ask which login methods exist ("none" request); never logs in."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from core.checks.net import NoAnswer
from core.checks.ssh_wire import Transport, mpint, string, take

CLIENT_ID = b"SSH-2.0-IoTHygiene_0.1"
KEX = ("curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256")
HOST_KEYS = ("ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")
CIPHERS = ("aes128-ctr", "aes256-ctr")
MACS = ("hmac-sha2-256", "hmac-sha1")
MSG_KEXINIT, MSG_NEWKEYS, MSG_KEX_REPLY = 20, 21, 31
MSG_SERVICE_ACCEPT, MSG_USERAUTH_FAILURE, MSG_USERAUTH_SUCCESS = 6, 51, 52


async def read_ident(reader: asyncio.StreamReader, timeout: float) -> bytes:
    """The server's `SSH-...` line without CR LF (a few other lines may come first)."""
    for _ in range(10):
        try:
            line = await asyncio.wait_for(reader.readline(), timeout)
        except (TimeoutError, ValueError):
            raise NoAnswer(f"no SSH identification line in {timeout:g} s") from None
        except (ConnectionError, OSError) as exc:
            raise NoAnswer(f"connection dropped ({type(exc).__name__})") from None
        if not line:
            raise NoAnswer("the connection was closed without an SSH identification line")
        if line.startswith(b"SSH-"):
            return line.rstrip(b"\r\n")[:255]
    raise NoAnswer("no SSH identification line among the first lines")


def kexinit() -> bytes:
    lists = [KEX, HOST_KEYS, CIPHERS, CIPHERS, MACS, MACS, ("none",), ("none",), (), ()]
    return bytes([MSG_KEXINIT]) + os.urandom(16) + b"".join(
        string(",".join(names).encode()) for names in lists) + b"\x00" + b"\x00" * 4


def server_lists(payload: bytes) -> list[list[str]]:
    """The ten name-lists of the server's KEXINIT."""
    offset, lists = 17, []
    for _ in range(10):
        value, offset = take(payload, offset)
        lists.append(value.decode("ascii", "replace").split(","))
    return lists


def choose(ours: tuple[str, ...], theirs: list[str], what: str) -> str:
    for name in ours:
        if name in theirs:
            return name
    raise NoAnswer(f"no common SSH {what} (server offers {','.join(theirs)[:80]})")


async def login_methods(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        server_id: bytes, timeout: float) -> list[str]:
    """Key exchange, then USERAUTH "none": the methods the server would accept next."""
    transport = Transport(reader, writer, timeout)
    ours = kexinit()
    await transport.write(ours)
    theirs = await transport.read()
    if theirs[0] != MSG_KEXINIT:
        raise NoAnswer(f"expected KEXINIT, got SSH message {theirs[0]}")
    lists = server_lists(theirs)
    kex = choose(KEX, lists[0], "key exchange")
    cipher, mac = choose(CIPHERS, lists[2], "cipher"), choose(MACS, lists[4], "MAC")
    choose(CIPHERS, lists[3], "cipher")
    choose(MACS, lists[5], "MAC")
    public, secret_for = _ephemeral(kex)
    await transport.write(bytes([30]) + string(public))
    reply = await transport.read()
    if reply[0] != MSG_KEX_REPLY:
        raise NoAnswer(f"expected the key exchange reply, got SSH message {reply[0]}")
    host_key, offset = take(reply, 1)
    server_public, _ = take(reply, offset)
    shared = mpint(secret_for(server_public))
    exchange = hashlib.sha256(string(CLIENT_ID) + string(server_id) + string(ours)
                              + string(theirs) + string(host_key) + string(public)
                              + string(server_public) + shared).digest()
    await transport.write(bytes([MSG_NEWKEYS]))
    if (await transport.read())[0] != MSG_NEWKEYS:
        raise NoAnswer("the server did not finish the key exchange")
    _install(transport, shared, exchange, cipher, mac)
    await transport.write(bytes([5]) + string(b"ssh-userauth"))
    if (await transport.read())[0] != MSG_SERVICE_ACCEPT:
        raise NoAnswer("the server refused the user-authentication service")
    await transport.write(bytes([50]) + string(b"iot-hygiene-probe") + string(b"ssh-connection")
                          + string(b"none"))
    answer = await transport.read()
    if answer[0] == MSG_USERAUTH_SUCCESS:
        return ["none (no password at all)"]
    if answer[0] != MSG_USERAUTH_FAILURE:
        raise NoAnswer(f"unexpected SSH message {answer[0]} to the methods question")
    methods, _ = take(answer, 1)
    return methods.decode("ascii", "replace").split(",")


def _ephemeral(kex: str) -> tuple[bytes, Callable[[bytes], bytes]]:
    if kex.startswith("curve25519"):
        key = x25519.X25519PrivateKey.generate()
        public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                               serialization.PublicFormat.Raw)
        return public, lambda peer: key.exchange(x25519.X25519PublicKey.from_public_bytes(peer))
    ec_key = ec.generate_private_key(ec.SECP256R1())
    public = ec_key.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
    return public, lambda peer: ec_key.exchange(
        ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), peer))


def _install(transport: Transport, shared: bytes, exchange: bytes, cipher: str,
             mac: str) -> None:
    def derive(letter: bytes, size: int) -> bytes:
        out = hashlib.sha256(shared + exchange + letter + exchange).digest()
        while len(out) < size:
            out += hashlib.sha256(shared + exchange + out).digest()
        return out[:size]

    key_size = 16 if cipher == "aes128-ctr" else 32
    mac_size = 32 if mac == "hmac-sha2-256" else 20
    for keys, letters, encrypt in ((transport.out, b"ACE", True), (transport.inc, b"BDF", False)):
        iv, key = derive(letters[0:1], 16), derive(letters[1:2], key_size)
        aes = Cipher(algorithms.AES(key), modes.CTR(iv))
        keys.cipher = aes.encryptor() if encrypt else aes.decryptor()
        keys.mac_key, keys.mac_name, keys.block = derive(letters[2:3], mac_size), mac, 16
