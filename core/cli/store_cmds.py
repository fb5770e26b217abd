"""Store commands: sites, site add, devices, history, changes, export and import."""

from __future__ import annotations

import argparse
from typing import Any

from core.assessment import assess_site
from core.cli.text import terminal_safe
from core.store import Changes, ImportPreview, PortChange, Store

_clean = terminal_safe  # names come from the network: never let them send control codes


def _open(args: argparse.Namespace) -> Store:
    return Store.open(args.db or None)


def register(subparsers: Any) -> None:
    sites = subparsers.add_parser("sites", help="list the sites in the database")
    sites.set_defaults(func=cmd_sites)
    site = subparsers.add_parser("site", help="manage sites")
    site_sub = site.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    add = site_sub.add_parser("add", help="add a site")
    add.add_argument("name")
    add.add_argument("--client", default="", help="the client, for contractors")
    add.add_argument("--notes", default="")
    add.add_argument("--network", action="append", default=[], metavar="CIDR")
    add.add_argument("--work-network", action="append", default=[], metavar="CIDR")
    add.add_argument("--guest-network", action="append", default=[], metavar="CIDR")
    add.add_argument("--home-network", action="append", default=[], metavar="CIDR")
    add.set_defaults(func=cmd_site_add)
    for name, func, text in (("devices", cmd_devices, "list a site's devices"),
                             ("history", cmd_history, "list a site's scans"),
                             ("changes", cmd_changes, "what changed between two scans")):
        parser = subparsers.add_parser(name, help=text)
        parser.add_argument("--site", required=True, metavar="NAME")
        parser.set_defaults(func=func)
        if name == "changes":
            parser.add_argument("--from", dest="old", type=int, metavar="SCAN_ID")
            parser.add_argument("--to", dest="new", type=int, metavar="SCAN_ID")
            parser.add_argument("--all", action="store_true",
                                help="also list minor changes (addresses, services, ...)")
    export = subparsers.add_parser("export", help="write a site to one file for another machine")
    export.add_argument("--site", required=True, metavar="NAME")
    export.add_argument("file")
    export.set_defaults(func=cmd_export)
    imp = subparsers.add_parser(
        "import", help="add a site file made by export (or merge it, with --merge)",
        description="Add the site in FILE to the database. If a site of that name exists, "
        "nothing happens unless --merge is given; --dry-run shows what would change.")
    imp.add_argument("file")
    how = imp.add_mutually_exclusive_group()
    how.add_argument("--merge", action="store_true",
                     help="merge into the existing site of the same name")
    how.add_argument("--dry-run", action="store_true",
                     help="only show what the import would add and change")
    imp.set_defaults(func=cmd_import)


def cmd_sites(args: argparse.Namespace) -> int:
    with _open(args) as store:
        sites = store.sites()
        for site in sites:
            scans = store.scans(site.id)
            last = scans[0].started if scans else "never scanned"
            client = f"  client: {_clean(site.client)}" if site.client else ""
            print(f"{_clean(site.name)}  ({len(scans)} scans, last {last}){client}")
    if not sites:
        print("No sites yet. Add one with: iot-hygiene site add NAME")
    return 0


def cmd_site_add(args: argparse.Namespace) -> int:
    with _open(args) as store:
        site = store.create_site(args.name, client=args.client, notes=args.notes,
                                 networks=[*args.network, *args.work_network,
                                           *args.guest_network, *args.home_network],
                                 work_networks=args.work_network,
                                 network_roles={**dict.fromkeys(args.home_network, "home"),
                                                **dict.fromkeys(args.guest_network, "guest")})
    print(f"Added site {_clean(site.name)} (id {site.id}).")
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    with _open(args) as store:
        site_id = store.site_by_name(args.site).id
        devices = store.devices(site_id)
        assessed = assess_site(store, site_id)
    print(f"{'MAC':<18} {'IP':<16} {'TAG':<8} {'SCORE':<6} {'OPEN ISSUES':<22} "
          f"{'LAST SEEN':<20} NAME")
    for d in devices:
        ip = d.latest.ip if d.latest else ""
        found = assessed.device(d.mac)
        score = str(found.score_value) if found and found.score_value is not None else "-"
        issues = (", ".join(f"{n} {s.value}" for s, n in found.open_counts) or "none") \
            if found else "-"
        notes = "  (retired)" if d.retired else ""
        notes += "  (not in the latest scan)" if found and not found.in_latest_scan else ""
        print(f"{d.mac:<18} {ip:<16} {d.tag.value:<8} {score:<6} {issues:<22} "
              f"{d.last_seen[:19]:<20} {_clean(d.display_name)}{notes}")
    print(f"{len(devices)} devices")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with _open(args) as store:
        scans = store.scans(store.site_by_name(args.site).id)
    for s in scans:
        counts = ", ".join(f"{n} {sev.value}" for sev, n in s.finding_counts) or "no findings"
        flags = " (cancelled)" if s.cancelled else ""
        print(f"#{s.id}  {s.started[:19]}  {_clean(s.network)} via {_clean(s.interface)}  "
              f"{s.device_count} devices, {counts}{flags}")
    if not scans:
        print("No scans saved for this site yet.")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    with _open(args) as store:
        changes = store.changes(store.site_by_name(args.site).id, args.old, args.new)
    for line in describe_changes(changes, details=args.all):
        print(line)
    return 0


