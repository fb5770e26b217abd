"""The finding catalogue: every finding id defined once with severity, title, fix and references."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Finding, Severity

ETSI = "ETSI EN 303 645"
NIST = "NIST IR 8259A"
PSTI = "UK PSTI"


@dataclass(frozen=True, slots=True)
class Entry:
    """How one kind of finding is described to people, whatever device it is found on."""

    id: str
    severity: Severity
    title: str
    fix: str
    refs: tuple[str, ...]


def _e(id_: str, severity: Severity, title: str, fix: str, *refs: str) -> Entry:
    return Entry(id_, severity, title, fix, refs)


C, H, M, L, INFO = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW,
                   Severity.INFO)
_UPDATE = "update the firmware"

ENTRIES: tuple[Entry, ...] = (
    # -- passwords and access ---------------------------------------------------------
    _e("default-credentials-accepted", C, "The device accepts a factory-default password",
       "Log in to the device and change the password to a long unique one now; keep it in a "
       "password manager.", f"{ETSI} 5.1-1", f"{ETSI} 5.1-2", "OWASP IoT I1", f"{NIST} 4",
       f"{PSTI} 1"),
    _e("mqtt-anonymous", H, "The MQTT broker lets anyone connect without a password",
       "Turn off anonymous access on the broker (allow_anonymous false) and give each client its "
       "own user and password.", f"{ETSI} 5.1-1", f"{ETSI} 5.5-1", "OWASP IoT I1",
       "OWASP IoT I9", f"{NIST} 4"),
    _e("vnc-no-auth", C, "Remote screen (VNC) without any password",
       "Set a VNC password in the device or turn VNC off.", f"{ETSI} 5.1-1", f"{ETSI} 5.6-1",
       "OWASP IoT I1", "OWASP IoT I2", f"{NIST} 4"),
    _e("homekit-unpaired", H, "HomeKit accessory is not paired: anyone nearby can take it over",
       "Pair the accessory with your own Home app now, or reset and unplug it if it is not used.",
       f"{ETSI} 5.12-1", "OWASP IoT I9", f"{NIST} 2"),
    _e("default-credentials-rejected", INFO, "Default passwords were tried and refused",
       "Nothing to do; keep the password unique and in a password manager.", f"{ETSI} 5.1-1",
       "OWASP IoT I1"),
    _e("credential-checks-not-run", INFO, "Default-password checks were not run (no authorisation)",
       "If you are allowed to test this network, run the scan again with authorisation for "
       "default-password checks.", f"{ETSI} 5.1-1", "OWASP IoT I1"),
    # -- cleartext admin and data -----------------------------------------------------
    _e("telnet-open", H, "Telnet is on: logins travel unencrypted",
       "Turn telnet off in the device settings (use SSH or the web page over HTTPS instead); "
       "if it cannot be turned off, " + _UPDATE + " or replace the device.",
       f"{ETSI} 5.5-1", f"{ETSI} 5.6-1", "OWASP IoT I2", "OWASP IoT I7", f"{NIST} 3"),
    _e("ftp-cleartext", M, "FTP is on: files and passwords travel unencrypted",
       "Turn FTP off, or use SFTP / FTPS if the device offers it.",
       f"{ETSI} 5.5-1", f"{ETSI} 5.6-1", "OWASP IoT I2", "OWASP IoT I7", f"{NIST} 3"),
    _e("http-admin-cleartext", M, "Web page served without HTTPS",
       "Turn on HTTPS in the device settings and make plain HTTP redirect to it; until then, do "
       "not log in to this page on a shared network.", f"{ETSI} 5.5-1", "OWASP IoT I7",
       f"{NIST} 3"),
    _e("http-basic-cleartext", H,
       "Password asked over plain HTTP (Basic auth, readable on the wire)",
       "Turn on HTTPS and use only the https:// address to log in; change the password if it "
       "was ever typed over plain HTTP on a shared network.", f"{ETSI} 5.5-1", "OWASP IoT I7",
       "OWASP IoT I1", f"{NIST} 3"),
    _e("http-no-hsts", L, "HTTPS page without HSTS",
       "If the device allows it, turn on HSTS (Strict-Transport-Security) so browsers never fall "
       "back to plain HTTP.", f"{ETSI} 5.5-1", "OWASP IoT I7"),
    _e("mqtt-cleartext", M, "MQTT without encryption (no TLS listener on 8883)",
       "Enable MQTT over TLS (port 8883) on the broker and switch clients to it; then close 1883.",
       f"{ETSI} 5.5-1", "OWASP IoT I7", f"{NIST} 3"),
    _e("rtsp-open", M, "Camera video stream (RTSP) reachable unencrypted",
       "Protect the stream with a unique password, turn RTSP off if nothing uses it, and keep "
       "cameras on a separate network.", f"{ETSI} 5.5-1", f"{ETSI} 5.8-1", "OWASP IoT I6",
       "OWASP IoT I7"),
    _e("raw-print-open", L, "Raw printing port 9100 open: anyone on the network can print",
       "Turn off raw (JetDirect/port 9100) printing if you print through IPP, and keep the "
       "printer off the guest network.", f"{ETSI} 5.6-1", "OWASP IoT I2"),
    # -- TLS ------------------------------------------------------------------------------
    _e("tls-old-protocol", M, "Only an outdated TLS version (below 1.2) is offered",
       _UPDATE.capitalize() + "; if no update brings TLS 1.2, plan to replace the device.",
       f"{ETSI} 5.5-1", "OWASP IoT I5", "OWASP IoT I7", f"{NIST} 3"),
    _e("tls-expired", M, "Certificate expired or not yet valid",
       "Renew the device certificate (often under Settings > Security > Certificate) and check "
       "the device clock.", f"{ETSI} 5.5-1", "OWASP IoT I7"),
    _e("tls-self-signed", L, "Self-signed certificate: the browser cannot tell the device is real",
       "Install a certificate from your own or a public certificate authority if the device "
       "supports it; otherwise verify the fingerprint once and note it.", f"{ETSI} 5.5-1",
       "OWASP IoT I7"),
    _e("tls-weak-key", M, "Weak certificate key (RSA below 2048 bits or EC below 224 bits)",
       "Generate a new 2048-bit (or stronger) key and certificate on the device; " + _UPDATE
       + " if it cannot.", f"{ETSI} 5.5-1", "OWASP IoT I5", "OWASP IoT I7"),
    _e("tls-sha1-signature", M, "Certificate signed with SHA-1 or MD5 (broken hashes)",
       "Replace the certificate with one signed using SHA-256.", f"{ETSI} 5.5-1",
       "OWASP IoT I5", "OWASP IoT I7"),
    _e("tls-certificate", INFO, "TLS certificate details",
       "Nothing to do; compare the fingerprint if you ever doubt you reach the real device.",
       f"{NIST} 1"),
    _e("tls-handshake-failed", INFO, "TLS handshake did not complete",
       "Nothing to do unless this is the device's admin page: then check it in a browser.",
       f"{ETSI} 5.5-1"),
    # -- attack surface ---------------------------------------------------------------------
    _e("adb-open", C, "Android debug bridge (ADB) open on the network",
       "Turn off network debugging (Developer options > ADB debugging); reset the device if you "
       "did not turn it on yourself.", f"{ETSI} 5.6-1", f"{ETSI} 5.6-4", "OWASP IoT I2",
       "OWASP IoT I9"),
    _e("tr069-open", M, "TR-069 remote-management port open on the local network",
       "Ask your provider whether remote management is needed; " + _UPDATE + " and keep it off "
       "the LAN if possible.", f"{ETSI} 5.6-1", "OWASP IoT I2", "OWASP IoT I8"),
    _e("smb-open", L, "Windows file sharing (SMB) open",
       "Keep file sharing only on devices meant to share files; require passwords and SMB 2 or "
       "newer.", f"{ETSI} 5.6-1", "OWASP IoT I2"),
    _e("rdp-open", M, "Remote desktop (RDP) open",
       "Turn remote desktop off unless it is needed; require network level authentication and "
       "strong passwords.", f"{ETSI} 5.6-1", "OWASP IoT I2"),
    _e("vnc-open", M, "Remote screen (VNC) open",
       "Turn VNC off unless it is needed; when it is, use a strong password and keep it on the "
       "local network only.", f"{ETSI} 5.6-1", "OWASP IoT I2"),
    _e("upnp-igd", M, "Router allows automatic port forwarding (UPnP IGD)",
       "Turn UPnP off in the router settings unless a game console or app really needs it.",
       f"{ETSI} 5.6-1", "OWASP IoT I9", f"{NIST} 2"),
    _e("wps-advertised", M, "Wi-Fi Protected Setup (WPS) is advertised",
       "Turn WPS off in the router's wireless settings; join devices with the Wi-Fi password.",
       f"{ETSI} 5.6-1", "OWASP IoT I9"),
    _e("ssh-password-auth", L, "SSH accepts password logins",
       "Use SSH keys and turn password logins off (PasswordAuthentication no), or make sure the "
       "password is long and unique.", f"{ETSI} 5.1-1", "OWASP IoT I1"),
    # -- facts (info) ---------------------------------------------------------------------
    _e("open-ports", INFO, "Open network ports",
       "Check each open port is a service you use; turn the others off.", f"{ETSI} 5.6-1",
       "OWASP IoT I2", f"{NIST} 1"),
    _e("service-banner", INFO, "Service identifies itself (software and version)",
       "Check the version against the maker's latest firmware; " + _UPDATE + " if older.",
       f"{ETSI} 5.3-1", "OWASP IoT I4", "OWASP IoT I5", f"{NIST} 1"),
    _e("probe-no-answer", INFO, "A service was open but did not answer as expected",
       "Nothing to do; the check could not finish for this service.", f"{NIST} 6"),
    _e("checks-incomplete", INFO, "Checks for this device ran out of time",
       "Run the scan again; if it repeats the device may be overloaded.", f"{NIST} 6"),
    _e("checks-unfinished", L, "Checks for this device did not finish: problems may be missing",
       "Scan this device again (alone if the network is busy); until then, treat it as not "
       "checked.", f"{ETSI} 5.6-1", "OWASP IoT I8", f"{NIST} 6"),
    _e("host-drops-connections", INFO, "The device drops every connection attempt (firewalled)",
       "Nothing to do if the device is meant to offer no services; its services were not "
       "checked.", f"{NIST} 6"),
    _e("discovery-capped", INFO, "The device announced more than the scan keeps",
       "Check why the device announces so much (misconfiguration or a fault); what it announced "
       "beyond the limit was ignored.", f"{NIST} 6"),
)

CATALOG: dict[str, Entry] = {entry.id: entry for entry in ENTRIES}


def finding(finding_id: str, evidence: str = "", port: int | None = None) -> Finding:
    """A Finding for catalogue id `finding_id` with this device's evidence (KeyError if unknown)."""
    entry = CATALOG[finding_id]
    return Finding(id=entry.id, severity=entry.severity, title=entry.title,
                   evidence=trim(evidence), fix=entry.fix, refs=entry.refs, port=port)


def trim(text: str, limit: int = 400) -> str:
    """Evidence fit for a person: printable characters only, bounded length."""
    clean = "".join(ch if ch.isprintable() or ch in "\n" else "." for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
