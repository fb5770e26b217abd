"""Protocol jargon in plain words for the main text; the raw value stays under Details."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QCoreApplication

# mDNS service type (without ".local.") -> what a person calls it.
SERVICE_NAMES = {
    "_adisk._tcp": "Time Machine backup disk",
    "_afpovertcp._tcp": "Apple file sharing",
    "_airplay._tcp": "AirPlay screen sharing",
    "_amzn-wplay._tcp": "Amazon Fire TV casting",
    "_apple-mobdev2._tcp": "Apple device sync",
    "_companion-link._tcp": "Apple device link",
    "_daap._tcp": "iTunes music sharing",
    "_device-info._tcp": "device information",
    "_googlecast._tcp": "Google Cast (Chromecast)",
    "_hap._tcp": "Apple HomeKit accessory",
    "_hap._udp": "Apple HomeKit accessory",
    "_home-assistant._tcp": "Home Assistant hub",
    "_hue._tcp": "Philips Hue bridge",
    "_http._tcp": "web page",
    "_https._tcp": "secure web page",
    "_ipp._tcp": "printing",
    "_ipps._tcp": "secure printing",
    "_matter._tcp": "Matter smart-home device",
    "_matterc._udp": "Matter device waiting to be set up",
    "_mqtt._tcp": "MQTT messaging (smart-home hub)",
    "_nfs._tcp": "network file sharing (NFS)",
    "_onvif._tcp": "network camera control (ONVIF)",
    "_pdl-datastream._tcp": "direct printing",
    "_printer._tcp": "printing (old style)",
    "_raop._tcp": "AirPlay speaker",
    "_rfb._tcp": "remote screen (VNC)",
    "_rtsp._tcp": "video stream",
    "_scanner._tcp": "scanning",
    "_sftp-ssh._tcp": "secure file copying",
    "_smb._tcp": "Windows file sharing",
    "_sonos._tcp": "Sonos speaker",
    "_spotify-connect._tcp": "Spotify Connect speaker",
    "_ssh._tcp": "remote login (SSH)",
    "_uscan._tcp": "scanning",
    "_workstation._tcp": "computer",
}
_SERVICE_TYPE = re.compile(r"\b_[A-Za-z0-9-]+\._(?:tcp|udp)(?:\.local)?\.?")
_JARGON = (  # (pattern, plain words) applied after service types
    (re.compile(r"\bmDNS (?=\S)"), ""),
    (re.compile(r"\brecord for\b"), "announcement for"),
    (re.compile(r"\bTXT sf=1 \(not paired\)"), "not paired with anyone"),
    (re.compile(r"\bhas sf=1\b"), "is not paired with anyone"),
    (re.compile(r"\bannounces urn:schemas-upnp-org:device:InternetGatewayDevice:\d+"),
     "says it opens ports on request for any device (UPnP)"),
    (re.compile(r"\burn:schemas-upnp-org:device:InternetGatewayDevice:\d+"),
     "a router that opens ports on request (UPnP)"),
    (re.compile(r"\bwith WAN(?:IP|PPP)Connection\b"), ""),
    (re.compile(r"\b_hap\b"), "HomeKit"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("plain_words", text)


def service_name(service_type: str) -> str:
    """What an mDNS service type is, in plain words ("_hap._tcp.local." -> Apple HomeKit ...)."""
    key = service_type.strip().removesuffix(".").removesuffix(".local")
    known = SERVICE_NAMES.get(key.lower())
    return _tr(known) if known else _tr("other network service")


def plain_evidence(text: str) -> str:
    """Evidence with service types, TXT flags and UPnP names in plain words (same facts)."""
    plain = _SERVICE_TYPE.sub(lambda m: service_name(m.group(0)), text)
    for pattern, words in _JARGON:
        plain = pattern.sub(words, plain)
    return re.sub(r" {2,}", " ", plain).replace(" .", ".").replace(" ,", ",")


def has_jargon(text: str) -> bool:
    """Whether plain_evidence would change this text (then the raw form goes under Details)."""
    return plain_evidence(text) != text


def _when_tr(text: str) -> str:
    return QCoreApplication.translate("history", text)


def parse_time(iso: str) -> dt.datetime | None:
    """An ISO time ("…Z" or with an offset) as an aware datetime, None when unreadable."""
    try:
        when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def local_day(iso: str) -> dt.date | None:
    when = parse_time(iso)
    return when.astimezone().date() if when else None


def plain_when(iso: str, now: dt.datetime | None = None) -> str:
    """A scan time in plain local words: "Today at 14:05", "Yesterday at 09:30",
    "Tuesday at 10:00" within a week, else "3 March 2026 at 10:00"."""
    when = parse_time(iso)
    if when is None:
        return iso or _when_tr("unknown time")
    local = when.astimezone()
    today = (now or dt.datetime.now().astimezone()).date()
    clock = local.strftime("%H:%M")
    days = (today - local.date()).days
    if days == 0:
        return _when_tr("Today at {0}").format(clock)
    if days == 1:
        return _when_tr("Yesterday at {0}").format(clock)
    if 1 < days < 7:
        return _when_tr("{0} at {1}").format(local.strftime("%A"), clock)
    return _when_tr("{0} {1} at {2}").format(local.day, local.strftime("%B %Y"), clock)
