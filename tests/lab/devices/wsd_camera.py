"""Lab device: an ONVIF camera that answers WS-Discovery Probes only (no mDNS, no SSDP)."""

from __future__ import annotations

import argparse
import re
import signal
import socket
import struct
import sys
import time

WSD_GROUP = "239.255.255.250"
WSD_PORT = 3702
MATCH = """<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
 xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"
 xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header>
<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>
<a:RelatesTo>{relates}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch>
<a:EndpointReference><a:Address>urn:uuid:lab-camera-0001</a:Address></a:EndpointReference>
<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>
<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/hardware/{model}
 onvif://www.onvif.org/name/{name} onvif://www.onvif.org/manufacturer/{maker}</d:Scopes>
<d:XAddrs>http://{ip}/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>
</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--model", default="DS-2CD2143G2-I")
    parser.add_argument("--name", default="Lobby%20Cam")
    parser.add_argument("--maker", default="Hikvision")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", WSD_PORT))
    mreq = struct.pack("4s4s", socket.inet_aton(WSD_GROUP), socket.inet_aton(args.ip))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    sock.settimeout(0.5)
    print("ready", flush=True)
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        try:
            data, peer = sock.recvfrom(8192)
        except TimeoutError:
            continue
        if b"discovery/Probe<" not in data:
            continue
        found = re.search(rb"MessageID>([^<]+)<", data)
        relates = found.group(1).decode() if found else ""
        answer = MATCH.format(relates=relates, model=args.model, name=args.name,
                              maker=args.maker, ip=args.ip)
        sock.sendto(answer.encode(), peer)  # unicast to the prober's address and port
    return 0


if __name__ == "__main__":
    sys.exit(main())