def describe_changes(c: Changes, details: bool = False) -> list[str]:
    """The changes as plain lines for a terminal: what to act on, then (on demand) the rest."""
    old = f"scan #{c.old_scan_id}" if c.old_scan_id else "nothing (first scan)"
    lines = [f"Changes from {old} to scan #{c.new_scan_id}:"]
    lines += [f"  new device      {d.mac} {d.ip} {_clean(d.name)}" for d in c.new_devices]
    lines += [f"  device gone     {d.mac} {d.ip} {_clean(d.name)}" for d in c.gone_devices]
    lines += [f"  identity        {_clean(i.device.name)}: {i.field} {_clean(i.old)} -> "
              f"{_clean(i.new)}" for i in c.identity_changes]
    lines += [f"  ports           {_clean(p.device.name)}: {_port_text(p)}"
              for p in c.port_changes]
    lines += [f"  new finding     {_clean(f.device.name)}: {f.finding.severity.value} "
              f"{_clean(f.finding.title)}" for f in c.new_findings]
    lines += [f"  fixed           {_clean(f.device.name)}: {_clean(f.finding.title)}"
              for f in c.fixed_findings]
    if c.is_empty:
        lines.append("  nothing to act on")
    if details:
        lines += _detail_lines(c)
    elif c.detail_count:
        lines.append(f"  ({c.detail_count} minor changes: addresses, services, ephemeral ports; "
                     "see them with --all)")
    return lines


def _detail_lines(c: Changes) -> list[str]:
    lines = ["Details:"]
    lines += [f"  address changed {_clean(i.device.name)}: {', '.join(i.old_ips)} -> "
              f"{', '.join(i.new_ips)}" for i in c.ip_changes]
    lines += [f"  new service     {_clean(s.device.name)}: {_clean(s.service.type)} port "
              f"{s.service.port}" for s in c.new_services]
    lines += [f"  ephemeral ports {_clean(p.device.name)}: {_port_text(p)}"
              for p in c.ephemeral_port_changes]
    lines += [f"  info            {_clean(f.device.name)}: {_clean(f.finding.title)}"
              for f in c.info_changes]
    lines += [f"  not seen        {d.mac} {d.ip} {_clean(d.name)} (answers ARP only: "
              "gone if the next scan misses it too)" for d in c.unconfirmed_gone]
    lines += [f"  back            {d.mac} {d.ip} {_clean(d.name)}" for d in c.returned_devices]
    return lines if len(lines) > 1 else ["Details: none"]


def _port_text(p: PortChange) -> str:
    parts = [f"opened {', '.join(map(str, p.opened))}"] if p.opened else []
    parts += [f"closed {', '.join(map(str, p.closed))}"] if p.closed else []
    return "; ".join(parts)


def describe_preview(p: ImportPreview) -> list[str]:
    """What an import would do, as lines for a terminal (nothing has been changed)."""
    verb = "Would merge into site" if p.needs_merge else "Would create site"
    lines = [f"{verb} {_clean(p.site_name)} (dry run: nothing was changed):",
             f"  devices added    {len(p.devices_added)}",
             *(f"    + {mac}" for mac in p.devices_added[:50]),
             f"  devices updated  {len(p.devices_updated)} (labels, owner, tag, notes "
             "edited later in the file)",
             *(f"    ~ {mac}" for mac in p.devices_updated[:50]),
             f"  scans            {p.scans_added} added, {p.scans_skipped} already here",
             f"  answers          {p.answers_added} added, {p.answers_skipped} already here",
             f"  consent records  {p.consents_added} added",
             f"  findings merged  {p.findings_merged}"]
    if p.needs_merge:
        lines.append("Run the import again with --merge to apply it.")
    return lines


def cmd_export(args: argparse.Namespace) -> int:
    with _open(args) as store:
        path = store.export_site(store.site_by_name(args.site).id, args.file)
    print(f"Exported {_clean(args.site)} to {path} (saved passwords are never exported).")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with _open(args) as store:
        if args.dry_run:
            for line in describe_preview(store.preview_import(args.file)):
                print(line)
            return 0
        s = store.import_site(args.file, merge=args.merge)
    verb = "Created" if s.site_created else "Merged into"
    print(f"{verb} site {_clean(s.site_name)}: {s.devices_added} new devices, "
          f"{s.devices_updated} updated, {s.scans_added} scans added "
          f"({s.scans_skipped} already here), {s.answers_added} answers added "
          f"({s.answers_skipped} already here).")
    return 0
